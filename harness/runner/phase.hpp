#pragma once
// A protocol phase as the runner drives it: one framing miniprotocol of an endpoint's
// stack (line, length, http-upgrade, websocket), seen through one small interface so the
// workload driver needs no per-protocol code.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "stutter/buffered_reader.hpp"
#include "stutter/io.hpp"

namespace stutter::runner {

using scenario::message_type;

class phase {
 public:
  virtual ~phase() = default;

  // A handshake phase (http-upgrade) runs open() to completion and then hands over to
  // the next phase by itself; the others have nothing to open.
  virtual bool is_handshake() const { return false; }
  virtual io_result open() { return io_result::done(0); }

  // One record or message; resumable: after a waiting result, call again with the same data.
  virtual io_result send(const_bytes data, message_type type) = 0;
  // One record or message into `out`; eof at an orderly end.
  virtual io_result receive(std::vector<byte>& out, message_type& type) = 0;
  // The orderly end of this endpoint's sending side (shutdown, close frame, ...).
  virtual io_result close(std::uint16_t code) = 0;
  virtual io_result ping(const_bytes) { return io_result::failed(std::make_error_code(std::errc::not_supported)); }

  // Bytes read past this phase's last record: the next phase's first bytes.
  virtual std::vector<byte> handover() = 0;
  // The phase's input buffer, when it has one (buffer.bounded looks at it).
  virtual const buffered_reader* reader() const { return nullptr; }
  // Bytes of input buffer allocated now, when known (buffer.bounded).
  virtual std::optional<std::size_t> input_allocated() const {
    if (const buffered_reader* in = reader()) return in->allocated();
    return std::nullopt;
  }
};

// Implemented by a transform layer (tls) that can renegotiate: the workload's
// renegotiate / key_update steps reach it through this interface.
class renegotiation_control {
 public:
  virtual ~renegotiation_control() = default;
  // Starts a renegotiation (TLS 1.2) or key update (TLS 1.3); it completes during the
  // following reads and writes. An error when it cannot be started.
  // `delay`: calls of the layer to let pass first (scenario::step::delay).
  virtual std::error_code renegotiate(std::uint32_t delay) = 0;
  // TLS 1.3 key update, asking the peer to update its keys too when update_requested.
  virtual std::error_code key_update(bool update_requested, std::uint32_t delay) = 0;
};

// What a phase is built from.
struct phase_context {
  scenario::layer kind;
  scenario::endpoint_id role;
  const scenario::settings& config;
  byte_stream& lower;        // the stream beneath the phases (socket, or tls)
  std::vector<byte> prefix;  // handed over by the previous phase
  std::function<std::uint64_t()> entropy;  // deterministic randomness (mask keys, ...)
};

buffered_reader_options reader_options(const scenario::settings& config);

}  // namespace stutter::runner
