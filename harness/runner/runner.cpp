#include "runner/runner.hpp"

#include <stdexcept>

#include "runner/driver.hpp"
#include "runner/implementations.hpp"
#include "runner/tls_layer.hpp"
#include "scenario/names.hpp"
#include "sim/network.hpp"
#include "sim/scheduler.hpp"

namespace stutter::runner {

using scenario::verdict;

namespace {

std::string describe(const scenario::expectation& e) {
  std::string out(scenario::to_string(e.expected));
  if (e.invariant) out += " " + *e.invariant;
  if (e.message) out += " with \"" + *e.message + "\"";
  return out;
}

sim::fault_plan plan_for(const scenario::scenario& s) {
  if (s.fault.explicit_schedule) return sim::fault_plan::schedule(s.fault.schedule);
  return sim::fault_plan::swarm(s.fault.swarm, s.seed);
}

}  // namespace

bool expectation_matches(const scenario::expectation& expect, const run_result& r) {
  const auto correctness = [](verdict v) { return v == verdict::fail || v == verdict::hang; };
  if (expect.expected != r.observed && !(correctness(expect.expected) && correctness(r.observed))) return false;
  if (expect.invariant && expect.invariant != r.invariant) return false;
  if (expect.message && r.message.find(*expect.message) == std::string::npos) return false;
  if (expect.at && (!r.detail || r.detail->endpoint != *expect.at)) return false;
  return true;
}

// Maps what happened onto what the scenario says should happen.
void apply_expectation(const scenario::expectation& expect, run_result& r) {
  const bool broke = r.observed == verdict::fail || r.observed == verdict::hang || r.observed == verdict::crash;
  switch (expect.expected) {
    case verdict::fail:
    case verdict::hang:
    case verdict::crash:
      if (r.observed == verdict::pass) {
        r.verdict = verdict::xpass;
        r.message = "expected to break " + expect.invariant.value_or("an invariant") + ", but passed";
      } else if (broke && expectation_matches(expect, r)) {
        r.verdict = verdict::xfail;
      } else if (broke) {
        r.verdict = r.observed;
        r.message = "expected " + describe(expect) + ", got " + std::string(scenario::to_string(r.observed)) + " " +
                    r.invariant.value_or("") + ": " + r.message;
      } else {
        r.verdict = r.observed;
      }
      return;
    case verdict::non_strict:
    case verdict::informational:
    case verdict::unimplemented:
      r.verdict = r.observed == verdict::pass ? expect.expected : r.observed;
      return;
    default: r.verdict = r.observed; return;
  }
}

bool is_failure(verdict v) {
  return v == verdict::fail || v == verdict::hang || v == verdict::xpass || v == verdict::crash;
}

std::string_view phase_name(std::uint8_t phase) { return to_string(static_cast<protocol_phase>(phase > 3 ? 1 : phase)); }

run_result run_scenario(const scenario::scenario& s, const run_options& options) {
  run_result result;
  result.invariants = invariants_checked(s);
  std::unique_ptr<stack_factory> named;
  if (!options.factory) {
    named = factory_for(s.peer, s.peer_role);
    if (!named) {
      result.observed = verdict::unimplemented;
      result.message = "no implementation named " + s.peer;
      apply_expectation(s.expect, result);
      return result;
    }
  }
  stack_factory& factory = options.factory ? *options.factory : *named;

  sim::trace log(options.keep_events, options.on_event);
  sim::network net({s.net.capacity, s.net.latency}, plan_for(s), log);
  using scenario::endpoint_id;
  factory.set_clock([&net] { return net.now(); });

  std::unique_ptr<stack> client_stack;
  std::unique_ptr<stack> server_stack;
  try {
    client_stack = std::make_unique<stack>(endpoint_id::client, s.client, net.socket(endpoint_id::client), factory, s.seed);
    server_stack = std::make_unique<stack>(endpoint_id::server, s.server, net.socket(endpoint_id::server), factory, s.seed);
  } catch (const std::invalid_argument& e) {
    result.observed = verdict::unimplemented;
    result.message = e.what();
    apply_expectation(s.expect, result);
    return result;
  }

  endpoint_observations client_seen;
  endpoint_observations server_seen;
  endpoint_driver client(endpoint_id::client, s.client, *client_stack, net, client_seen);
  endpoint_driver server(endpoint_id::server, s.server, *server_stack, net, server_seen);
  sim::scheduler sched(net, s.seed, s.max_steps);
  const sim::schedule_outcome outcome = sched.run(client, server);

  bool destructive = false;
  for (int k = 0; k < sim::fault_kind_count; ++k) {
    if (net.stats().faults[static_cast<std::size_t>(k)] != 0 && sim::is_destructive(static_cast<sim::fault_kind>(k))) {
      destructive = true;
    }
  }
  run_facts facts{s,
                  {endpoint_id::client, s.client, client_seen, *client_stack},
                  {endpoint_id::server, s.server, server_seen, *server_stack},
                  destructive,
                  outcome.hang,
                  outcome.why};
  if (auto v = check_all(facts)) {
    result.observed = v->invariant == "liveness.progress" ? verdict::hang : verdict::fail;
    result.invariant = v->invariant;
    result.message = v->message;
    result.detail = std::move(v);
  }
  apply_expectation(s.expect, result);

  result.trace_hash = log.hash();
  result.trace_events = log.count();
  result.steps = outcome.steps;
  result.operations = net.stats().operations;
  result.bytes = net.stats().bytes;
  result.virtual_time = net.now();
  result.faults = net.stats().faults;
  result.faults_by_phase = net.stats().faults_by_phase;
  result.decisions = net.plan().taken();
  result.events = log.take_events();
  result.wire = {net.take_sent_by(endpoint_id::client), net.take_sent_by(endpoint_id::server)};
  if (const implementation* used = find_implementation(s.peer); used != nullptr && !used->replayable) {
    result.replayable = false;
  }
  for (const stack* st : {client_stack.get(), server_stack.get()}) {
    if (const tls_layer_view* v = tls_view_of(*st); v != nullptr && !v->report().deterministic) result.replayable = false;
  }
  return result;
}

scenario::scenario with_recorded_schedule(const scenario::scenario& s, const run_result& r) {
  scenario::scenario out = s;
  out.fault = {};
  out.fault.explicit_schedule = true;
  out.fault.schedule = r.decisions;
  return out;
}

}  // namespace stutter::runner
