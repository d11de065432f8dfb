// Coverage-guided search (runner/guided.hpp): replays from its seed, reaches protocol states
// the plain swarm does not in the same number of runs, keeps its mutations inside the
// generator's swarm profile, and stops a broken stack.
#include <boost/test/unit_test.hpp>

#include <set>

#include "runner/guided.hpp"
#include "sim/fault_vocabulary.hpp"

using namespace stutter;

namespace {

runner::guided_options options(std::vector<scenario::layer> stack, std::uint64_t seed, std::uint64_t initial = 32) {
  return {.stack = std::move(stack), .seed = seed, .initial = initial};
}

const std::vector<scenario::layer> line_length{scenario::layer::line, scenario::layer::length};
const std::vector<scenario::layer> upgrade_websocket{scenario::layer::http_upgrade, scenario::layer::websocket};

}  // namespace

BOOST_AUTO_TEST_SUITE(guided_search)

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_candidates_and_coverage) {
  runner::guided_search first(options(line_length, 7));
  runner::guided_search second(options(line_length, 7));
  runner::guided_search other(options(line_length, 8));
  std::size_t differing = 0;
  for (int i = 0; i < 150; ++i) {
    const auto a = first.step();
    const auto b = second.step();
    BOOST_TEST(a.result.trace_hash == b.result.trace_hash);
    BOOST_TEST(a.new_coverage == b.new_coverage);
    if (other.step().result.trace_hash != a.result.trace_hash) ++differing;
  }
  BOOST_TEST(first.features() == second.features());
  BOOST_TEST(first.corpus_size() == second.corpus_size());
  BOOST_TEST(differing > 100u);  // another seed is another search
}

BOOST_AUTO_TEST_CASE(mutation_reaches_states_the_plain_swarm_does_not_in_as_many_runs) {
  constexpr std::uint64_t runs = 1500;
  // initial == runs: every candidate is a generated seed, i.e. plain explore.
  runner::guided_search plain(options(line_length, 0, runs));
  runner::guided_search guided(options(line_length, 0));
  std::uint64_t joined_by_mutation = 0;
  for (std::uint64_t i = 0; i < runs; ++i) {
    plain.step();
    const auto step = guided.step();
    if (i >= 32 && step.new_coverage) ++joined_by_mutation;
  }
  BOOST_TEST_MESSAGE("features: plain " << plain.features() << ", guided " << guided.features());
  BOOST_TEST(joined_by_mutation > 0u);
  BOOST_TEST(guided.features() > plain.features());
}

// A mutated decision the generator could never draw for that workload (a lasting capacity
// limit on a pipelined conversation whose client never reads) stalls the reference by
// construction: the search must stay inside each workload's swarm profile, and the reference
// passes every candidate.
BOOST_AUTO_TEST_CASE(mutations_stay_inside_the_workloads_swarm_profile_and_the_reference_passes) {
  runner::guided_search search(options(upgrade_websocket, 0));
  std::set<sim::fault_kind> kinds_seen;
  for (int i = 0; i < 400; ++i) {
    const auto step = search.step();
    BOOST_TEST_REQUIRE(!runner::is_failure(step.result.verdict), "run " << i << ": " << step.result.message);
    for (const auto& f : step.scenario.fault.schedule) {
      const auto rate = step.allowed.find(f.kind);
      BOOST_TEST_REQUIRE((rate != step.allowed.end()), "run " << i << " drew " << sim::name_of(f.kind));
      if (f.kind == sim::fault_kind::partial_read || f.kind == sim::fault_kind::short_write) {
        BOOST_TEST(f.amount <= std::max<std::uint32_t>(rate->second.max_amount, 1));
      }
      kinds_seen.insert(f.kind);
    }
  }
  BOOST_TEST(kinds_seen.size() >= 4u);  // the check saw real schedules
}

BOOST_AUTO_TEST_CASE(a_broken_stack_fails_and_its_candidate_replays) {
  auto o = options(line_length, 0);
  o.place = [](scenario::scenario& s, std::uint64_t) { s.peer = "mutant:drops-handover-bytes"; };
  runner::guided_search search(o);
  std::optional<runner::guided_search::step_result> failure;
  for (int i = 0; i < 200 && !failure; ++i) {
    auto step = search.step();
    if (runner::is_failure(step.result.verdict)) failure = std::move(step);
  }
  BOOST_TEST_REQUIRE(failure.has_value());
  BOOST_TEST(failure->scenario.fault.explicit_schedule);
  const auto again = runner::run_scenario(failure->scenario);
  BOOST_TEST(again.trace_hash == failure->result.trace_hash);
  BOOST_TEST(runner::is_failure(again.verdict));
  auto reference = failure->scenario;
  reference.peer = "stutter";
  BOOST_TEST(!runner::is_failure(runner::run_scenario(reference).verdict));
}

BOOST_AUTO_TEST_SUITE_END()
