#pragma once
// The BIO between OpenSSL and a tls_stream: OpenSSL reads what the stream took from the
// lower stream (`in`) and writes into `out`, which always accepts everything, so OpenSSL
// never holds a half-written record of its own. When `out` is empty a write is first offered
// to the lower stream directly (saving a copy); whatever it does not take goes to `out`, and
// a waiting or failing result is met again by the stream's next flush. Likewise, while
// `pull` is set (only inside the stream's own SSL_read) an empty `in` is refilled by reading
// the lower stream straight into OpenSSL's buffer; a waiting or failing result stops the
// pulling and is left in `pull_result` for the stream. An empty `in` is "retry later" unless
// `eof_visible` is set and the lower stream has ended, which OpenSSL then sees as EOF.

#include <cstdint>

#include <openssl/types.h>

#include "byte_queue.hpp"
#include "stutter/io.hpp"

namespace stutter::tls::detail {

struct bio_buffers {
  byte_queue in;
  byte_queue out;
  std::uint64_t out_appended = 0;  // bytes ever written into `out`
  std::uint64_t out_flushed = 0;   // bytes ever taken from `out` by the lower stream
  bool lower_eof = false;
  bool eof_visible = false;
  byte_stream* lower = nullptr;  // for direct writes and pulls; null: always buffer
  std::uint64_t direct_writes = 0;
  bool pull = false;
  std::size_t pull_chunk = 0;
  bool pull_stopped = false;
  io_result pull_result{};
  std::uint64_t pull_reads = 0;
  std::uint64_t pulled_bytes = 0;
};

// A new BIO over `buffers` (which must outlive it).
BIO* new_stream_bio(bio_buffers* buffers);

}  // namespace stutter::tls::detail
