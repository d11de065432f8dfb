#pragma once
// Exhaustive small-scope search: every fault schedule of at most `depth` decisions over one
// scenario's socket operations, instead of the schedules a swarm happens to draw.
//
// The search starts from the scenario without faults and adds decisions in the order the
// operations happen: a child schedule puts one more decision on an operation that comes
// after its parent's last one, taken from the parent's own run (so the operation is the
// same in both runs up to that point). At each operation every fault kind that can change
// it is tried: would_block, one_byte, a hold or extra latency of one tick, reset and fail_at;
// partial reads and short writes of every amount below what the operation moved (and capacity
// drops and data limits of those amounts); half_close after a write.
//
// Pruning: two schedules whose runs did exactly the same things (their traces equal apart
// from the fault marks), whose last decisions sit at the same operation and which set the
// same lasting network state (capacity, data limits) have the same extensions, so only the
// first is extended. The guarantee printed is over every schedule in the scope either run
// or covered by such a twin.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "runner/runner.hpp"

namespace stutter::runner {

struct exhaustive_options {
  std::size_t depth = 1;
  // Largest partial amount tried; 0: every amount below what the operation moved.
  std::uint32_t max_amount = 0;
  std::vector<sim::fault_kind> kinds;  // empty: every kind
  std::uint64_t max_runs = 1'000'000;  // a search cut short says it is not complete
  bool stop_at_first_failure = true;
};

struct exhaustive_progress {
  std::size_t depth = 0;  // the level being run
  std::uint64_t runs = 0;
  std::uint64_t queued = 0;  // schedules waiting at the next level
  std::uint64_t pruned = 0;
  std::uint64_t failures = 0;
};

struct exhaustive_failure {
  scenario::scenario scenario;  // with its explicit schedule
  run_result result;
};

struct exhaustive_result {
  std::uint64_t runs = 0;    // schedules run, the one without faults included
  std::uint64_t pruned = 0;  // schedules not extended: a twin was
  std::vector<std::uint64_t> runs_per_depth;  // [k]: schedules with k decisions run
  std::vector<exhaustive_failure> failures;
  bool complete = true;      // false when max_runs or the first failure ended the search
};

// `s` with its faults replaced by the search's schedules. `progress` (optional) is called
// every few hundred runs.
exhaustive_result explore_exhaustively(const scenario::scenario& s, const exhaustive_options& options,
                                       const std::function<void(const exhaustive_progress&)>& progress = {});

}  // namespace stutter::runner
