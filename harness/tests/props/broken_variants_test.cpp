// Every checker is shown to catch the bug it exists for: a broken variant of the stack is
// explored over seeds until a run fails, and the failure must name the right invariant,
// while the real implementation passes the very same scenario.
#include <boost/test/unit_test.hpp>

#include "mutants/broken_variants.hpp"
#include "runner/generate.hpp"
#include "runner/runner.hpp"
#include "tests/support/mutant_search.hpp"

using namespace stutter;
using scenario::layer;

namespace {

std::optional<testing::found_failure> explore(runner::stack_factory& broken, const std::vector<layer>& stack, int tries,
                                              bool strict_only = false) {
  return testing::find_failure(broken, tries, [&](std::uint64_t seed) -> std::optional<scenario::scenario> {
    auto s = runner::generate_scenario(stack, seed);
    if (strict_only && !s.server.config.strict) return std::nullopt;
    return s;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(broken_variants)

BOOST_AUTO_TEST_CASE(dropping_over_read_bytes_at_handover_breaks_handover_exact) {
  mutants::drops_handover_bytes broken;
  auto f = explore(broken, {layer::line, layer::length}, 200);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "handover.exact", f->message);
}

BOOST_AUTO_TEST_CASE(treating_a_short_write_as_complete_breaks_bytes_exact) {
  mutants::short_write_is_complete broken;
  for (const auto& stack : {std::vector<layer>{layer::line}, std::vector<layer>{layer::length}}) {
    auto f = explore(broken, stack, 200);
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST(f->invariant == "bytes.exact", f->message);
  }
}

BOOST_AUTO_TEST_CASE(polling_the_socket_before_draining_the_buffer_hangs) {
  mutants::polls_before_draining broken;
  auto f = explore(broken, {layer::line}, 200);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "liveness.progress", f->message);
}

BOOST_AUTO_TEST_CASE(a_strict_reader_that_reads_ahead_breaks_no_overread) {
  mutants::strict_overreads broken;
  auto f = explore(broken, {layer::line, layer::length}, 300, /*strict_only=*/true);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "handover.no_overread", f->message);
}

BOOST_AUTO_TEST_CASE(a_would_block_without_reason_breaks_status_meaning) {
  mutants::spurious_would_block broken;
  auto f = explore(broken, {layer::length}, 50);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "status.meaning", f->message);
}

BOOST_AUTO_TEST_CASE(a_reader_that_alters_records_breaks_framing_records) {
  mutants::corrupts_records broken;
  for (const auto& stack : {std::vector<layer>{layer::line}, std::vector<layer>{layer::line, layer::length}}) {
    auto f = explore(broken, stack, 50);
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST(f->invariant == "framing.records", f->message);
  }
}

BOOST_AUTO_TEST_CASE(a_reader_that_ignores_its_capacity_breaks_buffer_bounded) {
  mutants::unbounded_buffer broken;
  auto f = explore(broken, {layer::length}, 300);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "buffer.bounded", f->message);
}

// Over TLS the layer beneath sees the changed retry itself; over a plain socket only the
// bytes that went missing show it.
BOOST_AUTO_TEST_CASE(a_retry_with_other_bytes_breaks_retry_same_buffer) {
  mutants::retry_drops_prefix broken;
  auto over_tls = explore(broken, {layer::tls, layer::length}, 200);
  BOOST_TEST_REQUIRE(over_tls.has_value());
  BOOST_TEST(over_tls->invariant == "retry.same_buffer", over_tls->message);
  auto plain = explore(broken, {layer::length}, 200);
  BOOST_TEST_REQUIRE(plain.has_value());
  BOOST_TEST(plain->invariant == "bytes.exact", plain->message);
}

BOOST_AUTO_TEST_SUITE_END()
