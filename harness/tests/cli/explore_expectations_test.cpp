// `explore --expectations`: a failing run is tolerated (xfail, with the entry's reason) only by
// an entry that covers it and describes its failure; a pass stays a pass whatever the file says.
#include <boost/test/unit_test.hpp>

#include <string>

#include "explore_expectations.hpp"
#include "runner/runner.hpp"
#include "scenario/expectations.hpp"
#include "scenario/names.hpp"

using namespace stutter;

namespace {

scenario::expectations_file file_of(const std::string& entries) {
  return scenario::load_expectations("{\"version\": 1, \"expectations\": [" + entries + "]}", "known.json");
}

struct run {
  cli::work_item item;
  cli::work_outcome outcome;
};

run failing(std::string invariant, std::string message) {
  run r;
  r.item.scenario.name = "explore-line+length-7";
  r.item.scenario.peer = "mutant:drops-handover-bytes";
  r.item.scenario.peer_role = scenario::placement::server;
  r.outcome.result.observed = r.outcome.result.verdict = scenario::verdict::fail;
  r.outcome.result.invariant = std::move(invariant);
  r.outcome.result.message = std::move(message);
  return r;
}

std::string verdict_after(const scenario::expectations_file& f, run r) {
  cli::tolerate_known_failure(f, r.item, r.outcome);
  return std::string(scenario::to_string(r.outcome.result.verdict));
}

const std::string handed_over = R"({"scenario": "explore-line+length-*", "implementation": "mutant:*", "role": "server",
  "verdict": "fail", "invariant": "handover.exact", "message": "handed over 0", "reason": "known"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(explore_expectations)

BOOST_AUTO_TEST_CASE(an_entry_describing_the_failure_tolerates_it_with_its_reason) {
  auto r = failing("handover.exact", "server switched ... and handed over 0, so ...");
  BOOST_TEST(cli::tolerate_known_failure(file_of(handed_over), r.item, r.outcome));
  BOOST_TEST(scenario::to_string(r.outcome.result.verdict) == "xfail");
  BOOST_TEST(r.item.expectation_reason == "known");
}

BOOST_AUTO_TEST_CASE(any_entry_that_describes_it_will_do_not_only_the_first_that_covers_the_run) {
  const auto f = file_of(R"({"scenario": "explore-*", "verdict": "fail", "invariant": "bytes.exact", "reason": "other"},)" +
                         handed_over);
  BOOST_TEST(verdict_after(f, failing("handover.exact", "handed over 0")) == "xfail");
}

BOOST_AUTO_TEST_CASE(another_failure_of_the_same_run_is_still_a_failure) {
  const auto f = file_of(handed_over);
  BOOST_TEST(verdict_after(f, failing("bytes.exact", "handed over 0")) == "fail");     // other invariant
  BOOST_TEST(verdict_after(f, failing("handover.exact", "handed over 3")) == "fail");  // other message
  auto client = failing("handover.exact", "handed over 0");
  client.item.scenario.peer_role = scenario::placement::client;  // other end
  BOOST_TEST(verdict_after(f, client) == "fail");
}

BOOST_AUTO_TEST_CASE(a_pass_stays_a_pass_and_entries_expecting_no_failure_do_not_apply) {
  auto passing = failing("", "");
  passing.outcome.result.observed = passing.outcome.result.verdict = scenario::verdict::pass;
  passing.outcome.result.invariant.reset();
  BOOST_TEST(verdict_after(file_of(handed_over), passing) == "pass");
  const auto f = file_of(R"({"scenario": "explore-*", "verdict": "unimplemented", "reason": "no"})");
  BOOST_TEST(verdict_after(f, failing("handover.exact", "handed over 0")) == "fail");
}

BOOST_AUTO_TEST_SUITE_END()
