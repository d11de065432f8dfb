// GnuTLS against impl/tls (tls_stream) over in-memory pipes that stutter: handshake,
// application data both ways, TLS 1.2 rehandshake and TLS 1.3 key update from either side,
// close_notify both ways. The runner-level scenarios (scenarios/tls/gnutls-*.json) run the
// same through the simulator.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>

#include "gnutls_peer.hpp"
#include "stutter/memory_stream.hpp"
#include "stutter/tls/tls_stream.hpp"

using namespace stutter;

namespace {

// Alternates the two steps until both report done; false on a stall.
bool drive(const std::function<bool()>& a, const std::function<bool()>& b, int rounds = 20000) {
  bool da = false, db = false;
  for (int i = 0; i < rounds && !(da && db); ++i) {
    if (!da) da = a();
    if (!db) db = b();
  }
  return da && db;
}

// One side of an exchange as resumable steps.
struct side {
  byte_stream& s;
  std::function<io_result()> handshake;
  std::string received;
  std::size_t sent = 0;
  bool eof = false;
  std::error_code error;

  bool shake() {
    io_result r = handshake();
    if (r.st == status::error) error = r.ec;
    return r.ok() || r.st == status::error;
  }
  bool write(const std::string& text) {
    if (sent >= text.size()) return true;
    io_result r = s.write_some(const_bytes(reinterpret_cast<const byte*>(text.data()) + sent, text.size() - sent));
    if (r.ok()) sent += r.n;
    if (r.st == status::error) error = r.ec;
    return sent >= text.size() || r.st == status::error;
  }
  bool read(std::size_t want) {
    if (received.size() >= want || eof) return true;
    byte buf[512];
    io_result r = s.read_some(buf);
    if (r.ok()) received.append(reinterpret_cast<const char*>(buf), r.n);
    if (r.st == status::eof) eof = true;
    if (r.st == status::error) error = r.ec;
    return received.size() >= want || r.st == status::error;
  }
  bool close() {
    io_result r = s.shutdown_write();
    if (r.st == status::error) error = r.ec;
    return r.ok() || r.st == status::error;
  }
};

struct pair_under_test {
  std::unique_ptr<memory_endpoint> a, b;
  std::shared_ptr<tls::tls_context> ctx = tls::tls_context::create(99);
  std::unique_ptr<tls::tls_stream> ours;
  std::unique_ptr<peers::gnutls_peer_stream> theirs;

  pair_under_test(const std::string& version, bool gnutls_server, std::size_t chunk) {
    auto [x, y] = memory_pair();
    a = std::move(x);
    b = std::move(y);
    for (auto* e : {a.get(), b.get()}) {
      e->read_chunk = chunk;
      e->write_chunk = chunk;
      e->block_every = 3;
    }
    tls::tls_config cfg;
    cfg.role = gnutls_server ? tls::tls_role::client : tls::tls_role::server;
    cfg.version = version;
    ours = std::make_unique<tls::tls_stream>(ctx, cfg, *a);
    theirs = std::make_unique<peers::gnutls_peer_stream>(
        peers::gnutls_peer_options{.server = gnutls_server, .version = version}, *b);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(gnutls_peer)

BOOST_AUTO_TEST_CASE(interoperates_with_tls_stream_both_roles_both_versions) {
  for (const char* version : {"1.2", "1.3"}) {
    for (bool gnutls_server : {true, false}) {
      for (std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
        BOOST_TEST_CONTEXT("TLS " << version << (gnutls_server ? ", GnuTLS server" : ", GnuTLS client") << ", chunk "
                                  << chunk) {
          pair_under_test p(version, gnutls_server, chunk);
          side o{*p.ours, [&] { return p.ours->handshake(); }};
          side g{*p.theirs, [&] { return p.theirs->handshake(); }};
          BOOST_TEST_REQUIRE(drive([&] { return o.shake(); }, [&] { return g.shake(); }));
          BOOST_TEST_REQUIRE(!o.error, o.error.message() << " " << p.ours->error_detail());
          BOOST_TEST_REQUIRE(!g.error, g.error.message() << " " << p.theirs->error_detail());
          BOOST_TEST(p.theirs->negotiated_version() == (std::string(version) == "1.2" ? "TLSv1.2" : "TLSv1.3"));

          const std::string ping(3000, 'p'), pong(2000, 'q');
          BOOST_TEST_REQUIRE(drive([&] { return o.write(ping); }, [&] { return g.read(ping.size()); }));
          BOOST_TEST(g.received == ping);

          // Our side asks for a renegotiation / key update and completes it before writing (a
          // GnuTLS client whose new ClientHello is still being flushed when application data
          // arrives starts its ClientHello over: see the scenarios), then both exchange data.
          BOOST_TEST_REQUIRE(!p.ours->request_renegotiation());
          o.sent = 0;
          g.received.clear();
          BOOST_TEST_REQUIRE(drive([&] { return o.shake() && o.write(ping) && o.read(pong.size()); },
                                   [&] { return g.read(ping.size()) && g.write(pong); }));
          BOOST_TEST_REQUIRE(!o.error, o.error.message() << " " << p.ours->error_detail());
          BOOST_TEST_REQUIRE(!g.error, g.error.message() << " " << p.theirs->error_detail());
          BOOST_TEST(o.received == pong);
          // Then the GnuTLS side asks.
          BOOST_TEST_REQUIRE(!p.theirs->request_renegotiation());
          o.sent = g.sent = 0;
          o.received.clear();
          g.received.clear();
          // Our side only reads until the GnuTLS side's handshake is done: a GnuTLS client that
          // gets application data before the ServerHello aborts its rehandshake and sends a
          // second ClientHello (gnutls _gnutls_abort_handshake), which OpenSSL rejects.
          BOOST_TEST_REQUIRE(drive([&] { return o.read(pong.size()) && o.write(ping); },
                                   [&] { return g.shake() && g.write(pong) && g.read(ping.size()); }));
          BOOST_TEST_REQUIRE(!o.error, o.error.message() << " " << p.ours->error_detail());
          BOOST_TEST_REQUIRE(!g.error, g.error.message() << " " << p.theirs->error_detail());
          BOOST_TEST(g.received == ping);
          BOOST_TEST(o.received == pong);
          const auto oc = p.ours->counters();
          const auto gc = p.theirs->counters();
          if (std::string(version) == "1.2") {
            BOOST_TEST(oc.renegotiations == 2u);
            BOOST_TEST(gc.renegotiations == 2u);
          } else {
            BOOST_TEST(oc.key_updates_sent == 1u);
            BOOST_TEST(oc.key_updates_received == 1u);
            BOOST_TEST(gc.key_updates_sent == 1u);
            BOOST_TEST(gc.key_updates_received == 1u);
          }

          // close_notify both ways.
          BOOST_TEST_REQUIRE(drive([&] { return o.close() && o.read(SIZE_MAX); }, [&] { return g.read(SIZE_MAX) && g.close(); }));
          BOOST_TEST(o.eof);
          BOOST_TEST(g.eof);
          BOOST_TEST(!o.error, o.error.message());
          BOOST_TEST(!g.error, g.error.message());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_gnutls_server_that_forbids_renegotiation_refuses_it) {
  auto [x, y] = memory_pair();
  auto ctx = tls::tls_context::create(5);
  tls::tls_config cfg;
  cfg.version = "1.2";
  tls::tls_stream ours(ctx, cfg, *x);
  peers::gnutls_peer_stream theirs({.server = true, .version = "1.2", .allow_renegotiation = false}, *y);
  side o{ours, [&] { return ours.handshake(); }};
  side g{theirs, [&] { return theirs.handshake(); }};
  BOOST_TEST_REQUIRE(drive([&] { return o.shake(); }, [&] { return g.shake(); }));
  BOOST_TEST_REQUIRE(!ours.request_renegotiation());
  drive([&] { return o.shake(); }, [&] { return g.read(1); }, 5000);
  BOOST_TEST((ours.error() == tls::tls_errc::renegotiation_refused), ours.error().message() << " " << ours.error_detail());
  BOOST_TEST((theirs.error() == tls::tls_errc::renegotiation_refused), theirs.error().message() << " " << theirs.error_detail());
}

BOOST_AUTO_TEST_SUITE_END()
