// Every file in scenarios/websocket ends as it says it should: pass, non_strict or
// informational as expected, and an expected failure (a saved mutant failure) breaks the
// invariant it names (xfail). Each file is run twice: the trace hashes must agree.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "mutants/ws_mutants.hpp"
#include "runner/runner.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

using namespace stutter;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(STUTTER_SOURCE_DIR) / "scenarios" / "websocket")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

scenario::verdict wanted(const scenario::expectation& e) {
  switch (e.expected) {
    case scenario::verdict::fail:
    case scenario::verdict::hang: return scenario::verdict::xfail;
    default: return e.expected;
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(websocket_corpus)

BOOST_AUTO_TEST_CASE(every_file_ends_as_its_expected_verdict) {
  const auto files = corpus();
  BOOST_TEST(files.size() >= 80u);
  for (const auto& path : files) {
    BOOST_TEST_CONTEXT(path.filename().string()) {
      const auto s = scenario::load_scenario_file(path);
      const auto first = runner::run_scenario(s);
      const auto second = runner::run_scenario(s);
      BOOST_TEST((first.verdict == wanted(s.expect)),
                 scenario::to_string(first.verdict) << " " << first.invariant.value_or("") << ": " << first.message);
      BOOST_TEST(first.trace_hash == second.trace_hash);
      if (s.expect.invariant) BOOST_TEST(first.invariant.value_or("") == *s.expect.invariant);
    }
  }
}

// The close-code checks are live on the corpus: with every close frame forced to 1000, the
// scenarios that close with another code, or fail the connection with 1002/1007/1009,
// break close.orderly; those that close with 1000 still pass.
BOOST_AUTO_TEST_CASE(close_code_scenarios_catch_a_stack_that_sends_the_wrong_code) {
  mutants::ws_ignores_close_code broken;
  const fs::path dir = fs::path(STUTTER_SOURCE_DIR) / "scenarios" / "websocket";
  for (const char* name : {"7-close/ws-7.1-close-3000.json", "7-close/ws-7.2-server-closes-first.json",
                           "3-reserved-bits/ws-3.1-rsv-4-opcode-1.json", "6-utf8/ws-6.3-invalid-overlong.json",
                           "9-limits/ws-9.1-over-max-message.json"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto s = scenario::load_scenario_file(dir / name);
      const auto r = runner::run_scenario(s, {.factory = &broken});
      BOOST_TEST((r.verdict == scenario::verdict::fail), r.message);
      BOOST_TEST(r.invariant.value_or("") == "close.orderly", r.message);
    }
  }
  const auto s = scenario::load_scenario_file(dir / "7-close/ws-7.1-close-1000.json");
  BOOST_TEST((runner::run_scenario(s, {.factory = &broken}).verdict == scenario::verdict::pass));
}

BOOST_AUTO_TEST_SUITE_END()
