// Exhaustive small-scope search (runner/exhaustive.hpp): complete and deterministic on the
// reference, finds a bug that needs exactly one fault of a kind, honours its scope.
#include <boost/test/unit_test.hpp>

#include "runner/exhaustive.hpp"
#include "scenario/load.hpp"

using namespace stutter;

namespace {

scenario::scenario u32_clean() {
  return scenario::load_scenario_file(std::string(STUTTER_SOURCE_DIR) + "/scenarios/length/u32-clean.json");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exhaustive_search)

BOOST_AUTO_TEST_CASE(the_reference_passes_every_one_fault_schedule_and_the_count_is_stable) {
  const auto s = u32_clean();
  const auto first = runner::explore_exhaustively(s, {.depth = 1});
  BOOST_TEST(first.complete);
  BOOST_TEST(first.failures.empty());
  BOOST_TEST_REQUIRE(first.runs_per_depth.size() == 2u);
  BOOST_TEST(first.runs_per_depth[0] == 1u);
  BOOST_TEST(first.runs_per_depth[1] > 100u);  // every op x every kind and amount
  BOOST_TEST(first.runs == first.runs_per_depth[0] + first.runs_per_depth[1]);
  const auto again = runner::explore_exhaustively(s, {.depth = 1});
  BOOST_TEST(again.runs == first.runs);
}

BOOST_AUTO_TEST_CASE(a_bug_that_needs_one_short_write_is_found_only_when_short_writes_are_in_scope) {
  auto s = u32_clean();
  s.peer = "mutant:short-write-is-complete";
  const auto without = runner::explore_exhaustively(s, {.depth = 1, .kinds = {sim::fault_kind::eagain_read, sim::fault_kind::hold}});
  BOOST_TEST(without.complete);
  BOOST_TEST(without.failures.empty());

  const auto with = runner::explore_exhaustively(s, {.depth = 1, .kinds = {sim::fault_kind::short_write}});
  BOOST_TEST_REQUIRE(with.failures.size() == 1u);
  BOOST_TEST(!with.complete);  // stopped at the first failure
  const auto& found = with.failures.front();
  BOOST_TEST(found.result.invariant.value_or("") == "bytes.exact");
  BOOST_TEST_REQUIRE(found.scenario.fault.schedule.size() == 1u);
  BOOST_TEST((found.scenario.fault.schedule[0].kind == sim::fault_kind::short_write));
  // The schedule replays, and the same schedule with the reference passes.
  BOOST_TEST(runner::is_failure(runner::run_scenario(found.scenario).verdict));
  auto reference = found.scenario;
  reference.peer = "stutter";
  BOOST_TEST(!runner::is_failure(runner::run_scenario(reference).verdict));
}

BOOST_AUTO_TEST_CASE(twins_are_not_extended_and_a_cut_search_says_so) {
  const auto s = u32_clean();
  // would_block and a one-tick hold at the same read leave the same run behind.
  const auto pruned = runner::explore_exhaustively(
      s, {.depth = 2, .kinds = {sim::fault_kind::eagain_read, sim::fault_kind::hold}});
  BOOST_TEST(pruned.complete);
  BOOST_TEST(pruned.pruned > 0u);
  const auto cut = runner::explore_exhaustively(s, {.depth = 2, .max_runs = 10});
  BOOST_TEST(!cut.complete);
  BOOST_TEST(cut.runs == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
