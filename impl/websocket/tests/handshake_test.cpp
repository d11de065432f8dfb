#include <boost/test/unit_test.hpp>

#include "stutter/ws/accept.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/http_upgrade.hpp"
#include "stutter/ws/websocket.hpp"
#include "ws_test_util.hpp"

using namespace stutter;
using namespace stutter::ws;
using namespace stutter::ws::test;

namespace {

const char* const valid_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// `head` once, then `pattern` forever, counting what it hands out.
class endless_source final : public byte_stream {
 public:
  endless_source(std::string head, std::string pattern) : head_(std::move(head)), pattern_(std::move(pattern)) {}
  io_result read_some(mutable_bytes buf) override {
    for (auto& b : buf) {
      b = static_cast<byte>(pos_ < head_.size() ? head_[pos_] : pattern_[(pos_ - head_.size()) % pattern_.size()]);
      ++pos_;
    }
    return io_result::done(buf.size());
  }
  io_result write_some(std::span<const const_bytes> bufs) override {
    std::size_t n = 0;
    for (auto b : bufs) n += b.size();
    return io_result::done(n);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::done(0); }
  std::size_t handed_out() const { return pos_; }

 private:
  std::string head_;
  std::string pattern_;
  std::size_t pos_ = 0;
};

struct server_result {
  io_result r;
  std::string response;
  int status;
};

server_result serve(const std::string& request, server_options options = {}) {
  auto [peer, ep] = memory_pair();
  push(ep->input(), bytes_of(request));
  ep->input().closed = true;
  server_handshake hs(*ep, options);
  io_result r = until_done([&] { return hs.step(); });
  return {r, text_of(drain(ep->output())), hs.response_status()};
}

struct client_result {
  io_result r;
  int status;
};

// Runs a client against a hand-written response; "{accept}" is replaced by the right value.
client_result connect_to(std::string response, client_options options = {}) {
  auto [peer, ep] = memory_pair();
  counter_entropy entropy(7);
  client_handshake hs(*ep, options, entropy);
  const std::string accept = accept_for(hs.key());
  if (auto at = response.find("{accept}"); at != std::string::npos) response.replace(at, 8, accept);
  push(ep->input(), bytes_of(response));
  ep->input().closed = true;
  io_result r = until_done([&] { return hs.step(); });
  return {r, hs.status()};
}

std::string response_101(std::string_view extra = "") {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: {accept}\r\n" +
         std::string(extra) + "\r\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handshake_suite)

BOOST_AUTO_TEST_CASE(client_request_is_exactly_the_rfc_request) {
  auto [c, s] = memory_pair();
  counter_entropy draws(3);
  std::array<byte, 16> nonce{};
  for (std::size_t half = 0; half < 2; ++half) {
    std::uint64_t bits = draws();
    for (std::size_t i = 0; i < 8; ++i) nonce[half * 8 + i] = static_cast<byte>(bits >> (8 * i));
  }
  counter_entropy entropy(3);
  client_handshake hs(*c, {.host = "example.com:8080", .target = "/chat?x=1", .extra_headers = {{"Origin", "http://o"}}},
                      entropy);
  BOOST_TEST(hs.key() == make_key(nonce));
  BOOST_TEST(hs.step().st == status::would_block);  // request written, waiting for the response
  BOOST_TEST(text_of(drain(c->output())) ==
             "GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: " + hs.key() + "\r\nSec-WebSocket-Version: 13\r\nOrigin: http://o\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(both_roles_complete_at_every_chunk_size) {
  for (bool strict : {false, true}) {
    for (std::size_t block_every : {0, 2, 3}) {
      for (std::size_t chunk = 1; chunk <= 200; ++chunk) {
        auto [c, s] = memory_pair();
        for (auto* e : {c.get(), s.get()}) {
          e->read_chunk = e->write_chunk = chunk;
          e->block_every = block_every;
        }
        http_limits limits{.read_block = 64, .strict = strict};
        counter_entropy entropy(chunk);
        client_handshake client(*c, {.host = "h", .target = "/t", .limits = limits}, entropy);
        server_handshake server(*s, {.limits = limits});
        io_result rc, rs;
        BOOST_TEST_REQUIRE(drive_both([&] { return client.step(); }, [&] { return server.step(); }, rc, rs));
        BOOST_TEST_REQUIRE(rc.ok());
        BOOST_TEST_REQUIRE(rs.ok());
        BOOST_TEST(client.done());
        BOOST_TEST(server.done());
        BOOST_TEST(client.status() == 101);
        BOOST_TEST(server.response_status() == 101);
        BOOST_TEST(server.method() == "GET");
        BOOST_TEST(server.target() == "/t");
        BOOST_TEST(field_list(server.headers(), "sec-websocket-key") == client.key());
        BOOST_TEST(field_list(client.headers(), "Sec-WebSocket-Accept") == accept_for(client.key()));
        BOOST_TEST(client.handover().empty());
        BOOST_TEST(server.handover().empty());
      }
    }
  }
}

// The first frame arrives in the same segment as the end of the 101 response.
BOOST_AUTO_TEST_CASE(first_frame_after_the_head_is_handed_over_exactly) {
  for (bool strict : {false, true}) {
    for (std::size_t chunk = 1; chunk <= 300; chunk += (chunk < 40 ? 1 : 37)) {
      auto [c, s] = memory_pair();
      counter_entropy ce(1), se(2);
      client_handshake client(*c, {.limits = {.read_block = 512, .strict = strict}}, ce);
      server_handshake server(*s);
      BOOST_TEST(client.step().st == status::would_block);
      BOOST_TEST_REQUIRE(until_done([&] { return server.step(); }).ok());
      websocket_stream sws(*s, {.side = role::server}, se, server.handover());
      const auto hello = bytes_of("hello, first frame");
      BOOST_TEST_REQUIRE(until_done([&] { return sws.write_message(hello, message_type::text); }).ok());
      const std::size_t frame_size = 2 + hello.size();

      c->read_chunk = chunk;
      BOOST_TEST_REQUIRE(until_done([&] { return client.step(); }).ok());
      std::vector<byte> prefix = client.handover();
      // handover.exact: what the head reader over-read plus what is still in the pipe is the frame.
      BOOST_TEST(prefix.size() + c->input().bytes.size() == frame_size);
      if (strict) BOOST_TEST(prefix.empty());
      websocket_stream cws(*c, {.side = role::client}, ce, std::move(prefix));
      std::vector<byte> got;
      message_type type{};
      io_result r = until_done([&] { return cws.read_message(got, type); });
      BOOST_TEST_REQUIRE(r.ok());
      BOOST_TEST(r.n == hello.size());
      BOOST_TEST(got == hello);
      BOOST_TEST((type == message_type::text));
      BOOST_TEST(c->input().bytes.empty());
    }
  }
}

// Server side: the client's first frame pipelined right behind its request.
BOOST_AUTO_TEST_CASE(server_hands_over_a_frame_pipelined_behind_the_request) {
  auto [peer, s] = memory_pair();
  auto wire = bytes_of(valid_request);
  auto frame = build({.b0 = 0x81, .payload = bytes_of("hi"), .mask = true});
  wire.insert(wire.end(), frame.begin(), frame.end());
  push(s->input(), wire);
  server_handshake server(*s);
  BOOST_TEST_REQUIRE(until_done([&] { return server.step(); }).ok());
  auto prefix = server.handover();
  BOOST_TEST(prefix == frame);
  counter_entropy e;
  websocket_stream ws(*s, {.side = role::server}, e, std::move(prefix));
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST_REQUIRE(until_done([&] { return ws.read_message(got, type); }).ok());
  BOOST_TEST(text_of(got) == "hi");
  const std::string response = text_of(drain(s->output()));
  BOOST_TEST(response ==
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

// 101, two messages, a ping and a close all in one segment.
BOOST_AUTO_TEST_CASE(whole_conversation_in_one_segment) {
  auto [c, s] = memory_pair();
  counter_entropy entropy(11);
  client_handshake client(*c, {}, entropy);
  BOOST_TEST(client.step().st == status::would_block);
  drain(c->output());
  std::vector<byte> segment = bytes_of(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
      accept_for(client.key()) + "\r\n\r\n");
  for (const auto& f : {build({.b0 = 0x81, .payload = bytes_of("one")}),
                        build({.b0 = 0x02, .payload = bytes_of("tw")}),
                        build({.b0 = 0x89, .payload = bytes_of("p")}),
                        build({.b0 = 0x80, .payload = bytes_of("o")}),
                        build({.b0 = 0x88, .payload = {0x03, 0xE8}})}) {
    segment.insert(segment.end(), f.begin(), f.end());
  }
  push(c->input(), segment);
  BOOST_TEST_REQUIRE(until_done([&] { return client.step(); }).ok());
  websocket_stream ws(*c, {.side = role::client}, entropy, client.handover());
  std::vector<byte> got;
  message_type type{};
  BOOST_TEST_REQUIRE(until_done([&] { return ws.read_message(got, type); }).ok());
  BOOST_TEST(text_of(got) == "one");
  BOOST_TEST((type == message_type::text));
  BOOST_TEST_REQUIRE(until_done([&] { return ws.read_message(got, type); }).ok());
  BOOST_TEST(text_of(got) == "two");
  BOOST_TEST((type == message_type::binary));
  BOOST_TEST(until_done([&] { return ws.read_message(got, type); }).st == status::eof);
  BOOST_TEST(ws.close_code() == 1000);
  auto frames = parse(drain(c->output()));
  BOOST_TEST_REQUIRE(frames.size() == 2u);
  BOOST_TEST(frames[0].op == 0xA);
  BOOST_TEST(frames[0].masked);
  BOOST_TEST(text_of(frames[0].payload) == "p");
  BOOST_TEST(frames[1].op == 0x8);
  BOOST_TEST(close_code_in(frames[1]) == 1000);
  BOOST_TEST(c->output().closed);  // close handshake complete: write side shut down
}

BOOST_AUTO_TEST_CASE(server_accepts_rfc_variants) {
  for (std::string req : {
           std::string(valid_request),
           std::string("GET / HTTP/1.1\r\nhost: a\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
                       "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version:13\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                       "Connection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13 \r\n\r\n"),
       }) {
    server_result res = serve(req);
    BOOST_TEST(res.r.ok());
    BOOST_TEST(res.status == 101);
    BOOST_TEST(res.response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(server_refusals_have_a_status_and_an_error) {
  struct row {
    std::string from, to;  // replace `from` in the valid request with `to`
    http_errc error;
    int status;
  };
  const std::vector<row> rows{
      {"GET /chat", "POST /chat", http_errc::bad_method, 405},
      {"HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost", http_errc::bad_http_version, 505},
      {"GET /chat HTTP/1.1", "GET /chat  HTTP/1.1", http_errc::bad_request_line, 400},
      {"GET /chat HTTP/1.1", "GET /chat HTTP/1", http_errc::bad_request_line, 400},
      {"Host: server.example.com\r\n", "", http_errc::missing_header, 400},
      {"Host: server.example.com\r\n", "Host: a\r\nHost: b\r\n", http_errc::invalid_header, 400},
      {"Upgrade: websocket\r\n", "", http_errc::missing_header, 400},
      {"Upgrade: websocket", "Upgrade: h2c", http_errc::invalid_header, 400},
      {"Connection: Upgrade\r\n", "", http_errc::missing_header, 400},
      {"Connection: Upgrade", "Connection: keep-alive", http_errc::invalid_header, 400},
      {"Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", http_errc::bad_ws_version, 426},
      {"Sec-WebSocket-Version: 13\r\n", "", http_errc::bad_ws_version, 426},
      {"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "", http_errc::missing_header, 400},
      {"dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=", http_errc::bad_key, 400},
      {"Host: server", "Host : server", http_errc::bad_header_line, 400},
      {"Upgrade: websocket\r\n", "Upgrade: websocket\r\n folded\r\n", http_errc::bad_header_line, 400},
      {"Upgrade: websocket\r\n", "Upgrade websocket\r\n", http_errc::bad_header_line, 400},
  };
  for (const auto& row : rows) {
    std::string req = valid_request;
    auto at = req.find(row.from);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    req.replace(at, row.from.size(), row.to);
    server_result res = serve(req);
    BOOST_TEST_CONTEXT(row.to) {
      BOOST_TEST(res.r.st == status::error);
      BOOST_TEST((res.r.ec == row.error));
      BOOST_TEST(res.status == row.status);
      BOOST_TEST(res.response.rfind("HTTP/1.1 " + std::to_string(row.status) + " ", 0) == 0u);
      BOOST_TEST(res.response.find("\r\n\r\n") == res.response.size() - 4);
      if (row.status == 426) {
        BOOST_TEST(res.response.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(server_shuts_down_after_a_refusal) {
  auto [peer, ep] = memory_pair();
  push(ep->input(), bytes_of("DELETE / HTTP/1.1\r\n\r\n"));
  server_handshake hs(*ep);
  io_result r = until_done([&] { return hs.step(); });
  BOOST_TEST((r.ec == http_errc::bad_method));
  BOOST_TEST(ep->output().closed);
  BOOST_TEST((hs.step().ec == http_errc::bad_method));  // sticky
}

BOOST_AUTO_TEST_CASE(client_validates_the_response) {
  struct row {
    std::string response;
    std::error_code error;  // empty: accepted
    int status;
  };
  const std::vector<row> rows{
      {response_101(), {}, 101},
      {"HTTP/1.1 101\r\nUpgrade: WebSocket\r\nConnection: keep-alive, upgrade\r\n"
       "Sec-WebSocket-Accept: {accept}\r\n\r\n",
       {}, 101},
      {"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", http_errc::refused, 403},
      {"HTTP/1.1 200 OK\r\n\r\n", http_errc::refused, 200},
      {"HTTP/1.0 101 Switching Protocols\r\n\r\n", http_errc::bad_http_version, 101},
      {"HTTP/1.1 10 Short\r\n\r\n", http_errc::bad_status_line, 0},
      {"HTTX/1.1 101 Switching Protocols\r\n\r\n", http_errc::bad_status_line, 0},
      {"HTTP/1.1 101x\r\n\r\n", http_errc::bad_status_line, 0},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
       http_errc::bad_accept, 101},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", http_errc::missing_header, 101},
      {"HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n",
       http_errc::missing_header, 101},
      {"HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n",
       http_errc::invalid_header, 101},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: close\r\nSec-WebSocket-Accept: {accept}\r\n\r\n",
       http_errc::invalid_header, 101},
      {response_101("Sec-WebSocket-Extensions: permessage-deflate\r\n"), http_errc::invalid_header, 101},
      {response_101("Sec-WebSocket-Protocol: chat\r\n"), http_errc::invalid_header, 101},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n", errc::unexpected_eof, 101},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.response) {
      client_result res = connect_to(row.response);
      if (row.error) {
        BOOST_TEST(res.r.st == status::error);
        BOOST_TEST(res.r.ec == row.error);
      } else {
        BOOST_TEST(res.r.ok());
      }
      BOOST_TEST(res.status == row.status);
    }
  }
}

BOOST_AUTO_TEST_CASE(client_accepts_only_an_offered_subprotocol) {
  client_options offer{.extra_headers = {{"Sec-WebSocket-Protocol", "chat, superchat"}}};
  BOOST_TEST(connect_to(response_101("Sec-WebSocket-Protocol: superchat\r\n"), offer).r.ok());
  BOOST_TEST((connect_to(response_101("Sec-WebSocket-Protocol: other\r\n"), offer).r.ec == http_errc::invalid_header));
  BOOST_TEST(connect_to(response_101(), offer).r.ok());
}

BOOST_AUTO_TEST_CASE(each_limit_has_its_own_error) {
  const http_limits small{.max_line = 60, .max_headers = 3, .max_header_bytes = 150, .read_block = 16};
  const std::string long_line = "X-Long: " + std::string(60, 'a') + "\r\n";
  const http_limits roomy{.max_line = 60, .max_headers = 10, .max_header_bytes = 1000, .read_block = 16};
  BOOST_TEST((connect_to(response_101(long_line), {.limits = roomy}).r.ec == http_errc::line_too_long));
  // The same line when the head's byte budget is the tighter limit.
  BOOST_TEST((connect_to(response_101(long_line), {.limits = small}).r.ec == http_errc::headers_too_large));
  BOOST_TEST((connect_to("HTTP/1.1 101 " + std::string(60, 'x') + "\r\n\r\n", {.limits = small}).r.ec ==
              http_errc::line_too_long));
  BOOST_TEST((connect_to(response_101("A: 1\r\n"), {.limits = small}).r.ec == http_errc::too_many_headers));
  const http_limits tight{.max_line = 80, .max_headers = 10, .max_header_bytes = 100, .read_block = 16};
  BOOST_TEST((connect_to(response_101(), {.limits = tight}).r.ec == http_errc::headers_too_large));

  server_result res = serve(valid_request, {.limits = small});
  BOOST_TEST((res.r.ec == http_errc::too_many_headers));
  BOOST_TEST(res.status == 431);
  res = serve("GET /" + std::string(60, 'p') + " HTTP/1.1\r\n\r\n", {.limits = small});
  BOOST_TEST((res.r.ec == http_errc::line_too_long));
  BOOST_TEST(res.status == 414);
  res = serve(valid_request, {.limits = {.max_headers = 10, .max_header_bytes = 100}});
  BOOST_TEST((res.r.ec == http_errc::headers_too_large));
  BOOST_TEST(res.status == 431);
}

BOOST_AUTO_TEST_CASE(endless_headers_stop_at_the_limits) {
  {
    endless_source src("GET / HTTP/1.1\r\n", "X-Flood: yes\r\n");  // fields forever
    server_handshake hs(src, {.limits = {.max_line = 100, .max_headers = 100000, .max_header_bytes = 4096,
                                         .read_block = 256}});
    io_result r = until_done([&] { return hs.step(); });
    BOOST_TEST((r.ec == http_errc::headers_too_large));
    BOOST_TEST(src.handed_out() <= 4096u + 256u);
  }
  {
    endless_source src("GET / HTTP/1.1\r\n", "X: y\r\n");  // short fields forever: the count stops them
    server_handshake hs(src, {.limits = {.max_line = 100, .max_headers = 20, .max_header_bytes = 1 << 20,
                                         .read_block = 256}});
    BOOST_TEST((until_done([&] { return hs.step(); }).ec == http_errc::too_many_headers));
    BOOST_TEST(hs.headers().size() == 20u);
    BOOST_TEST(src.handed_out() <= 16u + 21u * 6u + 256u);
  }
  {
    endless_source src("", "a");  // one line that never ends
    server_handshake hs(src, {.limits = {.max_line = 1000, .read_block = 256}});
    BOOST_TEST((until_done([&] { return hs.step(); }).ec == http_errc::line_too_long));
    BOOST_TEST(src.handed_out() <= 1000u + 2u + 256u);
  }
}

BOOST_AUTO_TEST_CASE(eof_inside_the_head_is_unexpected_eof) {
  server_result res = serve("GET / HTTP/1.1\r\nHost: a\r\n");
  BOOST_TEST((res.r.ec == errc::unexpected_eof));
  BOOST_TEST(res.response.empty());  // nobody left to answer
}

BOOST_AUTO_TEST_SUITE_END()
