#pragma once
// --implementation NAME[@client|@server|@both]: an implementation from the registry (or
// plugin:PATH) and, optionally, the end it is placed at.

#include <optional>
#include <string>
#include <vector>

#include "runner/implementations.hpp"
#include "scenario/scenario.hpp"

namespace stutter::cli {

struct implementation_choice {
  const runner::implementation* impl = nullptr;
  std::optional<scenario::placement> at;  // none: each single end it implements

  // The ends a scenario runs at under this choice.
  std::vector<scenario::placement> ends() const;
};

// nullopt, with `error` set (it names the implementation or the file), when unusable.
std::optional<implementation_choice> parse_implementation(const std::string& spec, std::string& error);

// `s` with the implementation under test replaced: placed at `at`, identified, and expected
// to pass: the scenario's own expectation is about the implementation it was written for. It
// stays when that is the implementation under test, when it is "informational" (the outcome
// is not judged), and when it is the reference's failure at an end (expect.at) that the
// reference still plays.
void place(scenario::scenario& s, const runner::implementation& impl, scenario::placement at);

// Explore's placement of a generated scenario of `seed`: the reference's own runs stay as
// they are (both ends ours), a built-in plays its own ends, and otherwise, without a chosen
// end, the seed picks one of the ends the implementation plays.
void place_explored(scenario::scenario& s, const implementation_choice& choice, std::uint64_t seed);

// Why another implementation cannot play a scenario written for a peer whose behaviour its
// workload follows (scenarios_follow_it), or "" when it can.
std::string written_for_another(const scenario::scenario& original, const runner::implementation& impl);

}  // namespace stutter::cli
