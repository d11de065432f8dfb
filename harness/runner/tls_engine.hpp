#pragma once
// What the runner's TLS layer (tls_layer.hpp) needs from a TLS implementation: OpenSSL
// through impl/tls, the naive wrapper, GnuTLS, or a plug-in's transform. The layer adds
// to any engine the request queue, the status.meaning probe and the retry check.

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "runner/tls_layer.hpp"
#include "stutter/io.hpp"
#include "stutter/tls/tls_config.hpp"

namespace stutter::runner {

// What the layer needs from a TLS implementation.
class tls_engine {
 public:
  virtual ~tls_engine() = default;
  virtual byte_stream& stream() = 0;
  // Drives the handshake (and a renegotiation or key update under way) to its end.
  virtual io_result handshake() = 0;
  // Starts a renegotiation or key update. not_established / operation_in_progress: not now.
  virtual std::error_code request(tls_request::kind_t kind, bool update_requested) = 0;
  // Sees every result the layer returns (for engines that cannot tell their own state).
  virtual void saw(const io_result&) {}
  virtual bool has_counters() const { return false; }
  virtual tls::tls_counters counters() const { return {}; }
  virtual std::string version() const { return {}; }
  virtual bool peer_closed() const { return false; }
  virtual std::error_code error() const = 0;
  virtual std::string error_detail() const = 0;
  // A need_read that means "the application must read first" (held plaintext at its limit),
  // which has no reason beneath by design.
  virtual bool plaintext_full() const { return false; }
  virtual std::string name() const = 0;
  // The application must finish the initial handshake with handshake() before its first
  // read or write (the naive wrapper: its reads never flush what the handshake produces).
  virtual bool handshake_first() const { return false; }
  virtual bool established() const { return true; }
  // False when the engine draws randomness the run's seed does not control.
  virtual bool deterministic() const { return true; }
};

// The TLS settings of one end of a run.
tls::tls_config tls_config_for(scenario::endpoint_id role, const scenario::settings& s);

// The runner's TLS layer over `socket` with the engine `make` builds over the layer's probe
// (a byte_stream between the engine and the socket). The result also implements
// renegotiation_control and tls_layer_view.
std::unique_ptr<byte_stream> make_tls_layer(const tls::tls_config& cfg, byte_stream& socket,
                                            const std::function<std::unique_ptr<tls_engine>(byte_stream&)>& make);

}  // namespace stutter::runner
