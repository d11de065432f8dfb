// Every WebSocket check is shown to catch the bug it exists for: a broken variant of the
// stack is explored over generated seeds until a run fails, and the failure must name the
// right invariant, while the real implementation passes the very same scenario.
#include <boost/test/unit_test.hpp>

#include <optional>

#include "mutants/ws_mutants.hpp"
#include "runner/generate.hpp"
#include "runner/runner.hpp"
#include "tests/support/mutant_search.hpp"

using namespace stutter;
using scenario::layer;

namespace {

const std::vector<layer> ws_stack{layer::http_upgrade, layer::websocket};

std::optional<testing::found_failure> explore(runner::stack_factory& broken, int tries, bool destructive = false) {
  return testing::find_failure(broken, tries, [&](std::uint64_t seed) -> std::optional<scenario::scenario> {
    return runner::generate_scenario(ws_stack, seed, {.destructive = destructive});
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(websocket_broken_variants)

BOOST_AUTO_TEST_CASE(a_server_dropping_the_bytes_read_past_the_request_breaks_handover_exact) {
  mutants::ws_server_drops_overread broken;
  auto f = explore(broken, 200);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "handover.exact", f->message);
}

BOOST_AUTO_TEST_CASE(a_client_reusing_one_mask_key_breaks_mask_reuse) {
  mutants::ws_fixed_mask_key broken;
  auto f = explore(broken, 50);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "ws.rfc6455.mask_reuse", f->message);
}

BOOST_AUTO_TEST_CASE(a_writer_forgetting_its_header_on_a_short_write_breaks_bytes_exact_or_rfc6455) {
  mutants::ws_forgets_header_on_short_write broken;
  auto f = explore(broken, 100);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST((f->invariant == "bytes.exact" || f->invariant.starts_with("ws.rfc6455.")), f->invariant << ": " << f->message);
}

BOOST_AUTO_TEST_CASE(close_frames_with_the_wrong_code_break_close_orderly) {
  mutants::ws_ignores_close_code broken;
  auto f = explore(broken, 100);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "close.orderly", f->message);
}

// The websocket decoding in model_decode: after a destructive fault a reader may fail with a
// network error, but a protocol error must be one the model finds in the bytes received.
BOOST_AUTO_TEST_CASE(a_reader_reporting_a_broken_stream_as_a_protocol_error_breaks_framing_records) {
  mutants::ws_misreports_network_errors broken;
  auto f = explore(broken, 300, /*destructive=*/true);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->invariant == "framing.records", f->message);
  BOOST_TEST(f->message.find("the model finds no error") != std::string::npos, f->message);
}

BOOST_AUTO_TEST_SUITE_END()
