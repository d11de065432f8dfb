#pragma once
// TLS (OpenSSL 3) as a wrapper stream over any lower byte_stream, client or server.
//
// Results follow the stream contract (stutter/io.hpp), with directions named exactly:
//   read_some:      would_block = wait until the lower stream is readable;
//                   need_write  = protocol output must reach the lower stream first (wait writable).
//   write_some,
//   shutdown_write: would_block = wait until the lower stream is writable;
//                   need_read   = the handshake needs the peer's answer first (wait readable).
//   handshake:      need_read / need_write name the direction to wait for.
// After a waiting result the caller retries with the same arguments; a write retried with
// other buffers fails with errc::retry_mismatch (the stream stays usable).
// A result that waits for writable (write_some/shutdown_write's would_block, read_some's
// need_write, handshake's need_write) should also be retried once the lower stream turns
// readable: the peer may be flushing into a full pipe too, waiting for this side to read,
// and a retry reads what has arrived before it waits again. A caller that waits for the
// named direction only can deadlock against such a peer whenever the pipes hold less than
// what both sides have to send.
//
// Promises:
// - write_some(bufs) returns ok(n) only once the record carrying those n bytes has been
//   handed to the lower stream; a record is at most config().record_size plaintext bytes.
//   Gather buffers are copied only when the first one is shorter than a record.
// - OpenSSL never sees a half-written record: every byte it produces is taken whole (offered
//   to the lower stream at once, the rest kept in an output buffer), and no new record is
//   started before that buffer drains.
// - read_some lets OpenSSL read the lower stream straight into its record buffer, a record
//   at a time (never more than config().read_chunk per call); other operations read into
//   an input buffer first.
// - Input is only ever processed by SSL_read. When a write or a handshake must read, the
//   application data that arrives is kept and returned by later read_some calls, in order,
//   before anything newer (at most config().plaintext_limit bytes).
// - A renegotiation (TLS 1.2) or key update (TLS 1.3) from either side may start between
//   any two calls; a write keeps reading until it is done even if the user is not reading.
// - Alerts and handshake messages produced while reading are flushed before the read waits
//   for input, so the peer is never left waiting on bytes this side holds. Output nobody
//   waits for (a KeyUpdate) does not stop a read: it goes out with a later call.
// - An operation blocked on flushing first reads what the lower stream has (within
//   plaintext_limit), so a peer blocked on flushing to this side can go on.
// - Errors are sticky and come from tls_errc (or the lower stream's own code): refusal of a
//   renegotiation is renegotiation_refused on both sides, an EOF without close_notify is
//   truncated. error_detail() has OpenSSL's reason text.
// - Decrypted bytes already held are returned by read_some before an error or eof is.
// - Deterministic given the tls_context's seed and the sequence of calls and lower results.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "stutter/io.hpp"
#include "stutter/tls/tls_config.hpp"
#include "stutter/tls/tls_context.hpp"
#include "stutter/tls/tls_errc.hpp"

struct ssl_st;

namespace stutter::tls {

struct tls_counters {
  std::uint64_t handshakes = 0;              // full handshakes completed, the first one included
  std::uint64_t renegotiations = 0;          // TLS 1.2 renegotiations completed, started by either side
  std::uint64_t renegotiations_started = 0;  // SSL_num_renegotiations: started by this side
  std::uint64_t key_updates_sent = 0;
  std::uint64_t key_updates_received = 0;
  std::uint64_t alerts_sent = 0;
  std::uint64_t alerts_received = 0;
  std::uint64_t app_bytes_written = 0;
  std::uint64_t app_bytes_read = 0;
  std::uint64_t bytes_to_lower = 0;
  std::uint64_t bytes_from_lower = 0;
  std::uint64_t lower_reads = 0;   // read_some calls on the lower stream
  std::uint64_t lower_writes = 0;  // write_some calls on the lower stream
  std::uint64_t ssl_calls = 0;     // SSL_read / SSL_write / SSL_do_handshake / SSL_shutdown calls
};

class tls_stream final : public byte_stream {
 public:
  // `prefix`: bytes a previous phase already read from `lower` (they come before the lower
  // stream's). A bad config makes every operation fail with tls_errc::config_invalid.
  tls_stream(std::shared_ptr<tls_context> context, tls_config config, byte_stream& lower,
             std::vector<byte> prefix = {});
  ~tls_stream() override;
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;

  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  // Sends close_notify (completing the handshake first if needed), flushes, then shuts the
  // lower stream's write side. Reading goes on until the peer's close_notify (eof).
  // After an error it is the cleanup call: it flushes this side's fatal alert (would_block
  // while the lower stream cannot take it), shuts the lower write side and returns the error.
  io_result shutdown_write() override;

  // Runs the initial handshake, and any renegotiation or key update this side requested,
  // to completion: ok(0) when done. Optional: the first read or write starts it anyway.
  io_result handshake();

  // TLS 1.2: schedules a renegotiation (SSL_renegotiate). TLS 1.3: a key update that does not
  // ask the peer to update (SSL_key_update(NOT_REQUESTED)). The next read, write or
  // handshake() sends it. Returns {} or a tls_errc.
  std::error_code request_renegotiation();
  // TLS 1.3 only: schedules a KeyUpdate, asking the peer to update its keys too if
  // update_requested.
  std::error_code request_key_update(bool update_requested);

  // The seed's detailed-state queries, for callers whose operations only say "not ready".
  // They describe the last operation's waiting result:
  // write_pending(): it stopped until the lower stream is writable (output to flush first).
  // read_pending():  it stopped until the lower stream is readable (input needed first).
  bool write_pending() const;
  bool read_pending() const;

  bool established() const;              // the initial handshake has completed
  bool peer_closed() const;              // the peer's close_notify has been read
  std::size_t buffered_plaintext() const;  // decrypted bytes held for read_some
  std::string_view negotiated_version() const;  // "TLSv1.2", "TLSv1.3", or "" before the handshake
  tls_counters counters() const;
  std::error_code error() const;
  const std::string& error_detail() const;  // OpenSSL's reason text for the error, if any
  const tls_config& config() const;
  ssl_st* native_handle();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace stutter::tls
