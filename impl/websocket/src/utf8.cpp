#include "stutter/ws/utf8.hpp"

#include <cstring>

namespace stutter::ws {

bool utf8_validator::step(byte c) {
  if (need_ == 0) {
    if (c < 0x80) return true;
    if (c >= 0xC2 && c <= 0xDF) {
      need_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need_ = 2;
      if (c == 0xE0) lo_ = 0xA0;  // overlong
      if (c == 0xED) hi_ = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      need_ = 3;
      if (c == 0xF0) lo_ = 0x90;  // overlong
      if (c == 0xF4) hi_ = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    return true;
  }
  if (c < lo_ || c > hi_) return false;
  lo_ = 0x80;
  hi_ = 0xBF;
  --need_;
  return true;
}

bool utf8_validator::feed(const_bytes bytes) {
  if (!ok_) return false;
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    // ASCII fast path, eight bytes at a time, only on a character boundary.
    if (need_ == 0) {
      while (i + 8 <= n) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word & 0x8080808080808080ull) break;
        i += 8;
      }
      if (i == n) break;
    }
    if (!step(bytes[i])) {
      ok_ = false;
      return false;
    }
    ++i;
  }
  return true;
}

}  // namespace stutter::ws
