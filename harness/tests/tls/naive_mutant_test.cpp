// mutant:naive-tls, the obvious TLS wrapper (OpenSSL behind a BIO pair smaller than a record,
// output flushed only by writes, input fed straight to SSL_write), must be caught by exploring
// seeds: some generated scenario makes it hang or fail while the real TLS layer passes the very
// same scenario, and the shrunk failure replays with the same verdict, invariant and trace hash.
#include <boost/test/unit_test.hpp>

#include <optional>

#include "runner/generate_tls.hpp"
#include "runner/implementations.hpp"
#include "runner/runner.hpp"
#include "runner/shrink.hpp"
#include "scenario/load.hpp"
#include "scenario/save.hpp"
#include "tests/support/describe_run.hpp"
#include "tls_support.hpp"

using namespace stutter;
using scenario::layer;
using scenario::verdict;

namespace {

struct caught {
  scenario::scenario scenario;
  runner::run_result result;
};

// The first seed whose generated scenario the naive wrapper fails (or hangs on).
std::optional<caught> explore_naive(const std::vector<layer>& stack, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    auto s = runner::generate_scenario(stack, seed);
    s.peer = "mutant:naive-tls";
    auto r = runner::run_scenario(s);
    if (r.verdict == verdict::pass) continue;
    BOOST_TEST_MESSAGE("naive-tls caught at seed " << seed << ": " << testing::describe_run(s, r));
    return caught{s, r};
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(naive_tls_mutant)

BOOST_AUTO_TEST_CASE(explore_catches_the_naive_wrapper_and_its_shrunk_failure_replays) {
  auto found = explore_naive({layer::tls, layer::length}, 1, 200);
  BOOST_TEST_REQUIRE(found.has_value(), "no seed in 1..200 made the naive TLS wrapper fail");
  const auto& r = found->result;
  BOOST_TEST((r.verdict == verdict::hang || r.verdict == verdict::fail));
  BOOST_TEST_REQUIRE(r.invariant.has_value());
  // The first thing that breaks the naive wrapper on a stuttering network: it answers
  // "not ready" (need_read / would_block) when OpenSSL wants more input although the socket
  // just gave it bytes, so an application that waits for the socket may wait for nothing.
  // The TLS layer's own status.meaning check sees it before the run hangs on it.
  BOOST_TEST(*r.invariant == "status.meaning", *r.invariant << ": " << r.message);
  BOOST_TEST(r.message.find("TLS layer") != std::string::npos, r.message);

  // The real TLS layer passes the very same scenario.
  auto real = found->scenario;
  real.peer = "stutter";
  auto passed = runner::run_scenario(real);
  BOOST_TEST((passed.verdict == verdict::pass), testing::describe_run(real, passed));

  // Shrunk, it still fails the same way, and replays exactly: same verdict, invariant, hash,
  // also after a save and load.
  auto shrunk = runner::shrink(found->scenario, *r.invariant, {}, /*max_runs=*/250);
  BOOST_TEST_MESSAGE("shrunk in " << shrunk.runs << " runs to " << shrunk.minimal.fault.schedule.size()
                                  << " fault decisions and "
                                  << shrunk.minimal.client.workload.size() + shrunk.minimal.server.workload.size()
                                  << " steps: " << shrunk.result.message);
  BOOST_TEST((shrunk.result.invariant == r.invariant));
  BOOST_TEST(runner::is_failure(shrunk.result.verdict));
  BOOST_TEST(shrunk.minimal.client.workload.size() + shrunk.minimal.server.workload.size() <=
             found->scenario.client.workload.size() + found->scenario.server.workload.size());
  auto replay = runner::run_scenario(shrunk.minimal);
  BOOST_TEST((replay.verdict == shrunk.result.verdict));
  BOOST_TEST((replay.invariant == shrunk.result.invariant));
  BOOST_TEST(replay.trace_hash == shrunk.result.trace_hash);
  auto saved = shrunk.minimal;
  saved.name = "naive-tls-shrunk";
  auto loaded = scenario::parse_scenario(scenario::save_scenario(saved), "naive-tls-shrunk.json");
  auto from_file = runner::run_scenario(loaded);
  BOOST_TEST((from_file.verdict == shrunk.result.verdict));
  BOOST_TEST((from_file.invariant == shrunk.result.invariant));
  BOOST_TEST(from_file.trace_hash == shrunk.result.trace_hash);
}

BOOST_AUTO_TEST_SUITE_END()
