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

// expect_error's close_codes judge the close frame of a stack that does not say which code it
// failed with: a server whose 1002/1007/1009 becomes 1000 breaks close.orderly by them alone.
BOOST_AUTO_TEST_CASE(close_codes_catch_a_wrong_failure_code_the_stack_does_not_report) {
  mutants::ws_ignores_close_code_silently broken;
  const fs::path dir = fs::path(STUTTER_SOURCE_DIR) / "scenarios" / "websocket";
  for (const char* name : {"3-reserved-bits/ws-3.1-rsv-4-opcode-1.json", "6-utf8/ws-6.3-invalid-overlong.json",
                           "9-limits/ws-9.1-over-max-message.json"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto s = scenario::load_scenario_file(dir / name);
      const auto r = runner::run_scenario(s, {.factory = &broken});
      BOOST_TEST(r.invariant.value_or("") == "close.orderly", r.message);
      BOOST_TEST(r.message.find("the scenario expects one of") != std::string::npos, r.message);
    }
  }
}

// The pong check is live on the corpus: a server whose pongs never reach the wire fails
// every ping scenario with ws.rfc6455.pong, and still passes one without pings.
BOOST_AUTO_TEST_CASE(ping_scenarios_catch_a_server_that_never_answers) {
  mutants::ws_drops_pongs broken;
  const fs::path dir = fs::path(STUTTER_SOURCE_DIR) / "scenarios" / "websocket";
  std::size_t caught = 0;
  for (const auto& entry : fs::directory_iterator(dir / "2-pings")) {
    const auto s = scenario::load_scenario_file(entry.path());
    if (s.peer != "stutter" || s.expect.expected != scenario::verdict::pass) continue;
    const auto r = runner::run_scenario(s, {.factory = &broken});
    const bool client_pings = std::any_of(s.client.workload.begin(), s.client.workload.end(),
                                          [](const scenario::step& st) { return st.kind == scenario::step_kind::ping; });
    BOOST_TEST_CONTEXT(entry.path().filename()) {
      if (client_pings) {
        BOOST_TEST(r.invariant.value_or("") == "ws.rfc6455.pong", r.message);
        ++caught;
      }
    }
  }
  BOOST_TEST(caught >= 3u);
  const auto plain = scenario::load_scenario_file(dir / "7-close/ws-7.1-close-1000.json");
  BOOST_TEST((runner::run_scenario(plain, {.factory = &broken}).verdict == scenario::verdict::pass));
}

BOOST_AUTO_TEST_SUITE_END()
