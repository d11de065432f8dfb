#pragma once
// Byte buffers shared by every model.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stutter::models {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;

// A limit argument that imposes no limit.
inline constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

// The bytes of a string, unchanged (no terminator).
bytes to_bytes(std::string_view text);

// The bytes as a string, unchanged (for messages and test output).
std::string to_string(byte_view data);

}  // namespace stutter::models
