#pragma once
// HTTP/1.1 Upgrade and WebSocket (impl/websocket) as runner phases, and the wslay peer.
//
// - http-upgrade is a handshake phase: open() runs client_handshake or server_handshake
//   (by role) to completion; the driver then hands over by itself, and the websocket phase
//   starts with the bytes read past the head as its buffered prefix.
// - websocket: send -> write_message, receive -> read_message (eof once the peer's close
//   arrived and the closing handshake is done), close(code) -> close(code), ping -> ping.
//   Keys and masks come from the phase_context's entropy, so runs are deterministic.
// - The impl's WebSocket errors ("reserved_bits (1002): ...") are reported under a runner
//   category worded "reserved_bits: ...", so that error_name() gives the bare name that
//   expect_error steps use.
// - Implementations "wslay" / "wslay-client" put harness/peers' wslay_peer (its own
//   handshake) at the server / client end; the mutants are in mutants/ws_mutants.hpp.

#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "runner/phase.hpp"
#include "runner/stack.hpp"
#include "stutter/ws/websocket.hpp"

namespace stutter::runner {

// nullptr when ctx.kind is neither http_upgrade nor websocket.
std::unique_ptr<phase> make_websocket_layer_phase(phase_context ctx);

// A WebSocket implementation by name (see implementations.cpp: wslay as either end, the
// WebSocket mutants), or nullptr.
std::unique_ptr<stack_factory> make_websocket_implementation(std::string_view name);

// What a websocket phase saw of the closing handshake: ws_checks judges close codes on it.
struct ws_close_facts {
  std::uint16_t app_code = 0;     // the code of the application's first close step (0: none)
  bool app_closed_first = false;  // that step came before any close frame was received or queued
  bool app_close_done = false;    // that step returned ok (its close frame is on the wire)
  // The close code of the protocol error this endpoint failed the connection with, when no
  // close frame was queued before the failure (0: none, or not known for this engine).
  std::uint16_t failure_code = 0;
  // The code of the peer's close frame as this endpoint reports it: 0 before one arrived,
  // 1005 when it carried no code.
  std::uint16_t observed_code = 0;
};

// Implemented by every websocket phase of this file (ours and wslay's).
class websocket_phase_view {
 public:
  virtual ~websocket_phase_view() = default;
  virtual ws_close_facts close_facts() const = 0;
  virtual std::string_view engine() const = 0;  // "stutter" or "wslay"
};

// The active phase of `s` as a websocket phase, or nullptr (another layer, or a phase
// wrapped by a mutant that hides it).
const websocket_phase_view* websocket_view_of(const stack& s);

// The runner's wording of an impl WebSocket error (same value; message "name: ..."); any
// other error is returned unchanged.
std::error_code runner_ws_error(std::error_code ec);

// Our websocket phase. Exposed so that mutants can replace exactly one behaviour.
class websocket_phase : public phase, public websocket_phase_view {
 public:
  explicit websocket_phase(phase_context ctx);

  io_result send(const_bytes data, message_type type) final;
  io_result receive(std::vector<byte>& out, message_type& type) final;
  io_result close(std::uint16_t code) final;
  io_result ping(const_bytes data) final;
  std::vector<byte> handover() final { return {}; }  // the last phase: it never hands over

  ws_close_facts close_facts() const final;
  std::string_view engine() const final { return "stutter"; }

 protected:
  // One data message out; the forgets-header mutant writes its own frames instead.
  virtual io_result write_message(const_bytes data, ws::message_type type);
  // The close handshake's first step; the close-code mutant replaces the code.
  virtual io_result close_stream(std::uint16_t code);

  ws::websocket_stream& stream() { return ws_; }
  byte_stream& lower() { return lower_; }
  std::uint64_t draw_entropy() { return entropy_(); }
  bool is_client() const { return client_; }

 private:
  byte_stream& lower_;
  std::function<std::uint64_t()> entropy_;
  bool client_;
  ws::websocket_stream ws_;
  bool close_called_ = false;
  ws_close_facts facts_{};
};

}  // namespace stutter::runner
