#pragma once
// Base64 with the standard alphabet and '=' padding (RFC 4648, section 4).

#include <string>

#include "stutter_models/bytes.hpp"

namespace stutter::models {

std::string base64_encode(byte_view data);

}  // namespace stutter::models
