#include "plugin/plugin_phase.hpp"

#include <stdexcept>

#include "runner/websocket_phases.hpp"
#include "scenario/names.hpp"

namespace stutter::plugin {
namespace {

using runner::message_type;

class plugin_phase : public runner::phase {
 public:
  plugin_phase(std::shared_ptr<const library> lib, runner::phase_context& ctx, contract_log& log,
               std::function<std::uint64_t()> now)
      : lib_(std::move(lib)),
        ops_(*lib_->descriptor().phase),
        kind_(ctx.kind),
        what_(std::string(scenario::to_string(ctx.kind)) + " phase"),
        bridge_(lib_->descriptor().name, what_.c_str(), log, ctx.lower, ctx.entropy, std::move(now)) {
    const stutter_endpoint_config& config = bridge_.config(ctx.kind, ctx.role, ctx.config, ctx.prefix);
    const char* why = nullptr;
    {
      bridge::call_scope in(bridge_);
      ep_ = ops_.create(&config, &why);
    }
    if (ep_ == nullptr) {
      throw std::invalid_argument(std::string(lib_->descriptor().name) + " could not create its " + what_ + ": " +
                                  (why != nullptr ? why : "create returned NULL"));
    }
  }
  ~plugin_phase() override {
    bridge::call_scope in(bridge_);
    ops_.destroy(ep_);
  }

  bool is_handshake() const override { return kind_ == scenario::layer::http_upgrade; }

  io_result open() override {
    if (ops_.open == nullptr) return io_result::done(0);
    bridge::call_scope in(bridge_);
    return bridge_.take("open", ops_.open(ep_), 0, false, false);
  }

  io_result send(const_bytes data, message_type type) override {
    bridge::call_scope in(bridge_);
    return bridge_.take("send", ops_.send(ep_, data.data(), data.size(), static_cast<std::int32_t>(type)), data.size(),
                        false, true);
  }

  io_result receive(std::vector<byte>& out, message_type& type) override {
    stutter_message m{};
    stutter_result r{};
    {
      bridge::call_scope in(bridge_);
      r = ops_.receive(ep_, &m);
    }
    if (r.status == STUTTER_OK && !bridge_.broken()) {
      if (r.n != m.len) {
        return bridge_.breach("contract.result", "receive returned ok(" + std::to_string(r.n) + ") for a message of " +
                                                     std::to_string(m.len) + " bytes");
      }
      if (m.data == nullptr && m.len > 0) return bridge_.breach("contract.result", "receive returned a message without data");
      if (m.type != STUTTER_BINARY && m.type != STUTTER_TEXT) {
        return bridge_.breach("contract.result", "receive returned message type " + std::to_string(m.type));
      }
    }
    io_result res = bridge_.take("receive", r, r.n, false, false);
    if (res.ok()) {
      out.assign(m.data, m.data + m.len);
      type = m.type == STUTTER_TEXT ? message_type::text : message_type::binary;
    }
    after_receive(res);
    return res;
  }

  io_result close(std::uint16_t code) override {
    before_close(code);
    bridge::call_scope in(bridge_);
    io_result r = bridge_.take("close", ops_.close(ep_, code), 0, false, false);
    if (r.ok()) close_done_ = true;
    return r;
  }

  io_result ping(const_bytes data) override {
    if (ops_.ping == nullptr) return io_result::failed(std::make_error_code(std::errc::not_supported));
    bridge::call_scope in(bridge_);
    return bridge_.take("ping", ops_.ping(ep_, data.data(), data.size()), data.size(), false, false);
  }

  std::vector<byte> handover() override {
    const std::uint8_t* bytes = nullptr;
    std::size_t n = 0;
    {
      bridge::call_scope in(bridge_);
      n = ops_.handover(ep_, &bytes);
    }
    if (n > 0 && bytes == nullptr) {
      (void)bridge_.breach("contract.result", "handover returned " + std::to_string(n) + " bytes without data");
      return {};
    }
    return std::vector<byte>(bytes, bytes + n);
  }

  std::optional<std::size_t> input_allocated() const override {
    if (ops_.buffered == nullptr) return std::nullopt;
    bridge::call_scope in(const_cast<bridge&>(bridge_));
    return ops_.buffered(ep_);
  }

 protected:
  virtual void after_receive(const io_result&) {}
  virtual void before_close(std::uint16_t) {}

  std::shared_ptr<const library> lib_;
  const stutter_phase_ops& ops_;
  scenario::layer kind_;
  std::string what_;
  bridge bridge_;
  void* ep_ = nullptr;
  bool close_done_ = false;
};

// The websocket phase also reports its closing handshake to the close-code checks.
class plugin_websocket_phase final : public plugin_phase, public runner::websocket_phase_view {
 public:
  using plugin_phase::plugin_phase;

  runner::ws_close_facts close_facts() const override {
    runner::ws_close_facts f = facts_;
    f.app_close_done = close_done_;
    const stutter_ws_close_info info = close_info();
    f.observed_code = info.peer_code;
    f.failure_code = info.failure_code;
    return f;
  }
  std::string_view engine() const override { return lib_->descriptor().name; }

 private:
  stutter_ws_close_info close_info() const {
    stutter_ws_close_info info{};
    if (ops_.close_info != nullptr) {
      bridge::call_scope in(const_cast<bridge&>(bridge_));
      ops_.close_info(ep_, &info);
    }
    return info;
  }
  void after_receive(const io_result& r) override {
    if (r.st == status::eof || r.st == status::error) ended_ = true;
  }
  void before_close(std::uint16_t code) override {
    if (close_called_) return;
    close_called_ = true;
    facts_.app_code = code;
    facts_.app_closed_first = !ended_ && close_info().peer_code == 0 && close_info().failure_code == 0;
  }

  runner::ws_close_facts facts_{};
  bool close_called_ = false;
  bool ended_ = false;  // a receive reported the end or an error before the close step
};

}  // namespace

std::unique_ptr<runner::phase> make_plugin_phase(std::shared_ptr<const library> lib, runner::phase_context ctx,
                                                 contract_log& log, std::function<std::uint64_t()> now) {
  if (ctx.kind == scenario::layer::websocket) {
    return std::make_unique<plugin_websocket_phase>(std::move(lib), ctx, log, std::move(now));
  }
  return std::make_unique<plugin_phase>(std::move(lib), ctx, log, std::move(now));
}

}  // namespace stutter::plugin
