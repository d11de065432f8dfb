// The three traps that break a naive TLS wrapper on a stuttering network. Each scenario runs
// twice: with tls_stream on both sides (it must complete), and with the naive wrapper on the
// victim's side (it must fail or hang, which is what the trap does to it).
#include <boost/test/unit_test.hpp>

#include "exchange.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;

namespace {

bool naive_broke(const run_outcome& out, const side_outcome& victim) { return out.hang || static_cast<bool>(victim.error); }

// Trap 1: the server's record is half-flushed (small pipe) when the client's renegotiation
// ClientHello arrives and the server reads it.
run_outcome trap1(bool naive_server, tls_pair& pair) {
  const auto big = pattern(16 * 1024, 1);
  const auto bye = pattern(3, 2);
  script client{{{action::handshake}, {action::renegotiate}, {action::handshake}, {action::wait_read, {}, big.size()},
                 {action::write, bye}, {action::shutdown}}};
  client.read_bytes = big.size();
  client.read_eof = true;
  script server{{{action::handshake}, {action::write, big}, {action::wait_read, {}, bye.size()}, {action::shutdown}}};
  server.read_bytes = bye.size();
  server.read_eof = true;
  (void)naive_server;
  return run(pair, client, server, 200, 2000000, /*jitter=*/false);
}

// Trap 2: the refusal's no_renegotiation warning is produced while the refusing side only
// reads, over pipes that hold a few bytes.
run_outcome trap2(tls_pair& pair) {
  script client{{{action::handshake}, {action::renegotiate}, {action::handshake}}};
  client.read_eof = true;
  script server{{{action::handshake}}};
  server.read_eof = true;
  return run(pair, client, server, 200, 2000000, /*jitter=*/false);
}

// Trap 3: the client renegotiates and writes while the server keeps writing application
// data; the client does not read until the end.
run_outcome trap3(tls_pair& pair, std::vector<byte>& server_sends) {
  script client{{{action::handshake}, {action::renegotiate}}};
  for (std::uint32_t i = 0; i < 4; ++i) client.actions.push_back({action::write, pattern(4000, 10 + i)});
  client.actions.push_back({action::shutdown});
  client.reads = false;
  script server{{{action::handshake}}};
  server_sends.clear();
  for (std::uint32_t i = 0; i < 8; ++i) {
    auto m = pattern(2000, 20 + i);
    server_sends.insert(server_sends.end(), m.begin(), m.end());
    server.actions.push_back({action::write, m});
  }
  server.actions.push_back({action::wait_read, {}, 16000});
  server.actions.push_back({action::shutdown});
  server.read_bytes = 16000;
  server.read_eof = true;
  return run(pair, client, server, 200, 2000000, /*jitter=*/false);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_tls_traps)

BOOST_AUTO_TEST_CASE(trap1_renegotiation_while_a_record_is_half_flushed) {
  const knobs k{.capacity = 1000};
  {
    auto pair = make_pair(21, client_config("1.2"), server_config("1.2"), k);
    auto out = trap1(false, pair);
    BOOST_TEST(!out.hang);
    BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
    BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
    BOOST_TEST((out.client.received == pattern(16 * 1024, 1)));
    BOOST_TEST(pair.server.tls().counters().renegotiations == 1u);
  }
  {
    auto pair = make_pair(21, client_config("1.2"), server_config("1.2"), k, false, /*naive_server=*/true, 4096);
    auto out = trap1(true, pair);
    BOOST_TEST(naive_broke(out, out.server));
    BOOST_TEST_MESSAGE("naive server: hang=" << out.hang << " error=" << out.server.detail);
  }
}

BOOST_AUTO_TEST_CASE(trap2_warning_alert_left_in_a_tiny_buffer) {
  tls_config sc = server_config("1.2");
  sc.allow_renegotiation = false;
  for (std::size_t capacity : {1, 7, 64}) {
    BOOST_TEST_CONTEXT("capacity " << capacity) {
      const knobs k{.capacity = capacity};
      {
        auto pair = make_pair(22, client_config("1.2"), sc, k);
        auto out = trap2(pair);
        BOOST_TEST(!out.hang);
        BOOST_TEST((out.client.error == tls_errc::renegotiation_refused), out.client.detail);
        BOOST_TEST((out.server.error == tls_errc::renegotiation_refused), out.server.detail);
      }
      {
        auto pair = make_pair(22, client_config("1.2"), sc, k, false, /*naive_server=*/true, 512);
        auto out = trap2(pair);
        BOOST_TEST(naive_broke(out, out.client));
        BOOST_TEST(out.hang);  // the warning never leaves the naive server
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(trap3_application_data_during_a_renegotiation_driven_by_writes) {
  std::vector<byte> server_sends;
  {
    auto pair = make_pair(23, client_config("1.2"), server_config("1.2"));
    auto out = trap3(pair, server_sends);
    BOOST_TEST(!out.hang);
    BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
    BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
    BOOST_TEST(pair.client.tls().counters().renegotiations == 1u);
    // The server's data that arrived during the renegotiation was kept for the client.
    std::vector<byte> kept(pair.client.tls().buffered_plaintext());
    std::size_t got = 0;
    while (got < kept.size()) {
      io_result r = pair.client.stream->read_some(mutable_bytes(kept).subspan(got));
      BOOST_TEST_REQUIRE(r.ok());
      got += r.n;
    }
    BOOST_TEST(kept.size() <= server_sends.size());
    BOOST_TEST((std::vector<byte>(server_sends.begin(), server_sends.begin() + static_cast<std::ptrdiff_t>(kept.size())) == kept));
  }
  {
    auto pair = make_pair(23, client_config("1.2"), server_config("1.2"), {}, /*naive_client=*/true, false);
    auto out = trap3(pair, server_sends);
    BOOST_TEST(naive_broke(out, out.client));
    BOOST_TEST_MESSAGE("naive client: hang=" << out.hang << " error=" << out.client.detail);
  }
}

BOOST_AUTO_TEST_SUITE_END()
