#pragma once
// A deliberately naive TLS wrapper, kept as a known-bad reference for tests and explore
// runs. It does what the obvious wrapper does and so falls into the three traps:
// - OpenSSL talks to a BIO pair smaller than a record, so records are left half-written
//   inside OpenSSL (a renegotiation arriving then fails with "bad length"/"bad write retry");
// - protocol output is moved to the lower stream only by writes, so an alert or handshake
//   message produced while reading can sit in the BIO pair forever;
// - a write that needs input feeds it straight to SSL_write (or SSL_do_handshake), which
//   rejects application data arriving during a renegotiation as an unexpected record.
// It is otherwise a working byte_stream over the same tls_context as tls_stream.

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include "stutter/io.hpp"
#include "stutter/tls/tls_config.hpp"
#include "stutter/tls/tls_context.hpp"

struct ssl_st;
struct bio_st;

namespace stutter::tls::test {

class naive_tls_stream final : public byte_stream {
 public:
  naive_tls_stream(std::shared_ptr<tls_context> context, tls_config config, byte_stream& lower,
                   std::size_t bio_pair_size = 4096);
  ~naive_tls_stream() override;
  naive_tls_stream(const naive_tls_stream&) = delete;
  naive_tls_stream& operator=(const naive_tls_stream&) = delete;

  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  io_result shutdown_write() override;

  io_result handshake();
  // SSL_renegotiate (TLS 1.2) or SSL_key_update (TLS 1.3), then SSL_do_handshake at once.
  std::error_code request_renegotiation();

  std::error_code error() const { return error_; }
  const std::string& error_detail() const { return detail_; }

 private:
  io_result fail();
  void pull();  // lower -> BIO pair, as much as the pair takes
  void push();  // BIO pair -> lower, as much as the lower stream takes

  std::shared_ptr<tls_context> context_;
  byte_stream& lower_;
  ssl_st* ssl_ = nullptr;
  bio_st* network_ = nullptr;  // our end of the BIO pair
  bool lower_eof_ = false;
  std::error_code error_{};
  std::string detail_;
};

}  // namespace stutter::tls::test
