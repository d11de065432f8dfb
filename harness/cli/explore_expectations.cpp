#include "explore_expectations.hpp"

#include "runner/runner.hpp"

namespace stutter::cli {

bool tolerate_known_failure(const scenario::expectations_file& f, work_item& item, work_outcome& outcome) {
  auto& r = outcome.result;
  if (r.verdict != scenario::verdict::fail && r.verdict != scenario::verdict::hang &&
      r.verdict != scenario::verdict::crash) {
    return false;
  }
  for (const auto& entry : f.entries) {
    const auto expected = entry.expect.expected;
    if (expected != scenario::verdict::fail && expected != scenario::verdict::hang &&
        expected != scenario::verdict::crash) {
      continue;
    }
    // Unlike `run`, where the first covering entry is the run's expectation, any entry that
    // describes this failure tolerates it: one implementation has several known failures.
    if (!scenario::entry_matches(entry, item.scenario) || !runner::expectation_matches(entry.expect, r)) continue;
    r.verdict = scenario::verdict::xfail;
    item.expectation_reason = entry.reason;
    return true;
  }
  return false;
}

}  // namespace stutter::cli
