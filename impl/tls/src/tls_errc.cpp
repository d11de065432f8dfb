#include "stutter/tls/tls_errc.hpp"

#include <string>

namespace stutter::tls {

namespace {

class tls_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.tls"; }
  std::string message(int value) const override {
    switch (static_cast<tls_errc>(value)) {
      case tls_errc::handshake_failed: return "handshake_failed: the TLS handshake failed";
      case tls_errc::truncated: return "truncated: the stream ended without a close_notify";
      case tls_errc::renegotiation_refused: return "renegotiation_refused: a renegotiation was refused (no_renegotiation)";
      case tls_errc::protocol_error: return "protocol_error: TLS protocol error";
      case tls_errc::peer_alert: return "peer_alert: the peer sent a fatal alert";
      case tls_errc::not_established: return "not_established: the handshake has not finished";
      case tls_errc::operation_in_progress: return "operation_in_progress: a renegotiation or key update is already under way";
      case tls_errc::renegotiation_disabled: return "renegotiation_disabled: this side's configuration forbids renegotiation";
      case tls_errc::unsupported_by_version: return "unsupported_by_version: the negotiated TLS version has no such operation";
      case tls_errc::config_invalid: return "config_invalid: a TLS configuration value is out of range";
      case tls_errc::setup_failed: return "setup_failed: OpenSSL could not set up the connection";
    }
    return "unknown TLS error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& tls_category() {
  static const tls_error_category category;
  return category;
}

std::error_code make_error_code(tls_errc e) { return {static_cast<int>(e), tls_category()}; }

}  // namespace stutter::tls
