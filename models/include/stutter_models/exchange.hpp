#pragma once
// The exchange model: a handshake-like miniprotocol with renegotiation and no
// crypto, small enough to be obviously right. It is the oracle for an async
// adapter's need_read / need_write handling (`status.meaning`,
// `liveness.progress`, `reneg.complete`, `close.orderly`): the harness drives
// two endpoints through its scheduler and compares what they observed with
// expected_observations().
//
// The conversation, over two one-way byte queues:
//  1. Initial handshake: `handshake_flights` flights; flight i is sent by the
//     client when i is even, by the server when i is odd. The client sends
//     flight 0 on its first operation of any kind. A side's handshake is
//     complete once it has sent or received the last flight.
//  2. Application records, in both directions, once the handshake is complete.
//  3. Renegotiation: at a record boundary either side may send a hello. Until
//     the peer's answer arrives the requester sends no application data (its
//     writes return need_read). The peer answers as soon as it reads the hello,
//     ahead of any application record it writes afterwards. Hellos that cross
//     are each answered, so every request completes one renegotiation on both
//     sides.
//  4. Close: shutdown() sends a close record: no application data follows it
//     from that side, but the side still answers hellos. A side closes its
//     outbound byte queue once it has sent its close, read the peer's close,
//     pushed everything and has no hello of its own unanswered: the peer's
//     hellos all precede its close, so nothing more can need saying.
//
// Wire format: every record is type (1 byte), payload length (u16 big-endian),
// payload. See exchange_record_type.
//
// Like TLS renegotiation, it can deadlock under backpressure, and that is
// part of what it models: a side that owes a flight does not pull until the
// flight is out, so if both sides owe one and both outbound queues are full,
// neither moves. The tests find no deadlock with unbounded queues, nor with
// 10-byte queues for their small scripts.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stutter_models/bytes.hpp"

namespace stutter::models {

enum class exchange_role : std::uint8_t { client = 0, server = 1 };

enum class exchange_record_type : std::uint8_t {
  hello = 0x01,      // renegotiation request; payload [sequence, sender role, filler...]
  answer = 0x02,     // reply to a hello; payload [the hello's sequence, sender role, filler...]
  close = 0x15,      // end of application data from the sender; empty payload
  handshake = 0x16,  // initial handshake flight; payload [flight index, sender role, filler...]
  app = 0x17,        // application data, 1..65535 bytes
};

// type, u16 big-endian length, payload. Throws std::length_error past 65535 bytes.
bytes encode_exchange_record(exchange_record_type type, byte_view payload);

struct exchange_config {
  std::uint8_t handshake_flights = 2;  // 1..255
  std::uint16_t flight_size = 4;       // payload bytes of handshake, hello and answer records, >= 2
  friend auto operator<=>(const exchange_config&, const exchange_config&) = default;
};

// The payload of a handshake, hello or answer record: first byte `number`,
// then the sender's role, then filler up to config.flight_size bytes.
bytes exchange_flight_payload(const exchange_config& config, std::uint8_t number,
                              exchange_role sender);

// A one-way byte pipe owned by the caller. It models the stream's behaviour
// that matters here: each push or pull moves at most max_chunk bytes (short
// writes, partial reads) and the queue holds at most `capacity` bytes
// (backpressure).
struct byte_queue {
  bytes data;  // front is oldest
  std::size_t capacity = unlimited;
  std::size_t max_chunk = unlimited;
  bool closed = false;  // the writer is done: once data is empty the reader sees the end

  std::size_t room() const;
  // Appends min(src.size(), room(), max_chunk) bytes of src; returns how many.
  // Throws std::logic_error when closed.
  std::size_t push(byte_view src);
  // Removes and returns up to min(max, max_chunk) bytes from the front.
  bytes pull(std::size_t max = unlimited);
  bool at_end() const { return closed && data.empty(); }
  friend auto operator<=>(const byte_queue&, const byte_queue&) = default;
};

// The two queues an endpoint talks over, passed on every call so that an
// endpoint is a plain value (copyable, comparable).
struct exchange_io {
  byte_queue& in;
  byte_queue& out;
};

enum class exchange_status {
  ok,           // n bytes moved (n > 0 for a non-empty request; 0 for request_renegotiation and shutdown)
  would_block,  // wait for the same direction (read: inbound data; write ops: outbound room), retry
  need_read,    // from a write op: the peer must be heard first (handshake or renegotiation), retry
  need_write,   // from a read: an own flight must be sent first, retry
  eof,          // from a read: the peer closed and every application byte was delivered
  error,        // sticky
};

enum class exchange_error {
  none,
  protocol,   // the peer broke the conversation (unexpected record, wrong flight)
  truncated,  // the inbound queue ended before the peer's close record
  usage,      // an operation after shutdown, or a different operation while one is pending
};

struct exchange_result {
  exchange_status status = exchange_status::ok;
  std::size_t n = 0;
  exchange_error error = exchange_error::none;
  friend bool operator==(const exchange_result&, const exchange_result&) = default;
};

// One side of the conversation. Non-blocking: every call does at most one pull
// from io.in and one push to io.out, and its waiting result names the only
// thing that can let a retry progress:
//  - would_block from a write-side call: a flight this side owes, or the
//    call's own record, waits for room in io.out;
//  - need_read from a write-side call: the handshake or this side's own
//    renegotiation waits for the peer;
//  - need_write from read: a flight this side owes (the next handshake flight
//    or an answer) waits for room in io.out; until it is out, read pulls nothing;
//  - would_block from read: nothing to deliver until io.in has bytes.
// After a waiting result, retry the same call with the same arguments (write,
// request_renegotiation and shutdown finish the record they committed). One
// read and one write-side call may be pending at a time.
class exchange_endpoint {
 public:
  exchange_endpoint(exchange_role role, exchange_config config = {});

  // Sends up to 65535 bytes of data as one application record; ok(n) once the
  // record has been pushed completely. A zero-length write returns ok(0) at once.
  exchange_result write(exchange_io io, byte_view data);
  // Pushes any flight this side owes, then delivers buffered application
  // bytes or, with no flight owed, pulls one chunk. eof once the peer's close
  // has been read and every application byte delivered.
  exchange_result read(exchange_io io, std::span<std::uint8_t> buffer);
  // Sends a hello; ok(0) once it has been pushed. Until the answer arrives,
  // writes return need_read.
  exchange_result request_renegotiation(exchange_io io);
  // Sends the close record; ok(0) once pushed. Needs the handshake done and no
  // renegotiation of its own outstanding. Any call but read afterwards is a
  // usage error.
  exchange_result shutdown(exchange_io io);

  exchange_role role() const { return role_; }
  bool handshake_complete() const { return next_flight_ == config_.handshake_flights; }
  bool renegotiating() const { return awaiting_answer_; }  // a hello of ours is unanswered
  bool peer_closed() const { return peer_closed_; }
  exchange_error error() const { return error_; }

  std::uint64_t handshakes_completed() const { return handshakes_; }
  std::uint64_t renegotiations_completed() const { return renegotiations_; }  // as requester or responder
  std::uint64_t app_bytes_in() const { return app_bytes_in_; }    // delivered by read
  std::uint64_t app_bytes_out() const { return app_bytes_out_; }  // accepted by write

  friend auto operator<=>(const exchange_endpoint&, const exchange_endpoint&) = default;

  // Appends a canonical encoding of the whole state: two endpoints are equal
  // iff their encodings are. For state-space search and trace hashing.
  void encode_state(bytes& out) const;

 private:
  enum class op : std::uint8_t { none, write, renegotiate, shutdown };

  exchange_result fail(exchange_error e);
  exchange_result user_op(exchange_io io, op kind, byte_view data);
  bool blocked_on_peer() const { return !handshake_complete() || awaiting_answer_; }
  void advance_handshake();
  void queue(exchange_record_type type, byte_view payload, bool flight);
  void push_once(exchange_io io);
  void pull_once(exchange_io io);
  void handle(exchange_record_type type, byte_view payload);
  void maybe_close_transport(exchange_io io);

  exchange_role role_;
  exchange_config config_;
  exchange_error error_ = exchange_error::none;

  std::uint8_t next_flight_ = 0;  // index of the next initial-handshake flight, sent or received
  bool awaiting_answer_ = false;
  std::uint8_t hello_sequence_ = 0;  // of our latest hello
  bool sent_close_ = false;
  bool peer_closed_ = false;
  bool transport_closed_ = false;

  bytes inbound_;  // pulled bytes not yet parsed into records
  bytes app_in_;   // application bytes received, not yet read
  bytes out_;      // records waiting to be pushed
  // out_[0, flight_end_) holds a flight (handshake, hello or answer): a read
  // cannot report would_block or eof before it is pushed.
  std::size_t flight_end_ = 0;
  // The record of the pending user operation ends at out_[committed_end_].
  op committed_op_ = op::none;
  std::size_t committed_end_ = 0;
  std::size_t committed_n_ = 0;

  std::uint64_t handshakes_ = 0;
  std::uint64_t renegotiations_ = 0;
  std::uint64_t app_bytes_in_ = 0;
  std::uint64_t app_bytes_out_ = 0;
};

// A script: what each side's application does, in order; afterwards each side
// shuts down, and each side reads until eof all along.
struct exchange_action {
  enum class kind { write, renegotiate } kind = kind::write;
  bytes data;  // for write
};

struct exchange_script {
  exchange_config config;
  std::vector<exchange_action> client;
  std::vector<exchange_action> server;
};

struct exchange_observation {
  bytes app_received;  // everything read, in order, before eof
  std::uint64_t app_bytes_sent = 0;
  std::uint64_t handshakes_completed = 0;
  std::uint64_t renegotiations_completed = 0;
  friend bool operator==(const exchange_observation&, const exchange_observation&) = default;
};

struct exchange_expectation {
  exchange_observation client;
  exchange_observation server;
};

// What each side must have observed once a script has run to completion under
// any schedule: the peer's written bytes in order, its own written byte count,
// one handshake, and one renegotiation per request made by either side.
exchange_expectation expected_observations(const exchange_script& script);

}  // namespace stutter::models
