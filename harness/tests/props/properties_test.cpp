// The Foundation properties: generated conversations over line, length and
// line-then-length stacks, under generated fault profiles, must keep every invariant.
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "runner/generate.hpp"
#include "runner/runner.hpp"
#include "scenario/names.hpp"
#include "tests/support/describe_run.hpp"

using namespace stutter;
using scenario::layer;

namespace {

const std::vector<std::vector<layer>> stacks{{layer::line}, {layer::length}, {layer::line, layer::length}};

}  // namespace

BOOST_AUTO_TEST_SUITE(properties)

// bytes.exact, framing.records, handover.exact, handover.no_overread (strict settings),
// buffer.bounded, status.meaning, close.orderly and liveness.progress, all at once: the
// runner checks each on every run.
RC_BOOST_PROP(every_invariant_holds_under_gentle_faults, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(stacks);
  auto s = runner::generate_scenario(stack, seed);
  auto r = runner::run_scenario(s);
  RC_CLASSIFY(!r.decisions.empty(), "faults fired");
  RC_CLASSIFY(s.client.config.strict, "strict");
  if (r.verdict != scenario::verdict::pass) RC_FAIL(testing::describe_run(s, r));
}

RC_BOOST_PROP(destructive_faults_end_in_errors_never_hangs_or_corruption, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(stacks);
  auto s = runner::generate_scenario(stack, seed, {.destructive = true});
  auto r = runner::run_scenario(s);
  if (r.verdict != scenario::verdict::pass) RC_FAIL(testing::describe_run(s, r));
}

// determinism.trace: the same scenario twice gives the same hash, and the recorded
// decisions, replayed as an explicit schedule, give the same hash again.
RC_BOOST_PROP(same_seed_same_trace_and_schedule_replays_it, (std::uint64_t seed)) {
  const auto& stack = *rc::gen::elementOf(stacks);
  auto s = runner::generate_scenario(stack, seed, {.destructive = *rc::gen::arbitrary<bool>()});
  auto first = runner::run_scenario(s);
  auto second = runner::run_scenario(s);
  RC_ASSERT(first.trace_hash == second.trace_hash);
  auto replay = runner::run_scenario(runner::with_recorded_schedule(s, first));
  RC_ASSERT(replay.trace_hash == first.trace_hash);
  RC_ASSERT(replay.verdict == first.verdict);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chunking)

// chunking.invariance: the records delivered do not depend on where the network splits
// the bytes: for a small conversation, every split index of the client's first write and
// every read size give the same records.
BOOST_AUTO_TEST_CASE(every_split_index_and_read_size_delivers_the_same_records) {
  auto s = runner::generate_scenario({layer::line, layer::length}, 3, {.faults = false});
  s.client.workload = {{.kind = scenario::step_kind::send, .data = {'h', 'i'}},
                       {.kind = scenario::step_kind::switch_phase},
                       {.kind = scenario::step_kind::send, .data = {1, 2, 3}},
                       {.kind = scenario::step_kind::expect, .data = {'o', 'k'}},
                       {.kind = scenario::step_kind::close},
                       {.kind = scenario::step_kind::expect_eof}};
  s.server.workload = {{.kind = scenario::step_kind::expect, .data = {'h', 'i'}},
                       {.kind = scenario::step_kind::switch_phase},
                       {.kind = scenario::step_kind::expect, .data = {1, 2, 3}},
                       {.kind = scenario::step_kind::send, .data = {'o', 'k'}},
                       {.kind = scenario::step_kind::expect_eof},
                       {.kind = scenario::step_kind::close}};
  s.fault.explicit_schedule = true;
  const std::size_t wire = 2 + s.client.config.separator.size();
  int runs = 0;
  for (std::size_t split = 1; split < wire; ++split) {
    for (std::uint32_t read_size = 1; read_size <= 8; ++read_size) {
      s.fault.schedule = {{sim::endpoint_id::client, sim::direction::write, 0, sim::fault_kind::short_write,
                           static_cast<std::uint32_t>(split)}};
      for (std::uint64_t op = 0; op < 40; ++op) {
        s.fault.schedule.push_back({sim::endpoint_id::server, sim::direction::read, op, sim::fault_kind::partial_read, read_size});
      }
      auto r = runner::run_scenario(s);
      BOOST_TEST_CONTEXT("split " << split << ", read size " << read_size) {
        BOOST_TEST((r.verdict == scenario::verdict::pass), r.message);
        BOOST_TEST(r.faults[static_cast<int>(sim::fault_kind::short_write)] == 1u);
      }
      ++runs;
    }
  }
  BOOST_TEST(runs > 8);
}

BOOST_AUTO_TEST_SUITE_END()
