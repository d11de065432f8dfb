#include "stutter/tls/tls_context.hpp"

#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "seeded_rand.hpp"
#include "stutter/tls/tls_errc.hpp"
#include "test_identity.hpp"

namespace stutter::tls {

namespace {

// The settings that shape an SSL_CTX; everything else is set per SSL object.
auto ctx_key(const tls_config& c) {
  return std::make_tuple(c.role, c.version, c.allow_renegotiation, c.verify_peer, c.verify_time, c.ciphers_tls12,
                         c.ciphersuites_tls13, c.groups);
}
using ctx_key_t = decltype(ctx_key(tls_config{}));

int version_number(const std::string& v) {
  if (v == "1.2") return TLS1_2_VERSION;
  if (v == "1.3") return TLS1_3_VERSION;
  return 0;
}

EVP_PKEY* load_key(OSSL_LIB_CTX* libctx) {
  BIO* bio = BIO_new_mem_buf(detail::test_key_pem, -1);
  if (bio == nullptr) return nullptr;
  EVP_PKEY* key = PEM_read_bio_PrivateKey_ex(bio, nullptr, nullptr, nullptr, libctx, nullptr);
  BIO_free(bio);
  return key;
}

X509* load_cert(OSSL_LIB_CTX* libctx) {
  BIO* bio = BIO_new_mem_buf(detail::test_cert_pem, -1);
  if (bio == nullptr) return nullptr;
  X509* cert = X509_new_ex(libctx, nullptr);
  if (cert != nullptr && PEM_read_bio_X509(bio, &cert, nullptr, nullptr) == nullptr) {
    X509_free(cert);
    cert = nullptr;
  }
  BIO_free(bio);
  return cert;
}

}  // namespace

struct tls_context::impl {
  std::uint64_t seed = 0;
  OSSL_LIB_CTX* libctx = nullptr;
  OSSL_PROVIDER* default_provider = nullptr;
  OSSL_PROVIDER* rand_provider = nullptr;
  detail::seeded_rand_state* rand_state = nullptr;
  std::vector<std::pair<ctx_key_t, SSL_CTX*>> ssl_ctxs;  // few entries: a linear search is fine

  ~impl() {
    for (auto& entry : ssl_ctxs) SSL_CTX_free(entry.second);
    if (rand_provider != nullptr) OSSL_PROVIDER_unload(rand_provider);
    if (default_provider != nullptr) OSSL_PROVIDER_unload(default_provider);
    OSSL_LIB_CTX_free(libctx);
  }

  SSL_CTX* build(const tls_config& c) const {
    const int version = version_number(c.version);
    if (version == 0) return nullptr;
    SSL_CTX* ctx = SSL_CTX_new_ex(libctx, nullptr, TLS_method());
    if (ctx == nullptr) return nullptr;
    bool ok = SSL_CTX_set_min_proto_version(ctx, version) == 1 && SSL_CTX_set_max_proto_version(ctx, version) == 1;
    uint64_t options = SSL_OP_NO_TICKET;
    if (!c.allow_renegotiation) {
      options |= SSL_OP_NO_RENEGOTIATION;
    } else if (c.role == tls_role::server) {
      options |= SSL_OP_ALLOW_CLIENT_RENEGOTIATION;
    }
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    ok = ok && SSL_CTX_set_num_tickets(ctx, 0) == 1;
    ok = ok && SSL_CTX_set_cipher_list(ctx, c.ciphers_tls12.c_str()) == 1;
    ok = ok && SSL_CTX_set_ciphersuites(ctx, c.ciphersuites_tls13.c_str()) == 1;
    ok = ok && SSL_CTX_set1_groups_list(ctx, c.groups.c_str()) == 1;
    ok = ok && SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA256") == 1;
    if (ok && c.role == tls_role::server) {
      EVP_PKEY* key = load_key(libctx);
      X509* cert = load_cert(libctx);
      ok = key != nullptr && cert != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
           SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
      EVP_PKEY_free(key);
      X509_free(cert);
    }
    if (ok && c.role == tls_role::client && c.verify_peer) {
      X509* cert = load_cert(libctx);
      ok = cert != nullptr && X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cert) == 1;
      X509_free(cert);
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), static_cast<time_t>(c.verify_time));
    }
    if (!ok) {
      SSL_CTX_free(ctx);
      return nullptr;
    }
    return ctx;
  }
};

tls_context::tls_context(std::uint64_t seed) : impl_(std::make_unique<impl>()) {
  impl_->seed = seed;
  impl_->libctx = OSSL_LIB_CTX_new();
  if (impl_->libctx != nullptr) {
    // Load order matters: once any provider is loaded explicitly the default one is no
    // longer loaded on demand.
    impl_->default_provider = OSSL_PROVIDER_load(impl_->libctx, "default");
    impl_->rand_provider = detail::load_seeded_rand(impl_->libctx, seed, &impl_->rand_state);
  }
  if (impl_->default_provider == nullptr || impl_->rand_provider == nullptr ||
      RAND_get0_primary(impl_->libctx) == nullptr) {
    ERR_clear_error();
    throw std::system_error(make_error_code(tls_errc::setup_failed), "tls_context");
  }
}

tls_context::~tls_context() = default;

std::uint64_t tls_context::seed() const { return impl_->seed; }

std::uint64_t tls_context::random_bytes_drawn() const { return detail::bytes_drawn(impl_->rand_state); }

ossl_lib_ctx_st* tls_context::libctx() const { return impl_->libctx; }

ssl_ctx_st* tls_context::ssl_ctx(const tls_config& config) {
  const auto key = ctx_key(config);
  for (auto& entry : impl_->ssl_ctxs) {
    if (entry.first == key) return entry.second;
  }
  SSL_CTX* ctx = impl_->build(config);
  if (ctx != nullptr) impl_->ssl_ctxs.emplace_back(key, ctx);
  return ctx;
}

}  // namespace stutter::tls
