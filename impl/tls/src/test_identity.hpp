#pragma once
// The built-in server identity: a P-256 key and a self-signed certificate for
// "stutter.test", valid 2026-11-28 .. 2126-11-04, generated once with the openssl CLI.
// It is test material, published with the source: never use it outside tests.

namespace stutter::tls::detail {

extern const char test_key_pem[];
extern const char test_cert_pem[];

}  // namespace stutter::tls::detail
