// An implementation placed at one end (--implementation NAME@end) runs there and only there,
// and the verdict names the cause at that end, not a reset it caused at the other.
#include <boost/test/unit_test.hpp>

#include "implementation_option.hpp"
#include "runner/implementations.hpp"
#include "runner/runner.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

using namespace stutter;

namespace {

runner::run_result run_placed(const char* file, const char* implementation, scenario::placement at) {
  scenario::scenario s = scenario::load_scenario_file(std::string(STUTTER_SOURCE_DIR "/scenarios/") + file);
  s.peer = implementation;
  s.peer_role = at;
  s.expect = {};
  return runner::run_scenario(s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_server_that_drops_its_handover_is_caught_by_handover_exact) {
  for (const char* file : {"handover/same-segment.json", "handover/swarm.json"}) {
    BOOST_TEST_CONTEXT(file) {
      const auto r = run_placed(file, "mutant:drops-handover-bytes", scenario::placement::server);
      BOOST_TEST(scenario::to_string(r.verdict) == "fail");
      BOOST_TEST(r.invariant.value_or("") == "handover.exact");
      BOOST_TEST(r.message.starts_with("server switched"), r.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_mutant_at_the_other_end_leaves_this_one_correct) {
  // same-segment's client never switches after reading, so a client that drops its
  // handover has nothing to lose: the run passes, which shows the server end is ours.
  const auto r = run_placed("handover/same-segment.json", "mutant:drops-handover-bytes", scenario::placement::client);
  BOOST_TEST(scenario::to_string(r.verdict) == "pass", r.message);
}

// A scenario written for wslay follows wslay's behaviour: another implementation under test
// cannot play it (reported unimplemented, with this reason); one written for the reference can.
BOOST_AUTO_TEST_CASE(scenarios_written_for_a_foreign_peer_are_not_played_by_others) {
  scenario::scenario for_wslay;
  for_wslay.peer = "wslay";
  scenario::scenario for_reference;
  const auto* reference = runner::find_implementation("stutter");
  const auto* wslay = runner::find_implementation("wslay");
  const auto* mutant = runner::find_implementation("mutant:corrupts-records");
  BOOST_TEST(!cli::written_for_another(for_wslay, *reference).empty());
  BOOST_TEST(!cli::written_for_another(for_wslay, *mutant).empty());
  BOOST_TEST(cli::written_for_another(for_wslay, *wslay).empty());
  BOOST_TEST(cli::written_for_another(for_reference, *wslay).empty());
}
