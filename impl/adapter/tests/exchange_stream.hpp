#pragma once
// A byte_stream over one side of the exchange model (stutter_models/exchange.hpp), for
// driving the adapter over the model: the model's results map one to one onto the
// stream contract, and its errors onto exchange_stream_category().
//
// The stream keeps its changing state in one comparable value (exchange_stream::state)
// next to caller-owned queues, and rebind() points it at another copy of them: an
// exhaustive search copies worlds while the adapters keep referring to the same stream.

#include <cstdint>
#include <span>
#include <system_error>

#include "stutter/io.hpp"
#include "stutter_models/exchange.hpp"

namespace stutter::test {

// exchange_error values (protocol, truncated, usage) as error codes.
const std::error_category& exchange_stream_category();
std::error_code make_error_code(models::exchange_error e);

class exchange_stream final : public byte_stream {
 public:
  enum class direction : std::uint8_t { none, readable, writable };

  struct state {
    models::exchange_endpoint endpoint;
    // Requested, to be sent at the next record boundary (like SSL_renegotiate).
    std::uint8_t renegotiations_requested = 0;
    bool hello_started = false;  // one of them is being sent: retries go on with it
    // The call's own record (or shutdown) is waiting: its retry finishes that before any
    // hello requested meanwhile.
    bool record_waiting = false;
    status last_read = status::ok;   // result of the last read_some
    status last_write = status::ok;  // result of the last write-side call
    direction last_wait = direction::none;  // named by the last call, if it was waiting
    friend auto operator<=>(const state&, const state&) = default;
  };

  exchange_stream(state& s, models::byte_queue& in, models::byte_queue& out) { rebind(s, in, out); }
  void rebind(state& s, models::byte_queue& in, models::byte_queue& out) {
    s_ = &s;
    in_ = &in;
    out_ = &out;
  }

  io_result read_some(mutable_bytes buf) override;
  // Sends the first non-empty buffer (at most 65535 bytes of it) as one record, after any
  // requested hello.
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  io_result shutdown_write() override;

  // Schedules a hello: the next write_some or shutdown_write sends it before its own record.
  void request_renegotiation() { ++s_->renegotiations_requested; }

  // The seed's detailed-state queries: what the last call's waiting result named (false
  // after a call that did not wait).
  bool read_pending() const { return s_->last_wait == direction::readable; }
  bool write_pending() const { return s_->last_wait == direction::writable; }

  const models::exchange_endpoint& endpoint() const { return s_->endpoint; }

 private:
  models::exchange_io io() const { return {*in_, *out_}; }
  io_result finish(bool write_side, const models::exchange_result& r);
  io_result write_side(const const_bytes* data);

  state* s_ = nullptr;
  models::byte_queue* in_ = nullptr;
  models::byte_queue* out_ = nullptr;
};

}  // namespace stutter::test
