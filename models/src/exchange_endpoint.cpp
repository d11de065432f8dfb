#include <algorithm>
#include <stdexcept>

#include "stutter_models/exchange.hpp"

namespace stutter::models {

namespace {

exchange_role other(exchange_role r) {
  return r == exchange_role::client ? exchange_role::server : exchange_role::client;
}

exchange_role sender_of_flight(std::uint8_t index) {
  return index % 2 == 0 ? exchange_role::client : exchange_role::server;
}

exchange_result status_only(exchange_status s) { return {s, 0, exchange_error::none}; }

}  // namespace

exchange_endpoint::exchange_endpoint(exchange_role role, exchange_config config)
    : role_(role), config_(config) {
  if (config.handshake_flights == 0) throw std::invalid_argument("handshake_flights must be >= 1");
  if (config.flight_size < 2) throw std::invalid_argument("flight_size must be >= 2");
}

void exchange_endpoint::encode_state(bytes& out) const {
  // Every field as minimal LEB128 (buffer sizes among them), then the
  // buffers' bytes. Compact, because exhaustive searches hash it per transition.
  std::uint8_t fixed[21 * 10];
  std::size_t n = 0;
  for (const std::uint64_t field :
       {static_cast<std::uint64_t>(role_), std::uint64_t{config_.handshake_flights}, std::uint64_t{config_.flight_size},
        static_cast<std::uint64_t>(error_), std::uint64_t{next_flight_}, std::uint64_t{awaiting_answer_},
        std::uint64_t{hello_sequence_}, std::uint64_t{sent_close_}, std::uint64_t{peer_closed_},
        std::uint64_t{transport_closed_}, std::uint64_t{flight_end_}, static_cast<std::uint64_t>(committed_op_),
        std::uint64_t{committed_end_}, std::uint64_t{committed_n_}, handshakes_, renegotiations_, app_bytes_in_,
        app_bytes_out_, std::uint64_t{inbound_.size()}, std::uint64_t{app_in_.size()}, std::uint64_t{out_.size()}}) {
    std::uint64_t v = field;
    while (v >= 0x80) {
      fixed[n++] = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    fixed[n++] = static_cast<std::uint8_t>(v);
  }
  out.insert(out.end(), fixed, fixed + n);
  out.insert(out.end(), inbound_.begin(), inbound_.end());
  out.insert(out.end(), app_in_.begin(), app_in_.end());
  out.insert(out.end(), out_.begin(), out_.end());
}

exchange_result exchange_endpoint::fail(exchange_error e) {
  if (error_ == exchange_error::none) error_ = e;
  return {exchange_status::error, 0, error_};
}

void exchange_endpoint::queue(exchange_record_type type, byte_view payload, bool flight) {
  const bytes record = encode_exchange_record(type, payload);
  out_.insert(out_.end(), record.begin(), record.end());
  if (flight) flight_end_ = out_.size();
}

// Sends every initial-handshake flight that is ours to send next.
void exchange_endpoint::advance_handshake() {
  while (!handshake_complete() && sender_of_flight(next_flight_) == role_) {
    queue(exchange_record_type::handshake, exchange_flight_payload(config_, next_flight_, role_), true);
    ++next_flight_;
  }
  if (handshake_complete()) handshakes_ = 1;
}

void exchange_endpoint::push_once(exchange_io io) {
  if (out_.empty()) return;
  const std::size_t n = io.out.push(out_);
  out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(n));
  flight_end_ -= std::min(n, flight_end_);
  committed_end_ -= std::min(n, committed_end_);
}

void exchange_endpoint::pull_once(exchange_io io) {
  const bytes chunk = io.in.pull();
  inbound_.insert(inbound_.end(), chunk.begin(), chunk.end());
  while (error_ == exchange_error::none && inbound_.size() >= 3) {
    const std::size_t length = (std::size_t{inbound_[1]} << 8) | inbound_[2];
    if (inbound_.size() < 3 + length) break;
    const bytes payload(inbound_.begin() + 3, inbound_.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    const auto type = static_cast<exchange_record_type>(inbound_[0]);
    inbound_.erase(inbound_.begin(), inbound_.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    handle(type, payload);
  }
}

void exchange_endpoint::handle(exchange_record_type type, byte_view payload) {
  const exchange_role peer = other(role_);
  auto is_flight = [&](std::uint8_t number) {
    const bytes expected = exchange_flight_payload(config_, number, peer);
    return std::equal(payload.begin(), payload.end(), expected.begin(), expected.end());
  };
  // After its close the peer only answers our hellos.
  if (peer_closed_ && type != exchange_record_type::answer) {
    fail(exchange_error::protocol);
    return;
  }
  switch (type) {
    case exchange_record_type::handshake:
      if (handshake_complete() || sender_of_flight(next_flight_) != peer || !is_flight(next_flight_)) {
        fail(exchange_error::protocol);
        return;
      }
      ++next_flight_;
      advance_handshake();
      return;
    case exchange_record_type::hello:
      if (!handshake_complete() || payload.size() < 1 || !is_flight(payload[0])) {
        fail(exchange_error::protocol);
        return;
      }
      queue(exchange_record_type::answer, exchange_flight_payload(config_, payload[0], role_), true);
      ++renegotiations_;
      return;
    case exchange_record_type::answer:
      if (!awaiting_answer_ || !is_flight(hello_sequence_)) {
        fail(exchange_error::protocol);
        return;
      }
      awaiting_answer_ = false;
      ++renegotiations_;
      return;
    case exchange_record_type::app:
      if (!handshake_complete() || payload.empty()) {
        fail(exchange_error::protocol);
        return;
      }
      app_in_.insert(app_in_.end(), payload.begin(), payload.end());
      return;
    case exchange_record_type::close:
      if (!handshake_complete() || !payload.empty()) {
        fail(exchange_error::protocol);
        return;
      }
      peer_closed_ = true;
      return;
  }
  fail(exchange_error::protocol);  // unknown type
}

// Once both closes are out and nothing is owed, no record can follow from us.
void exchange_endpoint::maybe_close_transport(exchange_io io) {
  if (transport_closed_ || !sent_close_ || !peer_closed_ || awaiting_answer_ || !out_.empty()) return;
  io.out.closed = true;
  transport_closed_ = true;
}

// Every waiting result names the only thing that can let a retry progress:
// owed flight bytes wait for outbound room before anything else happens (so
// nothing is pulled meanwhile), a side blocked on its peer waits for inbound
// bytes, a committed record waits for outbound room.
exchange_result exchange_endpoint::user_op(exchange_io io, op kind, byte_view data) {
  if (error_ != exchange_error::none) return fail(error_);
  bool pushed = false;
  auto push = [&] {
    if (!pushed && !out_.empty()) push_once(io);
    pushed = true;
  };
  if (committed_op_ == op::none) {
    if (sent_close_) return fail(exchange_error::usage);
    advance_handshake();
    if (flight_end_ > 0) push();
    if (flight_end_ > 0) return status_only(exchange_status::would_block);
    if (blocked_on_peer()) {
      pull_once(io);
      if (error_ != exchange_error::none) return fail(error_);
      if (flight_end_ > 0) push();  // the next handshake flight, or an answer
      if (flight_end_ > 0) return status_only(exchange_status::would_block);
      if (blocked_on_peer()) {
        if (io.in.at_end()) return fail(exchange_error::truncated);
        return status_only(exchange_status::need_read);
      }
    }
    switch (kind) {
      case op::write:
        committed_n_ = std::min<std::size_t>(data.size(), 0xffff);
        queue(exchange_record_type::app, data.first(committed_n_), false);
        break;
      case op::renegotiate:
        committed_n_ = 0;
        ++hello_sequence_;
        awaiting_answer_ = true;
        queue(exchange_record_type::hello, exchange_flight_payload(config_, hello_sequence_, role_), true);
        break;
      case op::shutdown:
        committed_n_ = 0;
        sent_close_ = true;
        queue(exchange_record_type::close, {}, false);
        break;
      case op::none:
        break;
    }
    committed_op_ = kind;
    committed_end_ = out_.size();
  } else if (committed_op_ != kind) {
    return fail(exchange_error::usage);
  }

  push();
  if (committed_end_ > 0) return status_only(exchange_status::would_block);
  committed_op_ = op::none;
  if (kind == op::write) app_bytes_out_ += committed_n_;
  maybe_close_transport(io);
  return {exchange_status::ok, committed_n_, exchange_error::none};
}

exchange_result exchange_endpoint::write(exchange_io io, byte_view data) {
  if (error_ != exchange_error::none) return fail(error_);
  if (data.empty() && committed_op_ == op::none) return {exchange_status::ok, 0, exchange_error::none};
  return user_op(io, op::write, data);
}

exchange_result exchange_endpoint::request_renegotiation(exchange_io io) {
  return user_op(io, op::renegotiate, {});
}

exchange_result exchange_endpoint::shutdown(exchange_io io) { return user_op(io, op::shutdown, {}); }

exchange_result exchange_endpoint::read(exchange_io io, std::span<std::uint8_t> buffer) {
  if (error_ != exchange_error::none) return fail(error_);
  if (buffer.empty()) return {exchange_status::ok, 0, exchange_error::none};
  advance_handshake();
  // A flight this side owes goes out before anything is pulled.
  bool pushed = false;
  if (flight_end_ > 0) {
    push_once(io);
    pushed = true;
  }
  if (app_in_.empty() && flight_end_ == 0 && !peer_closed_) {
    pull_once(io);
    if (error_ != exchange_error::none) return fail(error_);
    if (flight_end_ > 0 && !pushed) push_once(io);  // an answer to a hello just read
  }
  maybe_close_transport(io);
  if (!app_in_.empty()) {
    const std::size_t n = std::min(buffer.size(), app_in_.size());
    std::copy_n(app_in_.begin(), n, buffer.begin());
    app_in_.erase(app_in_.begin(), app_in_.begin() + static_cast<std::ptrdiff_t>(n));
    app_bytes_in_ += n;
    return {exchange_status::ok, n, exchange_error::none};
  }
  if (flight_end_ > 0) return status_only(exchange_status::need_write);
  if (peer_closed_) return status_only(exchange_status::eof);
  if (io.in.at_end()) return fail(exchange_error::truncated);
  return status_only(exchange_status::would_block);
}

}  // namespace stutter::models
