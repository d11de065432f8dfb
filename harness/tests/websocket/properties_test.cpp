// Generated WebSocket conversations (runner/generate.cpp: messages at and around the length
// encodings, text and binary, pings, fragmentation, a pipelining client, a close with a code)
// over ["http-upgrade", "websocket"], under generated fault profiles, keep every invariant:
// bytes.exact, framing.records, handover.exact, handover.no_overread, status.meaning,
// close.orderly, liveness.progress and ws.rfc6455.* are checked by the runner on every run.
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <set>

#include "runner/generate.hpp"
#include "runner/runner.hpp"
#include "scenario/names.hpp"
#include "tests/support/describe_run.hpp"

using namespace stutter;
using scenario::layer;

namespace {

const std::vector<layer> ws_stack{layer::http_upgrade, layer::websocket};

bool pipelined(const scenario::scenario& s) { return s.client.stack.front() == layer::line; }

// A finding about wslay, kept as an expected failure in the corpus
// (scenarios/websocket/2-pings/ws-2.11-wslay-client-ping-then-close.json): when a close
// arrives with a ping, wslay answers the close and drops the pong. Only that, at wslay's end.
bool wslay_drops_pong_before_close(const scenario::scenario& s, const runner::run_result& r) {
  const auto wslay_end = s.peer == "wslay-client" ? scenario::endpoint_id::client : scenario::endpoint_id::server;
  return r.verdict == scenario::verdict::fail && r.invariant == "ws.rfc6455.pong" && r.detail &&
         r.detail->endpoint == wslay_end;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(websocket_properties)

RC_BOOST_PROP(every_invariant_holds_under_gentle_faults, (std::uint64_t seed)) {
  auto s = runner::generate_scenario(ws_stack, seed);
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(!r.decisions.empty(), "faults fired");
  RC_CLASSIFY(pipelined(s), "pipelining client");
  RC_CLASSIFY(s.server.config.strict, "strict");
  if (r.verdict != scenario::verdict::pass) RC_FAIL(testing::describe_run(s, r));
}

RC_BOOST_PROP(destructive_faults_end_in_network_errors_never_hangs_or_corruption, (std::uint64_t seed)) {
  auto s = runner::generate_scenario(ws_stack, seed, {.destructive = true});
  auto r = runner::run_scenario(s);
  if (r.verdict != scenario::verdict::pass) RC_FAIL(testing::describe_run(s, r));
}

// The same properties with wslay at either end: messages compared end to end by the same
// workload, and our end judged by the same checks.
RC_BOOST_PROP(wslay_at_either_end_keeps_every_invariant, (std::uint64_t seed, bool wslay_client, bool destructive)) {
  auto s = runner::generate_scenario(ws_stack, seed, {.destructive = destructive});
  s.peer = wslay_client ? "wslay-client" : "wslay";
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(wslay_drops_pong_before_close(s, r), "wslay dropped a pong (known)");
  if (r.verdict != scenario::verdict::pass && !wslay_drops_pong_before_close(s, r)) RC_FAIL(testing::describe_run(s, r));
}

// determinism.trace: the same scenario twice gives the same hash, and the recorded decisions,
// replayed as an explicit schedule, give the same hash and verdict again.
RC_BOOST_PROP(same_seed_same_trace_and_schedule_replays_it, (std::uint64_t seed, bool destructive)) {
  auto s = runner::generate_scenario(ws_stack, seed, {.destructive = destructive});
  auto first = runner::run_scenario(s);
  auto second = runner::run_scenario(s);
  RC_ASSERT(first.trace_hash == second.trace_hash);
  auto replay = runner::run_scenario(runner::with_recorded_schedule(s, first));
  RC_ASSERT(replay.trace_hash == first.trace_hash);
  RC_ASSERT(replay.verdict == first.verdict);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(websocket_generator)

// The generator reaches what the WebSocket checks need: every length encoding, text and
// binary, pings, fragmented writes, a limit equal to the largest message, the pipelining
// client (over-read at the server), a server that speaks first (over-read at the client),
// and close codes other than 1000 from either side first.
BOOST_AUTO_TEST_CASE(seeds_cover_the_interesting_shapes) {
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    auto s = runner::generate_scenario(ws_stack, seed);
    if (pipelined(s)) seen.insert("pipelined");
    if (s.client.config.fragment_size != 0) seen.insert("fragmented");
    if (!s.server.workload.empty() && s.server.workload.front().kind == scenario::step_kind::send) {
      seen.insert("server first");
    }
    for (const auto* w : {&s.client.workload, &s.server.workload}) {
      for (const auto& st : *w) {
        if (st.kind == scenario::step_kind::ping) seen.insert("ping");
        if (st.kind == scenario::step_kind::close && st.code != 1000) seen.insert("close code");
        if (st.kind != scenario::step_kind::send) continue;
        seen.insert(st.type == scenario::message_type::text ? "text" : "binary");
        if (st.data.size() <= 125) seen.insert("len7");
        if (st.data.size() == 126) seen.insert("126");
        if (st.data.size() == 65535) seen.insert("65535");
        if (st.data.size() == 65536) seen.insert("65536");
        if (st.data.size() == s.server.config.max_message && st.data.size() > 0) seen.insert("at limit");
      }
    }
    if (s.server.workload.size() >= 2 && s.server.workload.front().kind == scenario::step_kind::close) {
      seen.insert("server closes first");
    }
  }
  for (const char* want : {"pipelined", "fragmented", "server first", "ping", "close code", "text", "binary", "len7",
                           "126", "65535", "65536", "at limit"}) {
    BOOST_TEST(seen.count(want) == 1u, want);
  }
}

BOOST_AUTO_TEST_SUITE_END()
