#pragma once
// What the simulated network can do wrong, and how one decision is written down.

#include <array>
#include <cstdint>
#include <string_view>

namespace stutter::sim {

enum class fault_kind : std::uint8_t {
  eagain_read,   // a read returns would_block although data is there
  eagain_write,  // a write returns would_block although there is room
  partial_read,  // a read delivers at most `amount` (>= 1) of what is available
  short_write,   // a write takes at most `amount` (>= 1) of what is offered
  capacity,      // the pipe's capacity drops to `amount` bytes from now on (backpressure)
  latency,       // this write's bytes arrive `amount` ticks later than the network's latency
  hold,          // this direction stalls for `amount` ticks
  half_close,    // the network closes this write direction after this operation
  reset,         // the connection is reset: both ends see connection_reset
  limit_data,    // the direction carries `amount` more bytes, then fails with data_limit
  fail_at,       // this operation fails with injected_failure (as in Beast's fail loop)
  one_byte,      // this operation would_blocks, and the next one in this direction moves <= 1 byte
};
inline constexpr int fault_kind_count = 12;

inline constexpr std::array<std::string_view, fault_kind_count> fault_kind_names{
    "eagain_read", "eagain_write", "partial_read", "short_write", "capacity", "latency",
    "hold",        "half_close",   "reset",        "limit_data",  "fail_at",  "one_byte"};

inline std::string_view name_of(fault_kind k) { return fault_kind_names[static_cast<std::size_t>(k)]; }

enum class endpoint_id : std::uint8_t { client, server };
enum class direction : std::uint8_t { read, write };

inline endpoint_id peer_of(endpoint_id e) {
  return e == endpoint_id::client ? endpoint_id::server : endpoint_id::client;
}

// One fault decision: the `op`-th socket operation of `endpoint` in `dir` (counted from 0)
// gets `kind` with `amount`. A run's recorded decisions, written out as a schedule, replay it.
struct fault_entry {
  endpoint_id endpoint = endpoint_id::client;
  direction dir = direction::read;
  std::uint64_t op = 0;
  fault_kind kind = fault_kind::eagain_read;
  std::uint32_t amount = 0;

  friend bool operator==(const fault_entry&, const fault_entry&) = default;
};

// Swarm rate of one kind: how often it fires (per mille of eligible operations) and
// the largest amount it draws (amounts are drawn from 1..max_amount).
struct fault_rate {
  std::uint32_t per_mille = 0;
  std::uint32_t max_amount = 1;
  friend bool operator==(const fault_rate&, const fault_rate&) = default;
};

// Whether a kind can apply to an operation in `dir`.
inline bool applies_to(fault_kind kind, direction dir) {
  switch (kind) {
    case fault_kind::eagain_read:
    case fault_kind::partial_read: return dir == direction::read;
    case fault_kind::eagain_write:
    case fault_kind::short_write:
    case fault_kind::capacity:
    case fault_kind::latency:
    case fault_kind::half_close:
    case fault_kind::limit_data: return dir == direction::write;
    case fault_kind::hold:
    case fault_kind::reset:
    case fault_kind::fail_at:
    case fault_kind::one_byte: return true;
  }
  return false;
}

// Kinds that end the conversation early: a run with them cannot deliver everything.
inline bool is_destructive(fault_kind kind) {
  return kind == fault_kind::half_close || kind == fault_kind::reset || kind == fault_kind::limit_data ||
         kind == fault_kind::fail_at;
}

}  // namespace stutter::sim
