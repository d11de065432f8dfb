#pragma once
// Where fault decisions come from: drawn from a seeded swarm profile, or read from an
// explicit schedule. Either way every decision taken is recorded, so any run can be
// written out as a schedule that replays it exactly.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "sim/fault_vocabulary.hpp"
#include "sim/rng.hpp"

namespace stutter::sim {

class fault_plan {
 public:
  // No faults at all.
  fault_plan() = default;
  // Swarm: each operation draws at most one fault from the enabled kinds, in kind order.
  static fault_plan swarm(const std::map<fault_kind, fault_rate>& rates, std::uint64_t seed);
  // Explicit: exactly the listed decisions.
  static fault_plan schedule(std::vector<fault_entry> entries);

  // The decision for the `op`-th operation of `endpoint` in `dir`, recorded if any.
  std::optional<fault_entry> decide(endpoint_id endpoint, direction dir, std::uint64_t op);

  // Every decision taken so far, in the order taken.
  const std::vector<fault_entry>& taken() const { return taken_; }
  std::array<std::uint64_t, fault_kind_count> counts() const;

 private:
  bool explicit_ = false;
  std::array<fault_rate, fault_kind_count> rates_{};
  std::optional<rng> gen_;
  std::map<std::tuple<endpoint_id, direction, std::uint64_t>, fault_entry> by_op_;
  std::vector<fault_entry> taken_;
};

}  // namespace stutter::sim
