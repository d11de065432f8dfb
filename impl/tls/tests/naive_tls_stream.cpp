#include "naive_tls_stream.hpp"

#include <algorithm>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "stutter/tls/tls_errc.hpp"

namespace stutter::tls::test {

naive_tls_stream::naive_tls_stream(std::shared_ptr<tls_context> context, tls_config config, byte_stream& lower,
                                   std::size_t bio_pair_size)
    : context_(std::move(context)), lower_(lower) {
  SSL_CTX* ctx = context_->ssl_ctx(config);
  ssl_ = ctx != nullptr ? SSL_new(ctx) : nullptr;
  BIO* internal = nullptr;
  if (ssl_ == nullptr || BIO_new_bio_pair(&internal, bio_pair_size, &network_, bio_pair_size) != 1) {
    error_ = tls_errc::setup_failed;
    return;
  }
  SSL_set_bio(ssl_, internal, internal);
  if (config.role == tls_role::client) {
    SSL_set_connect_state(ssl_);
    SSL_set_tlsext_host_name(ssl_, config.server_name.c_str());
  } else {
    SSL_set_accept_state(ssl_);
  }
}

naive_tls_stream::~naive_tls_stream() {
  SSL_free(ssl_);
  BIO_free(network_);
}

io_result naive_tls_stream::fail() {
  char text[256];
  unsigned long e = ERR_get_error();
  ERR_error_string_n(e, text, sizeof text);
  detail_ = e != 0 ? text : "SSL_ERROR_SYSCALL";
  error_ = tls_errc::protocol_error;
  ERR_clear_error();
  return io_result::failed(error_);
}

void naive_tls_stream::pull() {
  std::size_t room = BIO_ctrl_get_write_guarantee(network_);
  if (room == 0 || lower_eof_) return;
  std::vector<byte> tmp(room);
  io_result r = lower_.read_some(tmp);
  if (r.ok()) {
    BIO_write(network_, tmp.data(), static_cast<int>(r.n));
  } else if (r.st == status::eof) {
    lower_eof_ = true;
    BIO_shutdown_wr(network_);
  }
}

void naive_tls_stream::push() {
  for (;;) {
    char* data = nullptr;
    int n = BIO_nread0(network_, &data);  // a contiguous run of pending output
    if (n <= 0) return;
    io_result r = lower_.write_some(const_bytes(reinterpret_cast<const byte*>(data), static_cast<std::size_t>(n)));
    if (!r.ok() || r.n == 0) return;
    BIO_nread(network_, &data, static_cast<int>(r.n));
  }
}

io_result naive_tls_stream::read_some(mutable_bytes buf) {
  if (error_) return io_result::failed(error_);
  if (buf.empty()) return io_result::done(0);
  pull();
  ERR_clear_error();
  std::size_t n = 0;
  int rc = SSL_read_ex(ssl_, buf.data(), buf.size(), &n);
  if (rc == 1) return io_result::done(n);
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ: return io_result::blocked();  // output made by SSL_read stays put
    case SSL_ERROR_WANT_WRITE: push(); return io_result::wants_write();
    case SSL_ERROR_ZERO_RETURN: return io_result::end();
    default: return fail();
  }
}

io_result naive_tls_stream::write_some(std::span<const const_bytes> bufs) {
  if (error_) return io_result::failed(error_);
  const_bytes data;
  for (auto b : bufs) {
    if (!b.empty()) {
      data = b;
      break;
    }
  }
  if (data.empty()) return io_result::done(0);
  ERR_clear_error();
  std::size_t n = 0;
  int rc = SSL_write_ex(ssl_, data.data(), data.size(), &n);
  push();
  if (rc == 1) return io_result::done(n);
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_WRITE: return io_result::blocked();
    case SSL_ERROR_WANT_READ: pull(); return io_result::wants_read();  // the retry hands it to SSL_write
    default: return fail();
  }
}

io_result naive_tls_stream::shutdown_write() {
  if (error_) return io_result::failed(error_);
  ERR_clear_error();
  int rc = SSL_shutdown(ssl_);
  push();
  if (rc < 0) {
    int e = SSL_get_error(ssl_, rc);
    if (e == SSL_ERROR_WANT_WRITE) return io_result::blocked();
    if (e == SSL_ERROR_WANT_READ) return io_result::wants_read();
    return fail();
  }
  if (BIO_ctrl_pending(network_) > 0) return io_result::blocked();
  return lower_.shutdown_write();
}

io_result naive_tls_stream::handshake() {
  if (error_) return io_result::failed(error_);
  pull();
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  push();
  if (rc == 1) return io_result::done(0);
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ: return io_result::wants_read();
    case SSL_ERROR_WANT_WRITE: return io_result::wants_write();
    default: return fail();
  }
}

std::error_code naive_tls_stream::request_renegotiation() {
  if (error_) return error_;
  ERR_clear_error();
  int ok = SSL_version(ssl_) >= TLS1_3_VERSION ? SSL_key_update(ssl_, SSL_KEY_UPDATE_NOT_REQUESTED)
                                                : SSL_renegotiate(ssl_);
  if (ok != 1) return fail().ec;
  io_result r = handshake();
  return r.st == status::error ? r.ec : std::error_code{};
}

}  // namespace stutter::tls::test
