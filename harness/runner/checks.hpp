#pragma once
// The invariant checkers. Each takes what a run did (scenario, observations, taps, the
// network's wire log) and returns the first violation of its invariant, if any. Their
// meaning, by id, is documented in scenarios/README.md ("Invariants").

#include <optional>
#include <string>
#include <vector>

#include "runner/observations.hpp"
#include "runner/stack.hpp"
#include "scenario/scenario.hpp"

namespace stutter::runner {

struct violation {
  std::string invariant;  // e.g. "handover.exact"
  std::string message;
  scenario::endpoint_id endpoint = scenario::endpoint_id::client;
  std::vector<std::uint8_t> expected;   // for byte-level diffs in reports, where it applies
  std::vector<std::uint8_t> delivered;
};

// One endpoint as the checks see it.
struct endpoint_view {
  scenario::endpoint_id id;
  const scenario::endpoint& spec;
  const endpoint_observations& seen;
  const stack& layers;
};

struct run_facts {
  const scenario::scenario& scenario;
  endpoint_view client;
  endpoint_view server;
  bool destructive_fault = false;  // a fault that ends the conversation early fired
  bool hang = false;
  std::string hang_reason;
};

// bytes.exact: what an endpoint's phases put on the wire is exactly the model encoding of
// the records its application sent (a prefix of it when the run was cut short).
std::optional<violation> check_bytes_exact(const run_facts& run, const endpoint_view& sender);
// framing.records: the records delivered equal the model's decoding of the bytes received
// and the records the workload expects.
std::optional<violation> check_framing_records(const run_facts& run, const endpoint_view& receiver);
// handover.exact: at each switch the next phase starts exactly where the model says the
// previous phase's bytes end.
std::optional<violation> check_handover_exact(const run_facts& run, const endpoint_view& receiver);
// handover.no_overread: a strict reader hands over nothing: it never read past a phase.
std::optional<violation> check_handover_no_overread(const run_facts& run, const endpoint_view& receiver);
// buffer.bounded: a phase's input buffer never holds more memory than its capacity setting.
std::optional<violation> check_buffer_bounded(const run_facts& run, const endpoint_view& e);
// status.meaning: every waiting result had a reason beneath it, in the direction it names.
std::optional<violation> check_status_meaning(const run_facts& run, const endpoint_view& e);
// close.orderly: without destructive faults both workloads finish; with them, both ends
// stop with a network error or an orderly end, never a protocol error or a hang.
std::optional<violation> check_close_orderly(const run_facts& run, const endpoint_view& e);

// Whether an error name (error_name()) is one a destructive network fault may cause, as
// opposed to a protocol error.
bool is_network_error(const std::string& name);

// Every check, in the order results report them; the first violation decides the verdict.
std::optional<violation> check_all(const run_facts& run);

// The invariant ids check_all can report for a run of this scenario.
std::vector<std::string> invariants_checked(const scenario::scenario& s);

}  // namespace stutter::runner
