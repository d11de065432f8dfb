#pragma once
// The HTTP/1.1 Upgrade handshake of RFC 6455 section 4, both roles, non-blocking.
//
// Use: call step() until it stops returning a waiting result (would_block; the
// handshake never returns need_read/need_write because it drives its own direction
// changes). ok(0) means the connection is a WebSocket now: pass handover() -- every
// byte read past the head, e.g. the first frame that arrived with the 101 -- to the
// websocket_stream constructor. Errors are sticky.
//
// A server that rejects a request writes the refusal (400, 405, 426 with
// Sec-WebSocket-Version: 13, 431, 505), shuts its write side down, and then reports the
// reason as an http_errc error.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stutter/ws/http_head.hpp"
#include "stutter/ws/types.hpp"

namespace stutter::ws {

struct client_options {
  std::string host = "localhost";           // Host field value
  std::string target = "/";                 // request-target
  // Added after the required fields, e.g. Origin. A Sec-WebSocket-Protocol here is the
  // list of subprotocols offered; the server may then choose one of them.
  std::vector<header_field> extra_headers{};
  http_limits limits{};
};

class client_handshake {
 public:
  // Draws the 16-byte Sec-WebSocket-Key from `entropy` (two calls) here, once.
  client_handshake(byte_stream& lower, client_options options, const entropy_source& entropy);

  io_result step();
  bool done() const { return state_ == state::done; }
  std::vector<byte> handover() { return head_.handover(); }

  const std::string& key() const { return key_; }
  // The response's status code (0 until the status line has arrived) and fields.
  int status() const { return status_; }
  const std::vector<header_field>& headers() const { return head_.fields(); }

 private:
  enum class state : std::uint8_t { write_request, read_response, done, failed };
  io_result fail(std::error_code ec);
  std::error_code validate();

  byte_stream& lower_;
  http_head_reader head_;
  std::string key_;
  std::string offered_protocols_;  // Sec-WebSocket-Protocol from extra_headers, if any
  std::string request_;
  std::size_t sent_ = 0;
  int status_ = 0;
  state state_ = state::write_request;
  std::error_code error_{};
};

struct server_options {
  http_limits limits{};
  std::vector<header_field> extra_headers{};  // added to the 101 response
};

class server_handshake {
 public:
  explicit server_handshake(byte_stream& lower, server_options options = {});

  io_result step();
  bool done() const { return state_ == state::done; }
  std::vector<byte> handover() { return head_.handover(); }

  // The request (valid once the head has been read).
  const std::string& method() const { return method_; }
  const std::string& target() const { return target_; }
  const std::vector<header_field>& headers() const { return head_.fields(); }
  // 101, or the refusal status written (0 before a response was chosen).
  int response_status() const { return status_; }

 private:
  enum class state : std::uint8_t { read_request, write_response, done, failed };
  io_result fail(std::error_code ec);
  std::error_code validate();
  void respond(int status, std::error_code refusal);

  byte_stream& lower_;
  server_options options_;
  http_head_reader head_;
  std::string method_;
  std::string target_;
  bool start_line_judged_ = false;
  std::string response_;
  std::size_t sent_ = 0;
  int status_ = 0;
  std::error_code refusal_{};
  state state_ = state::read_request;
  std::error_code error_{};
};

}  // namespace stutter::ws
