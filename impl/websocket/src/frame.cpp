#include "stutter/ws/frame.hpp"

#include <cstring>

#include "stutter/ws/errors.hpp"

namespace stutter::ws {

std::size_t encode_header(const frame_header& h, byte* out) {
  out[0] = static_cast<byte>((h.fin ? 0x80 : 0) | ((h.rsv & 0x7) << 4) | (h.opcode & 0xF));
  const byte mask_bit = h.masked ? 0x80 : 0;
  std::size_t n;
  if (h.length <= 125) {
    out[1] = static_cast<byte>(mask_bit | h.length);
    n = 2;
  } else if (h.length <= 0xFFFF) {
    out[1] = mask_bit | 126;
    out[2] = static_cast<byte>(h.length >> 8);
    out[3] = static_cast<byte>(h.length);
    n = 4;
  } else {
    out[1] = mask_bit | 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<byte>(h.length >> (8 * (7 - i)));
    n = 10;
  }
  if (h.masked) {
    std::memcpy(out + n, h.key.data(), 4);
    n += 4;
  }
  return n;
}

std::size_t header_size(byte b0, byte b1) {
  (void)b0;
  const byte len7 = b1 & 0x7F;
  std::size_t n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
  return n + ((b1 & 0x80) ? 4 : 0);
}

std::error_code decode_header(const_bytes b, frame_header& h) {
  h.fin = (b[0] & 0x80) != 0;
  h.rsv = static_cast<std::uint8_t>((b[0] >> 4) & 0x7);
  h.opcode = b[0] & 0xF;
  h.masked = (b[1] & 0x80) != 0;
  const byte len7 = b[1] & 0x7F;
  std::size_t pos = 2;
  if (len7 == 126) {
    h.length = (std::uint64_t{b[2]} << 8) | b[3];
    pos = 4;
    if (h.length <= 125) return ws_errc::non_minimal_length;
  } else if (len7 == 127) {
    h.length = 0;
    for (int i = 0; i < 8; ++i) h.length = (h.length << 8) | b[2 + i];
    pos = 10;
    if (h.length >> 63) return ws_errc::length_top_bit;
    if (h.length <= 0xFFFF) return ws_errc::non_minimal_length;
  } else {
    h.length = len7;
  }
  if (h.masked) std::memcpy(h.key.data(), b.data() + pos, 4);
  return {};
}

// Built for AVX2 as well where the CPU has it: unmasking 64 KiB is a memory-bound
// loop and must keep pace with memcpy, which glibc already dispatches the same way.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
std::size_t apply_mask(const byte* src, byte* dst, std::size_t n, const mask_key& key, std::size_t phase) {
  phase &= 3;
  byte pattern[8];
  for (std::size_t i = 0; i < 8; ++i) pattern[i] = key[(phase + i) & 3];
  std::uint64_t word;
  std::memcpy(&word, pattern, 8);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, src + i, 8);
    v ^= word;
    std::memcpy(dst + i, &v, 8);
  }
  for (; i < n; ++i) dst[i] = src[i] ^ pattern[i & 7];
  return (phase + n) & 3;
}

}  // namespace stutter::ws
