#include "stutter/ws/http_upgrade.hpp"

#include <algorithm>

#include "stutter/ws/accept.hpp"
#include "stutter/ws/errors.hpp"

namespace stutter::ws {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "HTTP/" DIGIT "." DIGIT
bool is_http_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && is_digit(v[5]) && v[6] == '.' && is_digit(v[7]);
}

std::error_code parse_request_line(std::string_view line, std::string& method, std::string& target) {
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return http_errc::bad_request_line;
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return http_errc::bad_request_line;
  }
  std::string_view m = line.substr(0, sp1);
  std::string_view t = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view v = line.substr(sp2 + 1);
  if (m.empty() || t.empty() || !is_http_version(v)) return http_errc::bad_request_line;
  method.assign(m);
  target.assign(t);
  if (v != "HTTP/1.1") return http_errc::bad_http_version;
  if (m != "GET") return http_errc::bad_method;
  return {};
}

// status-line = HTTP-version SP 3DIGIT SP [reason-phrase]; a missing final SP is tolerated.
std::error_code parse_status_line(std::string_view line, int& status) {
  if (line.size() < 12 || !is_http_version(line.substr(0, 8)) || line[8] != ' ' ||
      !std::all_of(line.begin() + 9, line.begin() + 12, is_digit) || (line.size() > 12 && line[12] != ' ')) {
    return http_errc::bad_status_line;
  }
  status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (line.substr(0, 8) != "HTTP/1.1") return http_errc::bad_http_version;
  if (status != 101) return http_errc::refused;
  return {};
}

void append_fields(std::string& out, const std::vector<header_field>& fields) {
  for (const auto& f : fields) out.append(f.name).append(": ").append(f.value).append("\r\n");
}

// Writes out[sent, size) until done or the lower stream stops taking bytes.
io_result write_rest(byte_stream& lower, const std::string& out, std::size_t& sent) {
  while (sent < out.size()) {
    io_result r = lower.write_some(const_bytes(reinterpret_cast<const byte*>(out.data()) + sent, out.size() - sent));
    if (!r.ok()) return r;
    sent += r.n;
  }
  return io_result::done(0);
}

}  // namespace

// ---- client ----

client_handshake::client_handshake(byte_stream& lower, client_options options, const entropy_source& entropy)
    : lower_(lower), head_(lower, options.limits) {
  std::array<byte, 16> nonce{};
  for (std::size_t half = 0; half < 2; ++half) {
    std::uint64_t bits = entropy();
    for (std::size_t i = 0; i < 8; ++i) nonce[half * 8 + i] = static_cast<byte>(bits >> (8 * i));
  }
  key_ = make_key(nonce);
  request_ = "GET " + options.target + " HTTP/1.1\r\nHost: " + options.host +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key_ +
             "\r\nSec-WebSocket-Version: 13\r\n";
  append_fields(request_, options.extra_headers);
  request_ += "\r\n";
  offered_protocols_ = field_list(options.extra_headers, "Sec-WebSocket-Protocol");
}

io_result client_handshake::fail(std::error_code ec) {
  state_ = state::failed;
  error_ = ec;
  return io_result::failed(ec);
}

std::error_code client_handshake::validate() {
  const auto& f = head_.fields();
  if (field_count(f, "Upgrade") == 0) return http_errc::missing_header;
  if (!iequals(field_list(f, "Upgrade"), "websocket")) return http_errc::invalid_header;
  if (field_count(f, "Connection") == 0) return http_errc::missing_header;
  if (!has_token(field_list(f, "Connection"), "upgrade")) return http_errc::invalid_header;
  const std::size_t accepts = field_count(f, "Sec-WebSocket-Accept");
  if (accepts == 0) return http_errc::missing_header;
  if (accepts > 1) return http_errc::invalid_header;
  if (field_list(f, "Sec-WebSocket-Accept") != accept_for(key_)) return http_errc::bad_accept;
  // We offer no extensions; a protocol only if the caller offered some (RFC 6455 4.1).
  if (field_count(f, "Sec-WebSocket-Extensions") != 0) return http_errc::invalid_header;
  const std::size_t protocols = field_count(f, "Sec-WebSocket-Protocol");
  if (protocols > 1) return http_errc::invalid_header;
  if (protocols == 1) {
    std::string chosen = field_list(f, "Sec-WebSocket-Protocol");
    if (chosen.find(',') != std::string::npos || !has_token(offered_protocols_, chosen)) {
      return http_errc::invalid_header;
    }
  }
  return {};
}

io_result client_handshake::step() {
  switch (state_) {
    case state::failed: return io_result::failed(error_);
    case state::done: return io_result::done(0);
    case state::write_request: {
      io_result r = write_rest(lower_, request_, sent_);
      if (r.st == status::error) return fail(r.ec);
      if (!r.ok()) return r;
      state_ = state::read_response;
      std::string().swap(request_);
      [[fallthrough]];
    }
    case state::read_response: {
      io_result r = head_.read();
      // Judge the status line as soon as it is there: a refusal needs no fields.
      if (head_.has_start_line() && status_ == 0) {
        if (auto ec = parse_status_line(head_.start_line(), status_)) return fail(ec);
      }
      if (r.st == status::error) return fail(r.ec);
      if (!r.ok()) return r;
      if (auto ec = validate()) return fail(ec);
      state_ = state::done;
      return io_result::done(0);
    }
  }
  return io_result::failed(error_);
}

// ---- server ----

server_handshake::server_handshake(byte_stream& lower, server_options options)
    : lower_(lower), options_(std::move(options)), head_(lower, options_.limits) {}

io_result server_handshake::fail(std::error_code ec) {
  state_ = state::failed;
  error_ = ec;
  return io_result::failed(ec);
}

std::error_code server_handshake::validate() {
  const auto& f = head_.fields();
  const std::size_t hosts = field_count(f, "Host");
  if (hosts == 0) return http_errc::missing_header;
  if (hosts > 1) return http_errc::invalid_header;
  if (field_count(f, "Upgrade") == 0) return http_errc::missing_header;
  if (!has_token(field_list(f, "Upgrade"), "websocket")) return http_errc::invalid_header;
  if (field_count(f, "Connection") == 0) return http_errc::missing_header;
  if (!has_token(field_list(f, "Connection"), "upgrade")) return http_errc::invalid_header;
  // An absent version is not 13 either: both get the 426 that names the version we speak.
  if (field_list(f, "Sec-WebSocket-Version") != "13") return http_errc::bad_ws_version;
  const std::size_t keys = field_count(f, "Sec-WebSocket-Key");
  if (keys == 0) return http_errc::missing_header;
  if (keys > 1 || !is_valid_key(field_list(f, "Sec-WebSocket-Key"))) return http_errc::bad_key;
  return {};
}

void server_handshake::respond(int status, std::error_code refusal) {
  status_ = status;
  refusal_ = refusal;
  if (status == 101) {
    response_ = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " +
                accept_for(field_list(head_.fields(), "Sec-WebSocket-Key")) + "\r\n";
    append_fields(response_, options_.extra_headers);
  } else {
    const char* reason = status == 405   ? "Method Not Allowed"
                         : status == 414 ? "URI Too Long"
                         : status == 426 ? "Upgrade Required"
                         : status == 431 ? "Request Header Fields Too Large"
                         : status == 505 ? "HTTP Version Not Supported"
                                         : "Bad Request";
    response_ = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                "\r\nConnection: close\r\nContent-Length: 0\r\n";
    if (status == 405) response_ += "Allow: GET\r\n";
    if (status == 426) response_ += "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
  }
  response_ += "\r\n";
  state_ = state::write_response;
}

io_result server_handshake::step() {
  switch (state_) {
    case state::failed: return io_result::failed(error_);
    case state::done: return io_result::done(0);
    case state::read_request: {
      io_result r = head_.read();
      std::error_code ec = r.st == status::error ? r.ec : std::error_code{};
      if (!ec && head_.has_start_line() && !start_line_judged_) {
        start_line_judged_ = true;
        ec = parse_request_line(head_.start_line(), method_, target_);
      }
      if (!ec && r.ok()) ec = validate();
      if (!ec && !r.ok()) return r;
      if (!ec) {
        respond(101, {});
      } else if (ec.category() != http_category()) {
        return fail(ec);  // the lower stream failed or ended: nobody to answer
      } else {
        const auto e = static_cast<http_errc>(ec.value());
        int status = 400;
        if (e == http_errc::bad_method) status = 405;
        if (e == http_errc::bad_http_version) status = 505;
        if (e == http_errc::too_many_headers || e == http_errc::headers_too_large) status = 431;
        if (e == http_errc::line_too_long) status = head_.has_start_line() ? 431 : 414;
        if (e == http_errc::bad_ws_version) status = 426;
        respond(status, ec);
      }
      [[fallthrough]];
    }
    case state::write_response: {
      io_result r = write_rest(lower_, response_, sent_);
      if (r.st == status::error) return fail(r.ec);
      if (!r.ok()) return r;
      std::string().swap(response_);
      if (refusal_) {
        (void)lower_.shutdown_write();
        return fail(refusal_);
      }
      state_ = state::done;
      return io_result::done(0);
    }
  }
  return io_result::failed(error_);
}

}  // namespace stutter::ws
