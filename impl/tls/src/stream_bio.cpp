#include "stream_bio.hpp"

#include <openssl/bio.h>

namespace stutter::tls::detail {

namespace {

bio_buffers* buffers_of(BIO* bio) { return static_cast<bio_buffers*>(BIO_get_data(bio)); }

int bio_write(BIO* bio, const char* data, std::size_t len, std::size_t* written) {
  BIO_clear_retry_flags(bio);
  bio_buffers* b = buffers_of(bio);
  b->out_appended += len;
  *written = len;
  std::size_t sent = 0;
  if (b->out.empty() && b->lower != nullptr) {
    ++b->direct_writes;
    io_result r = b->lower->write_some(const_bytes(reinterpret_cast<const byte*>(data), len));
    if (r.ok()) sent = r.n;
    b->out_flushed += sent;
  }
  b->out.append(data + sent, len - sent);
  return 1;
}

int bio_read(BIO* bio, char* data, std::size_t len, std::size_t* read) {
  BIO_clear_retry_flags(bio);
  bio_buffers* b = buffers_of(bio);
  *read = 0;
  if (b->in.empty()) {
    if (b->pull && !b->pull_stopped && !b->lower_eof && b->lower != nullptr) {
      ++b->pull_reads;
      const std::size_t want = len < b->pull_chunk ? len : b->pull_chunk;
      io_result r = b->lower->read_some(mutable_bytes(reinterpret_cast<byte*>(data), want));
      if (r.ok()) {
        b->pulled_bytes += r.n;
        *read = r.n;
        return 1;
      }
      if (r.st == status::eof) {
        b->lower_eof = true;
      } else {
        b->pull_stopped = true;
        b->pull_result = r;
      }
    }
    if (!(b->lower_eof && b->eof_visible)) BIO_set_retry_read(bio);
    return 0;
  }
  *read = b->in.take(mutable_bytes(reinterpret_cast<byte*>(data), len));
  return 1;
}

long bio_ctrl(BIO* bio, int cmd, long, void*) {
  bio_buffers* b = buffers_of(bio);
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING: return static_cast<long>(b->in.size());
    case BIO_CTRL_WPENDING: return static_cast<long>(b->out.size());
    case BIO_CTRL_EOF: return b->in.empty() && b->lower_eof ? 1 : 0;
    default: return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int bio_destroy(BIO*) { return 1; }

BIO_METHOD* make_method() {
  BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "stutter tls_stream");
  if (m == nullptr) return nullptr;
  BIO_meth_set_write_ex(m, bio_write);
  BIO_meth_set_read_ex(m, bio_read);
  BIO_meth_set_ctrl(m, bio_ctrl);
  BIO_meth_set_create(m, bio_create);
  BIO_meth_set_destroy(m, bio_destroy);
  return m;
}

}  // namespace

BIO* new_stream_bio(bio_buffers* buffers) {
  static BIO_METHOD* const method = make_method();  // lives for the process
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, buffers);
  return bio;
}

}  // namespace stutter::tls::detail
