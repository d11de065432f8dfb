#pragma once
// `--expectations FILE`: an expectations file overrides the expectation of the runs it covers.

#include <string>
#include <vector>

#include "scenario/expectations.hpp"
#include "work.hpp"

namespace stutter::cli {

// Sets each item's scenario.expect and expectation_reason from the first entry that covers it;
// items no entry covers keep their scenario's own expectation. Returns one error line per entry
// that ends up setting no item, "FILE: /expectations/N: matches no run (...)": call it on every
// planned run, before sharding, so that the answer does not depend on the shard.
std::vector<std::string> apply_expectations(const scenario::expectations_file& f, std::vector<work_item>& items);

}  // namespace stutter::cli
