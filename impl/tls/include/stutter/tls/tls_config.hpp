#pragma once
// Settings of one TLS endpoint. Every limit is a setting; the defaults suit a
// conformance run. Values are checked when a tls_stream is built (tls_errc::config_invalid).

#include <cstddef>
#include <cstdint>
#include <string>

namespace stutter::tls {

enum class tls_role : std::uint8_t { client, server };

struct tls_config {
  tls_role role = tls_role::client;
  // The one protocol version offered and accepted: "1.2" or "1.3".
  std::string version = "1.3";
  // TLS 1.2: accept renegotiation from the peer (a server then also accepts client-initiated
  // renegotiation). false sets SSL_OP_NO_RENEGOTIATION: the peer's attempt is answered with a
  // no_renegotiation warning and this side may not start one either.
  bool allow_renegotiation = true;
  // Largest plaintext carried by one record, 512..16384.
  std::size_t record_size = 16384;
  // Most bytes one read asks the lower stream for (at least 1).
  std::size_t read_chunk = 17 * 1024;
  // A read stops feeding OpenSSL and returns need_write while more than this many protocol
  // bytes wait for the lower stream (at least one full record: 17 KiB).
  std::size_t output_limit = 64 * 1024;
  // Most decrypted bytes held for the user when a write, a handshake or a renegotiation had to
  // read application data (at least 1). At the limit such operations return need_read until
  // the user reads.
  std::size_t plaintext_limit = 256 * 1024;
  // Writes also process input that has already arrived (a peer's renegotiation request, an
  // alert), so a side that only writes still answers promptly.
  bool service_input_on_write = true;
  // Client: SNI and the name the certificate must carry. Server: ignored.
  std::string server_name = "stutter.test";
  // Client: verify the server's certificate against the built-in test identity.
  bool verify_peer = true;
  // Certificate checks use this time (seconds since the epoch), never the wall clock.
  std::int64_t verify_time = 1798761600;  // 2027-01-01T00:00:00Z
  // Cipher choices, fixed so no system configuration changes the wire bytes.
  std::string ciphers_tls12 = "ECDHE-ECDSA-AES128-GCM-SHA256";
  std::string ciphersuites_tls13 = "TLS_AES_128_GCM_SHA256";
  std::string groups = "X25519:P-256";
};

}  // namespace stutter::tls
