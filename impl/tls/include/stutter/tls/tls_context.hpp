#pragma once
// The OpenSSL world of one run (one connection pair, or one simulated network).
//
// Promises:
// - Deterministic: the context owns its own OSSL_LIB_CTX whose only random source is a
//   generator seeded from `seed` (a built-in provider registered into this context alone).
//   Two contexts with the same seed, driven through the same operations in the same order,
//   produce the same bytes; no wall clock, no OS entropy, no system configuration file.
// - Independent: contexts share no mutable OpenSSL state, so runs in different threads do
//   not influence each other. One context (and its streams) is used by one thread at a time.
// - The server identity is a fixed test key and self-signed certificate built into the library.
//
// The generator is NOT cryptographically secure: this is a test harness.

#include <cstdint>
#include <memory>

#include "stutter/tls/tls_config.hpp"

struct ossl_lib_ctx_st;
struct ssl_ctx_st;

namespace stutter::tls {

class tls_context {
 public:
  // Throws std::system_error(tls_errc::setup_failed) if OpenSSL cannot be set up.
  explicit tls_context(std::uint64_t seed);
  ~tls_context();
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  static std::shared_ptr<tls_context> create(std::uint64_t seed) { return std::make_shared<tls_context>(seed); }

  std::uint64_t seed() const;
  // Random bytes handed to OpenSSL so far (a cheap determinism fingerprint).
  std::uint64_t random_bytes_drawn() const;

  ossl_lib_ctx_st* libctx() const;
  // The SSL_CTX for this config's role, version and renegotiation policy; built on first use
  // and owned by the context. nullptr (with OpenSSL's error queue set) if the config is bad.
  ssl_ctx_st* ssl_ctx(const tls_config& config);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace stutter::tls
