#pragma once
// Shared by the broken-variant tests: explore seeds until a mutant fails, and insist that
// the real implementation passes the very same scenario (so the failure is the mutant's).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runner/runner.hpp"

namespace stutter::testing {

struct found_failure {
  std::uint64_t seed = 0;
  std::string invariant;
  std::string message;
};

// The first seed in 1..tries whose scenario (from `make`, nullopt to skip a seed) fails
// with `broken`.
inline std::optional<found_failure> find_failure(
    runner::stack_factory& broken, int tries,
    const std::function<std::optional<scenario::scenario>(std::uint64_t seed)>& make) {
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(tries); ++seed) {
    auto s = make(seed);
    if (!s) continue;
    auto r = runner::run_scenario(*s, {.factory = &broken});
    if (r.verdict == scenario::verdict::pass) continue;
    auto real = runner::run_scenario(*s);
    BOOST_TEST_REQUIRE((real.verdict == scenario::verdict::pass), "seed " << seed << ": " << real.message);
    return found_failure{seed, r.invariant.value_or(""), r.message};
  }
  return std::nullopt;
}

}  // namespace stutter::testing
