#pragma once
// Helpers for the websocket tests: a deterministic entropy source, a driver for two
// endpoints, and a hand-written frame builder/parser (independent of src/frame.cpp, so
// the tests do not judge the codec with itself).

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "stutter/io.hpp"
#include "stutter/memory_stream.hpp"

namespace stutter {
// Lets BOOST_TEST print statuses.
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace stutter

namespace stutter::ws::test {

inline std::vector<byte> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
inline std::string text_of(const std::vector<byte>& b) { return {b.begin(), b.end()}; }

// splitmix64: a seeded, portable sequence.
struct counter_entropy {
  std::uint64_t state;
  explicit counter_entropy(std::uint64_t seed = 1) : state(seed) {}
  std::uint64_t operator()() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// Calls op until it stops returning a waiting result.
template <typename Op>
io_result until_done(Op op, int limit = 1000000) {
  io_result r;
  for (int i = 0; i < limit; ++i) {
    r = op();
    if (!r.waiting()) return r;
  }
  return r;
}

// Steps two operations in turn until neither waits; returns false on a step bound.
template <typename A, typename B>
bool drive_both(A a, B b, io_result& ra, io_result& rb, int limit = 1000000) {
  bool a_done = false, b_done = false;
  for (int i = 0; i < limit && !(a_done && b_done); ++i) {
    if (!a_done) {
      ra = a();
      a_done = !ra.waiting();
    }
    if (!b_done) {
      rb = b();
      b_done = !rb.waiting();
    }
  }
  return a_done && b_done;
}

// Everything written to `ep`'s peer so far, removed from the pipe.
inline std::vector<byte> drain(memory_pipe& pipe) {
  std::vector<byte> out(pipe.bytes.begin(), pipe.bytes.end());
  pipe.bytes.clear();
  return out;
}

inline void push(memory_pipe& pipe, const std::vector<byte>& bytes) {
  pipe.bytes.insert(pipe.bytes.end(), bytes.begin(), bytes.end());
}

// A frame as the tests write it by hand.
struct raw_frame {
  byte b0 = 0x82;                       // FIN | RSV | opcode
  std::vector<byte> payload{};
  bool mask = false;
  std::array<byte, 4> key{0x37, 0xfa, 0x21, 0x3d};
  int form = 0;                         // 0: minimal; 7, 16, 64: force that length encoding
  std::optional<std::uint64_t> length{};  // the declared length (default: payload size)
};

inline std::vector<byte> build(const raw_frame& f) {
  std::vector<byte> out{f.b0};
  const std::uint64_t len = f.length.value_or(f.payload.size());
  int form = f.form != 0 ? f.form : len < 126 ? 7 : len < 65536 ? 16 : 64;
  const byte m = f.mask ? 0x80 : 0;
  if (form == 7) {
    out.push_back(static_cast<byte>(m | len));
  } else if (form == 16) {
    out.push_back(m | 126);
    out.push_back(static_cast<byte>(len >> 8));
    out.push_back(static_cast<byte>(len));
  } else {
    out.push_back(m | 127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<byte>(len >> (8 * i)));
  }
  if (f.mask) out.insert(out.end(), f.key.begin(), f.key.end());
  for (std::size_t i = 0; i < f.payload.size(); ++i) {
    out.push_back(f.mask ? static_cast<byte>(f.payload[i] ^ f.key[i % 4]) : f.payload[i]);
  }
  return out;
}

struct parsed_frame {
  bool fin = false;
  byte rsv = 0;
  byte op = 0;
  bool masked = false;
  std::array<byte, 4> key{};
  std::size_t header_size = 0;
  std::vector<byte> payload;  // unmasked
};

// Parses complete frames; stops at an incomplete tail.
inline std::vector<parsed_frame> parse(const std::vector<byte>& wire) {
  std::vector<parsed_frame> out;
  std::size_t p = 0;
  while (wire.size() - p >= 2) {
    parsed_frame f;
    f.fin = wire[p] & 0x80;
    f.rsv = (wire[p] >> 4) & 7;
    f.op = wire[p] & 0x0f;
    f.masked = wire[p + 1] & 0x80;
    std::uint64_t len = wire[p + 1] & 0x7f;
    std::size_t h = 2;
    if (len == 126 || len == 127) {
      std::size_t ext = len == 126 ? 2 : 8;
      if (wire.size() - p < h + ext) break;
      len = 0;
      for (std::size_t i = 0; i < ext; ++i) len = (len << 8) | wire[p + h + i];
      h += ext;
    }
    if (f.masked) {
      if (wire.size() - p < h + 4) break;
      for (std::size_t i = 0; i < 4; ++i) f.key[i] = wire[p + h + i];
      h += 4;
    }
    if (wire.size() - p - h < len) break;
    for (std::size_t i = 0; i < len; ++i) {
      byte c = wire[p + h + i];
      f.payload.push_back(f.masked ? static_cast<byte>(c ^ f.key[i % 4]) : c);
    }
    f.header_size = h;
    p += h + static_cast<std::size_t>(len);
    out.push_back(std::move(f));
  }
  return out;
}

inline std::uint16_t close_code_in(const parsed_frame& f) {
  return f.payload.size() >= 2 ? static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]) : 1005;
}

}  // namespace stutter::ws::test
