#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <memory>
#include <set>

#include "stutter/ws/errors.hpp"
#include "stutter/ws/websocket.hpp"
#include "ws_test_util.hpp"

using namespace stutter;
using namespace stutter::ws;
using namespace stutter::ws::test;

namespace {

struct ws_pair {
  std::unique_ptr<memory_endpoint> c, s;
  counter_entropy ce{1}, se{2};
  std::unique_ptr<websocket_stream> client, server;

  ws_pair(stream_options copt = {}, stream_options sopt = {}) {
    auto [a, b] = memory_pair();
    c = std::move(a);
    s = std::move(b);
    copt.side = role::client;
    sopt.side = role::server;
    client = std::make_unique<websocket_stream>(*c, copt, std::ref(ce));
    server = std::make_unique<websocket_stream>(*s, sopt, std::ref(se));
  }
  void stutter(std::size_t chunk, std::size_t block_every) {
    for (auto* e : {c.get(), s.get()}) {
      e->read_chunk = e->write_chunk = chunk;
      e->block_every = block_every;
    }
  }
};

struct received {
  io_result write;
  io_result read;
  std::vector<byte> payload;
  message_type type{};
};

received transfer(websocket_stream& from, websocket_stream& to, const std::vector<byte>& msg, message_type type) {
  received out;
  bool ok = drive_both([&] { return from.write_message(msg, type); },
                       [&] { return to.read_message(out.payload, out.type); }, out.write, out.read);
  BOOST_TEST_REQUIRE(ok);
  return out;
}

std::vector<byte> pattern(std::size_t n, std::size_t seed = 0) {
  std::vector<byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<byte>('a' + (i * 7 + seed) % 26);  // ASCII: valid text too
  return v;
}

// A stream that takes `chunk` bytes per call and records where every taken byte came from.
class recording_stream final : public byte_stream {
 public:
  const byte* lo = nullptr;
  const byte* hi = nullptr;
  std::size_t chunk = 0;
  std::size_t inside = 0;               // taken bytes that point into [lo, hi): not copied
  std::size_t outside = 0;              // taken bytes from anywhere else: headers, scratch
  std::size_t largest_outside_span = 0;
  std::vector<byte> wire;
  std::size_t calls = 0;

  io_result read_some(mutable_bytes) override { return io_result::blocked(); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    if (++calls % 3 == 0) return io_result::blocked();
    std::size_t room = chunk == 0 ? SIZE_MAX : chunk, taken = 0;
    for (auto b : bufs) {
      const std::size_t n = std::min(b.size(), room - taken);
      const bool in = b.data() >= lo && b.data() < hi;
      (in ? inside : outside) += n;
      if (!in) largest_outside_span = std::max(largest_outside_span, b.size());
      wire.insert(wire.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
      taken += n;
      if (taken == room) break;
    }
    return io_result::done(taken);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::done(0); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(message_suite)

BOOST_AUTO_TEST_CASE(boundary_sizes_both_directions_fragmented_or_not) {
  const std::vector<std::size_t> sizes{0, 1, 125, 126, 127, 65535, 65536, 65537};
  for (std::size_t size : sizes) {
    for (std::size_t fragment : {std::size_t{0}, std::size_t{1000}}) {
      for (auto type : {message_type::text, message_type::binary}) {
        for (bool from_client : {true, false}) {
          BOOST_TEST_CONTEXT("size " << size << " fragment " << fragment << " client " << from_client) {
            ws_pair p({.fragment_size = fragment}, {.fragment_size = fragment});
            const auto msg = pattern(size, size);
            websocket_stream& from = from_client ? *p.client : *p.server;
            websocket_stream& to = from_client ? *p.server : *p.client;
            memory_pipe& wire_pipe = from_client ? p.c->output() : p.s->output();
            // Write it whole first and judge the wire, then read it through a stutter.
            BOOST_TEST_REQUIRE(until_done([&] { return from.write_message(msg, type); }).n == size);
            const auto frames = parse(std::vector<byte>(wire_pipe.bytes.begin(), wire_pipe.bytes.end()));
            const std::size_t want_frames = fragment == 0 || size == 0 ? 1 : (size + fragment - 1) / fragment;
            BOOST_TEST_REQUIRE(frames.size() == want_frames);
            std::vector<byte> joined;
            std::size_t wire_size = 0;
            for (std::size_t i = 0; i < frames.size(); ++i) {
              BOOST_TEST(frames[i].op == (i == 0 ? static_cast<byte>(type) : 0));
              BOOST_TEST(frames[i].fin == (i + 1 == frames.size()));
              BOOST_TEST(frames[i].masked == from_client);
              BOOST_TEST(frames[i].rsv == 0);
              const std::size_t n = frames[i].payload.size();
              BOOST_TEST(frames[i].header_size == (n < 126 ? 2u : n < 65536 ? 4u : 10u) + (from_client ? 4u : 0u));
              wire_size += frames[i].header_size + n;
              joined.insert(joined.end(), frames[i].payload.begin(), frames[i].payload.end());
            }
            BOOST_TEST(wire_size == wire_pipe.bytes.size());
            BOOST_TEST(joined == msg);
            p.stutter(size < 200 ? 1 : 997, 3);
            std::vector<byte> got{9, 9, 9};  // replaced, not appended to
            message_type got_type{};
            io_result r = until_done([&] { return to.read_message(got, got_type); });
            BOOST_TEST_REQUIRE(r.ok());
            BOOST_TEST(r.n == size);
            BOOST_TEST(got == msg);
            BOOST_TEST((got_type == type));
          }
        }
      }
    }
  }
}

RC_BOOST_PROP(random_conversations_arrive_intact, (std::vector<std::vector<byte>> messages)) {
  const std::size_t chunk = *rc::gen::inRange<std::size_t>(1, 64);
  const std::size_t block_every = *rc::gen::inRange<std::size_t>(0, 5);
  const std::size_t cfrag = *rc::gen::inRange<std::size_t>(0, 40);
  const std::size_t sfrag = *rc::gen::inRange<std::size_t>(0, 40);
  const std::size_t mask_chunk = *rc::gen::inRange<std::size_t>(1, 64);
  ws_pair p({.fragment_size = cfrag, .mask_chunk = mask_chunk}, {.fragment_size = sfrag});
  p.stutter(chunk, block_every);
  for (const auto& m : messages) {
    const bool text = *rc::gen::arbitrary<bool>();
    std::vector<byte> msg = m;
    if (text) {
      for (auto& b : msg) b &= 0x7F;  // ASCII is valid UTF-8
    }
    const auto type = text ? message_type::text : message_type::binary;
    // Client to server, and the server echoes it back.
    std::vector<byte> at_server, at_client;
    message_type t1{}, t2{};
    io_result w, r;
    RC_ASSERT(drive_both([&] { return p.client->write_message(msg, type); },
                         [&] { return p.server->read_message(at_server, t1); }, w, r));
    RC_ASSERT(w.ok() && r.ok());
    RC_ASSERT(at_server == msg);
    RC_ASSERT(t1 == type);
    RC_ASSERT(drive_both([&] { return p.server->write_message(at_server, t1); },
                         [&] { return p.client->read_message(at_client, t2); }, w, r));
    RC_ASSERT(w.ok() && r.ok());
    RC_ASSERT(at_client == msg);
    RC_ASSERT(t2 == type);
  }
}

// A ping arriving between the fragments of a message is answered, and the message is whole.
BOOST_AUTO_TEST_CASE(ping_inside_a_fragmented_message) {
  for (bool at_server : {false, true}) {
    ws_pair p;
    const bool mask = at_server;  // frames to a server must be masked
    memory_pipe& in = at_server ? p.s->input() : p.c->input();
    for (const auto& f : {build({.b0 = 0x01, .payload = bytes_of("Hel"), .mask = mask}),
                          build({.b0 = 0x89, .payload = bytes_of("p1"), .mask = mask}),
                          build({.b0 = 0x00, .payload = bytes_of("l"), .mask = mask}),
                          build({.b0 = 0x8A, .payload = bytes_of("unsolicited pong"), .mask = mask}),
                          build({.b0 = 0x80, .payload = bytes_of("o"), .mask = mask})}) {
      push(in, f);
    }
    websocket_stream& ws = at_server ? *p.server : *p.client;
    std::vector<byte> got;
    message_type type{};
    io_result r = until_done([&] { return ws.read_message(got, type); });
    BOOST_TEST_REQUIRE(r.ok());
    BOOST_TEST(text_of(got) == "Hello");
    BOOST_TEST((type == message_type::text));
    BOOST_TEST(ws.pongs_received() == 1u);
    auto frames = parse(drain(at_server ? p.s->output() : p.c->output()));
    BOOST_TEST_REQUIRE(frames.size() == 1u);
    BOOST_TEST(frames[0].op == 0xA);
    BOOST_TEST(frames[0].fin);
    BOOST_TEST(frames[0].masked == !at_server);
    BOOST_TEST(text_of(frames[0].payload) == "p1");
  }
}

// The client is stuck mid-message when a ping arrives: the read returns need_write, pushes
// the frame in flight on, and the pong goes out between two fragments, never inside one.
BOOST_AUTO_TEST_CASE(pong_waits_for_a_frame_boundary_and_read_reports_need_write) {
  ws_pair p({.fragment_size = 10}, {});
  p.c->output().capacity = 7;
  const auto msg = pattern(100);
  io_result w = p.client->write_message(msg, message_type::binary);
  BOOST_TEST(w.st == status::would_block);
  const auto question = bytes_of("are you there");
  BOOST_TEST_REQUIRE(until_done([&] { return p.server->ping(question); }).ok());

  std::vector<byte> wire = drain(p.c->output());
  std::vector<byte> got;
  message_type type{};
  io_result r = p.client->read_message(got, type);
  BOOST_TEST(r.st == status::need_write);  // the pong is queued behind a frame the pipe cannot take yet
  int rounds = 0;
  while (r.st == status::need_write && rounds++ < 1000) {
    auto more = drain(p.c->output());
    wire.insert(wire.end(), more.begin(), more.end());
    r = p.client->read_message(got, type);
  }
  BOOST_TEST(r.st == status::would_block);  // pong out; nothing more to read
  // Finish the message.
  for (int i = 0; i < 1000; ++i) {
    auto more = drain(p.c->output());
    wire.insert(wire.end(), more.begin(), more.end());
    w = p.client->write_message(msg, message_type::binary);
    if (!w.waiting()) break;
  }
  auto more = drain(p.c->output());
  wire.insert(wire.end(), more.begin(), more.end());
  BOOST_TEST(w.ok());
  BOOST_TEST(w.n == 100u);
  auto frames = parse(wire);
  std::vector<byte> joined;
  std::size_t pongs = 0, data_frames = 0;
  for (const auto& f : frames) {
    if (f.op == 0xA) {
      ++pongs;
      BOOST_TEST(text_of(f.payload) == "are you there");
      BOOST_TEST(data_frames > 0u);  // it really was inside the message
    } else {
      ++data_frames;
      joined.insert(joined.end(), f.payload.begin(), f.payload.end());
    }
  }
  BOOST_TEST(pongs == 1u);
  BOOST_TEST(data_frames == 10u);
  BOOST_TEST(joined == msg);
  std::size_t total = 0;
  for (const auto& f : frames) total += f.header_size + f.payload.size();
  BOOST_TEST(total == wire.size());  // every byte belongs to a whole frame
}

BOOST_AUTO_TEST_CASE(close_handshake_started_by_the_client) {
  ws_pair p;
  p.stutter(3, 2);
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->close(1000, "bye"); }).ok());
  BOOST_TEST(p.client->close_sent());
  BOOST_TEST(p.client->sent_close_code() == 1000);
  BOOST_TEST((p.client->write_message(bytes_of("x"), message_type::text).ec == ws_errc::closed));
  BOOST_TEST((p.client->ping({}).ec == ws_errc::closed));
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(until_done([&] { return p.server->read_message(got, type); }).st == status::eof);
  BOOST_TEST(p.server->close_code() == 1000);
  BOOST_TEST(p.server->sent_close_code() == 1000);  // echoed
  BOOST_TEST(p.server->close_sent());
  BOOST_TEST(p.s->output().closed);
  BOOST_TEST(until_done([&] { return p.client->read_message(got, type); }).st == status::eof);
  BOOST_TEST(p.client->close_code() == 1000);
  BOOST_TEST(p.c->output().closed);
  BOOST_TEST(p.server->read_message(got, type).st == status::eof);  // stays eof
  BOOST_TEST(!p.client->error());
  BOOST_TEST(!p.server->error());
}

BOOST_AUTO_TEST_CASE(close_frames_on_the_wire) {
  ws_pair p;
  BOOST_TEST_REQUIRE(until_done([&] { return p.server->close(4000, "done"); }).ok());
  auto frames = parse(std::vector<byte>(p.s->output().bytes.begin(), p.s->output().bytes.end()));
  BOOST_TEST_REQUIRE(frames.size() == 1u);
  BOOST_TEST((frames[0].payload == std::vector<byte>{0x0F, 0xA0, 'd', 'o', 'n', 'e'}));
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(until_done([&] { return p.client->read_message(got, type); }).st == status::eof);
  auto echo = parse(drain(p.c->output()));
  BOOST_TEST_REQUIRE(echo.size() == 1u);
  BOOST_TEST(echo[0].masked);
  BOOST_TEST((echo[0].payload == std::vector<byte>{0x0F, 0xA0}));  // the code echoed, no reason
}

BOOST_AUTO_TEST_CASE(close_without_a_code_is_observed_as_1005) {
  ws_pair p;
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->close(0); }).ok());
  BOOST_TEST(p.client->sent_close_code() == 1005);
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(until_done([&] { return p.server->read_message(got, type); }).st == status::eof);
  BOOST_TEST(p.server->close_code() == 1005);
  auto echo = parse(std::vector<byte>(p.s->output().bytes.begin(), p.s->output().bytes.end()));
  BOOST_TEST_REQUIRE(echo.size() == 1u);
  BOOST_TEST(echo[0].payload.empty());
}

BOOST_AUTO_TEST_CASE(messages_sent_before_the_peers_close_are_still_delivered) {
  ws_pair p;
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->close(1001, ""); }).ok());
  const auto late = bytes_of("late");
  BOOST_TEST_REQUIRE(until_done([&] { return p.server->write_message(late, message_type::text); }).ok());
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(until_done([&] { return p.server->read_message(got, type); }).st == status::eof);
  io_result r = until_done([&] { return p.client->read_message(got, type); });
  BOOST_TEST(r.ok());
  BOOST_TEST(text_of(got) == "late");
  BOOST_TEST(until_done([&] { return p.client->read_message(got, type); }).st == status::eof);
  BOOST_TEST(p.client->close_code() == 1001);
}

BOOST_AUTO_TEST_CASE(close_arguments_are_checked) {
  ws_pair p;
  BOOST_TEST((p.client->close(1005).ec == ws_errc::invalid_argument));
  BOOST_TEST((p.client->close(999).ec == ws_errc::invalid_argument));
  BOOST_TEST((p.client->close(0, "reason without code").ec == ws_errc::invalid_argument));
  BOOST_TEST((p.client->close(1000, std::string(124, 'r')).ec == ws_errc::invalid_argument));
  BOOST_TEST((p.client->close(1000, "\xC0\xAF").ec == ws_errc::invalid_argument));
  BOOST_TEST((p.client->ping(std::vector<byte>(126)).ec == ws_errc::invalid_argument));
  BOOST_TEST(!p.client->close_sent());
  BOOST_TEST(until_done([&] { return p.client->close(1000, std::string(123, 'r')); }).ok());
}

BOOST_AUTO_TEST_CASE(eof_without_a_close_frame_is_abnormal) {
  ws_pair p;
  (void)p.s->shutdown_write();
  std::vector<byte> got;
  message_type type{};
  io_result r = until_done([&] { return p.client->read_message(got, type); });
  BOOST_TEST((r.ec == ws_errc::unexpected_eof));
  BOOST_TEST(close_code_of(r.ec) == 1006);
  BOOST_TEST(p.c->output().bytes.empty());  // 1006 never goes on the wire
}

BOOST_AUTO_TEST_CASE(ping_pong_round_trip) {
  ws_pair p;
  p.stutter(2, 2);
  const auto abc = bytes_of("abc");  // one buffer: retries must pass the same one
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->ping(abc); }).n == 3u);
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(until_done([&] { return p.server->read_message(got, type); }).st == status::would_block);
  BOOST_TEST(until_done([&] { return p.client->read_message(got, type); }).st == status::would_block);
  BOOST_TEST(p.client->pongs_received() == 1u);
}

BOOST_AUTO_TEST_CASE(utf8_split_across_fragments) {
  struct row {
    std::vector<std::vector<byte>> fragments;
    bool valid;
    bool fails_before_fin;
  };
  const std::vector<row> rows{
      {{{0xE2}, {0x82}, {0xAC}}, true, false},                 // U+20AC one byte per frame
      {{{'a', 0xF0, 0x9F}, {0x98, 0x80, 'b'}}, true, false},   // U+1F600 split in the middle
      {{{}, {0xC3}, {}, {0xA9}}, true, false},                 // empty fragments around the split
      {{{0xE2}, {0x28}, {0xAC}}, false, true},                 // bad continuation: fails at frame 2
      {{{0xED}, {0xA0, 0x80}, {'x'}}, false, true},            // surrogate across the boundary
      {{{'o', 'k', 0xE2}, {0x82}}, false, false},              // ends inside a character
  };
  for (const auto& row : rows) {
    ws_pair p;
    const std::size_t last = row.fragments.size() - 1;
    // Push all but the final frame first: a fast failure must not wait for FIN.
    for (std::size_t i = 0; i < last; ++i) {
      push(p.c->input(), build({.b0 = static_cast<byte>(i == 0 ? 0x01 : 0x00), .payload = row.fragments[i]}));
    }
    std::vector<byte> got;
    message_type type{};
    io_result r = until_done([&] { return p.client->read_message(got, type); }, 100);
    if (row.fails_before_fin) {
      BOOST_TEST((r.ec == ws_errc::invalid_utf8));
    } else {
      BOOST_TEST(r.st == status::would_block);
      push(p.c->input(), build({.b0 = static_cast<byte>(last == 0 ? 0x81 : 0x80), .payload = row.fragments[last]}));
      r = until_done([&] { return p.client->read_message(got, type); });
      if (row.valid) {
        BOOST_TEST(r.ok());
        std::vector<byte> joined;
        for (const auto& f : row.fragments) joined.insert(joined.end(), f.begin(), f.end());
        BOOST_TEST(got == joined);
      } else {
        BOOST_TEST((r.ec == ws_errc::invalid_utf8));
      }
    }
    if (!row.valid) {
      auto frames = parse(drain(p.c->output()));
      BOOST_TEST_REQUIRE(frames.size() == 1u);
      BOOST_TEST(close_code_in(frames[0]) == 1007);
    }
  }
}

BOOST_AUTO_TEST_CASE(our_writer_splits_text_anywhere_and_the_reader_rejoins_it) {
  const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80!";
  for (std::size_t fragment = 1; fragment <= text.size(); ++fragment) {
    ws_pair p({.fragment_size = fragment}, {});
    auto r = transfer(*p.client, *p.server, bytes_of(text), message_type::text);
    BOOST_TEST(r.read.ok());
    BOOST_TEST(text_of(r.payload) == text);
  }
}

BOOST_AUTO_TEST_CASE(server_writes_are_zero_copy) {
  const auto msg = pattern(65536);
  for (std::size_t fragment : {std::size_t{0}, std::size_t{4096}}) {
    recording_stream out;
    out.lo = msg.data();
    out.hi = msg.data() + msg.size();
    out.chunk = 1000;
    counter_entropy e;
    websocket_stream ws(out, {.side = role::server, .fragment_size = fragment}, std::ref(e));
    io_result r = until_done([&] { return ws.write_message(msg, message_type::binary); });
    BOOST_TEST(r.n == msg.size());
    BOOST_TEST(out.inside == msg.size());                     // every payload byte came from the caller
    BOOST_TEST(out.outside == (fragment == 0 ? 10u : 16u * 4u));  // only headers were ours
    auto frames = parse(out.wire);
    BOOST_TEST(frames.size() == (fragment == 0 ? 1u : 16u));
  }
}

BOOST_AUTO_TEST_CASE(client_masks_in_bounded_chunks) {
  const auto msg = pattern(10000);
  recording_stream out;
  out.lo = msg.data();
  out.hi = msg.data() + msg.size();
  out.chunk = 777;
  counter_entropy e;
  websocket_stream ws(out, {.side = role::client, .mask_chunk = 512}, std::ref(e));
  BOOST_TEST(until_done([&] { return ws.write_message(msg, message_type::binary); }).n == msg.size());
  BOOST_TEST(out.inside == 0u);  // transformational: the caller's bytes never go out as they are
  BOOST_TEST(out.outside == 8u + msg.size());
  BOOST_TEST(out.largest_outside_span <= 512u);
  auto frames = parse(out.wire);
  BOOST_TEST_REQUIRE(frames.size() == 1u);
  BOOST_TEST(frames[0].payload == msg);
}

BOOST_AUTO_TEST_CASE(mask_key_is_fresh_for_every_frame) {
  ws_pair p({.fragment_size = 10}, {});
  const auto msg = pattern(100);
  const auto x = bytes_of("x");
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->write_message(msg, message_type::binary); }).ok());
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->ping(x); }).ok());
  BOOST_TEST_REQUIRE(until_done([&] { return p.client->close(1000); }).ok());
  auto frames = parse(drain(p.c->output()));
  BOOST_TEST_REQUIRE(frames.size() == 12u);
  counter_entropy replay(1);
  std::set<std::array<byte, 4>> keys;
  for (const auto& f : frames) {
    BOOST_TEST(f.masked);
    const auto bits = static_cast<std::uint32_t>(replay());
    const std::array<byte, 4> want{static_cast<byte>(bits >> 24), static_cast<byte>(bits >> 16),
                                   static_cast<byte>(bits >> 8), static_cast<byte>(bits)};
    BOOST_TEST((f.key == want));  // one draw per frame, in order
    keys.insert(f.key);
  }
  BOOST_TEST(keys.size() == 12u);
}

BOOST_AUTO_TEST_CASE(retry_with_a_different_buffer_is_rejected) {
  ws_pair p;
  p.c->output().capacity = 5;
  const auto msg = pattern(50);
  const auto copy = msg;
  BOOST_TEST(p.client->write_message(msg, message_type::binary).st == status::would_block);
  BOOST_TEST((p.client->write_message(copy, message_type::binary).ec == errc::retry_mismatch));
  BOOST_TEST((p.client->write_message(msg, message_type::text).ec == errc::retry_mismatch));
  BOOST_TEST((p.client->write_message(const_bytes(msg).first(49), message_type::binary).ec == errc::retry_mismatch));
  p.c->output().capacity = 0;
  BOOST_TEST(p.client->write_message(msg, message_type::binary).n == 50u);

  p.c->output().capacity = 1;
  const auto ping = bytes_of("ping!");
  const auto other = ping;
  BOOST_TEST(p.client->ping(ping).st == status::would_block);
  BOOST_TEST((p.client->ping(other).ec == errc::retry_mismatch));
  p.c->output().capacity = 0;
  BOOST_TEST(p.client->ping(ping).n == 5u);

  // Read side: the vector's size is the message so far; a different one is noticed.
  const auto frame = build({.b0 = 0x82, .payload = pattern(20)});
  push(p.c->input(), std::vector<byte>(frame.begin(), frame.begin() + 12));
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(p.client->read_message(got, type).st == status::would_block);  // half the payload is there
  std::vector<byte> wrong;
  BOOST_TEST((p.client->read_message(wrong, type).ec == errc::retry_mismatch));
  push(p.c->input(), std::vector<byte>(frame.begin() + 12, frame.end()));
  io_result r = p.client->read_message(got, type);
  BOOST_TEST(r.n == 20u);
  BOOST_TEST(got == pattern(20));
}

// The MicroPython modwebsocket bug: a short write dropped the frame header state. At every
// write size and with EAGAIN in between, the wire must be exactly the frame.
BOOST_AUTO_TEST_CASE(short_writes_never_lose_header_state) {
  const auto msg = pattern(300);
  for (bool client : {false, true}) {
    for (std::size_t chunk = 1; chunk <= 20; ++chunk) {
      auto [a, b] = memory_pair();
      a->write_chunk = chunk;
      a->block_every = 2;
      counter_entropy e(5);
      websocket_stream ws(*a, {.side = client ? role::client : role::server}, std::ref(e));
      BOOST_TEST_REQUIRE(until_done([&] { return ws.write_message(msg, message_type::binary); }).ok());
      counter_entropy replay(5);
      const auto bits = static_cast<std::uint32_t>(replay());
      raw_frame want{.b0 = 0x82, .payload = msg, .mask = client};
      want.key = {static_cast<byte>(bits >> 24), static_cast<byte>(bits >> 16), static_cast<byte>(bits >> 8),
                  static_cast<byte>(bits)};
      BOOST_TEST((drain(a->output()) == build(want)));
    }
  }
}

// The peer pings and goes on sending while the pipe back to it is full: the pong waits, but
// the read still takes the messages behind the ping (else the peer, blocked sending, and
// this side, blocked on the pong, would wait for each other); with nothing more to read it
// reports need_write for the pong.
BOOST_AUTO_TEST_CASE(a_pong_that_cannot_go_out_does_not_stop_the_read) {
  ws_pair p;
  push(p.c->input(), build({.b0 = 0x89, .payload = bytes_of("hb")}));
  push(p.c->input(), build({.b0 = 0x82, .payload = bytes_of("first")}));
  push(p.c->input(), build({.b0 = 0x82, .payload = bytes_of("second")}));
  p.c->output().capacity = 1;
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST_REQUIRE(p.client->read_message(got, type).ok());
  BOOST_TEST(text_of(got) == "first");
  BOOST_TEST_REQUIRE(p.client->read_message(got, type).ok());
  BOOST_TEST(text_of(got) == "second");
  BOOST_TEST(p.client->read_message(got, type).st == status::need_write);
  p.c->output().capacity = 0;
  BOOST_TEST(p.client->flush().ok());
  auto frames = parse(drain(p.c->output()));
  BOOST_TEST_REQUIRE(frames.size() == 1u);
  BOOST_TEST(frames[0].op == 0xA);
  BOOST_TEST(text_of(frames[0].payload) == "hb");
}

BOOST_AUTO_TEST_CASE(flush_pushes_a_queued_pong_without_reading) {
  ws_pair p;
  push(p.c->input(), build({.b0 = 0x89, .payload = bytes_of("hb")}));
  p.c->output().capacity = 1;
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST(p.client->read_message(got, type).st == status::need_write);
  BOOST_TEST(p.client->flush().st == status::would_block);
  p.c->output().capacity = 0;
  BOOST_TEST(p.client->flush().ok());
  auto frames = parse(drain(p.c->output()));
  BOOST_TEST_REQUIRE(frames.size() == 1u);
  BOOST_TEST(text_of(frames[0].payload) == "hb");
}

BOOST_AUTO_TEST_SUITE_END()
