#pragma once
// Writes a scenario in its JSON form (scenarios/README.md).
//
// The output is pretty-printed with a stable key order, omits fields that hold their default
// (description, settings, ...), and ends with a newline. For every valid scenario value s (one
// that load accepts back, see the README), parse_scenario(save_scenario(s), any) == s.
// Fields a step kind does not use (a switch step's data, a send step's code) are not written.
// Throws std::invalid_argument for a string field that is not valid UTF-8, which JSON cannot hold,
// and for faults holding both a schedule and a swarm profile (or a schedule without
// explicit_schedule), which would lose one of them.

#include <string>

#include "scenario/scenario.hpp"

namespace stutter::scenario {

std::string save_scenario(const scenario& s);

}  // namespace stutter::scenario
