#include "plugin/plugin_transform.hpp"

#include <stdexcept>

#include "runner/tls_engine.hpp"
#include "scenario/format.hpp"
#include "sim/rng.hpp"
#include "stutter/tls/tls_errc.hpp"

namespace stutter::plugin {
namespace {

class plugin_tls_engine final : public runner::tls_engine, public byte_stream {
 public:
  plugin_tls_engine(std::shared_ptr<const library> lib, scenario::endpoint_id role, const scenario::settings& config,
                    byte_stream& probe, std::uint64_t seed, contract_log& log, std::function<std::uint64_t()> now)
      : lib_(std::move(lib)),
        ops_(*lib_->descriptor().transform),
        gen_(std::make_shared<sim::rng>(seed, /*stream=*/5 + static_cast<std::uint64_t>(role))),
        bridge_(lib_->descriptor().name, "tls layer", log, probe, [g = gen_] { return g->next(); }, std::move(now)) {
    const stutter_endpoint_config& c = bridge_.config(scenario::layer::tls, role, config, {});
    const char* why = nullptr;
    {
      bridge::call_scope in(bridge_);
      ep_ = ops_.create(&c, &why);
    }
    if (ep_ == nullptr) {
      throw std::invalid_argument(std::string(lib_->descriptor().name) + " could not create its tls layer: " +
                                  (why != nullptr ? why : "create returned NULL"));
    }
  }
  ~plugin_tls_engine() override {
    bridge::call_scope in(bridge_);
    ops_.destroy(ep_);
  }

  // The engine's plaintext stream.
  byte_stream& stream() override { return *this; }

  io_result read_some(mutable_bytes buf) override {
    bridge::call_scope in(bridge_);
    return bridge_.take("read_some", ops_.read_some(ep_, buf.data(), buf.size()), buf.size(), true, false);
  }
  io_result write_some(std::span<const const_bytes> bufs) override {
    iov_.clear();
    std::size_t total = 0;
    for (auto b : bufs) {
      iov_.push_back({b.data(), b.size()});
      total += b.size();
    }
    bridge::call_scope in(bridge_);
    return bridge_.take("write_some", ops_.write_some(ep_, iov_.data(), iov_.size()), total, true, false);
  }
  using byte_stream::write_some;
  // Also the cleanup call after an error: it may wait while it flushes the fatal alert.
  io_result shutdown_write() override {
    bridge::call_scope in(bridge_);
    return bridge_.take("shutdown_write", ops_.shutdown_write(ep_), 0, false, false, /*cleanup=*/true);
  }

  io_result handshake() override {
    bridge::call_scope in(bridge_);
    return bridge_.take("handshake", ops_.handshake(ep_), 0, false, false);
  }

  std::error_code request(runner::tls_request::kind_t kind, bool update_requested) override {
    const bool reneg = kind == runner::tls_request::kind_t::renegotiation;
    if ((reneg ? ops_.renegotiate == nullptr : ops_.key_update == nullptr)) return named_error("not_supported");
    stutter_result r{};
    {
      bridge::call_scope in(bridge_);
      r = reneg ? ops_.renegotiate(ep_) : ops_.key_update(ep_, update_requested ? 1 : 0);
    }
    // "Not now": the layer asks again once the handshake under way is done.
    if (r.status == STUTTER_WOULD_BLOCK) return tls::tls_errc::operation_in_progress;
    // A refusal is the request's answer, not a broken stream: not sticky.
    if (r.status == STUTTER_ERROR && r.error != nullptr && scenario::format::is_error_name(r.error) &&
        !bridge_.broken()) {
      return named_error(r.error);
    }
    io_result res = bridge_.take(reneg ? "renegotiate" : "key_update", r, 0, false, false);
    if (res.ok()) return {};
    if (res.st == status::error) return res.ec;
    (void)bridge_.breach("contract.result", std::string(reneg ? "renegotiate" : "key_update") + " returned " +
                                                std::string(to_string(res.st)) + " (ok, would_block or error only)");
    return contract_error();
  }

  bool has_counters() const override { return info().has_counters != 0; }
  tls::tls_counters counters() const override {
    const stutter_tls_info i = info();
    tls::tls_counters c{};
    c.renegotiations = i.renegotiations;
    c.key_updates_sent = i.key_updates_sent;
    c.key_updates_received = i.key_updates_received;
    return c;
  }
  // plugin.h says "1.2" / "1.3"; the runner's TLS checks speak OpenSSL's names.
  std::string version() const override {
    const stutter_tls_info i = info();
    if (i.version == nullptr) return "";
    const std::string v = i.version;
    return v == "1.2" || v == "1.3" ? "TLSv" + v : v;
  }
  bool peer_closed() const override { return info().peer_closed != 0; }
  bool plaintext_full() const override { return info().plaintext_full != 0; }
  std::error_code error() const override { return bridge_.sticky_error(); }
  std::string error_detail() const override { return bridge_.last_error_detail(); }
  std::string name() const override { return lib_->descriptor().name; }
  bool deterministic() const override { return (lib_->descriptor().flags & STUTTER_PLUGIN_NOT_DETERMINISTIC) == 0; }

 private:
  stutter_tls_info info() const {
    stutter_tls_info i{};
    if (ops_.info != nullptr) {
      bridge::call_scope in(const_cast<bridge&>(bridge_));
      ops_.info(ep_, &i);
    }
    return i;
  }

  std::shared_ptr<const library> lib_;
  const stutter_transform_ops& ops_;
  std::shared_ptr<sim::rng> gen_;
  bridge bridge_;
  void* ep_ = nullptr;
  std::vector<stutter_iovec> iov_;
};

}  // namespace

std::unique_ptr<byte_stream> make_plugin_tls(std::shared_ptr<const library> lib, scenario::endpoint_id role,
                                             const scenario::settings& config, byte_stream& socket,
                                             std::uint64_t seed, contract_log& log,
                                             std::function<std::uint64_t()> now) {
  return runner::make_tls_layer(runner::tls_config_for(role, config), socket,
                                [&](byte_stream& probe) -> std::unique_ptr<runner::tls_engine> {
                                  return std::make_unique<plugin_tls_engine>(lib, role, config, probe, seed, log, now);
                                });
}

}  // namespace stutter::plugin
