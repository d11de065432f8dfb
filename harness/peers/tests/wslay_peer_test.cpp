// Our client against a wslay server and a wslay client against our server, over
// stuttering memory endpoints; plus the places where wslay deviates from RFC 6455.
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <memory>
#include <optional>

#include "stutter/memory_stream.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/frame.hpp"
#include "stutter/ws/http_upgrade.hpp"
#include "stutter/ws/websocket.hpp"
#include "wslay_peer.hpp"

using namespace stutter;
using namespace stutter::ws;
using stutter::peers::wslay_message;
using stutter::peers::wslay_peer;
using stutter::peers::wslay_role;

namespace stutter {
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace stutter

namespace {

struct splitmix {
  std::uint64_t state;
  std::uint64_t operator()() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

std::vector<byte> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<byte> pattern(std::size_t n, std::size_t seed) {
  std::vector<byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<byte>('A' + (i * 13 + seed) % 50);  // ASCII
  return v;
}

struct knobs {
  std::size_t chunk = 0;
  std::size_t block_every = 0;
  std::size_t our_fragment = 0;
  std::size_t wslay_fragment = 0;
};

// One of our endpoints (after our handshake) facing a wslay peer.
struct session {
  std::unique_ptr<memory_endpoint> ours_ep, theirs_ep;
  splitmix our_entropy{1}, their_entropy{2};
  std::unique_ptr<wslay_peer> peer;
  std::unique_ptr<websocket_stream> ws;

  session(role our_role, knobs k) {
    auto [a, b] = memory_pair();
    ours_ep = std::move(a);
    theirs_ep = std::move(b);
    for (auto* e : {ours_ep.get(), theirs_ep.get()}) {
      e->read_chunk = e->write_chunk = k.chunk;
      e->block_every = k.block_every;
    }
    peer = std::make_unique<wslay_peer>(
        *theirs_ep, peers::wslay_peer_options{.role = our_role == role::client ? wslay_role::server : wslay_role::client,
                                              .fragment_size = k.wslay_fragment,
                                              .entropy = std::ref(their_entropy)});
    std::vector<byte> prefix;
    io_result r;
    if (our_role == role::client) {
      client_handshake hs(*ours_ep, {}, std::ref(our_entropy));
      r = drive([&] { return hs.step(); });
      prefix = hs.handover();
    } else {
      server_handshake hs(*ours_ep);
      r = drive([&] { return hs.step(); });
      prefix = hs.handover();
    }
    BOOST_TEST_REQUIRE(r.ok());
    for (int i = 0; i < 100 && !peer->handshake_done(); ++i) (void)peer->pump();
    BOOST_TEST_REQUIRE(peer->handshake_done());
    ws = std::make_unique<websocket_stream>(
        *ours_ep, stream_options{.side = our_role, .fragment_size = k.our_fragment}, std::ref(our_entropy),
        std::move(prefix));
  }

  // Runs op (ours) and the peer's pump in turn until op stops waiting.
  template <typename Op>
  io_result drive(Op op, int limit = 2000000) {
    io_result r;
    for (int i = 0; i < limit; ++i) {
      r = op();
      io_result p = peer->pump();
      BOOST_TEST_REQUIRE(p.st != status::error, p.ec.message());
      if (!r.waiting()) return r;
    }
    return r;
  }

  void pump_until(const std::function<bool()>& done, int limit = 2000000) {
    std::vector<byte> sink;
    for (int i = 0; i < limit && !done(); ++i) (void)peer->pump();
  }
};

// Every message goes to the peer and comes back; both ends see the same bytes and types.
void round_trip(session& s, const std::vector<std::pair<message_type, std::vector<byte>>>& messages) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& [type, payload] = messages[i];
    io_result w = s.drive([&] { return s.ws->write_message(payload, type); });
    BOOST_TEST_REQUIRE(w.ok());
    BOOST_TEST(w.n == payload.size());
    s.pump_until([&] { return s.peer->received().size() > i; });
    BOOST_TEST_REQUIRE(s.peer->received().size() == i + 1);
    BOOST_TEST(s.peer->received()[i].payload == payload);
    BOOST_TEST(s.peer->received()[i].opcode == static_cast<std::uint8_t>(type));
  }
  for (const auto& [type, payload] : messages) s.peer->send(static_cast<std::uint8_t>(type), payload);
  for (const auto& [type, payload] : messages) {
    std::vector<byte> got;
    message_type got_type{};
    io_result r = s.drive([&] { return s.ws->read_message(got, got_type); });
    BOOST_TEST_REQUIRE(r.ok(), r.st << " " << r.ec.message() << " size " << payload.size());
    BOOST_TEST(got == payload);
    BOOST_TEST((got_type == type));
  }
}

std::vector<std::pair<message_type, std::vector<byte>>> boundary_messages() {
  std::vector<std::pair<message_type, std::vector<byte>>> out;
  std::size_t seed = 0;
  for (std::size_t size : {0, 1, 125, 126, 127, 4096, 65535, 65536, 65537}) {
    out.emplace_back(seed % 2 ? message_type::text : message_type::binary, pattern(size, seed));
    ++seed;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wslay_peer_suite)

BOOST_AUTO_TEST_CASE(our_client_and_a_wslay_server_exchange_messages) {
  for (knobs k : {knobs{}, knobs{7, 3, 0, 0}, knobs{1000, 2, 300, 500}, knobs{3, 0, 1, 0}}) {
    BOOST_TEST_CONTEXT("chunk " << k.chunk << " block " << k.block_every << " frag " << k.our_fragment) {
      session s(role::client, k);
      auto msgs = boundary_messages();
      if (k.chunk <= 3) msgs.resize(6);  // byte-sized stutter: keep it quick
      round_trip(s, msgs);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_wslay_client_and_our_server_exchange_messages) {
  for (knobs k : {knobs{}, knobs{7, 3, 0, 0}, knobs{1000, 2, 300, 500}, knobs{3, 0, 1, 0}}) {
    BOOST_TEST_CONTEXT("chunk " << k.chunk << " block " << k.block_every << " frag " << k.our_fragment) {
      session s(role::server, k);
      auto msgs = boundary_messages();
      if (k.chunk <= 3) msgs.resize(6);
      round_trip(s, msgs);
    }
  }
}

RC_BOOST_PROP(random_exchanges_with_wslay_in_both_roles,
              (std::vector<std::vector<byte>> payloads, bool we_are_client)) {
  knobs k{*rc::gen::inRange<std::size_t>(1, 100), *rc::gen::inRange<std::size_t>(0, 5),
          *rc::gen::inRange<std::size_t>(0, 30), *rc::gen::inRange<std::size_t>(0, 30)};
  session s(we_are_client ? role::client : role::server, k);
  std::vector<std::pair<message_type, std::vector<byte>>> msgs;
  for (auto& p : payloads) {
    const bool text = *rc::gen::arbitrary<bool>();
    if (text) {
      for (auto& b : p) b &= 0x7F;
    }
    msgs.emplace_back(text ? message_type::text : message_type::binary, p);
  }
  round_trip(s, msgs);
}

BOOST_AUTO_TEST_CASE(pings_are_answered_both_ways) {
  for (role r : {role::client, role::server}) {
    session s(r, {5, 2, 0, 0});
    const auto hello = bytes_of("hello?");
    io_result pr = s.drive([&] { return s.ws->ping(hello); });
    BOOST_TEST_REQUIRE(pr.ok(), pr.st << " " << pr.ec.message());
    s.pump_until([&] { return s.peer->pings_received() == 1; });
    BOOST_TEST(s.peer->pings_received() == 1u);
    std::vector<byte> got;
    message_type type{};
    for (int i = 0; i < 1000 && s.ws->pongs_received() == 0; ++i) {
      (void)s.ws->read_message(got, type);
      (void)s.peer->pump();
    }
    BOOST_TEST(s.ws->pongs_received() == 1u);

    s.peer->send(0x9, bytes_of("yours"));
    for (int i = 0; i < 1000 && s.peer->pongs_received() == 0; ++i) {
      (void)s.ws->read_message(got, type);
      (void)s.peer->pump();
    }
    BOOST_TEST(s.peer->pongs_received() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(we_close_and_wslay_echoes) {
  for (role r : {role::client, role::server}) {
    session s(r, {4, 3, 0, 0});
    BOOST_TEST_REQUIRE(s.drive([&] { return s.ws->close(1000, "bye"); }).ok());
    std::vector<byte> got;
    message_type type{};
    io_result end = s.drive([&] { return s.ws->read_message(got, type); });
    BOOST_TEST(end.st == status::eof);
    BOOST_TEST(s.ws->close_code() == 1000);
    BOOST_TEST(s.peer->close_code() == 1000);
    BOOST_TEST(s.peer->sent_close_code() == 1000);
    BOOST_TEST(s.peer->pump().st == status::eof);
  }
}

BOOST_AUTO_TEST_CASE(wslay_closes_and_we_echo) {
  for (role r : {role::client, role::server}) {
    session s(r, {4, 3, 0, 0});
    s.peer->close(4001, "going");
    std::vector<byte> got;
    message_type type{};
    io_result end = s.drive([&] { return s.ws->read_message(got, type); });
    BOOST_TEST(end.st == status::eof);
    BOOST_TEST(s.ws->close_code() == 4001);
    BOOST_TEST(s.ws->sent_close_code() == 4001);
    s.pump_until([&] { return s.peer->close_code() != 0; });
    BOOST_TEST(s.peer->close_code() == 4001);
  }
}

// ---- where wslay deviates: hand-built frames to a wslay server, its answer parsed ----

namespace {

struct answer {
  std::vector<std::pair<std::uint8_t, std::vector<byte>>> frames;  // opcode, payload
};

answer wslay_server_answer(const std::vector<byte>& wire) {
  auto [raw, theirs] = memory_pair();
  splitmix e{3};
  wslay_peer peer(*theirs, {.role = wslay_role::server, .handshake = false, .entropy = std::ref(e)});
  theirs->input().bytes.insert(theirs->input().bytes.end(), wire.begin(), wire.end());
  for (int i = 0; i < 10; ++i) (void)peer.pump();
  std::vector<byte> out(theirs->output().bytes.begin(), theirs->output().bytes.end());
  answer a;
  std::size_t p = 0;
  while (out.size() - p >= 2) {
    const std::size_t h = header_size(out[p], out[p + 1]);
    frame_header fh;
    BOOST_TEST_REQUIRE(!decode_header(const_bytes(out).subspan(p, h), fh));
    a.frames.emplace_back(fh.opcode, std::vector<byte>(out.begin() + static_cast<std::ptrdiff_t>(p + h),
                                                       out.begin() + static_cast<std::ptrdiff_t>(p + h + fh.length)));
    p += h + fh.length;
  }
  return a;
}

// A masked client frame with explicit header bytes after the first (length form chosen by the caller).
std::vector<byte> masked(byte b0, std::vector<byte> length_bytes, const std::vector<byte>& payload) {
  std::vector<byte> out{b0};
  length_bytes[0] |= 0x80;
  out.insert(out.end(), length_bytes.begin(), length_bytes.end());
  const byte key[4] = {1, 2, 3, 4};
  out.insert(out.end(), key, key + 4);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(payload[i] ^ key[i % 4]);
  return out;
}

std::optional<std::uint16_t> close_code_of_answer(const answer& a) {
  for (const auto& [op, payload] : a.frames) {
    if (op == 0x8) return payload.size() >= 2 ? (payload[0] << 8 | payload[1]) : 0;
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_CASE(wslay_answers_frame_layer_violations_with_an_empty_close) {
  // RFC 6455 wants 1002 for each; wslay sends a close frame without a code (0 here).
  const std::vector<std::vector<byte>> frames{
      masked(0x82, {126, 0x00, 0x05}, std::vector<byte>(5, 1)),                  // non-minimal 16-bit length
      masked(0x82, {127, 0, 0, 0, 0, 0, 0, 0, 200}, std::vector<byte>(200, 1)),  // non-minimal 64-bit length
      masked(0x89, {126, 0x00, 126}, std::vector<byte>(126, 1)),                 // ping over 125 bytes
      masked(0x09, {1}, {'p'}),                                                  // fragmented ping
  };
  for (const auto& f : frames) {
    auto code = close_code_of_answer(wslay_server_answer(f));
    BOOST_TEST_REQUIRE(code.has_value());
    BOOST_TEST(*code == 0u);
  }
}

BOOST_AUTO_TEST_CASE(wslay_echoes_a_one_byte_close_payload_as_an_empty_close) {
  auto code = close_code_of_answer(wslay_server_answer(masked(0x88, {1}, {0x03})));
  BOOST_TEST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0u);  // RFC 6455: 1002
}

BOOST_AUTO_TEST_CASE(wslay_gets_the_other_violations_right) {
  struct row {
    std::vector<byte> wire;
    std::uint16_t code;
  };
  const std::vector<row> rows{
      {masked(0xC1, {1}, {'x'}), 1002},                 // RSV1
      {masked(0x83, {1}, {'x'}), 1002},                 // reserved opcode
      {{0x81, 0x01, 'x'}, 1002},                        // unmasked client frame
      {masked(0x80, {1}, {'x'}), 1002},                 // continuation without a start
      {masked(0x81, {2}, {0xC0, 0xAF}), 1007},          // invalid UTF-8
      {masked(0x88, {2}, {0x03, 0xED}), 1002},          // close code 1005 on the wire
  };
  for (const auto& row : rows) {
    auto code = close_code_of_answer(wslay_server_answer(row.wire));
    BOOST_TEST_REQUIRE(code.has_value());
    BOOST_TEST(*code == row.code);
  }
}

BOOST_AUTO_TEST_CASE(wslay_does_not_notice_data_after_close) {
  auto wire = masked(0x88, {2}, {0x03, 0xE8});
  auto late = masked(0x81, {4}, bytes_of("late"));
  wire.insert(wire.end(), late.begin(), late.end());
  answer a = wslay_server_answer(wire);
  BOOST_TEST_REQUIRE(a.frames.size() == 1u);
  BOOST_TEST(*close_code_of_answer(a) == 1000u);  // the plain echo; RFC 6455 (and we) would fail with 1002
}

BOOST_AUTO_TEST_SUITE_END()
