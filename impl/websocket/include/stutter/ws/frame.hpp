#pragma once
// RFC 6455 section 5.2 frame headers and masking, as plain functions over bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "stutter/io.hpp"
#include "stutter/ws/types.hpp"

namespace stutter::ws {

using mask_key = std::array<byte, 4>;

struct frame_header {
  bool fin = true;
  std::uint8_t rsv = 0;     // RSV1 RSV2 RSV3 as bits 2 1 0
  std::uint8_t opcode = 0;  // the raw 4-bit opcode (may be reserved)
  bool masked = false;
  mask_key key{};
  std::uint64_t length = 0;
};

constexpr std::size_t max_header_size = 14;
constexpr std::size_t max_control_payload = 125;

constexpr bool is_control(std::uint8_t op) { return (op & 0x8) != 0; }
constexpr bool is_known_opcode(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

// Writes h's wire form (minimal length encoding) into out; returns its size (2..14).
std::size_t encode_header(const frame_header& h, byte* out);

// The whole header's size, known from its first two bytes.
std::size_t header_size(byte b0, byte b1);

// Parses a header of header_size(b[0], b[1]) bytes. Reports only what the bytes themselves
// make invalid: a non-minimal length or a 64-bit length with the top bit set. Opcode,
// RSV, mask and control-frame rules depend on the reader's role and state.
std::error_code decode_header(const_bytes b, frame_header& h);

// dst[i] = src[i] ^ key[(phase + i) % 4]; dst may equal src. Returns the phase after n bytes.
std::size_t apply_mask(const byte* src, byte* dst, std::size_t n, const mask_key& key, std::size_t phase);

}  // namespace stutter::ws
