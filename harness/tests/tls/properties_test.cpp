// Generated conversations over the TLS stacks (tls; tls+length; tls+line+length;
// tls+http-upgrade+websocket), with
// renegotiations / key updates requested by either side at random points of the workload,
// under generated fault profiles: every invariant the runner checks must hold, and every run
// must replay exactly.
#include <boost/test/unit_test.hpp>
#include <rapidcheck.h>

#include <algorithm>

#include "runner/generate_tls.hpp"
#include "runner/runner.hpp"
#include "runner/tls_layer.hpp"
#include "tests/support/describe_run.hpp"
#include "tls_support.hpp"

using namespace stutter;
using scenario::layer;
using testing::describe_run;

namespace {

bool has_delayed_request(const scenario::scenario& s) {
  for (const auto* w : {&s.client.workload, &s.server.workload}) {
    for (const auto& st : *w) {
      if (st.delay != 0) return true;
    }
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_properties)

// bytes.exact and framing.records (on plaintext, through the tap), reneg.complete,
// status.meaning (the phases' and the TLS layer's), close.orderly and liveness.progress: the
// runner checks each on every run.
TLS_RC_PROP(every_invariant_holds_under_gentle_faults, 40, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(tls_tests::tls_stacks());
  auto s = runner::generate_scenario(stack, seed);
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(runner::has_tls_requests(s), "renegotiation or key update");
  RC_CLASSIFY(s.client.config.tls_version == "1.2", "TLS 1.2");
  RC_CLASSIFY(!r.decisions.empty(), "faults fired");
  RC_CLASSIFY(has_delayed_request(s), "a request held back into later steps");
  if (r.verdict != scenario::verdict::pass) RC_FAIL(describe_run(s, r));
}

// The same with pipes that hold a handshake flight (capacity >= 16 KiB, no capacity fault),
// where most runs get past the handshake without a wait and renegotiations meet records
// in flight rather than full pipes.
TLS_RC_PROP(every_invariant_holds_with_pipes_that_hold_a_flight, 40, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(tls_tests::tls_stacks());
  auto s = runner::generate_scenario(stack, seed);
  s.net.capacity = std::max<std::uint32_t>(s.net.capacity, 16384);
  s.fault.swarm.erase(sim::fault_kind::capacity);
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(runner::has_tls_requests(s), "renegotiation or key update");
  RC_CLASSIFY(s.client.config.tls_version == "1.2", "TLS 1.2");
  if (r.verdict != scenario::verdict::pass) RC_FAIL(describe_run(s, r));
}

// A destructive fault (half_close, reset, limit_data, fail_at) ends the conversation with a
// network error or TLS's truncated on both ends: never a TLS protocol error, a corrupted
// record or a hang.
TLS_RC_PROP(destructive_faults_end_in_network_errors_never_hangs_or_corruption, 40, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(tls_tests::tls_stacks());
  auto s = runner::generate_scenario(stack, seed, {.destructive = true});
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(runner::has_tls_requests(s), "renegotiation or key update");
  if (r.verdict != scenario::verdict::pass) RC_FAIL(describe_run(s, r));
}

// determinism.trace: TLS draws its randomness from the run's seed only, so the same scenario
// twice gives the same trace hash (the trace holds every socket operation's size), and the
// recorded decisions, replayed as an explicit schedule, give it again.
TLS_RC_PROP(same_seed_same_trace_and_recorded_schedule_replays_it, 25, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(tls_tests::tls_stacks());
  auto s = runner::generate_scenario(stack, seed, {.destructive = *rc::gen::arbitrary<bool>()});
  auto first = runner::run_scenario(s);
  auto second = runner::run_scenario(s);
  RC_ASSERT(first.trace_hash == second.trace_hash);
  RC_ASSERT(first.wire == second.wire);
  auto replay = runner::run_scenario(runner::with_recorded_schedule(s, first));
  RC_ASSERT(replay.trace_hash == first.trace_hash);
  RC_ASSERT(replay.verdict == first.verdict);
  RC_ASSERT(replay.wire == first.wire);
}

BOOST_AUTO_TEST_SUITE_END()
