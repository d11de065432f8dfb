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

// "" when `name` is a registered implementation or a loadable plugin:PATH; else what is wrong.
std::string check_implementation(const std::string& name);

// Files named directly, and every *.json below the folders named (the *schema.json files excluded),
// in sorted order. Prints every problem to stderr; `ok` is false if there was any.
std::vector<loaded_scenario> load_corpus(const std::vector<std::string>& paths, bool& ok);

}  // namespace stutter::cli
