#pragma once
// Vocabulary shared by the handshake and the framing.

#include <cstdint>
#include <functional>

namespace stutter::ws {

// Randomness (Sec-WebSocket-Key, mask keys) comes only from the caller, so a seeded
// harness run is deterministic. Each call returns 64 fresh bits.
using entropy_source = std::function<std::uint64_t()>;

enum class role : std::uint8_t { client, server };

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// The type of a data message (its first frame's opcode).
enum class message_type : std::uint8_t { text = 0x1, binary = 0x2 };

}  // namespace stutter::ws
