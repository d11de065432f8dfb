#pragma once
// The one runner: scenario in, result out. Builds the simulated network and both
// endpoints' stacks, lets the scheduler drive the workloads, then runs the checks.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/checks.hpp"
#include "runner/stack.hpp"
#include "scenario/scenario.hpp"
#include "sim/trace.hpp"

namespace stutter::runner {

struct run_options {
  stack_factory* factory = nullptr;   // nullptr: the real implementation
  std::size_t keep_events = 200'000;  // trace events kept in memory (all are hashed)
  sim::event_sink on_event;           // if set, sees every trace event as it is recorded
};

struct run_result {
  scenario::verdict verdict = scenario::verdict::pass;  // after the scenario's expectation
  scenario::verdict observed = scenario::verdict::pass;  // pass, fail, hang or unimplemented
  std::optional<std::string> invariant;                   // the invariant that broke, if any
  std::string message;
  std::optional<violation> detail;

  std::uint64_t trace_hash = 0;
  std::uint64_t trace_events = 0;
  std::uint64_t steps = 0;
  std::uint64_t operations = 0;
  std::uint64_t bytes = 0;
  std::uint64_t virtual_time = 0;
  std::array<std::uint64_t, sim::fault_kind_count> faults{};
  std::array<std::array<std::uint64_t, sim::fault_kind_count>, 4> faults_by_phase{};

  std::vector<sim::fault_entry> decisions;  // every fault decision taken: the run's schedule
  std::vector<sim::trace_event> events;     // the first keep_events events
  std::array<std::vector<std::uint8_t>, 2> wire;  // bytes each endpoint's socket sent
  std::vector<std::string> invariants;      // ids checked
  // False when a peer draws randomness the seed does not control (GnuTLS): the same scenario
  // may then give another trace, so determinism.trace is not judged for it.
  bool replayable = true;
};

run_result run_scenario(const scenario::scenario& s, const run_options& options = {});

// The scenario with its faults replaced by the explicit schedule this run took: replaying
// it gives the same trace.
scenario::scenario with_recorded_schedule(const scenario::scenario& s, const run_result& r);

// Whether a verdict fails a conformance run (fail, hang, xpass, crash).
bool is_failure(scenario::verdict v);

// Whether an observed failure is the one `expect` describes: its verdict (fail and hang
// stand for each other, as the invariant tells them apart), invariant and message substring.
bool expectation_matches(const scenario::expectation& expect, const run_result& r);

// Sets r.verdict from r.observed and what was expected (xfail, xpass, non_strict, ...).
void apply_expectation(const scenario::expectation& expect, run_result& r);

// Names of the phases recorded in trace events (index = trace_event::phase).
std::string_view phase_name(std::uint8_t phase);

}  // namespace stutter::runner
