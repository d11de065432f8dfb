#include "stutter_models/base64.hpp"

namespace stutter::models {

std::string base64_encode(byte_view data) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::size_t n = data.size() - i < 3 ? data.size() - i : 3;
    std::uint32_t group = std::uint32_t{data[i]} << 16;
    if (n > 1) group |= std::uint32_t{data[i + 1]} << 8;
    if (n > 2) group |= std::uint32_t{data[i + 2]};
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(n > 1 ? alphabet[(group >> 6) & 63] : '=');
    out.push_back(n > 2 ? alphabet[group & 63] : '=');
  }
  return out;
}

}  // namespace stutter::models
