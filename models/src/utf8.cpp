#include "stutter_models/utf8.hpp"

namespace stutter::models {

bool is_valid_utf8(byte_view data) {
  std::size_t i = 0;
  while (i < data.size()) {
    const std::uint8_t lead = data[i];
    std::size_t length;
    std::uint32_t code_point;
    std::uint32_t smallest;  // below this, the sequence is an overlong encoding
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2, code_point = lead & 0x1f, smallest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3, code_point = lead & 0x0f, smallest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4, code_point = lead & 0x07, smallest = 0x10000;
    } else {
      return false;  // a continuation byte, or 0xf8..0xff
    }
    if (data.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const std::uint8_t b = data[i + k];
      if ((b & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (b & 0x3f);
    }
    if (code_point < smallest) return false;
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;
    if (code_point > 0x10ffff) return false;
    i += length;
  }
  return true;
}

}  // namespace stutter::models
