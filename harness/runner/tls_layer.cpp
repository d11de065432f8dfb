#include "runner/tls_layer.hpp"

#include <utility>

#include "naive_tls_stream.hpp"
#if defined(STUTTER_HAVE_GNUTLS_PEER)
#include "gnutls_peer.hpp"
#endif
#include "runner/phase.hpp"
#include "runner/tls_engine.hpp"
#include "sim/rng.hpp"
#include "stutter/tls/tls_context.hpp"
#include "stutter/tls/tls_errc.hpp"

namespace stutter::runner {

using scenario::endpoint_id;

tls::tls_config tls_config_for(endpoint_id role, const scenario::settings& s) {
  tls::tls_config c;
  c.role = role == endpoint_id::client ? tls::tls_role::client : tls::tls_role::server;
  c.version = s.tls_version;
  c.allow_renegotiation = s.allow_renegotiation;
  return c;
}

namespace {

// Between the socket and the TLS engine: counts the socket's waiting results by the
// direction they name, so the layer can tell whether a waiting result of its own had a
// reason beneath it.
class wait_probe final : public byte_stream {
 public:
  explicit wait_probe(byte_stream& lower) : lower_(lower) {}

  io_result read_some(mutable_bytes buf) override { return note(lower_.read_some(buf), false); }
  io_result write_some(std::span<const const_bytes> bufs) override { return note(lower_.write_some(bufs), true); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return note(lower_.shutdown_write(), true); }

  std::uint64_t read_waits() const { return read_waits_; }
  std::uint64_t write_waits() const { return write_waits_; }

 private:
  io_result note(io_result r, bool writing) {
    if (r.st == status::need_read || (r.st == status::would_block && !writing)) ++read_waits_;
    if (r.st == status::need_write || (r.st == status::would_block && writing)) ++write_waits_;
    return r;
  }

  byte_stream& lower_;
  std::uint64_t read_waits_ = 0;
  std::uint64_t write_waits_ = 0;
};

class openssl_engine final : public tls_engine {
 public:
  openssl_engine(std::uint64_t seed, tls::tls_config cfg, byte_stream& lower)
      : context_(tls::tls_context::create(seed)), stream_(context_, std::move(cfg), lower) {}

  byte_stream& stream() override { return stream_; }
  io_result handshake() override { return stream_.handshake(); }
  std::error_code request(tls_request::kind_t kind, bool update_requested) override {
    return kind == tls_request::kind_t::renegotiation ? stream_.request_renegotiation()
                                                      : stream_.request_key_update(update_requested);
  }
  bool has_counters() const override { return true; }
  tls::tls_counters counters() const override { return stream_.counters(); }
  std::string version() const override { return std::string(stream_.negotiated_version()); }
  bool peer_closed() const override { return stream_.peer_closed(); }
  std::error_code error() const override { return stream_.error(); }
  std::string error_detail() const override { return stream_.error_detail(); }
  bool plaintext_full() const override { return stream_.buffered_plaintext() >= stream_.config().plaintext_limit; }
  std::string name() const override { return "openssl"; }

 private:
  std::shared_ptr<tls::tls_context> context_;
  tls::tls_stream stream_;
};

// The naive wrapper cannot say whether its handshake is done: application data moving (or
// its handshake() finishing) shows it is. It has one request call: SSL_renegotiate in TLS
// 1.2, SSL_key_update(not requested) in 1.3.
class naive_engine final : public tls_engine {
 public:
  naive_engine(std::uint64_t seed, tls::tls_config cfg, byte_stream& lower, std::size_t bio_pair_size)
      : context_(tls::tls_context::create(seed)), stream_(context_, std::move(cfg), lower, bio_pair_size) {}

  byte_stream& stream() override { return stream_; }
  io_result handshake() override {
    io_result r = stream_.handshake();
    saw(r);
    return r;
  }
  std::error_code request(tls_request::kind_t, bool) override {
    if (!established_) return tls::tls_errc::not_established;
    return stream_.request_renegotiation();
  }
  void saw(const io_result& r) override {
    if (r.ok()) established_ = true;
  }
  std::error_code error() const override { return stream_.error(); }
  std::string error_detail() const override { return stream_.error_detail(); }
  std::string name() const override { return "naive"; }
  bool handshake_first() const override { return true; }
  bool established() const override { return established_; }

 private:
  std::shared_ptr<tls::tls_context> context_;
  tls::test::naive_tls_stream stream_;
  bool established_ = false;
};

#if defined(STUTTER_HAVE_GNUTLS_PEER)
// GnuTLS (harness/peers/gnutls) as the engine: not deterministic (GnuTLS draws its own
// randomness from the system), so its runs are informational.
class gnutls_engine final : public tls_engine {
 public:
  gnutls_engine(const tls::tls_config& cfg, byte_stream& lower)
      : stream_({.server = cfg.role == tls::tls_role::server,
                 .version = cfg.version,
                 .allow_renegotiation = cfg.allow_renegotiation,
                 .server_name = cfg.server_name},
                lower) {}

  byte_stream& stream() override { return stream_; }
  io_result handshake() override { return stream_.handshake(); }
  std::error_code request(tls_request::kind_t kind, bool update_requested) override {
    return kind == tls_request::kind_t::renegotiation ? stream_.request_renegotiation()
                                                      : stream_.request_key_update(update_requested);
  }
  std::string version() const override { return stream_.negotiated_version(); }
  std::error_code error() const override { return stream_.error(); }
  std::string error_detail() const override { return stream_.error_detail(); }
  std::string name() const override { return "gnutls"; }
  bool deterministic() const override { return false; }

 private:
  peers::gnutls_peer_stream stream_;
};
#endif

class tls_layer final : public byte_stream, public renegotiation_control, public tls_layer_view {
 public:
  template <typename Make>
  tls_layer(const tls::tls_config& cfg, byte_stream& socket, Make make) : cfg_(cfg), probe_(socket) {
    engine_ = make(probe_);
  }

  io_result read_some(mutable_bytes buf) override {
    tick();
    const auto before = waits();
    if (io_result h = open(); !h.ok()) return judge("read_some", for_read(h), false, before);
    issue_ready();
    io_result r = engine_->stream().read_some(buf);
    // The handshake may have finished inside this read: a request queued for it goes out now
    // (a read that waits would otherwise strand it until some later call).
    if (r.waiting() && issue_ready() > 0) {
      if (io_result h = engine_->handshake(); !h.ok()) return judge("read_some", h, false, before);
      r = engine_->stream().read_some(buf);
    }
    return judge("read_some", r, false, before);
  }

  // retry.same_buffer: after a waiting result the layer above retries with the same bytes.
  // (The bytes are kept only while a write waits: nothing is copied on the common path.)
  io_result write_some(std::span<const const_bytes> bufs) override {
    tick();
    if (waiting_write_ && !retry_violation_) check_retry(bufs);
    io_result r = write_through(bufs);
    if (!r.waiting()) {
      waiting_write_.reset();
    } else if (!waiting_write_) {
      waiting_write_.emplace();
      for (auto b : bufs) waiting_write_->insert(waiting_write_->end(), b.begin(), b.end());
    }
    return r;
  }
  using byte_stream::write_some;

  void check_retry(std::span<const const_bytes> bufs) {
    const std::vector<byte>& before = *waiting_write_;
    std::size_t at = 0;  // bytes of the retry that match
    std::size_t total = 0;
    bool differs = false;
    for (auto b : bufs) {
      for (byte x : b) {
        if (!differs && (at >= before.size() || before[at] != x)) differs = true;
        if (!differs) ++at;
      }
      total += b.size();
    }
    if (!differs && total == before.size()) return;
    retry_violation_ = "a write retried after a waiting result carried other bytes (" + std::to_string(total) +
                       " instead of " + std::to_string(before.size()) + ", first difference at byte " +
                       std::to_string(at) + ")";
  }

  io_result write_through(std::span<const const_bytes> bufs) {
    const auto before = waits();
    if (io_result h = open(); !h.ok()) return judge("write_some", for_write(h), true, before);
    io_result s = settle();
    if (!s.ok()) return judge("write_some", for_write(s), true, before);
    return judge("write_some", engine_->stream().write_some(bufs), true, before);
  }

  io_result shutdown_write() override {
    const auto before = waits();
    if (io_result h = open(); !h.ok()) return judge("shutdown_write", for_write(h), true, before);
    for (auto& q : requests_) q.delay_left = 0;  // a close makes every held request at once
    io_result s = settle();
    if (!s.ok()) return judge("shutdown_write", for_write(s), true, before);
    closing_ = true;
    waiting_write_.reset();  // a shutdown abandons a waiting write
    return judge("shutdown_write", engine_->stream().shutdown_write(), true, before);
  }

  std::error_code renegotiate(std::uint32_t delay) override {
    return enqueue(tls_request::kind_t::renegotiation, false, delay);
  }
  std::error_code key_update(bool update_requested, std::uint32_t delay) override {
    return enqueue(tls_request::kind_t::key_update, update_requested, delay);
  }

  tls_layer_report report() const override {
    tls_layer_report r;
    r.engine = engine_->name();
    r.has_counters = engine_->has_counters();
    r.counters = engine_->counters();
    r.version = engine_->version();
    r.peer_closed = engine_->peer_closed();
    r.requests = requests_;
    r.status_violation = status_violation_;
    r.retry_violation = retry_violation_;
    r.error = engine_->error();
    r.error_detail = engine_->error_detail();
    r.deterministic = engine_->deterministic();
    return r;
  }

 private:
  struct wait_counts {
    std::uint64_t read = 0;
    std::uint64_t write = 0;
  };
  wait_counts waits() const { return {probe_.read_waits(), probe_.write_waits()}; }

  // A handshake's result as a write's: need_write (wait writable) is a write's would_block.
  static io_result for_write(const io_result& r) {
    return r.st == status::need_write ? io_result::blocked() : r;
  }
  // ... and as a read's: need_read (wait readable) is a read's would_block.
  static io_result for_read(const io_result& r) { return r.st == status::need_read ? io_result::blocked() : r; }

  // For an engine whose application runs the handshake first: ok(0) once established.
  io_result open() {
    if (!engine_->handshake_first() || engine_->established()) return io_result::done(0);
    return engine_->handshake();
  }

  // status.meaning at the TLS layer: a waiting result names a direction the socket waited on
  // during this very call.
  io_result judge(const char* op, io_result r, bool writing, wait_counts before) {
    engine_->saw(r);
    if (!r.waiting() || status_violation_) return r;
    const bool read_dir = r.st == status::need_read || (r.st == status::would_block && !writing);
    const wait_counts after = waits();
    const bool reason = read_dir ? after.read > before.read : after.write > before.write;
    if (!reason && !(r.st == status::need_read && engine_->plaintext_full())) {
      status_violation_ = "the TLS layer's " + std::string(op) + " returned " + std::string(to_string(r.st)) +
                          " although its socket did not wait for " + (read_dir ? "reading" : "writing") +
                          " during the call (its waiting result " + std::to_string(waiting_results_ + 1) + ")";
    }
    ++waiting_results_;
    return r;
  }

  std::error_code enqueue(tls_request::kind_t kind, bool update_requested, std::uint32_t delay) {
    // What the engine would refuse anyway is refused now, whatever the handshake's state.
    if (kind == tls_request::kind_t::key_update && cfg_.version == "1.2") return tls::tls_errc::unsupported_by_version;
    if (kind == tls_request::kind_t::renegotiation && cfg_.version == "1.2" && !cfg_.allow_renegotiation) {
      return tls::tls_errc::renegotiation_disabled;
    }
    if (closing_) return errc::write_after_shutdown;
    if (std::error_code e = engine_->error()) return e;
    requests_.push_back({.kind = kind, .update_requested = update_requested, .delay_left = delay});
    issue_ready();
    return {};
  }

  // A request waiting only for the engine (not for its delay).
  bool has_queued() const {
    for (const auto& q : requests_) {
      if (!q.issued && !q.refused && q.delay_left == 0) return true;
    }
    return false;
  }

  // One call of the layer passes for the first request still held back by its delay.
  void tick() {
    for (auto& q : requests_) {
      if (q.issued || q.refused) continue;
      if (q.delay_left > 0) --q.delay_left;
      return;
    }
  }

  // Issues queued requests, in order, as long as the engine accepts them and their delay has
  // passed.
  // The number issued.
  std::size_t issue_ready() {
    std::size_t issued = 0;
    if (closing_) return issued;
    for (auto& q : requests_) {
      if (q.issued || q.refused) continue;
      if (q.delay_left > 0) return issued;
      const tls::tls_counters c = engine_->counters();
      const std::error_code ec = engine_->request(q.kind, q.update_requested);
      if (ec == tls::tls_errc::not_established || ec == tls::tls_errc::operation_in_progress) return issued;
      if (ec) {
        q.refused = ec;
        continue;
      }
      ++issued;
      q.issued = true;
      q.renegotiations_before = c.renegotiations;
      q.key_updates_sent_before = c.key_updates_sent;
      q.key_updates_received_before = c.key_updates_received;
    }
    return issued;
  }

  // Before a write or a close: queued requests go out first, driving the handshake (or the
  // renegotiation under way) to its end as far as needed. ok(0) when done, or the
  // handshake's waiting result or error.
  // No cap on how many: two rounds in a row that issue nothing (the engine refuses with the
  // handshake done) end the loop, so it always terminates.
  io_result settle() {
    for (bool idle_before = false;;) {
      const bool idle = issue_ready() == 0;
      if (!has_queued() || (idle && idle_before)) break;
      idle_before = idle;
      io_result h = engine_->handshake();
      if (!h.ok()) return h;
    }
    return io_result::done(0);
  }

  tls::tls_config cfg_;
  wait_probe probe_;
  std::unique_ptr<tls_engine> engine_;
  std::vector<tls_request> requests_;
  std::optional<std::string> status_violation_;
  std::optional<std::vector<byte>> waiting_write_;  // what the last write offered, if it waited
  std::optional<std::string> retry_violation_;
  std::uint64_t waiting_results_ = 0;
  bool closing_ = false;
};

}  // namespace

std::uint64_t tls_context_seed(std::uint64_t run_seed, endpoint_id role) {
  std::uint64_t state = run_seed ^ (0x7f4a7c159e3779b9ULL * (1 + static_cast<std::uint64_t>(role)));
  return sim::splitmix64(state);
}

std::unique_ptr<byte_stream> make_tls_layer(const tls::tls_config& cfg, byte_stream& socket,
                                            const std::function<std::unique_ptr<tls_engine>(byte_stream&)>& make) {
  return std::make_unique<tls_layer>(cfg, socket, make);
}

const tls_layer_view* tls_view_of(const stack& s) {
  // transform() is not const; the view only reads.
  return dynamic_cast<const tls_layer_view*>(const_cast<stack&>(s).transform());
}

std::unique_ptr<byte_stream> make_tls_transform(endpoint_id role, const scenario::settings& config, byte_stream& lower,
                                                std::uint64_t seed) {
  const tls::tls_config cfg = tls_config_for(role, config);
  const std::uint64_t context_seed = tls_context_seed(seed, role);
  return std::make_unique<tls_layer>(cfg, lower, [&](byte_stream& probe) -> std::unique_ptr<tls_engine> {
    return std::make_unique<openssl_engine>(context_seed, cfg, probe);
  });
}

std::unique_ptr<byte_stream> make_naive_tls_transform(endpoint_id role, const scenario::settings& config,
                                                      byte_stream& lower, std::uint64_t seed,
                                                      std::size_t bio_pair_size) {
  const tls::tls_config cfg = tls_config_for(role, config);
  const std::uint64_t context_seed = tls_context_seed(seed, role);
  return std::make_unique<tls_layer>(cfg, lower, [&](byte_stream& probe) -> std::unique_ptr<tls_engine> {
    return std::make_unique<naive_engine>(context_seed, cfg, probe, bio_pair_size);
  });
}

namespace {

// mutant:naive-tls: the real phases over the naive TLS wrapper, on both endpoints.
class naive_tls_factory final : public stack_factory {
 public:
  std::unique_ptr<byte_stream> make_transform(scenario::layer kind, endpoint_id role, const scenario::settings& config,
                                              byte_stream& lower, std::uint64_t seed) override {
    if (kind != scenario::layer::tls) return nullptr;
    return make_naive_tls_transform(role, config, lower, seed);
  }
};


#if defined(STUTTER_HAVE_GNUTLS_PEER)
// "gnutls": the server end is GnuTLS; "gnutls-client": the client end is. The other end is
// the real layer; the phases above are the real ones on both ends.
class gnutls_factory final : public stack_factory {
 public:
  explicit gnutls_factory(endpoint_id gnutls_end) : gnutls_end_(gnutls_end) {}
  std::unique_ptr<byte_stream> make_transform(scenario::layer kind, endpoint_id role, const scenario::settings& config,
                                              byte_stream& lower, std::uint64_t seed) override {
    if (kind != scenario::layer::tls) return nullptr;
    if (role != gnutls_end_) return make_tls_transform(role, config, lower, seed);
    const tls::tls_config cfg = tls_config_for(role, config);
    return std::make_unique<tls_layer>(cfg, lower, [&](byte_stream& probe) -> std::unique_ptr<tls_engine> {
      return std::make_unique<gnutls_engine>(cfg, probe);
    });
  }

 private:
  endpoint_id gnutls_end_;
};
#endif

}  // namespace

bool gnutls_available() {
#if defined(STUTTER_HAVE_GNUTLS_PEER)
  return true;
#else
  return false;
#endif
}

std::unique_ptr<stack_factory> make_tls_implementation(std::string_view name) {
  if (name == "mutant:naive-tls") return std::make_unique<naive_tls_factory>();
#if defined(STUTTER_HAVE_GNUTLS_PEER)
  if (name == "gnutls") return std::make_unique<gnutls_factory>(endpoint_id::server);
  if (name == "gnutls-client") return std::make_unique<gnutls_factory>(endpoint_id::client);
#endif
  return nullptr;
}

}  // namespace stutter::runner
