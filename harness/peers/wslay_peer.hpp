#pragma once
// wslay (libwslay, C) as a WebSocket endpoint we did not write, over any byte_stream.
//
// The simulator runs our client against a wslay server and a wslay client against our
// server. wslay does no HTTP handshake, so this adapter has its own minimal one
// (independent of impl/websocket: it only finds the key/accept fields and writes the
// fixed request/response); bytes read past the head are fed to wslay first.
//
// pump() is non-blocking: it advances the handshake, then lets wslay receive while it
// wants to read and send while it has output, until nothing moves. wslay's recv/send
// callbacks report WSLAY_ERR_WOULDBLOCK when the byte_stream returns would_block.
//
// Where wslay deviates from RFC 6455 (1.1.1, checked by harness/peers/tests):
// - Frame-layer violations -- a control frame over 125 bytes or without FIN, a
//   non-minimal length, a 64-bit length with the top bit set -- are answered with an
//   EMPTY close frame (no status code) instead of 1002.
// - A close frame with a 1-byte payload is taken as a close without a code and echoed
//   as an empty close, instead of failing with 1002.
// - After a close frame it stops reading, so bytes after the peer's close go unnoticed.
// - Any recv failure (including EOF) also queues an empty close frame.

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "stutter/io.hpp"

struct wslay_event_context;

namespace stutter::peers {

enum class wslay_role : std::uint8_t { client, server };

struct wslay_peer_options {
  wslay_role role = wslay_role::server;
  bool handshake = true;                    // run the minimal HTTP Upgrade first
  std::string host = "localhost";           // client: Host field
  std::string target = "/";                 // client: request-target
  std::size_t fragment_size = 0;            // sending: most payload bytes per frame (0 = one frame)
  std::uint64_t max_message = 16u << 20;    // receiving: larger messages are closed with 1009
  std::function<std::uint64_t()> entropy;   // client key and mask keys (required for a client)
};

struct wslay_message {
  std::uint8_t opcode = 0;  // 1 text, 2 binary
  std::vector<byte> payload;
};

class wslay_peer {
 public:
  wslay_peer(byte_stream& lower, wslay_peer_options options);
  ~wslay_peer();
  wslay_peer(const wslay_peer&) = delete;
  wslay_peer& operator=(const wslay_peer&) = delete;

  // Queues a data message (opcode 1 or 2) or a ping (9); sent by later pumps.
  void send(std::uint8_t opcode, std::vector<byte> payload);
  // Queues a close frame (code 0: no code); later messages are refused by wslay.
  void close(std::uint16_t code, std::string reason = {});

  // ok(n): n bytes moved this call | would_block: nothing can move now | eof: the
  // connection is over (close handshake done, or the lower stream ended) | error.
  io_result pump();

  bool handshake_done() const { return handshake_done_; }
  const std::vector<wslay_message>& received() const { return received_; }
  std::size_t pings_received() const { return pings_; }
  std::size_t pongs_received() const { return pongs_; }
  // The code in the peer's close frame: 0 before one arrived, 1005 if it had none.
  std::uint16_t close_code() const { return close_code_; }
  // The code wslay sent in its close frame (0 before; 1005 for an empty close).
  std::uint16_t sent_close_code() const;
  bool close_sent() const;

 private:
  struct outgoing {
    std::uint8_t opcode;
    std::vector<byte> payload;
    std::size_t offset = 0;
  };

  friend struct wslay_glue;  // wslay's C callbacks, in the .cpp

  io_result handshake();
  io_result read_head();
  void feed_wslay();
  bool finished() const;

  byte_stream& lower_;
  wslay_peer_options options_;
  wslay_event_context* ctx_ = nullptr;

  // Handshake.
  bool handshake_done_ = false;
  std::string out_head_;     // request or response still to write
  std::size_t out_sent_ = 0;
  std::string in_head_;      // bytes read until the empty line
  std::vector<byte> leftover_;  // read past the head: wslay's first bytes
  std::size_t leftover_pos_ = 0;
  std::string key_;
  bool head_read_ = false;

  std::deque<outgoing> queue_;           // not yet handed to wslay
  std::list<outgoing> fragmenting_;      // handed to wslay as fragmented messages
  bool close_requested_ = false;
  std::uint16_t close_request_code_ = 0;
  std::string close_request_reason_;

  std::vector<wslay_message> received_;
  std::size_t pings_ = 0;
  std::size_t pongs_ = 0;
  std::uint16_t close_code_ = 0;
  std::size_t moved_ = 0;
  bool lower_eof_ = false;
  bool shut_down_ = false;
  std::error_code error_{};
};

}  // namespace stutter::peers
