#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "exchange_driver.hpp"
#include "generators.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;

namespace {

using st = exchange_status;

struct pair_fixture {
  exchange_config config;
  byte_queue c2s, s2c;
  exchange_endpoint client{exchange_role::client, config};
  exchange_endpoint server{exchange_role::server, config};
  exchange_io cio{s2c, c2s};
  exchange_io sio{c2s, s2c};
  std::uint8_t buf[16] = {};

  // Alternates reads until both sides have finished the initial handshake.
  void handshake() {
    for (int i = 0; i < 20 && !(client.handshake_complete() && server.handshake_complete()); ++i) {
      client.read(cio, buf);
      server.read(sio, buf);
    }
    BOOST_TEST_REQUIRE(client.handshake_complete());
    BOOST_TEST_REQUIRE(server.handshake_complete());
  }
};

exchange_action w(std::string_view s) { return {exchange_action::kind::write, to_bytes(s)}; }
exchange_action reneg() { return {exchange_action::kind::renegotiate, {}}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(exchange)

BOOST_FIXTURE_TEST_CASE(first_operation_of_the_client_sends_flight_zero, pair_fixture) {
  const auto r = client.write(cio, to_bytes("x"));
  BOOST_TEST((r.status == st::need_read));  // flight 1 is the server's
  BOOST_TEST((c2s.data == bytes{0x16, 0x00, 0x04, 0x00, 0x00, 0xf0, 0xf0}));
  BOOST_TEST(!client.handshake_complete());
}

BOOST_FIXTURE_TEST_CASE(server_write_before_the_handshake_needs_read, pair_fixture) {
  BOOST_TEST((server.write(sio, to_bytes("x")).status == st::need_read));
  BOOST_TEST(s2c.data.empty());
}

BOOST_FIXTURE_TEST_CASE(read_with_an_unsent_flight_needs_write, pair_fixture) {
  c2s.max_chunk = 1;
  BOOST_TEST((client.read(cio, buf).status == st::need_write));
  BOOST_TEST(c2s.data.size() == 1u);
  for (int i = 0; i < 5; ++i) BOOST_TEST((client.read(cio, buf).status == st::need_write));
  BOOST_TEST((client.read(cio, buf).status == st::would_block));  // flight pushed; nothing to read yet
  BOOST_TEST(c2s.data.size() == 7u);
}

BOOST_FIXTURE_TEST_CASE(write_mid_renegotiation_needs_read, pair_fixture) {
  handshake();
  BOOST_TEST((client.request_renegotiation(cio) == exchange_result{st::ok, 0, exchange_error::none}));
  BOOST_TEST(client.renegotiating());
  BOOST_TEST((client.write(cio, to_bytes("data")).status == st::need_read));
  // The server answers when it reads the hello; its own writes may go on after the answer.
  BOOST_TEST((server.read(sio, buf).status == st::would_block));
  BOOST_TEST(server.renegotiations_completed() == 1u);
  BOOST_TEST((server.write(sio, to_bytes("s")) == exchange_result{st::ok, 1, exchange_error::none}));
  BOOST_TEST((client.write(cio, to_bytes("data")) == exchange_result{st::ok, 4, exchange_error::none}));
  BOOST_TEST(client.renegotiations_completed() == 1u);
  BOOST_TEST(!client.renegotiating());
  // The server's "s" arrived while the client waited for the answer: it is buffered for read.
  BOOST_TEST((client.read(cio, buf) == exchange_result{st::ok, 1, exchange_error::none}));
  BOOST_TEST(buf[0] == 's');
}

BOOST_FIXTURE_TEST_CASE(short_writes_are_retried_with_the_same_arguments, pair_fixture) {
  handshake();
  c2s.max_chunk = 2;
  const bytes data = to_bytes("abcd");  // a 7-byte record
  BOOST_TEST((client.write(cio, data).status == st::would_block));
  BOOST_TEST((client.write(cio, data).status == st::would_block));
  BOOST_TEST((client.write(cio, data).status == st::would_block));
  BOOST_TEST((client.write(cio, data) == exchange_result{st::ok, 4, exchange_error::none}));
  BOOST_TEST(client.app_bytes_out() == 4u);
  c2s.max_chunk = unlimited;
  BOOST_TEST((server.read(sio, buf) == exchange_result{st::ok, 4, exchange_error::none}));
}

BOOST_FIXTURE_TEST_CASE(backpressure_is_would_block_on_write, pair_fixture) {
  handshake();
  c2s.capacity = c2s.data.size();  // full
  BOOST_TEST((client.write(cio, to_bytes("a")).status == st::would_block));
  BOOST_TEST((client.write(cio, to_bytes("a")).status == st::would_block));
  c2s.capacity = unlimited;
  BOOST_TEST((client.write(cio, to_bytes("a")) == exchange_result{st::ok, 1, exchange_error::none}));
}

BOOST_FIXTURE_TEST_CASE(orderly_close_gives_eof_and_closes_both_queues, pair_fixture) {
  handshake();
  BOOST_TEST((client.shutdown(cio).status == st::ok));
  BOOST_TEST(!c2s.closed);  // the server's close has not been read yet
  BOOST_TEST((server.read(sio, buf).status == st::eof));
  BOOST_TEST((server.shutdown(sio).status == st::ok));
  BOOST_TEST(s2c.closed);
  BOOST_TEST((client.read(cio, buf).status == st::eof));
  BOOST_TEST(c2s.closed);
  BOOST_TEST((client.write(cio, to_bytes("late")).error == exchange_error::usage));
}

BOOST_FIXTURE_TEST_CASE(a_peer_that_breaks_the_protocol_is_a_sticky_error, pair_fixture) {
  const bytes app = encode_exchange_record(exchange_record_type::app, to_bytes("early"));
  c2s.data = app;
  const auto r = server.read(sio, buf);
  BOOST_TEST((r.status == st::error));
  BOOST_TEST((r.error == exchange_error::protocol));
  BOOST_TEST((server.write(sio, to_bytes("x")).error == exchange_error::protocol));
}

BOOST_FIXTURE_TEST_CASE(a_stream_that_ends_before_the_close_is_truncated, pair_fixture) {
  s2c.closed = true;
  BOOST_TEST((client.read(cio, buf).error == exchange_error::truncated));
}

BOOST_AUTO_TEST_CASE(expected_observations_count_every_request_on_both_sides) {
  exchange_script script;
  script.client = {w("ab"), reneg(), w("c")};
  script.server = {reneg(), w("xyz")};
  const auto e = expected_observations(script);
  BOOST_TEST((e.server.app_received == to_bytes("abc")));
  BOOST_TEST((e.client.app_received == to_bytes("xyz")));
  BOOST_TEST(e.client.app_bytes_sent == 3u);
  BOOST_TEST(e.client.renegotiations_completed == 2u);
  BOOST_TEST(e.server.renegotiations_completed == 2u);
  BOOST_TEST(e.client.handshakes_completed == 1u);
}

BOOST_FIXTURE_TEST_CASE(crossing_hellos_are_each_answered, pair_fixture) {
  handshake();
  // Both hellos are on the wire before either side has read the other's.
  BOOST_TEST((client.request_renegotiation(cio).status == st::ok));
  BOOST_TEST((server.request_renegotiation(sio).status == st::ok));
  BOOST_TEST(client.renegotiating());
  BOOST_TEST(server.renegotiating());
  exchange_result c{st::need_read}, s{st::need_read};
  for (int i = 0; i < 10 && (c.status != st::ok || s.status != st::ok); ++i) {
    if (c.status != st::ok) c = client.write(cio, to_bytes("c"));
    if (s.status != st::ok) s = server.write(sio, to_bytes("s"));
  }
  BOOST_TEST((c == exchange_result{st::ok, 1, exchange_error::none}));
  BOOST_TEST((s == exchange_result{st::ok, 1, exchange_error::none}));
  BOOST_TEST(client.renegotiations_completed() == 2u);
  BOOST_TEST(server.renegotiations_completed() == 2u);
}

// Random scripts, chunk sizes and schedules: every run completes with the expected observations.
RC_BOOST_PROP(random_schedules_complete_with_expected_observations, ()) {
  exchange_script script;
  script.config.handshake_flights = *rc::gen::inRange<std::uint8_t>(1, 6);
  script.config.flight_size = *rc::gen::inRange<std::uint16_t>(2, 6);
  const auto action = rc::gen::weightedOneOf<exchange_action>(
      {{3, rc::gen::map(rc::gen::nonEmpty(any_bytes(6)), [](bytes b) { return exchange_action{exchange_action::kind::write, b}; })},
       {1, rc::gen::just(exchange_action{exchange_action::kind::renegotiate, {}})}});
  script.client = *sized<std::vector<exchange_action>>(0, 6, action);
  script.server = *sized<std::vector<exchange_action>>(0, 6, action);
  exchange_driver d{script, *rc::gen::inRange<std::size_t>(1, 5)};
  d.client_reads_after_writing = *rc::gen::arbitrary<bool>();
  d.server_reads_after_writing = *rc::gen::arbitrary<bool>();
  world wd = d.initial(*rc::gen::inRange<std::size_t>(1, 8), *rc::gen::inRange<std::size_t>(1, 8));

  for (int steps = 0; !d.done(wd); ++steps) {
    RC_ASSERT(steps < 100000);  // every attempt makes progress, so this bound means a livelock
    std::vector<int> ready;
    for (int t = 0; t < task_count; ++t)
      if (d.ready(wd, t)) ready.push_back(t);
    RC_ASSERT(!ready.empty());  // deadlock
    const int task = ready[*rc::gen::inRange<std::size_t>(0, ready.size())];
    const bool must_progress = exchange_driver::must_progress(wd, task);
    const world before = wd;
    const auto failure = d.step(wd, task);
    if (failure) RC_FAIL(*failure);
    if (must_progress) RC_ASSERT(!exchange_driver::same_substance(before, wd));
  }
  const auto failure = d.check_final(wd);
  if (failure) RC_FAIL(*failure);
}

BOOST_AUTO_TEST_SUITE_END()
