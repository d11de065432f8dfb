#include <boost/test/unit_test.hpp>

#include "exchange.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;

namespace {

// A small exchange: each side sends `count` messages (one record each), then a final message
// that the initiator sends only after its renegotiation completed, then closes.
struct exchange_plan {
  script client;
  script server;
  std::vector<byte> client_sends;
  std::vector<byte> server_sends;
};

exchange_plan plan_exchange(std::size_t count, bool client_initiates, std::size_t at, action::kind_t request) {
  exchange_plan p;
  std::vector<std::vector<byte>> c_msgs, s_msgs;
  for (std::size_t i = 0; i <= count; ++i) {
    c_msgs.push_back(pattern(100 + 700 * i, static_cast<std::uint32_t>(i)));
    s_msgs.push_back(pattern(900 + 500 * i, static_cast<std::uint32_t>(100 + i)));
  }
  p.client_sends = concat(c_msgs);
  p.server_sends = concat(s_msgs);
  auto fill = [&](script& s, const std::vector<std::vector<byte>>& msgs, bool initiator, std::size_t expect) {
    s.actions.push_back({action::handshake});
    for (std::size_t i = 0; i < count; ++i) {
      if (initiator && i == at) s.actions.push_back({request});
      s.actions.push_back({action::write, msgs[i]});
    }
    if (initiator && at >= count) s.actions.push_back({request});
    if (initiator) s.actions.push_back({action::handshake});  // drive our own request to its end
    s.actions.push_back({action::write, msgs[count]});
    s.actions.push_back({action::wait_read, {}, expect});
    s.actions.push_back({action::shutdown});
    s.read_bytes = expect;
    s.read_eof = true;
  };
  fill(p.client, c_msgs, client_initiates, p.server_sends.size());
  fill(p.server, s_msgs, !client_initiates, p.client_sends.size());
  return p;
}

void check_clean(const run_outcome& out, const exchange_plan& p) {
  BOOST_TEST(!out.hang);
  BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
  BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
  BOOST_TEST(!out.client.request_error, out.client.request_error.message());
  BOOST_TEST(!out.server.request_error, out.server.request_error.message());
  BOOST_TEST(out.client.got_eof);
  BOOST_TEST(out.server.got_eof);
  BOOST_TEST((out.client.received == p.server_sends));
  BOOST_TEST((out.server.received == p.client_sends));
}

const knobs stutter_knobs[] = {
    {},
    {.read_chunk = 1, .write_chunk = 1},
    {.read_chunk = 37, .write_chunk = 101, .block_every = 3},
    {.block_every = 2, .capacity = 700},  // records are left half-flushed all the time
};

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_tls_renegotiation)

BOOST_AUTO_TEST_CASE(tls12_renegotiation_from_either_side_at_every_record_boundary) {
  const std::size_t count = 4;
  for (bool client_initiates : {true, false}) {
    for (std::size_t at = 0; at <= count; ++at) {
      for (const knobs& k : stutter_knobs) {
        BOOST_TEST_CONTEXT("client_initiates " << client_initiates << " at " << at << " chunk " << k.read_chunk
                                               << " capacity " << k.capacity) {
          auto p = plan_exchange(count, client_initiates, at, action::renegotiate);
          auto pair = make_pair(11, client_config("1.2"), server_config("1.2"), k);
          auto out = run(pair, p.client, p.server);
          check_clean(out, p);
          auto cc = pair.client.tls().counters();
          auto sc = pair.server.tls().counters();
          BOOST_TEST(cc.handshakes == 2u);
          BOOST_TEST(sc.handshakes == 2u);
          BOOST_TEST(cc.renegotiations == 1u);
          BOOST_TEST(sc.renegotiations == 1u);
          BOOST_TEST((client_initiates ? cc : sc).renegotiations_started == 1u);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(tls13_key_update_from_either_side_at_every_record_boundary) {
  const std::size_t count = 4;
  for (bool client_initiates : {true, false}) {
    for (auto request : {action::key_update, action::key_update_requested, action::renegotiate}) {
      for (std::size_t at = 0; at <= count; ++at) {
        for (const knobs& k : stutter_knobs) {
          BOOST_TEST_CONTEXT("client_initiates " << client_initiates << " request " << request << " at " << at
                                                 << " chunk " << k.read_chunk << " capacity " << k.capacity) {
            auto p = plan_exchange(count, client_initiates, at, request);
            auto pair = make_pair(12, client_config("1.3"), server_config("1.3"), k);
            auto out = run(pair, p.client, p.server);
            check_clean(out, p);
            auto initiator = (client_initiates ? pair.client : pair.server).tls().counters();
            auto peer = (client_initiates ? pair.server : pair.client).tls().counters();
            const bool requested = request == action::key_update_requested;
            BOOST_TEST(initiator.key_updates_sent == 1u);
            BOOST_TEST(peer.key_updates_received == 1u);
            // Asked to update, the peer answers with its own KeyUpdate.
            BOOST_TEST(peer.key_updates_sent == (requested ? 1u : 0u));
            BOOST_TEST(initiator.key_updates_received == (requested ? 1u : 0u));
            BOOST_TEST(initiator.handshakes == 1u);
            BOOST_TEST(peer.handshakes == 1u);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(repeated_renegotiations_under_stutter) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("version " << version) {
      auto pair = make_pair(13, client_config(version), server_config(version),
                            {.read_chunk = 13, .write_chunk = 29, .block_every = 4, .capacity = 300});
      script c, s;
      std::vector<byte> c_all, s_all;
      for (std::uint32_t i = 0; i < 6; ++i) {
        auto cm = pattern(3000, i), sm = pattern(2500, 50 + i);
        c_all.insert(c_all.end(), cm.begin(), cm.end());
        s_all.insert(s_all.end(), sm.begin(), sm.end());
        c.actions.push_back({action::write, cm});
        s.actions.push_back({action::write, sm});
        (i % 2 == 0 ? c : s).actions.push_back({action::renegotiate});
        (i % 2 == 0 ? c : s).actions.push_back({action::handshake});
      }
      for (auto* side : {&c, &s}) {
        side->actions.push_back({action::wait_read, {}, side == &c ? s_all.size() : c_all.size()});
        side->actions.push_back({action::shutdown});
        side->read_bytes = side == &c ? s_all.size() : c_all.size();
        side->read_eof = true;
        side->read_size = 777;
      }
      auto out = run(pair, c, s);
      BOOST_TEST(!out.hang);
      BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
      BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
      BOOST_TEST((out.client.received == s_all));
      BOOST_TEST((out.server.received == c_all));
      auto cc = pair.client.tls().counters();
      auto sc = pair.server.tls().counters();
      if (std::string(version) == "1.2") {
        // A request made while the peer's renegotiation runs is either merged into it (a
        // HelloRequest crossing a ClientHello) or refused locally as operation_in_progress.
        BOOST_TEST(cc.renegotiations == sc.renegotiations);
        BOOST_TEST(cc.renegotiations >= 3u);
        for (const auto* side : {&out.client, &out.server}) {
          BOOST_TEST((!side->request_error || side->request_error == tls_errc::operation_in_progress));
        }
      } else {
        BOOST_TEST(cc.key_updates_sent == 3u);
        BOOST_TEST(sc.key_updates_received == 3u);
        BOOST_TEST(sc.key_updates_sent == 3u);
        BOOST_TEST(cc.key_updates_received == 3u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(refusal_ends_in_errors_on_both_sides_promptly) {
  for (bool client_initiates : {true, false}) {
    for (const knobs& k : stutter_knobs) {
      BOOST_TEST_CONTEXT("client_initiates " << client_initiates << " capacity " << k.capacity) {
        tls_config cc = client_config("1.2"), sc = server_config("1.2");
        // The side that receives the request refuses it.
        (client_initiates ? sc : cc).allow_renegotiation = false;
        auto pair = make_pair(14, cc, sc, k);
        script initiator{{{action::handshake}, {action::renegotiate}, {action::handshake}}};
        script other{{{action::handshake}}};
        initiator.read_eof = other.read_eof = true;
        auto out = client_initiates ? run(pair, initiator, other) : run(pair, other, initiator);
        BOOST_TEST(!out.hang);
        BOOST_TEST(out.rounds < 2000u);
        BOOST_TEST((out.client.error == tls_errc::renegotiation_refused), out.client.error.message() << " " << out.client.detail);
        BOOST_TEST((out.server.error == tls_errc::renegotiation_refused), out.server.error.message() << " " << out.server.detail);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_side_that_forbids_renegotiation_cannot_start_one) {
  tls_config cc = client_config("1.2");
  cc.allow_renegotiation = false;
  auto pair = make_pair(15, cc, server_config("1.2"));
  auto out = run(pair, script{{{action::handshake}}}, script{{{action::handshake}}});
  BOOST_TEST(!out.hang);
  BOOST_TEST((pair.client.tls().request_renegotiation() == tls_errc::renegotiation_disabled));
  BOOST_TEST((pair.client.tls().request_key_update(true) == tls_errc::unsupported_by_version));
}

BOOST_AUTO_TEST_SUITE_END()
