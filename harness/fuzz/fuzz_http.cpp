// fuzz_http: the HTTP/1.1 Upgrade handshake of impl/websocket (http_head_reader under
// server_handshake and client_handshake), both roles, over a scripted stream.
//
// Input, in order:
//   flags            bit0 the client (reads a response; else the server, reading a request),
//                    bit1 strict, bit2 read failures, bit3 write failures, bit4 the client offers
//                    the subprotocols "chat, superchat", bit5 the server adds a header to its 101
//   max_line         0 -> 8192 (the default), else 8 * value
//   max_headers      0 -> 64 (the default), else value - 1
//   max_header_bytes two bytes, little endian; 0 -> 16384 (the default)
//   read_block       0 -> 4096 (the default), else value
//   entropy          four bytes: the client's Sec-WebSocket-Key comes from them
//   read script, write script (fuzz_common.hpp), the stream's bytes: the peer's head and what
//   follows it. For the client every "$ACCEPT" in them becomes the Sec-WebSocket-Accept value of
//   its key (models::websocket_accept), so that responses can be accepted.
//
// Checks: the handshake succeeds only on a complete head, and then the next protocol starts exactly
// after its empty line (handover.exact, as the model of runner/phase_model.cpp says), a strict
// reader hands over nothing (handover.no_overread), every limit holds (lines, field count, head
// bytes), the server's 101 carries the accept value of the request's key (models/), and the
// client's request went out whole. A limit error has its cause in the bytes; the server answers
// every refusal with a complete response of the documented statuses and shuts its write side down,
// and answers nothing when the stream ended or failed. Errors are sticky; would_block only when the
// lower stream blocked.
#include <string>

#include "fuzz_common.hpp"
#include "runner/phase_model.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/http_upgrade.hpp"
#include "stutter_models/websocket.hpp"

using namespace stutter;
using namespace stutter::fuzz;

namespace {

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string text_of(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

// The lines of `head` split at each CRLF; the last is what follows the last CRLF.
std::vector<std::string> lines_of(const std::string& head) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  for (;;) {
    const std::size_t crlf = head.find("\r\n", at);
    if (crlf == std::string::npos) {
      lines.push_back(head.substr(at));
      return lines;
    }
    lines.push_back(head.substr(at, crlf - at));
    at = crlf + 2;
  }
}

// A response the server wrote: "HTTP/1.1 NNN reason\r\n...\r\n\r\n"; its status, or 0.
int response_status(const std::string& r) {
  if (r.size() < 16 || r.compare(0, 9, "HTTP/1.1 ") != 0 || r.find("\r\n\r\n") != r.size() - 4) return 0;
  for (int i = 9; i < 12; ++i)
    if (r[i] < '0' || r[i] > '9') return 0;
  return std::stoi(r.substr(9, 3));
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const std::uint8_t flags = in.byte();
  const bool client = flags & 1;
  ws::http_limits limits;
  limits.strict = (flags >> 1) & 1;
  const bool read_failures = (flags >> 2) & 1;
  const bool write_failures = (flags >> 3) & 1;
  const bool offer_protocols = (flags >> 4) & 1;
  const bool extra_header = (flags >> 5) & 1;
  if (const std::uint8_t v = in.byte()) limits.max_line = 8 * std::size_t{v};
  if (const std::uint8_t v = in.byte()) limits.max_headers = v - 1u;
  if (const std::uint16_t v = in.u16()) limits.max_header_bytes = v;
  if (const std::uint8_t v = in.byte()) limits.read_block = v;
  std::uint64_t seed = in.u32();
  auto reads = in.script();
  auto writes = in.script();
  auto rest = in.rest();

  scripted_stream s({}, script(reads, read_failures), script(writes, write_failures));
  std::unique_ptr<ws::client_handshake> ch;
  std::unique_ptr<ws::server_handshake> sh;
  std::string peer = text_of(rest);
  if (client) {
    ws::client_options options{.limits = limits};
    if (offer_protocols) options.extra_headers.push_back({"Sec-WebSocket-Protocol", "chat, superchat"});
    ch = std::make_unique<ws::client_handshake>(s, options, [&seed]() { return splitmix(seed); });
    replace_all(peer, "$ACCEPT", models::websocket_accept(ch->key()));
  } else {
    ws::server_options options{.limits = limits};
    if (extra_header) options.extra_headers.push_back({"Sec-WebSocket-Protocol", "chat"});
    sh = std::make_unique<ws::server_handshake>(s, options);
  }
  const bytes all(peer.begin(), peer.end());
  s.set_data(all);
  auto step = [&]() { return client ? ch->step() : sh->step(); };

  io_result end;
  progress_guard guard(size + all.size());
  for (;;) {
    guard.tick();
    const std::size_t rb = s.read_blocks, wb = s.write_blocks;
    io_result r = step();
    if (r.st == status::would_block) {
      FUZZ_CHECK(s.read_blocks > rb || s.write_blocks > wb, "status.meaning: would_block without the lower stream blocking");
      continue;
    }
    FUZZ_CHECK(r.st == status::ok || r.st == status::error, "unexpected status " + std::string(to_string(r.st)));
    if (r.ok()) FUZZ_CHECK(r.n == 0, "the handshake moved " + std::to_string(r.n));
    end = r;
    break;
  }
  const io_result again = step();
  FUZZ_CHECK(again.st == end.st && again.ec == end.ec, "the handshake's result is not sticky");

  const auto model = *runner::model_decode(scenario::layer::http_upgrade, {}, all, SIZE_MAX, scenario::endpoint_id::client);
  const bool have_head = !model.records.empty();
  const std::string head = have_head ? text_of(model.records[0]) : peer;
  const std::string written = text_of(s.written);
  const auto& fields = client ? ch->headers() : sh->headers();

  if (std::getenv("STUTTER_FUZZ_DEBUG")) {
    std::fprintf(stderr, "%s, strict %d, max_line %zu, max_headers %zu, max_header_bytes %zu: %s after %zu of %zu bytes; "
                 "head of %zu bytes; wrote %s\n",
                 client ? "client" : "server", limits.strict, limits.max_line, limits.max_headers, limits.max_header_bytes,
                 end.ok() ? "ok" : error_name(end.ec).c_str(), s.position(), all.size(), model.consumed,
                 written.substr(0, 120).c_str());
  }
  if (end.ok()) {
    FUZZ_CHECK(have_head, "the handshake succeeded without a complete head");
    bytes handed = client ? ch->handover() : sh->handover();
    const std::size_t starts = s.position() - handed.size();
    FUZZ_CHECK(starts == model.consumed, "handover.exact: the next protocol starts at byte " + std::to_string(starts) +
                                             ", the head ends at " + std::to_string(model.consumed));
    if (limits.strict) FUZZ_CHECK(handed.empty(), "handover.no_overread: a strict handshake handed over " +
                                                      std::to_string(handed.size()) + " bytes");
    FUZZ_CHECK(model.consumed <= limits.max_header_bytes, "a head of " + std::to_string(model.consumed) +
                                                              " bytes passed max_header_bytes " +
                                                              std::to_string(limits.max_header_bytes));
    FUZZ_CHECK(fields.size() <= limits.max_headers, std::to_string(fields.size()) + " fields passed max_headers");
    for (const auto& line : lines_of(head)) {
      FUZZ_CHECK(line.size() <= limits.max_line, "a line of " + std::to_string(line.size()) + " bytes passed max_line");
    }
    std::size_t kept = 0;
    for (const auto& f : fields) kept += f.name.size() + f.value.size();
    FUZZ_CHECK(kept <= limits.max_header_bytes, "the parsed fields hold more than max_header_bytes");
    if (client) {
      FUZZ_CHECK(ch->status() == 101, "accepted a status " + std::to_string(ch->status()));
      FUZZ_CHECK(head.compare(0, 13, "HTTP/1.1 101 ") == 0 || head.compare(0, 14, "HTTP/1.1 101\r\n") == 0,
                 "accepted a response whose status line is not HTTP/1.1 101");
      FUZZ_CHECK(written.compare(0, 4, "GET ") == 0 && written.find("\r\nSec-WebSocket-Key: " + ch->key() + "\r\n") !=
                                                           std::string::npos &&
                     written.size() >= 4 && written.compare(written.size() - 4, 4, "\r\n\r\n") == 0,
                 "the request went out incomplete: " + written.substr(0, 200));
    } else {
      FUZZ_CHECK(sh->response_status() == 101, "accepted, but answered " + std::to_string(sh->response_status()));
      FUZZ_CHECK(sh->method() == "GET" && head.compare(0, 4, "GET ") == 0, "accepted a request that is not a GET");
      std::string key;
      for (const auto& f : fields)
        if (ws::iequals(f.name, "Sec-WebSocket-Key")) key = f.value;
      FUZZ_CHECK(response_status(written) == 101 &&
                     written.find("\r\nSec-WebSocket-Accept: " + models::websocket_accept(key) + "\r\n") != std::string::npos,
                 "the 101 lacks the accept value of key '" + key + "': " + written.substr(0, 300));
      FUZZ_CHECK(!s.shut_down, "the server shut its write side down after a 101");
    }
    return 0;
  }

  const bool injected = (s.read_failed && end.ec == errc::connection_reset) || (s.write_failed && end.ec == errc::broken_pipe);
  if (injected) return 0;
  const std::string name = error_name(end.ec);
  // How many bytes any complete head needs at least, and its complete lines so far.
  std::size_t overlap = 3;  // of the end of the bytes with the start of the head's last "\r\n\r\n"
  while (overlap > 0 && !(peer.size() >= overlap && peer.compare(peer.size() - overlap, overlap, "\r\n\r", overlap) == 0)) {
    --overlap;
  }
  const std::size_t head_needs = have_head ? model.consumed : all.size() + 4 - overlap;
  auto lines = lines_of(head);
  const std::size_t complete_lines = lines.size() - 1;
  if (end.ec == errc::unexpected_eof) {
    FUZZ_CHECK(!have_head, "unexpected_eof with a complete head");
  } else if (end.ec == ws::http_errc::line_too_long) {
    bool longer = false;
    for (const auto& line : lines) longer |= line.size() > limits.max_line;
    FUZZ_CHECK(longer, "line_too_long, but no line is longer than " + std::to_string(limits.max_line));
  } else if (end.ec == ws::http_errc::headers_too_large) {
    FUZZ_CHECK(head_needs > limits.max_header_bytes, "headers_too_large, but the head needs " + std::to_string(head_needs) +
                                                         " bytes of " + std::to_string(limits.max_header_bytes));
  } else if (end.ec == ws::http_errc::too_many_headers) {
    // The start line, then the fields (the head's last complete line is the empty one).
    const std::size_t field_lines = have_head ? complete_lines - 2 : complete_lines - std::min<std::size_t>(complete_lines, 1);
    FUZZ_CHECK(field_lines > limits.max_headers, "too_many_headers with " + std::to_string(field_lines) + " field lines");
  } else {
    FUZZ_CHECK(end.ec.category() == ws::http_category(), "the handshake failed with " + name);
  }
  if (!client) {
    if (end.ec.category() == ws::http_category() && !s.write_failed) {
      const int status = response_status(written);
      FUZZ_CHECK(status == sh->response_status(), "the refusal written (" + written.substr(0, 40) +
                                                       ") is not the status chosen, " +
                                                       std::to_string(sh->response_status()));
      FUZZ_CHECK(status == 400 || status == 405 || status == 414 || status == 426 || status == 431 || status == 505,
                 name + " answered with " + std::to_string(status));
      if (status == 426) FUZZ_CHECK(written.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos, "426 without the version");
      FUZZ_CHECK(s.shut_down, "the server did not shut its write side down after refusing");
    } else if (end.ec.category() != ws::http_category()) {
      FUZZ_CHECK(written.empty(), "the server answered a stream that ended or failed: " + written.substr(0, 40));
    }
  }
  return 0;
}
