#pragma once
// GnuTLS (libgnutls, C) as a TLS endpoint we did not write, over any byte_stream.
//
// The simulator runs our OpenSSL-based client against a GnuTLS server and a GnuTLS client
// against our server. GnuTLS reads and writes through push/pull callbacks on the lower
// byte_stream; a would_block (or any waiting result) from it becomes EAGAIN
// (gnutls_transport_set_errno), and gnutls_record_get_direction() tells which way the
// stalled call waits, which this adapter turns into the stream contract's results:
//   read_some:  would_block (wait readable) or need_write (GnuTLS must send first);
//   write_some, shutdown_write: would_block (wait writable) or need_read.
// After a waiting result the caller retries with the same arguments (GnuTLS requires the
// same data on a retried gnutls_record_send).
//
// Identity and settings: the server uses the same test key and self-signed certificate as
// impl/tls (a copy: the peer shares no code with what it is tested against); the client
// trusts it for "stutter.test" with time checks off (the certificate's validity starts
// in 2026). One version is offered ("1.2" or "1.3"), no session tickets.
//
// Renegotiation: TLS 1.2 rehandshake from either side (server: gnutls_rehandshake, a
// HelloRequest; client: a new gnutls_handshake), answered when allow_renegotiation, else
// refused with a no_renegotiation warning; TLS 1.3 key update (gnutls_session_key_update,
// with GNUTLS_KU_PEER when the peer is asked to update too).
//
// NOT DETERMINISTIC: GnuTLS draws its randomness (client/server random, ECDHE keys, ECDSA
// nonces) from the operating system and offers no way to replace its generator, so the
// same scenario gives different wire bytes (and record sizes) on every run. Runs with this
// peer are informational; their trace hashes do not repeat.
//
// Errors use stutter::tls::tls_errc names where they mean the same thing (truncated,
// renegotiation_refused, peer_alert, handshake_failed, protocol_error), or the lower
// stream's own code; error_detail() has GnuTLS's text.

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "stutter/io.hpp"

namespace stutter::peers {

struct gnutls_peer_options {
  bool server = true;
  std::string version = "1.3";  // "1.2" or "1.3"
  bool allow_renegotiation = true;
  std::string server_name = "stutter.test";
};

struct gnutls_peer_counters {
  std::uint64_t handshakes = 0;      // completed, the first one included
  std::uint64_t renegotiations = 0;  // TLS 1.2 rehandshakes completed
  std::uint64_t key_updates_sent = 0;
  std::uint64_t key_updates_received = 0;
};

class gnutls_peer_stream final : public byte_stream {
 public:
  gnutls_peer_stream(gnutls_peer_options options, byte_stream& lower);
  ~gnutls_peer_stream() override;
  gnutls_peer_stream(const gnutls_peer_stream&) = delete;
  gnutls_peer_stream& operator=(const gnutls_peer_stream&) = delete;

  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  // close_notify (gnutls_bye(GNUTLS_SHUT_WR)), then the lower stream's write side.
  io_result shutdown_write() override;

  // Runs the handshake (or a rehandshake under way) to completion: ok(0) when done.
  io_result handshake();

  // TLS 1.2: a rehandshake (not_established before the first handshake,
  // operation_in_progress while one runs, renegotiation_disabled when not allowed).
  // TLS 1.3: a key update without asking the peer to update.
  std::error_code request_renegotiation();
  // TLS 1.3 only.
  std::error_code request_key_update(bool update_requested);

  bool established() const;
  std::string negotiated_version() const;  // "TLSv1.2", "TLSv1.3", or ""
  gnutls_peer_counters counters() const;
  std::error_code error() const;
  const std::string& error_detail() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace stutter::peers
