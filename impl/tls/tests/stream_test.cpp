// Data, close, truncation, determinism and the error API of tls_stream.
#include <boost/test/unit_test.hpp>

#include "exchange.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;

namespace {

script send_all_then_close(const std::vector<std::vector<byte>>& messages, std::size_t expect) {
  script s;
  for (const auto& m : messages) s.actions.push_back({action::write, m});
  s.actions.push_back({action::wait_read, {}, expect});
  s.actions.push_back({action::shutdown});
  s.read_bytes = expect;
  s.read_eof = true;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_tls_stream)

BOOST_AUTO_TEST_CASE(data_both_ways_at_once_over_stuttering_pipes) {
  for (const char* version : {"1.2", "1.3"}) {
    for (knobs k : {knobs{}, knobs{.read_chunk = 3, .write_chunk = 5, .block_every = 2},
                    knobs{.block_every = 3, .capacity = 100}, knobs{.read_chunk = 1000, .capacity = 20000}}) {
      BOOST_TEST_CONTEXT("version " << version << " chunk " << k.read_chunk << " capacity " << k.capacity) {
        auto pair = make_pair(31, client_config(version), server_config(version), k);
        std::vector<std::vector<byte>> c_msgs{pattern(40000, 1), pattern(1, 2), pattern(17000, 3)};
        std::vector<std::vector<byte>> s_msgs{pattern(25000, 4), pattern(16384, 5)};
        auto c_all = concat(c_msgs), s_all = concat(s_msgs);
        auto out = run(pair, send_all_then_close(c_msgs, s_all.size()), send_all_then_close(s_msgs, c_all.size()));
        BOOST_TEST(!out.hang);
        BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
        BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
        BOOST_TEST((out.client.received == s_all));
        BOOST_TEST((out.server.received == c_all));
        BOOST_TEST(out.client.got_eof);
        BOOST_TEST(out.server.got_eof);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gather_write_takes_one_record_at_a_time) {
  tls_config cc = client_config("1.3");
  cc.record_size = 1024;
  auto pair = make_pair(32, cc, server_config("1.3"));
  auto out = run(pair, script{{{action::handshake}}}, script{{{action::handshake}}});
  BOOST_TEST(!out.hang);
  auto a = pattern(300, 1), b = pattern(2000, 2);
  const_bytes parts[] = {a, b};
  io_result r = pair.client.tls().write_some(std::span<const const_bytes>(parts));
  BOOST_TEST(r.ok());
  BOOST_TEST(r.n == 1024u);  // one record: 300 bytes of a and 724 of b, copied together
  std::vector<byte> got(4096);
  io_result rr = pair.server.tls().read_some(got);
  BOOST_TEST(rr.ok());
  BOOST_TEST(rr.n == 1024u);
  auto expected = concat({a, b});
  BOOST_TEST((std::vector<byte>(got.begin(), got.begin() + 1024) == std::vector<byte>(expected.begin(), expected.begin() + 1024)));
}

BOOST_AUTO_TEST_CASE(close_notify_both_ways) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("version " << version) {
      auto pair = make_pair(33, client_config(version), server_config(version), {.read_chunk = 2, .block_every = 2});
      script c{{{action::write, pattern(10, 1)}, {action::shutdown}}};
      c.read_bytes = 20;
      c.read_eof = true;
      script s{{{action::write, pattern(20, 2)}, {action::shutdown}}};
      s.read_bytes = 10;
      s.read_eof = true;
      auto out = run(pair, c, s);
      BOOST_TEST(!out.hang);
      BOOST_TEST(!out.client.error);
      BOOST_TEST(!out.server.error);
      BOOST_TEST(out.client.got_eof);
      BOOST_TEST(out.server.got_eof);
      BOOST_TEST(pair.client.tls().peer_closed());
      // Writing after close_notify is refused.
      BOOST_TEST((pair.client.tls().write_some(pattern(1, 3)).ec == errc::write_after_shutdown));
      // A read after eof stays eof.
      std::vector<byte> buf(8);
      BOOST_TEST((pair.client.tls().read_some(buf).st == status::eof));
    }
  }
}

BOOST_AUTO_TEST_CASE(half_close_lets_the_other_direction_go_on) {
  auto pair = make_pair(34, client_config("1.3"), server_config("1.3"));
  script c{{{action::shutdown}}};  // handshakes, then closes its direction at once
  c.read_bytes = 30000;
  c.read_eof = true;
  script s{{{action::wait_read, {}, 0}, {action::write, pattern(30000, 1)}, {action::shutdown}}};
  s.read_eof = true;
  auto out = run(pair, c, s);
  BOOST_TEST(!out.hang);
  BOOST_TEST(!out.client.error, out.client.detail);
  BOOST_TEST(!out.server.error, out.server.detail);
  BOOST_TEST((out.client.received == pattern(30000, 1)));
}

BOOST_AUTO_TEST_CASE(eof_without_close_notify_is_truncation) {
  for (const char* version : {"1.2", "1.3"}) {
    for (bool during_handshake : {false, true}) {
      BOOST_TEST_CONTEXT("version " << version << " during_handshake " << during_handshake) {
        auto pair = make_pair(35, client_config(version), server_config(version));
        if (!during_handshake) {
          auto out = run(pair, script{{{action::write, pattern(100, 1)}}}, script{{{action::handshake}}});
          BOOST_TEST(!out.hang);
        }
        BOOST_TEST(pair.client.lower->shutdown_write().ok());  // the transport ends, no close_notify
        std::vector<byte> buf(1000);
        io_result r;
        std::size_t got = 0;
        for (int i = 0; i < 100; ++i) {
          r = pair.server.tls().read_some(buf);
          if (r.ok()) got += r.n;
          if (r.st == status::error || r.st == status::eof) break;
        }
        BOOST_TEST((r.ec == tls_errc::truncated), r.ec.message() << " " << pair.server.tls().error_detail());
        BOOST_TEST(got == (during_handshake ? 0u : 100u));  // data before the cut is delivered
        // Errors are sticky.
        BOOST_TEST((pair.server.tls().read_some(buf).ec == tls_errc::truncated));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(same_seed_same_wire_bytes_other_seed_other_bytes) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("version " << version) {
      auto wire = [&](std::uint64_t seed) {
        auto pair = make_pair(seed, client_config(version), server_config(version),
                              {.read_chunk = 7, .write_chunk = 11, .block_every = 3, .capacity = 500});
        script c{{{action::write, pattern(5000, 1)}, {action::renegotiate}, {action::handshake},
                  {action::write, pattern(3000, 2)}, {action::wait_read, {}, 4000}, {action::shutdown}}};
        c.read_bytes = 4000;
        c.read_eof = true;
        script s{{{action::write, pattern(4000, 3)}, {action::wait_read, {}, 8000}, {action::shutdown}}};
        s.read_bytes = 8000;
        s.read_eof = true;
        auto out = run(pair, c, s);
        BOOST_TEST(!out.hang);
        BOOST_TEST(!out.client.error);
        BOOST_TEST(!out.server.error);
        return std::make_pair(pair.client.wire->written(), pair.server.wire->written());
      };
      auto first = wire(1234), second = wire(1234), other = wire(1235);
      BOOST_TEST(first.first.size() > 1000u);
      BOOST_TEST((first.first == second.first));
      BOOST_TEST((first.second == second.second));
      BOOST_TEST((first.first != other.first));
      BOOST_TEST((first.second != other.second));
    }
  }
}

BOOST_AUTO_TEST_CASE(contexts_are_independent) {
  // Interleaving a second context's work does not change the first one's bytes.
  auto wire = [](bool interleave) {
    auto pair = make_pair(99, client_config("1.3"), server_config("1.3"));
    if (interleave) {
      auto other = make_pair(99, client_config("1.3"), server_config("1.3"));
      auto o = run(other, script{{{action::handshake}}}, script{{{action::handshake}}});
      BOOST_TEST(!o.hang);
    }
    auto out = run(pair, script{{{action::handshake}}}, script{{{action::handshake}}});
    BOOST_TEST(!out.hang);
    return pair.client.wire->written();
  };
  BOOST_TEST((wire(false) == wire(true)));
}

BOOST_AUTO_TEST_CASE(changed_retry_is_rejected) {
  auto pair = make_pair(36, client_config("1.3"), server_config("1.3"), {.capacity = 100});
  auto out = run(pair, script{{{action::handshake}}}, script{{{action::handshake}}});
  BOOST_TEST(!out.hang);
  auto a = pattern(5000, 1), b = pattern(5000, 2);
  io_result r = pair.client.tls().write_some(a);
  BOOST_TEST((r.st == status::would_block));  // the record is half-flushed into a 100-byte pipe
  BOOST_TEST((pair.client.tls().write_some(b).ec == errc::retry_mismatch));
  BOOST_TEST(!pair.client.tls().error());  // not sticky: the right retry goes on
  BOOST_TEST((pair.client.tls().write_some(a).st == status::would_block));
}

BOOST_AUTO_TEST_CASE(error_api) {
  tls_config bad = client_config("1.1");
  auto ctx = tls_context::create(1);
  auto [a, b] = memory_pair();
  tls_stream s(ctx, bad, *a);
  std::vector<byte> buf(10);
  BOOST_TEST((s.read_some(buf).ec == tls_errc::config_invalid));
  tls_config small = client_config("1.3");
  small.record_size = 100;
  tls_stream s2(ctx, small, *a);
  BOOST_TEST((s2.write_some(buf).ec == tls_errc::config_invalid));
  tls_stream s3(ctx, client_config("1.2"), *a);
  BOOST_TEST((s3.request_renegotiation() == tls_errc::not_established));
  BOOST_TEST((s3.request_key_update(false) == tls_errc::not_established));
  for (int v = static_cast<int>(tls_errc::handshake_failed); v <= static_cast<int>(tls_errc::setup_failed); ++v) {
    std::string m = make_error_code(static_cast<tls_errc>(v)).message();
    BOOST_TEST(m.find("unknown") == std::string::npos);
  }
  BOOST_TEST(std::string(tls_category().name()) == "stutter.tls");
}

BOOST_AUTO_TEST_CASE(version_mismatch_fails_the_handshake_on_both_sides) {
  auto pair = make_pair(37, client_config("1.2"), server_config("1.3"));
  script c{{{action::handshake}}}, s{{{action::handshake}}};
  auto out = run(pair, c, s);
  BOOST_TEST(!out.hang);
  BOOST_TEST((out.client.error == tls_errc::handshake_failed));
  BOOST_TEST((out.server.error == tls_errc::handshake_failed));
  BOOST_TEST(!out.server.detail.empty());
}

BOOST_AUTO_TEST_CASE(prefix_bytes_come_before_the_lower_stream) {
  // A server whose first bytes were read by an earlier phase (STARTTLS-style handover).
  auto ctx = tls_context::create(38);
  auto [ca, sa] = memory_pair();
  tls_stream client(ctx, client_config("1.3"), *ca);
  BOOST_TEST((client.handshake().st == status::need_read));  // ClientHello is in the pipe
  std::vector<byte> head(10);
  BOOST_TEST(sa->read_some(head).ok());  // an earlier phase over-read 10 bytes
  tls_stream server(ctx, server_config("1.3"), *sa, head);
  for (int i = 0; i < 20 && !(client.established() && server.established()); ++i) {
    (void)server.handshake();
    (void)client.handshake();
  }
  BOOST_TEST(client.established());
  BOOST_TEST(server.established());
}

BOOST_AUTO_TEST_CASE(plaintext_kept_for_the_user_is_bounded) {
  tls_config cc = client_config("1.2");
  cc.plaintext_limit = 3000;
  auto pair = make_pair(39, cc, server_config("1.2"));
  // The client renegotiates and only writes while the server sends 10 KB: the client keeps at
  // most 3000 bytes, then asks to be read (need_read) instead of buffering more.
  script c{{{action::handshake}, {action::renegotiate}, {action::write, pattern(100, 1)}}};
  c.reads = false;
  script s{{{action::handshake}, {action::write, pattern(10000, 2)}}};
  s.read_bytes = 100;
  auto out = run(pair, c, s, 50);
  BOOST_TEST(pair.client.tls().buffered_plaintext() <= 3000u);
  BOOST_TEST(!out.client.error);
}

// Both sides write more than the pipes hold before they read anything: a side blocked
// flushing its record must read what the peer sent (keeping it for its later reads), or both
// wait to write forever.
BOOST_AUTO_TEST_CASE(sides_that_write_before_reading_both_finish_over_small_pipes) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("TLS " << version) {
      auto pair = make_pair(41, client_config(version), server_config(version), {.capacity = 100});
      script c{{{action::handshake}}};
      script s{{{action::handshake}}};
      std::vector<byte> client_sends, server_sends;
      for (std::uint32_t i = 0; i < 3; ++i) {
        auto a = pattern(2000, 50 + i);
        auto b = pattern(2000, 60 + i);
        client_sends.insert(client_sends.end(), a.begin(), a.end());
        server_sends.insert(server_sends.end(), b.begin(), b.end());
        c.actions.push_back({action::write, a});
        s.actions.push_back({action::write, b});
      }
      c.actions.push_back({action::shutdown});
      s.actions.push_back({action::shutdown});
      c.reads_after_writes = s.reads_after_writes = true;
      c.read_bytes = server_sends.size();
      s.read_bytes = client_sends.size();
      c.read_eof = s.read_eof = true;
      auto out = run(pair, c, s, 200, 2000000, /*jitter=*/false);
      BOOST_TEST(!out.hang);
      BOOST_TEST(!out.client.error, out.client.detail);
      BOOST_TEST(!out.server.error, out.server.detail);
      BOOST_TEST((out.client.received == server_sends));
      BOOST_TEST((out.server.received == client_sends));
      BOOST_TEST(out.client.got_eof);
      BOOST_TEST(out.server.got_eof);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
