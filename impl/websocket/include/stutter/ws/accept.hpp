#pragma once
// Sec-WebSocket-Key / Sec-WebSocket-Accept (RFC 6455 section 4.2.2, item 5.4).

#include <array>
#include <string>
#include <string_view>

#include "stutter/io.hpp"

namespace stutter::ws {

std::string base64_encode(const_bytes data);

// A client key: the base64 encoding of 16 bytes.
std::string make_key(const std::array<byte, 16>& nonce);

// True when `key` is the base64 encoding of exactly 16 bytes (24 characters, "==" padding).
bool is_valid_key(std::string_view key);

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string accept_for(std::string_view key);

}  // namespace stutter::ws
