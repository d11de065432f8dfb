#pragma once
// The record of a run: every socket operation, fault decision and application step,
// in order, with a stable 64-bit hash. Two runs with the same hash did the same thing.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_vocabulary.hpp"
#include "stutter/io.hpp"

namespace stutter::sim {

struct trace_event {
  std::uint64_t time = 0;
  endpoint_id endpoint = endpoint_id::client;
  std::string_view layer;  // static strings only: "socket", "app", a layer name
  std::string_view op;     // static strings only: "read", "write", "send", ...
  std::uint64_t requested = 0;
  status result = status::ok;
  std::uint64_t moved = 0;
  std::optional<fault_kind> fault;
  std::uint32_t fault_amount = 0;
  std::error_code error{};
  std::uint8_t phase = 0;  // index into the runner's phase names (handshake, data, ...)
};

// Called with each event as it is recorded (e.g. to stream a run's trace out of a process
// that may die before the run ends).
using event_sink = std::function<void(const trace_event&)>;

class trace {
 public:
  // Keeps at most `keep` events in memory (all are hashed); 0 keeps none. A non-empty `sink`
  // sees every event as it is recorded.
  explicit trace(std::size_t keep = 1'000'000, event_sink sink = {}) : keep_(keep), sink_(std::move(sink)) {}

  void record(const trace_event& e);

  std::uint64_t hash() const { return hash_; }
  std::uint64_t count() const { return count_; }
  const std::vector<trace_event>& events() const { return events_; }
  std::vector<trace_event> take_events() { return std::move(events_); }
  bool complete() const { return count_ == events_.size(); }

  // The hash as 16 lowercase hex digits.
  std::string hash_hex() const;

 private:
  std::size_t keep_;
  event_sink sink_;
  std::vector<trace_event> events_;
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  std::uint64_t count_ = 0;
};

std::string to_hex64(std::uint64_t v);

// One event as a JSON object on one line (JSON Lines), without a trailing newline.
std::string to_json_line(const trace_event& e, std::string_view phase_name);

}  // namespace stutter::sim
