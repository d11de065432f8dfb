#pragma once
// Errors of the TLS layer. Every value has a message in tls_category(); OpenSSL's own
// reason text for the failure that ended a stream is kept by tls_stream::error_detail().

#include <system_error>

namespace stutter::tls {

enum class tls_errc : int {
  handshake_failed = 1,    // the initial handshake failed (version, cipher, certificate, peer alert)
  truncated,               // the lower stream ended without a close_notify
  renegotiation_refused,   // a renegotiation was refused with no_renegotiation (by either side)
  protocol_error,          // any other TLS failure after the handshake (bad record, bad MAC, ...)
  peer_alert,              // the peer ended an established connection with a fatal alert
  not_established,         // a renegotiation or key update was requested before the handshake finished
  operation_in_progress,   // a renegotiation or key update is already under way
  renegotiation_disabled,  // this side's tls_config forbids renegotiation
  unsupported_by_version,  // the negotiated version has no such operation (key update in TLS 1.2)
  config_invalid,          // a tls_config value is out of range
  setup_failed,            // OpenSSL could not create the library context, SSL_CTX or SSL object
};

const std::error_category& tls_category();
std::error_code make_error_code(tls_errc e);

}  // namespace stutter::tls

template <>
struct std::is_error_code_enum<stutter::tls::tls_errc> : std::true_type {};
