// `--expectations`: the first entry that covers a run sets its expectation and reason, every entry
// must set some run's, and the runner then judges the run by it (xfail, xpass, a failure that
// says what was expected).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "expectations_apply.hpp"
#include "runner/runner.hpp"
#include "scenario/expectations.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

using namespace stutter;
using scenario::verdict;

namespace {

scenario::expectations_file file_of(const std::string& entries) {
  return scenario::load_expectations("{\"version\": 1, \"expectations\": [" + entries + "]}", "cframe.json");
}

cli::work_item item_of(std::string name, std::string peer, scenario::placement role = scenario::placement::own) {
  cli::work_item item;
  item.file = "scenarios/" + name + ".json";
  item.scenario.name = std::move(name);
  item.scenario.peer = std::move(peer);
  item.scenario.peer_role = role;
  return item;
}

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expectations_apply)

BOOST_AUTO_TEST_CASE(the_first_covering_entry_sets_expectation_and_reason) {
  const auto f = file_of(R"(
      {"scenario": "ws-10.3-*", "implementation": "cframe", "verdict": "fail", "invariant": "handover.exact",
       "message": "handed over 0", "reason": "issue 12"},
      {"scenario": "ws-*", "implementation": "cframe", "verdict": "non_strict", "reason": "empty pongs"})");
  std::vector<cli::work_item> items{item_of("ws-10.3-pipelined-frames", "cframe"), item_of("ws-2.4-ping-126", "cframe"),
                                    item_of("ws-10.3-pipelined-frames", "stutter")};
  items[2].scenario.expect = {verdict::fail, "bytes.exact", std::nullopt};

  BOOST_TEST(lines(cli::apply_expectations(f, items)) == "");
  BOOST_TEST((items[0].scenario.expect == scenario::expectation{verdict::fail, "handover.exact", "handed over 0"}));
  BOOST_TEST(items[0].expectation_reason == "issue 12");
  BOOST_TEST((items[1].scenario.expect == scenario::expectation{verdict::non_strict, std::nullopt, std::nullopt}));
  BOOST_TEST(items[1].expectation_reason == "empty pongs");
  // No entry covers stutter's run: it keeps its scenario's own expectation.
  BOOST_TEST((items[2].scenario.expect == scenario::expectation{verdict::fail, "bytes.exact", std::nullopt}));
  BOOST_TEST(items[2].expectation_reason == "");
}

BOOST_AUTO_TEST_CASE(every_seed_of_a_scenario_is_covered) {
  const auto f = file_of(R"({"scenario": "line-*", "verdict": "hang", "invariant": "liveness.progress", "reason": "r"})");
  std::vector<cli::work_item> items(3, item_of("line-lf", "cframe"));
  for (std::size_t i = 0; i < items.size(); ++i) items[i].scenario.seed = i;
  BOOST_TEST(cli::apply_expectations(f, items).empty());
  for (const auto& item : items) BOOST_TEST((item.scenario.expect.expected == verdict::hang));
}

BOOST_AUTO_TEST_CASE(an_entry_that_sets_no_run_is_an_error) {
  const auto f = file_of(R"(
      {"scenario": "ws-*", "verdict": "pass", "reason": "covers everything below"},
      {"scenario": "ws-10.*", "verdict": "pass", "reason": "shadowed"},
      {"scenario": "tls-*", "implementation": "cframe", "role": "server", "verdict": "pass", "reason": "no such run"},
      {"scenario": "line-*", "implementation": "cf*", "verdict": "pass", "reason": "used"})");
  std::vector<cli::work_item> items{item_of("ws-10.1", "cframe"), item_of("tls-1", "cframe", scenario::placement::client),
                                    item_of("line-1", "cframe")};
  BOOST_TEST(lines(cli::apply_expectations(f, items)) ==
             "cframe.json: /expectations/1: matches no run that an earlier entry does not take first "
             "(scenario \"ws-10.*\", implementation \"*\"); /expectations/0 takes scenario \"ws-10.1\"\n"
             "cframe.json: /expectations/2: matches no run (scenario \"tls-*\", implementation \"cframe\", role server)\n");
  // With no runs at all, every entry is unused.
  std::vector<cli::work_item> none;
  BOOST_TEST(cli::apply_expectations(f, none).size() == 4u);
}

BOOST_AUTO_TEST_CASE(the_runner_judges_the_run_by_the_entry) {
  // The mutant drops the bytes its line phase read ahead, so handover.exact breaks.
  const std::string file = STUTTER_SOURCE_DIR "/scenarios/mutants/drops-handover-bytes.json";
  cli::work_item broken{file, scenario::load_scenario_file(file)};
  broken.scenario.name = "handover";
  broken.scenario.expect = {};
  cli::work_item sound = broken;
  sound.scenario.name = "sound";
  sound.scenario.peer = "stutter";
  const runner::run_result plain = runner::run_scenario(broken.scenario);
  BOOST_REQUIRE((plain.observed == verdict::fail));
  BOOST_REQUIRE(plain.invariant == std::optional<std::string>("handover.exact"));

  auto verdict_with = [&](const std::string& entry, cli::work_item item) {
    std::vector<cli::work_item> items{std::move(item)};
    BOOST_REQUIRE(cli::apply_expectations(file_of(entry), items).empty());
    return runner::run_scenario(items[0].scenario);
  };
  const std::string words = plain.message.substr(0, 12);
  const auto xfail = verdict_with(R"({"scenario": "handover", "verdict": "fail", "invariant": "handover.exact",
                                      "message": ")" + words + R"(", "reason": "r"})",
                                  broken);
  BOOST_TEST(scenario::to_string(xfail.verdict) == "xfail");

  const auto other_message = verdict_with(R"({"scenario": "handover", "verdict": "fail", "invariant": "handover.exact",
                                              "message": "not in the message", "reason": "r"})",
                                          broken);
  BOOST_TEST(scenario::to_string(other_message.verdict) == "fail");
  BOOST_TEST(other_message.message.starts_with(
      "expected fail handover.exact with \"not in the message\", got fail handover.exact: "));

  const auto xpass = verdict_with(R"({"scenario": "sound", "verdict": "fail", "invariant": "handover.exact",
                                      "reason": "r"})",
                                  sound);
  BOOST_TEST(scenario::to_string(xpass.verdict) == "xpass");
  BOOST_TEST(runner::is_failure(xpass.verdict));
}

BOOST_AUTO_TEST_SUITE_END()
