#pragma once
// Scenarios drawn from a seed: the workload, the settings and the swarm fault profile
// (which fault kinds are on, and how hard) all come from it. Explore runs and the
// property tests use it; the same seed always gives the same scenario.

#include <cstdint>
#include <vector>

#include "scenario/scenario.hpp"

namespace stutter::runner {

struct generate_options {
  bool destructive = false;  // may turn on faults that end the conversation early
  bool faults = true;        // false: a clean network
};

// A request/response conversation over `stack`: the client sends records through every
// phase (switching between them), the server expects them and answers in the last phase,
// then both close in order. Records include empty and one-byte ones and sizes at and
// around the limits.
scenario::scenario generate_scenario(const std::vector<scenario::layer>& stack, std::uint64_t seed,
                                     const generate_options& options = {});

}  // namespace stutter::runner
