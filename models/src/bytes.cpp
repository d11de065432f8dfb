#include "stutter_models/bytes.hpp"

namespace stutter::models {

bytes to_bytes(std::string_view text) { return bytes(text.begin(), text.end()); }

std::string to_string(byte_view data) { return std::string(data.begin(), data.end()); }

}  // namespace stutter::models
