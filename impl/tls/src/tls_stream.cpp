#include "stutter/tls/tls_stream.hpp"

#include <algorithm>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "byte_queue.hpp"
#include "stream_bio.hpp"

namespace stutter::tls {

namespace {

// Which way a stalled operation waits on the lower stream.
enum class dir : std::uint8_t { readable, writable };

// The outcome of one internal step.
struct step {
  enum kind_t : std::uint8_t { progress, blocked, ended, failed } kind = progress;
  dir d = dir::readable;
};

dir direction_of_lower_read(const io_result& r) { return r.st == status::need_write ? dir::writable : dir::readable; }
dir direction_of_lower_write(const io_result& r) { return r.st == status::need_read ? dir::readable : dir::writable; }

io_result for_read(dir d) { return d == dir::readable ? io_result::blocked() : io_result::wants_write(); }
io_result for_write(dir d) { return d == dir::writable ? io_result::blocked() : io_result::wants_read(); }
io_result for_handshake(dir d) { return d == dir::readable ? io_result::wants_read() : io_result::wants_write(); }

bool valid(const tls_config& c) {
  return (c.version == "1.2" || c.version == "1.3") && c.record_size >= 512 && c.record_size <= 16384 &&
         c.read_chunk >= 1 && c.output_limit >= 17 * 1024 && c.plaintext_limit >= 1;
}

constexpr int max_iterations = 1 << 20;  // no operation loops this often without returning

}  // namespace

struct tls_stream::impl {
  std::shared_ptr<tls_context> context;
  tls_config cfg;
  byte_stream& lower;
  SSL* ssl = nullptr;
  detail::bio_buffers io;
  detail::byte_queue plain;  // decrypted bytes read on behalf of a write or handshake
  std::vector<byte> stage;   // a record's worth of gathered write buffers

  std::error_code err;
  std::string detail_text;
  bool peer_closed = false;
  bool close_sent = false;
  bool lower_shut = false;
  dir last_wait = dir::readable;  // direction named by the last waiting result
  bool last_waiting = false;

  // A record written by SSL_write whose bytes have not all reached the lower stream.
  bool committed = false;
  std::size_t committed_n = 0;
  std::uint64_t commit_end = 0;

  // The arguments of a write that returned a waiting result (for the retry check).
  bool write_waiting = false;
  const byte* waiting_first = nullptr;
  std::size_t waiting_total = 0;

  bool reneg_outstanding = false;       // this side asked for a TLS 1.2 renegotiation
  bool reneg_unscheduled = false;       // ... and SSL_renegotiate has not been called yet
  std::uint64_t renegotiations_before_request = 0;
  bool key_update_outstanding = false;  // this side asked for a KeyUpdate not yet sent
  bool finished_since_done = false;     // a Finished message passed since the last handshake end
  bool sent_no_renegotiation = false;   // this side refused a renegotiation
  // Output up to awaited_end holds messages the peer may be waiting for (a handshake flight,
  // an alert), as opposed to a KeyUpdate, which nobody waits for. awaited_mark: such a message
  // was written and awaited_end does not include it yet.
  bool awaited_mark = false;
  std::uint64_t awaited_end = 0;
  tls_counters counters;

  impl(std::shared_ptr<tls_context> ctx, tls_config c, byte_stream& l)
      : context(std::move(ctx)), cfg(std::move(c)), lower(l) {}

  ~impl() { SSL_free(ssl); }

  bool setup(std::vector<byte> prefix) {
    if (!valid(cfg)) {
      err = tls_errc::config_invalid;
      return false;
    }
    SSL_CTX* ctx = context->ssl_ctx(cfg);
    ssl = ctx != nullptr ? SSL_new(ctx) : nullptr;
    BIO* bio = ssl != nullptr ? detail::new_stream_bio(&io) : nullptr;
    if (bio == nullptr) {
      err = tls_errc::setup_failed;
      capture_openssl_errors();
      return false;
    }
    SSL_set_bio(ssl, bio, bio);
    SSL_set_app_data(ssl, this);
    SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    SSL_set_max_send_fragment(ssl, static_cast<long>(cfg.record_size));
    SSL_set_info_callback(ssl, &impl::on_info);
    SSL_set_msg_callback(ssl, &impl::on_message);
    if (cfg.role == tls_role::client) {
      SSL_set_connect_state(ssl);
      bool ok = SSL_set_tlsext_host_name(ssl, cfg.server_name.c_str()) == 1;
      if (cfg.verify_peer) ok = ok && SSL_set1_host(ssl, cfg.server_name.c_str()) == 1;
      if (!ok) {
        err = tls_errc::setup_failed;
        capture_openssl_errors();
        return false;
      }
    } else {
      SSL_set_accept_state(ssl);
    }
    io.in.append(prefix.data(), prefix.size());
    io.lower = &lower;
    io.pull_chunk = cfg.read_chunk;
    return true;
  }

  // ---- OpenSSL callbacks -------------------------------------------------------------

  static impl* of(const SSL* s) { return static_cast<impl*>(SSL_get_app_data(s)); }

  static void on_info(const SSL* s, int where, int) {
    if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
    impl* self = of(s);
    // OpenSSL also reports the end of post-handshake exchanges (a HelloRequest, a
    // KeyUpdate): only a handshake that carried Finished messages counts.
    if (!self->finished_since_done) return;
    self->finished_since_done = false;
    ++self->counters.handshakes;
    if (self->counters.handshakes > 1) ++self->counters.renegotiations;
    self->reneg_outstanding = false;
    self->reneg_unscheduled = false;  // a renegotiation the peer started satisfies the request
  }

  static void on_message(int write_p, int, int content_type, const void* buf, std::size_t len, SSL* s, void*) {
    impl* self = of(s);
    const auto* bytes = static_cast<const unsigned char*>(buf);
    if (write_p && (content_type == SSL3_RT_ALERT || content_type == SSL3_RT_HANDSHAKE)) {
      if (content_type == SSL3_RT_HANDSHAKE && len >= 1 && bytes[0] == SSL3_MT_KEY_UPDATE) {
        self->output_awaited();  // the records before this one are in the output buffer now
      } else {
        self->awaited_mark = true;
      }
    }
    if (content_type == SSL3_RT_HANDSHAKE && len >= 1) {
      if (bytes[0] == SSL3_MT_FINISHED) self->finished_since_done = true;
      if (bytes[0] == SSL3_MT_KEY_UPDATE) {
        if (write_p) {
          ++self->counters.key_updates_sent;
          self->key_update_outstanding = false;
        } else {
          ++self->counters.key_updates_received;
        }
      }
    } else if (content_type == SSL3_RT_ALERT && len >= 2) {
      if (write_p) {
        ++self->counters.alerts_sent;
        if (bytes[1] == SSL_AD_NO_RENEGOTIATION) self->sent_no_renegotiation = true;
      } else {
        ++self->counters.alerts_received;
      }
    }
  }

  // ---- errors ------------------------------------------------------------------------

  unsigned long capture_openssl_errors() {
    unsigned long first = 0;
    char text[256];
    while (unsigned long e = ERR_get_error()) {
      if (first == 0) first = e;
      ERR_error_string_n(e, text, sizeof text);
      if (!detail_text.empty()) detail_text += "; ";
      detail_text += text;
    }
    return first;
  }

  void fail_ssl() {
    const unsigned long first = capture_openssl_errors();
    const int reason = first != 0 && ERR_GET_LIB(first) == ERR_LIB_SSL ? ERR_GET_REASON(first) : 0;
    const bool alert_received = reason >= SSL_AD_REASON_OFFSET;
    if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      err = tls_errc::truncated;
    } else if (reason == SSL_R_NO_RENEGOTIATION || (sent_no_renegotiation && alert_received)) {
      err = tls_errc::renegotiation_refused;
    } else if (counters.handshakes == 0) {
      err = tls_errc::handshake_failed;
    } else if (alert_received) {
      err = tls_errc::peer_alert;
    } else {
      err = tls_errc::protocol_error;
    }
    if (detail_text.empty()) detail_text = "OpenSSL reported no reason";
    flush_best_effort();  // our own fatal alert, so the peer fails promptly too
  }

  void fail(std::error_code ec) {
    if (!err) err = ec;
  }

  io_result failed() {
    flush_best_effort();
    return io_result::failed(err);
  }

  // ---- the lower stream --------------------------------------------------------------

  // Hands pending protocol bytes to the lower stream until none are left.
  step flush() {
    while (!io.out.empty()) {
      ++counters.lower_writes;
      io_result r = lower.write_some(io.out.view());
      if (r.ok() && r.n > 0) {
        io.out.consume(r.n);
        io.out_flushed += r.n;
        counters.bytes_to_lower += r.n;
        continue;
      }
      if (r.st == status::error) {
        fail(r.ec);
        return {step::failed};
      }
      if (r.st == status::eof || r.ok()) {
        fail(errc::write_after_shutdown);
        return {step::failed};
      }
      return {step::blocked, direction_of_lower_write(r)};
    }
    return {step::progress};
  }

  // A side that cannot send must keep receiving: the peer may be blocked sending to us
  // (pipes smaller than what both sides have to send), and only our reading frees it.
  // Reads what has arrived, within plaintext_limit; answers it produces join the output.
  void drain_input() {
    while (!err && !peer_closed && plain.size() < cfg.plaintext_limit) {
      if (io.in.empty() && fill().kind != step::progress) return;
      if (process_input().kind != step::progress || !io.in.empty()) return;
    }
  }

  // flush(), and when it waits for the lower stream to become writable, drain_input().
  step flush_or_drain() {
    step f = flush();
    if (f.kind == step::blocked && f.d == dir::writable) {
      drain_input();
      if (err) return {step::failed};
    }
    return f;
  }

  void flush_best_effort() {
    if (io.out.empty()) return;
    while (!io.out.empty()) {
      io_result r = lower.write_some(io.out.view());
      if (!r.ok() || r.n == 0) return;
      io.out.consume(r.n);
      io.out_flushed += r.n;
    }
  }

  // Reads once from the lower stream into `in`.
  step fill() {
    if (io.lower_eof) return {step::ended};
    ++counters.lower_reads;
    io_result r = lower.read_some(io.in.tail(cfg.read_chunk));
    if (r.ok()) {
      io.in.commit(r.n);
      counters.bytes_from_lower += r.n;
      return {step::progress};
    }
    if (r.st == status::eof) {
      io.lower_eof = true;
      return {step::ended};
    }
    if (r.st == status::error) {
      fail(r.ec);
      return {step::failed};
    }
    return {step::blocked, direction_of_lower_read(r)};
  }

  // ---- OpenSSL calls -----------------------------------------------------------------

  // Unflushed bytes other than the record of a committed user write.
  bool protocol_output_pending() const {
    const std::uint64_t owned = committed ? std::max(commit_end, io.out_flushed) : io.out_flushed;
    return io.out_appended > owned;
  }

  // Whether unflushed output holds a message the peer may be waiting for.
  bool output_awaited() {
    if (awaited_mark) {
      awaited_end = io.out_appended;
      awaited_mark = false;
    }
    return io.out_flushed < awaited_end;
  }

  bool input_unprocessed() const { return !io.in.empty() || SSL_pending(ssl) > 0; }

  bool handshaking() const {
    return SSL_in_init(ssl) || reneg_outstanding || key_update_outstanding || SSL_renegotiate_pending(ssl);
  }

  // This side asked for a renegotiation that OpenSSL has not started yet.
  bool renegotiation_deferred() const {
    return reneg_outstanding && !SSL_in_init(ssl) &&
           static_cast<std::uint64_t>(SSL_num_renegotiations(ssl)) == renegotiations_before_request;
  }

  bool handshake_complete() const {
    return counters.handshakes > 0 && !SSL_in_init(ssl) && !reneg_outstanding && !key_update_outstanding;
  }

  // One SSL_read into `plain`. progress: data kept; blocked: OpenSSL wants input;
  // ended: close_notify read, or `plain` is full; failed.
  step read_into_plain() {
    if (plain.size() >= cfg.plaintext_limit) return {step::ended};
    const std::size_t room = std::min<std::size_t>(cfg.plaintext_limit - plain.size(), 16 * 1024);
    mutable_bytes tail = plain.tail(room);
    std::size_t n = 0;
    schedule_renegotiation();
    ERR_clear_error();
    ++counters.ssl_calls;
    const int rc = SSL_read_ex(ssl, tail.data(), tail.size(), &n);
    if (rc == 1) {
      plain.commit(n);
      counters.app_bytes_read += n;
      answer_key_update();
      return {step::progress};
    }
    const int e = SSL_get_error(ssl, rc);
    if (e == SSL_ERROR_WANT_READ) answer_key_update();
    switch (e) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE: return {step::blocked};
      case SSL_ERROR_ZERO_RETURN: peer_closed = true; return {step::ended};
      default: fail_ssl(); return {step::failed};
    }
  }

  // Runs everything already received through SSL_read (the only call that accepts
  // application data in the middle of a renegotiation), keeping application data in `plain`.
  // progress: all input processed; ended: `plain` filled up or close_notify with input left.
  step process_input() {
    while (input_unprocessed() && !peer_closed) {
      step s = read_into_plain();
      if (s.kind == step::failed) return s;
      if (s.kind == step::ended) return input_unprocessed() ? s : step{step::progress};
      if (s.kind == step::blocked) break;
    }
    return {step::progress};
  }

  // Reads whatever the lower stream has ready and processes it; waiting is not an error here.
  step service_input() {
    if (io.in.empty() && plain.size() < cfg.plaintext_limit && !peer_closed) {
      step f = fill();
      if (f.kind == step::failed) return f;
    }
    return process_input();
  }

  // A peer's KeyUpdate(update_requested) leaves OpenSSL owing an answer that it would only
  // send with the next SSL_write; a side that is only reading must still answer it.
  void answer_key_update() {
    if (close_sent || SSL_in_init(ssl) || SSL_get_key_update_type(ssl) == SSL_KEY_UPDATE_NONE) return;
    ERR_clear_error();
    if (SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED) != 1) {
      ERR_clear_error();
      return;
    }
    ++counters.ssl_calls;
    const int rc = SSL_do_handshake(ssl);  // writes the KeyUpdate only: no input is read
    if (rc != 1 && SSL_get_error(ssl, rc) != SSL_ERROR_WANT_READ) fail_ssl();
  }

  // ---- the operations ----------------------------------------------------------------

  io_result read_some(mutable_bytes buf) {
    if (buf.empty()) return io_result::done(0);
    if (!plain.empty()) return io_result::done(plain.take(buf));
    if (err) return failed();
    if (peer_closed) return io_result::end();
    for (int i = 0; i < max_iterations; ++i) {
      if (!io.out.empty()) {
        step f = flush();
        if (f.kind == step::failed) return failed();
        if (f.kind == step::blocked && io.out.size() > cfg.output_limit) return for_read(f.d);
      }
      std::size_t n = 0;
      schedule_renegotiation();
      ERR_clear_error();
      ++counters.ssl_calls;
      io.eof_visible = true;
      io.pull = true;  // OpenSSL reads the lower stream itself, straight into its buffer
      io.pull_stopped = false;
      const int rc = SSL_read_ex(ssl, buf.data(), buf.size(), &n);
      io.pull = false;
      io.eof_visible = false;
      if (io.pull_stopped && io.pull_result.st == status::error) {
        fail(io.pull_result.ec);
        return failed();
      }
      if (rc == 1) {
        counters.app_bytes_read += n;
        answer_key_update();
        return io_result::done(n);
      }
      const int e = SSL_get_error(ssl, rc);
      if (e == SSL_ERROR_WANT_READ) answer_key_update();
      if (e == SSL_ERROR_ZERO_RETURN) {
        peer_closed = true;
        flush_best_effort();
        return io_result::end();
      }
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        fail_ssl();
        return failed();
      }
      if (!io.in.empty()) continue;  // OpenSSL stopped between records
      // The pull inside SSL_read already met the lower stream's answer; otherwise read now
      // (first: the peer may be blocked on us draining its data, both directions full).
      step f = io.pull_stopped ? step{step::blocked, direction_of_lower_read(io.pull_result)} : fill();
      if (f.kind == step::failed) return failed();
      if (f.kind == step::progress || f.kind == step::ended) continue;
      // Nothing to read. Protocol output (handshake messages, alerts) must reach the peer
      // before we wait for its answer; a user write's record is flushed by that write's retry,
      // and waiting on it here could leave both sides waiting on full pipes. Output nobody waits
      // for (a KeyUpdate) must not make the read stop reading: the peer may be done writing
      // and never read it.
      if (protocol_output_pending()) {
        step o = flush();
        if (o.kind == step::failed) return failed();
        if (o.kind == step::blocked) return for_read(output_awaited() || SSL_in_init(ssl) ? o.d : dir::readable);
        continue;
      }
      return for_read(f.d);
    }
    fail(tls_errc::protocol_error);
    detail_text = "read made no progress";
    return failed();
  }

  bool same_write(std::span<const const_bytes> bufs, std::size_t total) const {
    const byte* first = nullptr;
    for (auto b : bufs) {
      if (!b.empty()) {
        first = b.data();
        break;
      }
    }
    return first == waiting_first && total == waiting_total;
  }

  void remember_write(std::span<const const_bytes> bufs, std::size_t total) {
    write_waiting = true;
    waiting_first = nullptr;
    for (auto b : bufs) {
      if (!b.empty()) {
        waiting_first = b.data();
        break;
      }
    }
    waiting_total = total;
  }

  // The bytes SSL_write gets: the first buffer itself when it holds a whole record.
  const byte* stage_record(std::span<const const_bytes> bufs, std::size_t n) {
    for (auto b : bufs) {
      if (b.empty()) continue;
      if (b.size() >= n) return b.data();
      break;
    }
    stage.resize(n);
    std::size_t at = 0;
    for (auto b : bufs) {
      std::size_t k = std::min(b.size(), n - at);
      std::memcpy(stage.data() + at, b.data(), k);
      at += k;
      if (at == n) break;
    }
    return stage.data();
  }

  io_result write_some(std::span<const const_bytes> bufs) {
    std::size_t total = 0;
    for (auto b : bufs) total += b.size();
    if (total == 0) return io_result::done(0);
    if (err) return failed();
    if (close_sent) return io_result::failed(errc::write_after_shutdown);
    if (write_waiting && !same_write(bufs, total)) return io_result::failed(errc::retry_mismatch);
    io_result r = write_step(bufs, total);
    if (r.waiting()) {
      remember_write(bufs, total);
    } else {
      write_waiting = false;
      if (r.st == status::error) return failed();
    }
    return r;
  }

  io_result write_step(std::span<const const_bytes> bufs, std::size_t total) {
    for (int i = 0; i < max_iterations; ++i) {
      if (committed) {
        step f = flush_or_drain();
        if (f.kind == step::failed) return io_result::failed(err);
        if (io.out_flushed >= commit_end) {
          committed = false;
          return io_result::done(committed_n);
        }
        return for_write(f.d);
      }
      // No new record while output is pending: the output buffer holds at most one.
      if (!io.out.empty()) {
        step f = flush_or_drain();
        if (f.kind == step::failed) return io_result::failed(err);
        if (f.kind == step::blocked) return for_write(f.d);
      }
      if (cfg.service_input_on_write || handshaking()) {
        step s = service_input();
        if (s.kind == step::failed) return io_result::failed(err);
        if (!io.out.empty()) continue;  // answers to what was read go out first
      }
      // OpenSSL starts a requested renegotiation only between records: while part of a record
      // is buffered, a write would go out ahead of it. Read the rest of that record first.
      if (renegotiation_deferred() && SSL_has_pending(ssl)) {
        step f = fill();
        if (f.kind == step::failed) return io_result::failed(err);
        if (f.kind == step::blocked) {
          return for_write(f.d);
        }
        if (f.kind == step::progress) {
          if (process_input().kind == step::failed) return io_result::failed(err);
          continue;
        }
      }
      // SSL_write would read records itself during a handshake and reject application data.
      if (SSL_in_init(ssl) && input_unprocessed()) {
        return io_result::wants_read();  // `plain` is full: the user has to read first
      }
      const std::size_t n = std::min(total, cfg.record_size);
      const byte* data = stage_record(bufs, n);
      std::size_t written = 0;
      schedule_renegotiation();
      ERR_clear_error();
      ++counters.ssl_calls;
      const int rc = SSL_write_ex(ssl, data, n, &written);
      if (rc == 1) {
        committed = true;
        committed_n = written;
        commit_end = io.out_appended;
        counters.app_bytes_written += written;
        continue;
      }
      const int e = SSL_get_error(ssl, rc);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        fail_ssl();
        return io_result::failed(err);
      }
      // The handshake needs the peer's answer: send ours, then read (through SSL_read).
      if (!io.out.empty()) {
        step f = flush_or_drain();
        if (f.kind == step::failed) return io_result::failed(err);
        if (f.kind == step::blocked) return for_write(f.d);
      }
      step f = fill();
      if (f.kind == step::failed) return io_result::failed(err);
      if (f.kind == step::blocked) {
        return for_write(f.d);
      }
      if (f.kind == step::ended) io.eof_visible = true;  // the handshake cannot finish now
      step s = process_input();
      if (f.kind == step::ended && s.kind != step::failed && !err) {
        // Reached only when SSL_read did not already report the truncation.
        io.eof_visible = false;
        fail(tls_errc::truncated);
        return io_result::failed(err);
      }
      io.eof_visible = false;
      if (s.kind == step::failed) return io_result::failed(err);
    }
    fail(tls_errc::protocol_error);
    detail_text = "write made no progress";
    return io_result::failed(err);
  }

  io_result handshake() {
    if (err) return failed();
    for (int i = 0; i < max_iterations; ++i) {
      if (!io.out.empty()) {
        step f = flush_or_drain();
        if (f.kind == step::failed) return failed();
        if (f.kind == step::blocked) return for_handshake(f.d);
      }
      if (handshake_complete()) return io_result::done(0);
      if (input_unprocessed() && !peer_closed) {
        step s = process_input();
        if (s.kind == step::failed) return failed();
        if (s.kind == step::ended) {
          return io_result::wants_read();  // `plain` is full: the user has to read first
        }
        continue;
      }
      if (handshaking()) {
        // Safe: no input is pending, so SSL_do_handshake cannot meet application data.
        schedule_renegotiation();
        ERR_clear_error();
        ++counters.ssl_calls;
        const int rc = SSL_do_handshake(ssl);
        if (rc != 1) {
          const int e = SSL_get_error(ssl, rc);
          if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            fail_ssl();
            return failed();
          }
        }
        if (!io.out.empty()) continue;
        if (handshake_complete()) return io_result::done(0);
      }
      if (peer_closed) {
        fail(tls_errc::protocol_error);
        detail_text = "the peer closed before the handshake completed";
        return failed();
      }
      step f = fill();
      if (f.kind == step::failed) return failed();
      if (f.kind == step::blocked) {
        return for_handshake(f.d);
      }
      if (f.kind == step::ended) {
        io.eof_visible = true;
        step s = read_into_plain();
        io.eof_visible = false;
        if (s.kind != step::failed) fail(tls_errc::truncated);
        return failed();
      }
    }
    fail(tls_errc::protocol_error);
    detail_text = "handshake made no progress";
    return failed();
  }

  io_result shutdown_write() {
    if (err) {
      // Cleanup after a failure: our fatal alert goes out, then the lower stream is shut.
      step f = flush();
      if (f.kind == step::blocked) return for_write(f.d);
      if (!lower_shut && f.kind != step::failed) {
        lower_shut = true;
        (void)lower.shutdown_write();
      }
      return io_result::failed(err);
    }
    if (lower_shut) return io_result::done(0);
    if (!close_sent) {
      committed = false;  // an abandoned write's record still goes out, ahead of close_notify
      write_waiting = false;
      // OpenSSL cannot send close_notify inside a handshake, and a renegotiation this side
      // asked for is finished first so that the peer's answer is not dropped unread.
      if (!handshake_complete()) {
        io_result h = handshake();
        if (h.st == status::need_write) return io_result::blocked();
        if (!h.ok()) return h;
      }
      ERR_clear_error();
      ++counters.ssl_calls;
      const int rc = SSL_shutdown(ssl);
      if (rc < 0) {
        fail_ssl();
        return failed();
      }
      close_sent = true;
    }
    step f = flush_or_drain();
    if (f.kind == step::failed) return failed();
    if (f.kind == step::blocked) return for_write(f.d);
    io_result r = lower.shutdown_write();
    if (r.st == status::error) {
      fail(r.ec);
      return failed();
    }
    if (!r.ok()) return r;
    lower_shut = true;
    return io_result::done(0);
  }

  std::error_code request_renegotiation() {
    if (err) return err;
    if (counters.handshakes == 0) return tls_errc::not_established;
    if (SSL_version(ssl) >= TLS1_3_VERSION) return request_key_update(false);
    if (!cfg.allow_renegotiation) return tls_errc::renegotiation_disabled;
    if (handshaking()) return tls_errc::operation_in_progress;
    reneg_outstanding = true;
    reneg_unscheduled = true;
    renegotiations_before_request = static_cast<std::uint64_t>(SSL_num_renegotiations(ssl));
    schedule_renegotiation();
    return err;
  }

  // Calls SSL_renegotiate for a requested renegotiation once OpenSSL holds no part of a
  // record. OpenSSL 3.0 starts a scheduled renegotiation only between records; if the record
  // it was in the middle of turns out to be a HelloRequest (client) or ClientHello (server),
  // the handshake that message starts leaves the schedule set, and it later fires as a second
  // handshake the peer never joins (the client waits for a HelloRequest that is not coming).
  void schedule_renegotiation() {
    if (!reneg_unscheduled || SSL_has_pending(ssl) || SSL_in_init(ssl)) return;
    reneg_unscheduled = false;
    ERR_clear_error();
    if (SSL_renegotiate(ssl) != 1) {
      reneg_outstanding = false;
      capture_openssl_errors();
      fail(tls_errc::protocol_error);
    }
  }

  std::error_code request_key_update(bool update_requested) {
    if (err) return err;
    if (counters.handshakes == 0) return tls_errc::not_established;
    if (SSL_version(ssl) < TLS1_3_VERSION) return tls_errc::unsupported_by_version;
    if (handshaking()) return tls_errc::operation_in_progress;
    ERR_clear_error();
    if (SSL_key_update(ssl, update_requested ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED) != 1) {
      capture_openssl_errors();
      return tls_errc::protocol_error;
    }
    key_update_outstanding = true;
    return {};
  }
};

tls_stream::tls_stream(std::shared_ptr<tls_context> context, tls_config config, byte_stream& lower,
                       std::vector<byte> prefix)
    : impl_(std::make_unique<impl>(std::move(context), std::move(config), lower)) {
  impl_->setup(std::move(prefix));
}

tls_stream::~tls_stream() = default;

// The coarse queries answer for the last operation: which way its waiting result pointed.
static io_result noted(tls_stream::impl& s, io_result r, dir own) {
  s.last_waiting = r.waiting();
  if (r.st == status::would_block) s.last_wait = own;
  if (r.st == status::need_read) s.last_wait = dir::readable;
  if (r.st == status::need_write) s.last_wait = dir::writable;
  return r;
}

io_result tls_stream::read_some(mutable_bytes buf) { return noted(*impl_, impl_->read_some(buf), dir::readable); }
io_result tls_stream::write_some(std::span<const const_bytes> bufs) {
  return noted(*impl_, impl_->write_some(bufs), dir::writable);
}
io_result tls_stream::shutdown_write() { return noted(*impl_, impl_->shutdown_write(), dir::writable); }
io_result tls_stream::handshake() { return noted(*impl_, impl_->handshake(), dir::readable); }
std::error_code tls_stream::request_renegotiation() { return impl_->request_renegotiation(); }
std::error_code tls_stream::request_key_update(bool update_requested) {
  return impl_->request_key_update(update_requested);
}

bool tls_stream::write_pending() const { return impl_->last_waiting && impl_->last_wait == dir::writable; }
bool tls_stream::read_pending() const { return impl_->last_waiting && impl_->last_wait == dir::readable; }
bool tls_stream::established() const { return impl_->counters.handshakes > 0; }
bool tls_stream::peer_closed() const { return impl_->peer_closed; }
std::size_t tls_stream::buffered_plaintext() const { return impl_->plain.size(); }

std::string_view tls_stream::negotiated_version() const {
  if (impl_->ssl == nullptr || impl_->counters.handshakes == 0) return {};
  return SSL_get_version(impl_->ssl);
}

tls_counters tls_stream::counters() const {
  tls_counters c = impl_->counters;
  c.lower_writes += impl_->io.direct_writes;
  c.lower_reads += impl_->io.pull_reads;
  c.bytes_from_lower += impl_->io.pulled_bytes;
  c.bytes_to_lower = impl_->io.out_flushed;
  if (impl_->ssl != nullptr) c.renegotiations_started = static_cast<std::uint64_t>(SSL_num_renegotiations(impl_->ssl));
  return c;
}

std::error_code tls_stream::error() const { return impl_->err; }
const std::string& tls_stream::error_detail() const { return impl_->detail_text; }
const tls_config& tls_stream::config() const { return impl_->cfg; }
ssl_st* tls_stream::native_handle() { return impl_->ssl; }

}  // namespace stutter::tls
