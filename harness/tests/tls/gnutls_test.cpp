// GnuTLS as the peer inside the simulator (harness/peers/gnutls): the scenario files in
// harness/peers/gnutls/scenarios end as they expect (informational passes; the interop
// findings as expected failures). GnuTLS takes its randomness from the system, so these
// runs are not deterministic and are not in the scenarios/ corpus, whose every run must
// replay exactly; the last case shows why.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "runner/runner.hpp"
#include "runner/tls_layer.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

using namespace stutter;
using scenario::verdict;

namespace {

std::vector<std::filesystem::path> gnutls_scenarios() {
  std::vector<std::filesystem::path> files;
  const auto root = std::filesystem::path(STUTTER_SOURCE_DIR) / "harness" / "peers" / "gnutls" / "scenarios";
  if (!std::filesystem::exists(root)) return files;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gnutls_in_the_runner)

BOOST_AUTO_TEST_CASE(gnutls_scenarios_end_as_they_expect) {
  if (!runner::gnutls_available()) {
    BOOST_TEST_MESSAGE("the GnuTLS peer is not built in: skipped");
    return;
  }
  const auto files = gnutls_scenarios();
  BOOST_TEST(files.size() >= 10u);
  for (const auto& file : files) {
    BOOST_TEST_CONTEXT(file.filename().string()) {
      auto s = scenario::load_scenario_file(file);
      BOOST_TEST((s.peer == "gnutls" || s.peer == "gnutls-client"));
      auto r = runner::run_scenario(s);
      const verdict want = s.expect.expected == verdict::fail ? verdict::xfail : s.expect.expected;
      BOOST_TEST((r.verdict == want), scenario::to_string(r.verdict) << " " << r.invariant.value_or("") << ": " << r.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(gnutls_runs_do_not_repeat_their_wire_bytes) {
  if (!runner::gnutls_available()) return;
  for (const char* peer : {"gnutls", "gnutls-client"}) {
    scenario::scenario s;
    s.name = "gnutls-nondeterminism";
    s.peer = peer;
    for (auto* e : {&s.client, &s.server}) e->stack = {scenario::layer::tls, scenario::layer::length};
    s.client.workload = {{.kind = scenario::step_kind::send, .data = {'h', 'i'}}, {.kind = scenario::step_kind::close},
                         {.kind = scenario::step_kind::expect_eof}};
    s.server.workload = {{.kind = scenario::step_kind::expect, .data = {'h', 'i'}},
                         {.kind = scenario::step_kind::expect_eof},
                         {.kind = scenario::step_kind::close}};
    auto a = runner::run_scenario(s);
    auto b = runner::run_scenario(s);
    BOOST_TEST((a.verdict == verdict::pass), a.message);
    BOOST_TEST((b.verdict == verdict::pass), b.message);
    // The GnuTLS end's random values differ, so its bytes do (ours answer them, so ours too).
    const std::size_t theirs = std::string(peer) == "gnutls" ? 1 : 0;
    BOOST_TEST((a.wire[theirs] != b.wire[theirs]));
  }
}

BOOST_AUTO_TEST_SUITE_END()
