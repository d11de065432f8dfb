#pragma once
// SHA-1 (FIPS 180-4), for the WebSocket opening handshake only. Not for security.

#include <array>
#include <cstdint>

#include "stutter_models/bytes.hpp"

namespace stutter::models {

using sha1_digest = std::array<std::uint8_t, 20>;

sha1_digest sha1(byte_view data);

}  // namespace stutter::models
