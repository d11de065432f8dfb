#pragma once
// Finding and loading scenario files.

#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace stutter::cli {

struct loaded_scenario {
  std::string file;
  scenario::scenario value;
};

// Files named directly, and every *.json below the folders named (schema.json excluded),
// in sorted order. Prints every problem to stderr; `ok` is false if there was any.
std::vector<loaded_scenario> load_corpus(const std::vector<std::string>& paths, bool& ok);

}  // namespace stutter::cli
