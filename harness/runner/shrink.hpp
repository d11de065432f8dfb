#pragma once
// Shrinking: turns a failing scenario into a small one that still fails the same way.
//
// The scenario is first pinned to the explicit fault schedule its failing run took; then
// schedule entries (delta debugging: large chunks first, then single entries), matched
// pairs of workload steps (a send and its expect, a close and its expect_eof) and payload
// sizes are removed greedily as long as the run still fails the same way: the same verdict
// and invariant, and the same message up to its numbers (a hang: the same endpoints waiting
// the same way; a failure: the same endpoint, operation and error). When the failing
// implementation is not the reference and the reference passes the scenario, every kept
// candidate must still pass with the reference in its place, so the result shows that
// implementation's bug and not a conversation no stack can hold. Every candidate is a real
// run, so the result replays exactly.

#include <cstddef>
#include <string>

#include "runner/runner.hpp"

namespace stutter::runner {

struct shrink_result {
  scenario::scenario minimal;
  run_result result;      // the minimal scenario's run
  std::size_t runs = 0;   // candidate runs tried
  std::size_t schedule_before = 0;
  std::size_t steps_before = 0;
};

// `failing` must fail (verdict fail or hang) with `invariant` under `options`.
// `keep_reference_passing` false drops the reference check (for the test that shows it matters).
shrink_result shrink(const scenario::scenario& failing, const std::string& invariant, const run_options& options = {},
                     std::size_t max_runs = 5000, bool keep_reference_passing = true);

}  // namespace stutter::runner
