#include "gnutls_peer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "stutter/tls/tls_errc.hpp"

namespace stutter::peers {

namespace {

using tls::tls_errc;

// The test identity of impl/tls (test material, published with the source), copied so the
// peer shares no code with the implementation it is tested against.
constexpr char key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgn7isaye9sRoWluTX\n"
    "61VQKhlt1CcLQ/w/YeaWWrjYbX6hRANCAAShCJHhr63q0ocrjwLejIXFWMkM6h7v\n"
    "6J3CYu45wT4CwbDPlsINq4mi9AM12qyS1tu5zr/pzEhzHj9gWJSyorTw\n"
    "-----END PRIVATE KEY-----\n";
constexpr char cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBnjCCAUSgAwIBAgIUOqhoFbI+M6/MnKHAAhnVYy7QB9AwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMc3R1dHRlci50ZXN0MCAXDTI2MTEyODE2NDgzOFoYDzIxMjYx\n"
    "MTA0MTY0ODM4WjAXMRUwEwYDVQQDDAxzdHV0dGVyLnRlc3QwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAAShCJHhr63q0ocrjwLejIXFWMkM6h7v6J3CYu45wT4CwbDP\n"
    "lsINq4mi9AM12qyS1tu5zr/pzEhzHj9gWJSyorTwo2wwajAdBgNVHQ4EFgQULlKB\n"
    "2/luzWyp18hyavqg7HlnKVMwHwYDVR0jBBgwFoAULlKB2/luzWyp18hyavqg7Hln\n"
    "KVMwDwYDVR0TAQH/BAUwAwEB/zAXBgNVHREEEDAOggxzdHV0dGVyLnRlc3QwCgYI\n"
    "KoZIzj0EAwIDSAAwRQIhALhkd618kBe46MIj/WFyUHbYeMn0M4CYJGL53aGejKBP\n"
    "AiBugah069v5QXV1d68gRXKCgXxOZ87CbUzlk1NP8hzdMA==\n"
    "-----END CERTIFICATE-----\n";

gnutls_datum_t datum(const char* pem) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(pem)), static_cast<unsigned>(std::strlen(pem))};
}

constexpr int max_rounds = 1 << 16;  // no operation loops this often without returning

// STUTTER_GNUTLS_LOG=N turns on GnuTLS's own debug log at level N (stderr), for debugging.
void enable_log_once() {
  static const bool done = [] {
    if (const char* level = std::getenv("STUTTER_GNUTLS_LOG")) {
      gnutls_global_set_log_function([](int, const char* text) { std::fputs(text, stderr); });
      gnutls_global_set_log_level(std::atoi(level));
    }
    return true;
  }();
  (void)done;
}

}  // namespace

struct gnutls_peer_stream::impl {
  gnutls_peer_options opt;
  byte_stream& lower;
  gnutls_session_t session = nullptr;
  gnutls_certificate_credentials_t cred = nullptr;

  bool in_handshake = true;       // the first handshake, or a rehandshake, is under way
  bool rehandshake_sent = false;  // server: gnutls_rehandshake() still owes its HelloRequest
  bool key_update_pending = false;
  unsigned key_update_flags = 0;
  bool no_reneg_pending = false;  // a no_renegotiation warning still to send
  bool sent_no_renegotiation = false;
  bool requested_renegotiation = false;
  bool peer_closed = false;
  bool close_sent = false;
  bool lower_shut = false;
  std::vector<byte> plain;  // application data that arrived inside a handshake
  std::size_t plain_at = 0;
  std::error_code lower_error{};
  bool lower_waited = false;  // the lower stream returned a waiting result since it was cleared
  bool stalled_writing = false;  // ... and the last one was a write
  std::error_code err{};
  std::string detail;
  gnutls_peer_counters counters;

  impl(gnutls_peer_options o, byte_stream& l) : opt(std::move(o)), lower(l) {}

  ~impl() {
    if (session != nullptr) gnutls_deinit(session);
    if (cred != nullptr) gnutls_certificate_free_credentials(cred);
  }

  bool tls13() const { return opt.version == "1.3"; }

  bool setup() {
    enable_log_once();
    if (opt.version != "1.2" && opt.version != "1.3") return fail(tls_errc::config_invalid, "version");
    if (gnutls_certificate_allocate_credentials(&cred) < 0) return fail(tls_errc::setup_failed, "credentials");
    if (opt.server) {
      gnutls_datum_t c = datum(cert_pem), k = datum(key_pem);
      if (int rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM); rc < 0) {
        return fail(tls_errc::setup_failed, gnutls_strerror(rc));
      }
    } else {
      gnutls_datum_t c = datum(cert_pem);
      if (int rc = gnutls_certificate_set_x509_trust_mem(cred, &c, GNUTLS_X509_FMT_PEM); rc < 0) {
        return fail(tls_errc::setup_failed, gnutls_strerror(rc));
      }
      gnutls_certificate_set_verify_flags(cred, GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                                    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
    }
    const unsigned flags = (opt.server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS;
    if (int rc = gnutls_init(&session, flags); rc < 0) return fail(tls_errc::setup_failed, gnutls_strerror(rc));
    const std::string priority = std::string("NORMAL:-VERS-ALL:+VERS-TLS") + opt.version;
    if (int rc = gnutls_priority_set_direct(session, priority.c_str(), nullptr); rc < 0) {
      return fail(tls_errc::setup_failed, gnutls_strerror(rc));
    }
    if (int rc = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred); rc < 0) {
      return fail(tls_errc::setup_failed, gnutls_strerror(rc));
    }
    if (!opt.server) {
      gnutls_server_name_set(session, GNUTLS_NAME_DNS, opt.server_name.data(), opt.server_name.size());
      gnutls_session_set_verify_cert(session, opt.server_name.c_str(), 0);
    }
    gnutls_transport_set_ptr(session, this);
    gnutls_transport_set_push_function(session, &impl::push);
    gnutls_transport_set_pull_function(session, &impl::pull);
    gnutls_session_set_ptr(session, this);
    gnutls_handshake_set_hook_function(session, GNUTLS_HANDSHAKE_KEY_UPDATE, GNUTLS_HOOK_POST, &impl::hook);
    return true;
  }

  // ---- transport -------------------------------------------------------------------

  static ssize_t push(gnutls_transport_ptr_t p, const void* data, std::size_t n) {
    auto* self = static_cast<impl*>(p);
    io_result r = self->lower.write_some(const_bytes(static_cast<const byte*>(data), n));
    if (r.ok() && r.n > 0) return static_cast<ssize_t>(r.n);
    if (r.waiting() || r.ok()) {
      self->lower_waited = true;
      self->stalled_writing = r.st != status::need_read;
      gnutls_transport_set_errno(self->session, EAGAIN);
      return -1;
    }
    self->lower_error = r.st == status::error ? r.ec : std::error_code(errc::write_after_shutdown);
    gnutls_transport_set_errno(self->session, EPIPE);
    return -1;
  }

  static ssize_t pull(gnutls_transport_ptr_t p, void* data, std::size_t n) {
    auto* self = static_cast<impl*>(p);
    io_result r = self->lower.read_some(mutable_bytes(static_cast<byte*>(data), n));
    if (r.ok()) return static_cast<ssize_t>(r.n);
    if (r.st == status::eof) return 0;
    if (r.waiting()) {
      self->lower_waited = true;
      self->stalled_writing = r.st == status::need_write;
      gnutls_transport_set_errno(self->session, EAGAIN);
      return -1;
    }
    self->lower_error = r.ec;
    gnutls_transport_set_errno(self->session, ECONNRESET);
    return -1;
  }

  static int hook(gnutls_session_t s, unsigned htype, unsigned, unsigned incoming, const gnutls_datum_t*) {
    auto* self = static_cast<impl*>(gnutls_session_get_ptr(s));
    if (htype == GNUTLS_HANDSHAKE_KEY_UPDATE) ++(incoming ? self->counters.key_updates_received : self->counters.key_updates_sent);
    return 0;
  }

  // ---- results ---------------------------------------------------------------------

  bool fail(std::error_code ec, const std::string& why) {
    if (!err) {
      err = ec;
      detail = why;
    }
    return false;
  }

  // Maps a fatal GnuTLS result to the error the stream keeps.
  io_result fail_gnutls(int rc) {
    if (rc == GNUTLS_E_UNEXPECTED_PACKET && sent_no_renegotiation) {
      // A GnuTLS server that refused a client's renegotiation (no_renegotiation warning)
      // still holds the ClientHello and reports it as unexpected on the next read.
      fail(tls_errc::renegotiation_refused, "refused the peer's renegotiation");
      (void)gnutls_alert_send(session, GNUTLS_AL_FATAL, GNUTLS_A_HANDSHAKE_FAILURE);
      return io_result::failed(err);
    }
    if (lower_error) {
      fail(lower_error, gnutls_strerror(rc));
    } else if (rc == GNUTLS_E_PREMATURE_TERMINATION) {
      fail(tls_errc::truncated, gnutls_strerror(rc));
    } else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
      const auto alert = gnutls_alert_get(session);
      fail(sent_no_renegotiation || alert == GNUTLS_A_NO_RENEGOTIATION ? tls_errc::renegotiation_refused
           : counters.handshakes == 0                                   ? tls_errc::handshake_failed
                                                                         : tls_errc::peer_alert,
           std::string(gnutls_strerror(rc)) + ": " + gnutls_alert_get_name(alert));
    } else {
      fail(counters.handshakes == 0 ? tls_errc::handshake_failed : tls_errc::protocol_error, gnutls_strerror(rc));
      if (!lower_error) (void)gnutls_alert_send_appropriate(session, rc);
    }
    return io_result::failed(err);
  }

  // GNUTLS_E_AGAIN also comes back after GnuTLS handled a post-handshake message (a
  // KeyUpdate) with nothing else to return: that one just means "call again". Only an AGAIN
  // whose transport call really stalled is a reason to wait.
  bool spurious_again(int rc) {
    const bool again = rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED;
    const bool spurious = again && !lower_waited;
    lower_waited = false;
    return spurious;
  }

  // A waiting result for the direction GnuTLS is stalled on: the direction of the transport
  // call that stalled (a read may stall on sending an answer, and gnutls_record_get_direction
  // then still says "reading").
  io_result waiting(bool for_read) const {
    const bool writing = stalled_writing;
    if (for_read) return writing ? io_result::wants_write() : io_result::blocked();
    return writing ? io_result::blocked() : io_result::wants_read();
  }

  // A warning alert received: the peer refused our renegotiation, or something harmless.
  bool warning_is_refusal() {
    if (gnutls_alert_get(session) != GNUTLS_A_NO_RENEGOTIATION) return false;
    fail(tls_errc::renegotiation_refused, "the peer answered with no_renegotiation");
    (void)gnutls_alert_send(session, GNUTLS_AL_FATAL, GNUTLS_A_HANDSHAKE_FAILURE);
    return true;
  }

  // ---- the pieces ------------------------------------------------------------------

  // Work owed before anything else: a HelloRequest, a KeyUpdate, a refusal warning.
  // ok(0) when nothing is owed.
  io_result owed(bool for_read) {
    if (rehandshake_sent) {
      lower_waited = false;
      const int rc = gnutls_rehandshake(session);
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(for_read);
      if (rc < 0) return fail_gnutls(rc);
      rehandshake_sent = false;
      in_handshake = true;  // the server now waits for the client's ClientHello
    }
    if (key_update_pending) {
      lower_waited = false;
      const int rc = gnutls_session_key_update(session, key_update_flags);
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(for_read);
      if (rc < 0) return fail_gnutls(rc);
      key_update_pending = false;
    }
    if (no_reneg_pending) {
      lower_waited = false;
      const int rc = gnutls_alert_send(session, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(for_read);
      if (rc < 0) return fail_gnutls(rc);
      no_reneg_pending = false;
      sent_no_renegotiation = true;
    }
    return io_result::done(0);
  }

  // One gnutls_handshake step. ok(0) when the handshake is over.
  io_result handshake_step(bool for_read) {
    for (int i = 0; i < max_rounds && in_handshake; ++i) {
      lower_waited = false;
      const int rc = gnutls_handshake(session);
      if (rc == 0) {
        in_handshake = false;
        ++counters.handshakes;
        if (counters.handshakes > 1) ++counters.renegotiations;
        requested_renegotiation = false;
        break;
      }
      if (spurious_again(rc)) continue;
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(for_read);
      if (rc == GNUTLS_E_GOT_APPLICATION_DATA) {
        if (io_result r = receive_into_plain(); !r.ok()) return r;
        continue;
      }
      if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        if (warning_is_refusal()) return io_result::failed(err);
        continue;
      }
      return fail_gnutls(rc);
    }
    return io_result::done(0);
  }

  // Application data that arrived during a rehandshake, kept for read_some.
  io_result receive_into_plain() {
    byte tmp[16 * 1024];
    const ssize_t n = gnutls_record_recv(session, tmp, sizeof tmp);
    if (n > 0) {
      plain.insert(plain.end(), tmp, tmp + n);
      return io_result::done(0);
    }
    if (n == 0) {
      peer_closed = true;
      return io_result::done(0);
    }
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) return io_result::done(0);
    return fail_gnutls(static_cast<int>(n));
  }

  // ---- the operations --------------------------------------------------------------

  io_result read_some(mutable_bytes buf) {
    if (buf.empty()) return io_result::done(0);
    if (plain_at < plain.size()) {
      const std::size_t n = std::min(buf.size(), plain.size() - plain_at);
      std::memcpy(buf.data(), plain.data() + plain_at, n);
      plain_at += n;
      if (plain_at == plain.size()) {
        plain.clear();
        plain_at = 0;
      }
      return io_result::done(n);
    }
    if (err) return io_result::failed(err);
    if (peer_closed) return io_result::end();
    for (int i = 0; i < max_rounds; ++i) {
      if (io_result o = owed(true); !o.ok()) return o;
      if (in_handshake) {
        if (io_result h = handshake_step(true); !h.ok()) return h;
        if (plain_at < plain.size() || peer_closed) return read_some(buf);
      }
      lower_waited = false;
      const ssize_t n = gnutls_record_recv(session, buf.data(), buf.size());
      if (n > 0) return io_result::done(static_cast<std::size_t>(n));
      if (n == 0) {
        peer_closed = true;
        return io_result::end();
      }
      if (spurious_again(static_cast<int>(n))) continue;
      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) return waiting(true);
      if (n == GNUTLS_E_REHANDSHAKE) {
        // Client: the server's HelloRequest. Server: the client's new ClientHello.
        if (opt.allow_renegotiation && !close_sent) {
          in_handshake = true;
        } else {
          no_reneg_pending = true;
        }
        continue;
      }
      if (n == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        if (warning_is_refusal()) return io_result::failed(err);
        continue;
      }
      return fail_gnutls(static_cast<int>(n));
    }
    fail(tls_errc::protocol_error, "read made no progress");
    return io_result::failed(err);
  }

  io_result write_some(std::span<const const_bytes> bufs) {
    const_bytes data;
    for (auto b : bufs) {
      if (!b.empty()) {
        data = b;
        break;
      }
    }
    if (data.empty()) return io_result::done(0);
    if (err) return io_result::failed(err);
    if (close_sent) return io_result::failed(errc::write_after_shutdown);
    if (io_result o = owed(false); !o.ok()) return o;
    if (in_handshake) {
      if (io_result h = handshake_step(false); !h.ok()) return h;
    }
    const std::size_t n = std::min<std::size_t>(data.size(), 16 * 1024);
    for (int i = 0; i < max_rounds; ++i) {
      lower_waited = false;
      const ssize_t rc = gnutls_record_send(session, data.data(), n);
      if (rc > 0) return io_result::done(static_cast<std::size_t>(rc));
      if (spurious_again(static_cast<int>(rc))) continue;
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(false);
      return fail_gnutls(static_cast<int>(rc));
    }
    fail(tls_errc::protocol_error, "write made no progress");
    return io_result::failed(err);
  }

  io_result shutdown_write() {
    if (err) {
      if (!lower_shut) {
        lower_shut = true;
        (void)lower.shutdown_write();
      }
      return io_result::failed(err);
    }
    if (lower_shut) return io_result::done(0);
    if (!close_sent) {
      if (io_result o = owed(false); !o.ok()) return o;
      if (in_handshake) {
        if (io_result h = handshake_step(false); !h.ok()) return h;
      }
      lower_waited = false;
      const int rc = gnutls_bye(session, GNUTLS_SHUT_WR);
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return waiting(false);
      if (rc < 0) return fail_gnutls(rc);
      close_sent = true;
    }
    io_result r = lower.shutdown_write();
    if (r.st == status::error) {
      fail(r.ec, "lower shutdown");
      return io_result::failed(err);
    }
    if (!r.ok()) return r;
    lower_shut = true;
    return io_result::done(0);
  }

  io_result handshake() {
    if (err) return io_result::failed(err);
    if (io_result o = owed(false); !o.ok()) return o.st == status::would_block ? io_result::wants_write() : o;
    if (!in_handshake) return io_result::done(0);
    io_result h = handshake_step(true);
    if (h.st == status::would_block) return io_result::wants_read();
    return h;
  }

  std::error_code request_renegotiation() {
    if (err) return err;
    if (counters.handshakes == 0) return tls_errc::not_established;
    if (tls13()) return request_key_update(false);
    if (!opt.allow_renegotiation) return tls_errc::renegotiation_disabled;
    if (in_handshake || rehandshake_sent || requested_renegotiation) return tls_errc::operation_in_progress;
    requested_renegotiation = true;
    if (opt.server) {
      rehandshake_sent = true;  // the HelloRequest goes out with the next call
    } else {
      in_handshake = true;  // the next call sends a new ClientHello
    }
    return {};
  }

  std::error_code request_key_update(bool update_requested) {
    if (err) return err;
    if (counters.handshakes == 0) return tls_errc::not_established;
    if (!tls13()) return tls_errc::unsupported_by_version;
    if (key_update_pending) return tls_errc::operation_in_progress;
    key_update_pending = true;
    key_update_flags = update_requested ? GNUTLS_KU_PEER : 0;
    return {};
  }
};

gnutls_peer_stream::gnutls_peer_stream(gnutls_peer_options options, byte_stream& lower)
    : impl_(std::make_unique<impl>(std::move(options), lower)) {
  impl_->setup();
}

gnutls_peer_stream::~gnutls_peer_stream() = default;

io_result gnutls_peer_stream::read_some(mutable_bytes buf) { return impl_->read_some(buf); }
io_result gnutls_peer_stream::write_some(std::span<const const_bytes> bufs) { return impl_->write_some(bufs); }
io_result gnutls_peer_stream::shutdown_write() { return impl_->shutdown_write(); }
io_result gnutls_peer_stream::handshake() { return impl_->handshake(); }
std::error_code gnutls_peer_stream::request_renegotiation() { return impl_->request_renegotiation(); }
std::error_code gnutls_peer_stream::request_key_update(bool update_requested) {
  return impl_->request_key_update(update_requested);
}
bool gnutls_peer_stream::established() const { return impl_->counters.handshakes > 0; }

std::string gnutls_peer_stream::negotiated_version() const {
  if (impl_->session == nullptr || impl_->counters.handshakes == 0) return {};
  return gnutls_protocol_get_version(impl_->session) == GNUTLS_TLS1_3 ? "TLSv1.3" : "TLSv1.2";
}

gnutls_peer_counters gnutls_peer_stream::counters() const { return impl_->counters; }
std::error_code gnutls_peer_stream::error() const { return impl_->err; }
const std::string& gnutls_peer_stream::error_detail() const { return impl_->detail; }

}  // namespace stutter::peers
