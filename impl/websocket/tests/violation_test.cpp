// Every protocol violation fails the connection with its own error and close code, and
// the close frame goes out (one test each, with hand-built frames).
#include <boost/test/unit_test.hpp>

#include "stutter/ws/errors.hpp"
#include "stutter/ws/websocket.hpp"
#include "ws_test_util.hpp"

using namespace stutter;
using namespace stutter::ws;
using namespace stutter::ws::test;

namespace {

struct outcome {
  io_result r;
  std::vector<parsed_frame> sent;
  bool shut_down = false;
  std::vector<byte> out;
  std::error_code after;  // what a later call reports
};

outcome feed(role side, const std::vector<byte>& wire, stream_options options = {}) {
  auto [peer, ep] = memory_pair();
  push(ep->input(), wire);
  counter_entropy e;
  options.side = side;
  websocket_stream ws(*ep, options, std::ref(e));
  outcome o;
  message_type type{};
  o.r = until_done([&] { return ws.read_message(o.out, type); });
  o.sent = parse(drain(ep->output()));
  o.shut_down = ep->output().closed;
  o.after = ws.write_message(bytes_of("x"), message_type::text).ec;
  BOOST_TEST((ws.read_message(o.out, type).ec == o.r.ec));  // sticky
  return o;
}

// The endpoint fails with `error`, sends exactly one close frame with the error's code,
// and shuts its write side down.
void expect_failure(role side, const std::vector<byte>& wire, ws_errc error, std::uint16_t code,
                    stream_options options = {}) {
  outcome o = feed(side, wire, options);
  BOOST_TEST(o.r.st == status::error);
  BOOST_TEST((o.r.ec == error), o.r.ec.message());
  BOOST_TEST(close_code_of(o.r.ec) == code);
  BOOST_TEST_REQUIRE(!o.sent.empty());
  BOOST_TEST(o.sent.back().op == 0x8);
  BOOST_TEST(close_code_in(o.sent.back()) == code);
  BOOST_TEST(o.sent.back().masked == (side == role::client));
  BOOST_TEST(o.shut_down);
  BOOST_TEST((o.after == error));
}

// Frames as the peer of `side` must send them (a client's frames are masked).
std::vector<byte> frame_to(role side, raw_frame f) {
  f.mask = side == role::server;
  return build(f);
}

std::vector<byte> join(std::initializer_list<std::vector<byte>> parts) {
  std::vector<byte> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(violation_suite)

BOOST_AUTO_TEST_CASE(unmasked_client_frame_is_1002) {
  expect_failure(role::server, build({.b0 = 0x81, .payload = bytes_of("hi"), .mask = false}),
                 ws_errc::unmasked_frame, 1002);
}

BOOST_AUTO_TEST_CASE(masked_server_frame_is_1002) {
  expect_failure(role::client, build({.b0 = 0x81, .payload = bytes_of("hi"), .mask = true}), ws_errc::masked_frame,
                 1002);
}

BOOST_AUTO_TEST_CASE(non_minimal_16_bit_length_is_1002) {
  for (role side : {role::client, role::server}) {
    expect_failure(side, frame_to(side, {.b0 = 0x82, .payload = std::vector<byte>(5, 1), .form = 16}),
                   ws_errc::non_minimal_length, 1002);
  }
}

BOOST_AUTO_TEST_CASE(non_minimal_64_bit_length_is_1002) {
  for (role side : {role::client, role::server}) {
    expect_failure(side, frame_to(side, {.b0 = 0x82, .payload = std::vector<byte>(200, 1), .form = 64}),
                   ws_errc::non_minimal_length, 1002);
  }
}

BOOST_AUTO_TEST_CASE(length_with_the_top_bit_set_is_1002) {
  for (role side : {role::client, role::server}) {
    expect_failure(side, frame_to(side, {.b0 = 0x82, .form = 64, .length = (1ull << 63) | 5}),
                   ws_errc::length_top_bit, 1002);
  }
}

BOOST_AUTO_TEST_CASE(rsv_bits_are_1002) {
  for (byte rsv : {0x40, 0x20, 0x10}) {
    expect_failure(role::client, build({.b0 = static_cast<byte>(0x81 | rsv), .payload = bytes_of("x")}),
                   ws_errc::reserved_bits, 1002);
  }
}

BOOST_AUTO_TEST_CASE(reserved_opcodes_are_1002) {
  for (byte op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    expect_failure(role::server, frame_to(role::server, {.b0 = static_cast<byte>(0x80 | op)}),
                   ws_errc::reserved_opcode, 1002);
  }
}

BOOST_AUTO_TEST_CASE(control_frame_over_125_bytes_is_1002) {
  for (byte op : {0x88, 0x89, 0x8A}) {
    expect_failure(role::client, build({.b0 = op, .payload = std::vector<byte>(126, 'p')}),
                   ws_errc::control_too_long, 1002);
  }
}

BOOST_AUTO_TEST_CASE(fragmented_control_frame_is_1002) {
  expect_failure(role::client, build({.b0 = 0x09, .payload = bytes_of("p")}), ws_errc::control_fragmented, 1002);
}

BOOST_AUTO_TEST_CASE(continuation_without_a_start_is_1002) {
  expect_failure(role::server, frame_to(role::server, {.b0 = 0x80, .payload = bytes_of("orphan")}),
                 ws_errc::unexpected_continuation, 1002);
}

BOOST_AUTO_TEST_CASE(new_data_frame_inside_a_fragmented_message_is_1002) {
  expect_failure(role::client,
                 join({build({.b0 = 0x01, .payload = bytes_of("par")}), build({.b0 = 0x82, .payload = bytes_of("t")})}),
                 ws_errc::expected_continuation, 1002);
}

BOOST_AUTO_TEST_CASE(close_payload_of_one_byte_is_1002) {
  expect_failure(role::client, build({.b0 = 0x88, .payload = {0x03}}), ws_errc::bad_close_payload, 1002);
}

BOOST_AUTO_TEST_CASE(invalid_close_codes_are_1002) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    std::vector<byte> payload{static_cast<byte>(code >> 8), static_cast<byte>(code)};
    expect_failure(role::server, frame_to(role::server, {.b0 = 0x88, .payload = payload}), ws_errc::bad_close_code,
                   1002);
  }
}

BOOST_AUTO_TEST_CASE(data_after_close_is_1002) {
  expect_failure(role::client,
                 join({build({.b0 = 0x88, .payload = {0x03, 0xE8}}), build({.b0 = 0x81, .payload = bytes_of("late")})}),
                 ws_errc::data_after_close, 1002);
}

BOOST_AUTO_TEST_CASE(data_arriving_after_the_close_was_answered_is_1002) {
  auto [peer, ep] = memory_pair();
  push(ep->input(), build({.b0 = 0x88, .payload = {0x03, 0xE8}}));
  counter_entropy e;
  websocket_stream ws(*ep, {.side = role::client}, std::ref(e));
  std::vector<byte> out;
  message_type type{};
  BOOST_TEST(until_done([&] { return ws.read_message(out, type); }).st == status::eof);
  push(ep->input(), build({.b0 = 0x81, .payload = bytes_of("late")}));
  io_result r = ws.read_message(out, type);
  BOOST_TEST((r.ec == ws_errc::data_after_close));
  auto sent = parse(drain(ep->output()));
  BOOST_TEST_REQUIRE(sent.size() == 1u);  // only the echo: one close frame per connection
  BOOST_TEST(close_code_in(sent[0]) == 1000);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_text_is_1007) {
  expect_failure(role::server, frame_to(role::server, {.b0 = 0x81, .payload = {'o', 'k', 0xC0, 0xAF}}),
                 ws_errc::invalid_utf8, 1007);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_close_reason_is_1007) {
  expect_failure(role::client, build({.b0 = 0x88, .payload = {0x03, 0xE8, 0xFF}}), ws_errc::invalid_utf8, 1007);
}

BOOST_AUTO_TEST_CASE(binary_is_not_checked_as_text) {
  outcome o = feed(role::client, build({.b0 = 0x82, .payload = {0xC0, 0xAF}}));
  BOOST_TEST(o.r.ok());
  BOOST_TEST(o.r.n == 2u);
}

BOOST_AUTO_TEST_CASE(message_over_max_message_is_1009) {
  const stream_options small{.max_message = 1000};
  expect_failure(role::client, build({.b0 = 0x82, .payload = std::vector<byte>(1001, 7)}), ws_errc::message_too_big,
                 1009, small);
  // Exactly the limit is fine.
  BOOST_TEST(feed(role::client, build({.b0 = 0x82, .payload = std::vector<byte>(1000, 7)}), small).r.ok());
  // Fragments count together: the second header already fails, before its payload is read.
  outcome o = feed(role::client,
                   join({build({.b0 = 0x02, .payload = std::vector<byte>(600, 7)}),
                         build({.b0 = 0x80, .form = 16, .length = 600})}),
                   small);
  BOOST_TEST((o.r.ec == ws_errc::message_too_big));
  BOOST_TEST(o.out.size() == 600u);
}

BOOST_AUTO_TEST_CASE(hostile_lengths_allocate_nothing) {
  for (std::uint64_t len : {1ull << 62, (1ull << 63) - 1, 1ull << 32}) {
    outcome o = feed(role::client, build({.b0 = 0x82, .form = 64, .length = len}));
    BOOST_TEST((o.r.ec == ws_errc::message_too_big));
    BOOST_TEST(o.out.capacity() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(eof_inside_a_frame_is_1006_and_sends_nothing) {
  auto wire = build({.b0 = 0x82, .payload = std::vector<byte>(50, 1)});
  wire.resize(20);
  auto [peer, ep] = memory_pair();
  push(ep->input(), wire);
  ep->input().closed = true;
  counter_entropy e;
  websocket_stream ws(*ep, {.side = role::client}, std::ref(e));
  std::vector<byte> out;
  message_type type{};
  io_result r = until_done([&] { return ws.read_message(out, type); });
  BOOST_TEST((r.ec == ws_errc::unexpected_eof));
  BOOST_TEST(ep->output().bytes.empty());
}

// The failing close frame is owed even when the lower stream is full: the read reports
// need_write until it is out, then the error.
BOOST_AUTO_TEST_CASE(failing_waits_to_send_its_close_frame) {
  auto [peer, ep] = memory_pair();
  push(ep->input(), build({.b0 = 0x81}));  // unmasked, to a server
  ep->output().capacity = 1;
  counter_entropy e;
  websocket_stream ws(*ep, {.side = role::server}, std::ref(e));
  std::vector<byte> out;
  message_type type{};
  std::vector<byte> wire;
  io_result r = ws.read_message(out, type);
  int rounds = 0;
  while (r.st == status::need_write && rounds++ < 100) {
    auto more = drain(ep->output());
    wire.insert(wire.end(), more.begin(), more.end());
    r = ws.read_message(out, type);
  }
  BOOST_TEST(rounds == 3);  // a 4-byte close frame, one byte per call
  BOOST_TEST((r.ec == ws_errc::unmasked_frame));
  auto more = drain(ep->output());
  wire.insert(wire.end(), more.begin(), more.end());
  BOOST_TEST((wire == std::vector<byte>{0x88, 0x02, 0x03, 0xEA}));
  BOOST_TEST(ep->output().closed);
}

BOOST_AUTO_TEST_SUITE_END()
