#include <boost/test/unit_test.hpp>

#include "sim/network.hpp"

using namespace stutter;
using namespace stutter::sim;

namespace {

std::vector<byte> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

struct fixture {
  trace log;
  network net;
  explicit fixture(fault_plan plan = {}, network_config cfg = {}) : net(cfg, std::move(plan), log) {}
  sim_socket& client() { return net.socket(endpoint_id::client); }
  sim_socket& server() { return net.socket(endpoint_id::server); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(network_suite)

BOOST_AUTO_TEST_CASE(bytes_flow_in_order_and_eof_follows_shutdown) {
  fixture f;
  BOOST_TEST(f.client().write_some(bytes_of("hello")).n == 5u);
  BOOST_TEST(f.server().readable());
  std::array<byte, 16> buf{};
  io_result r = f.server().read_some(buf);
  BOOST_TEST(r.n == 5u);
  BOOST_TEST((r.st == status::ok));
  BOOST_TEST(!f.server().readable());
  BOOST_TEST((f.server().read_some(buf).st == status::would_block));
  BOOST_TEST(f.client().shutdown_write().ok());
  BOOST_TEST((f.server().read_some(buf).st == status::eof));
}

// After a TLS cleanup call that left the socket open, the runner closes it: the peer reads
// what is in flight, then eof; on a direction already shut it changes nothing, so the trace
// of a stream whose cleanup shut its write side is the same as before.
BOOST_AUTO_TEST_CASE(close_after_cleanup_ends_an_open_direction_once) {
  fixture f;
  BOOST_TEST(f.client().write_some(bytes_of("alert")).n == 5u);
  f.net.close_after_cleanup(endpoint_id::client);
  std::array<byte, 16> buf{};
  BOOST_TEST(f.server().read_some(buf).n == 5u);
  BOOST_TEST((f.server().read_some(buf).st == status::eof));
  const auto events = f.log.count();
  f.net.close_after_cleanup(endpoint_id::client);
  BOOST_TEST(f.log.count() == events);
  BOOST_TEST(f.server().shutdown_write().ok());
  const auto before = f.log.count();
  f.net.close_after_cleanup(endpoint_id::server);
  BOOST_TEST(f.log.count() == before);
}

BOOST_AUTO_TEST_CASE(latency_delays_delivery_until_the_clock_reaches_it) {
  fixture f({}, {.capacity = 100, .latency = 5});
  BOOST_TEST(f.client().write_some(bytes_of("x")).ok());
  BOOST_TEST(!f.server().readable());
  BOOST_TEST(f.net.next_event().value() == 5u);
  f.net.advance(5);
  BOOST_TEST(f.server().readable());
}

BOOST_AUTO_TEST_CASE(capacity_applies_backpressure) {
  fixture f({}, {.capacity = 3, .latency = 0});
  BOOST_TEST(f.client().write_some(bytes_of("abcdef")).n == 3u);
  BOOST_TEST(!f.client().writable());
  BOOST_TEST((f.client().write_some(bytes_of("def")).st == status::would_block));
}

BOOST_AUTO_TEST_CASE(scheduled_faults_fire_at_their_operation_and_are_recorded) {
  std::vector<fault_entry> schedule{{endpoint_id::client, direction::write, 0, fault_kind::short_write, 2},
                                    {endpoint_id::server, direction::read, 0, fault_kind::eagain_read, 1},
                                    {endpoint_id::server, direction::read, 1, fault_kind::partial_read, 1}};
  fixture f(fault_plan::schedule(schedule));
  BOOST_TEST(f.client().write_some(bytes_of("abc")).n == 2u);
  std::array<byte, 8> buf{};
  BOOST_TEST((f.server().read_some(buf).st == status::would_block));
  BOOST_TEST(!f.server().readable());  // an injected EAGAIN holds until the next tick
  f.net.advance(1);
  BOOST_TEST(f.server().read_some(buf).n == 1u);
  BOOST_TEST(f.server().read_some(buf).n == 1u);
  BOOST_TEST((f.net.plan().taken() == schedule));
  BOOST_TEST(f.net.stats().faults[static_cast<int>(fault_kind::short_write)] == 1u);
}

BOOST_AUTO_TEST_CASE(destructive_faults_surface_as_their_errors) {
  fixture reset(fault_plan::schedule({{endpoint_id::client, direction::write, 0, fault_kind::reset, 1}}));
  BOOST_TEST((reset.client().write_some(bytes_of("a")).ec == errc::connection_reset));
  std::array<byte, 8> buf{};
  BOOST_TEST((reset.server().read_some(buf).ec == errc::connection_reset));

  fixture limit(fault_plan::schedule({{endpoint_id::client, direction::write, 0, fault_kind::limit_data, 2}}));
  BOOST_TEST(limit.client().write_some(bytes_of("abc")).n == 2u);
  BOOST_TEST((limit.client().write_some(bytes_of("c")).ec == errc::data_limit));

  fixture half(fault_plan::schedule({{endpoint_id::client, direction::write, 0, fault_kind::half_close, 1}}));
  BOOST_TEST(half.client().write_some(bytes_of("ab")).n == 2u);
  BOOST_TEST((half.client().write_some(bytes_of("c")).ec == errc::broken_pipe));
  BOOST_TEST(half.server().read_some(buf).n == 2u);
  BOOST_TEST((half.server().read_some(buf).st == status::eof));

  fixture fail(fault_plan::schedule({{endpoint_id::server, direction::read, 1, fault_kind::fail_at, 1}}));
  BOOST_TEST((fail.server().read_some(buf).st == status::would_block));
  BOOST_TEST((fail.server().read_some(buf).ec == errc::injected_failure));
  BOOST_TEST((fail.server().read_some(buf).ec == errc::injected_failure));  // sticky
}

BOOST_AUTO_TEST_CASE(one_byte_quota_blocks_then_moves_one_byte) {
  fixture f(fault_plan::schedule({{endpoint_id::server, direction::read, 0, fault_kind::one_byte, 1}}));
  BOOST_TEST(f.client().write_some(bytes_of("abc")).ok());
  std::array<byte, 8> buf{};
  BOOST_TEST((f.server().read_some(buf).st == status::would_block));
  f.net.advance(1);
  BOOST_TEST(f.server().read_some(buf).n == 1u);
  BOOST_TEST(f.server().read_some(buf).n == 2u);
}

BOOST_AUTO_TEST_CASE(hold_stalls_a_direction_for_its_ticks) {
  fixture f(fault_plan::schedule({{endpoint_id::server, direction::read, 0, fault_kind::hold, 10}}));
  BOOST_TEST(f.client().write_some(bytes_of("abc")).ok());
  std::array<byte, 8> buf{};
  BOOST_TEST((f.server().read_some(buf).st == status::would_block));
  BOOST_TEST(!f.server().readable());
  BOOST_TEST(f.net.next_event().value() == 10u);
  f.net.advance(10);
  BOOST_TEST(f.server().read_some(buf).n == 3u);
}

BOOST_AUTO_TEST_CASE(swarm_decisions_replay_as_a_schedule_with_the_same_trace) {
  auto drive = [](fault_plan plan, std::vector<fault_entry>* taken) {
    trace log;
    network net({.capacity = 16, .latency = 1}, std::move(plan), log);
    std::array<byte, 5> buf{};
    auto msg = bytes_of("0123456789abcdefghij");
    for (int i = 0; i < 200; ++i) {
      (void)net.socket(endpoint_id::client).write_some(msg);
      (void)net.socket(endpoint_id::server).read_some(buf);
      net.advance(1);
    }
    if (taken) *taken = net.plan().taken();
    return log.hash();
  };
  std::map<fault_kind, fault_rate> rates{{fault_kind::eagain_read, {200, 1}},
                                         {fault_kind::short_write, {300, 7}},
                                         {fault_kind::latency, {100, 9}},
                                         {fault_kind::partial_read, {300, 3}}};
  std::vector<fault_entry> taken;
  const auto swarm_hash = drive(fault_plan::swarm(rates, 1234), &taken);
  BOOST_TEST(!taken.empty());
  BOOST_TEST(drive(fault_plan::swarm(rates, 1234), nullptr) == swarm_hash);
  BOOST_TEST(drive(fault_plan::schedule(taken), nullptr) == swarm_hash);
  BOOST_TEST(drive(fault_plan::swarm(rates, 1235), nullptr) != swarm_hash);
}

BOOST_AUTO_TEST_SUITE_END()
