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
// to pass (the scenario's own expectation is about the implementation it was written for;
// "informational" stays: it says the outcome is not judged).
void place(scenario::scenario& s, const runner::implementation& impl, scenario::placement at);

}  // namespace stutter::cli
