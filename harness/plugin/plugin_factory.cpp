#include "plugin/plugin_factory.hpp"

#include <array>
#include <stdexcept>

#include "plugin/plugin_phase.hpp"
#include "plugin/plugin_transform.hpp"
#include "scenario/names.hpp"

namespace stutter::plugin {
namespace {

using scenario::endpoint_id;
using scenario::layer;

// At an end the plug-in plays, it supplies every framing phase of that end's stack, or the
// tls layer, or both; whichever it does not implement is the reference's. An end where it
// would supply nothing, or only some of the framing phases, is unimplemented.
class plugin_factory final : public runner::stack_factory {
 public:
  plugin_factory(std::shared_ptr<const library> lib, scenario::placement at) : lib_(std::move(lib)), at_(at) {}

  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override {
    const auto end = index(ctx.role);
    if (!plays(ctx.role)) return stack_factory::make_phase(std::move(ctx));
    if (lib_->implements(ctx.kind, ctx.role)) {
      return make_plugin_phase(lib_, std::move(ctx), logs_[end], clock_);
    }
    if (!implements_framing(ctx.role) && made_tls_[end]) return stack_factory::make_phase(std::move(ctx));
    throw std::invalid_argument(missing(ctx.kind, ctx.role));
  }

  std::unique_ptr<byte_stream> make_transform(layer kind, endpoint_id role, const scenario::settings& config,
                                              byte_stream& lower, std::uint64_t seed) override {
    if (!plays(role) || kind != layer::tls) return stack_factory::make_transform(kind, role, config, lower, seed);
    if (lib_->implements(kind, role)) {
      made_tls_[index(role)] = true;
      return make_plugin_tls(lib_, role, config, lower, seed, logs_[index(role)], clock_);
    }
    if (implements_framing(role)) return stack_factory::make_transform(kind, role, config, lower, seed);
    throw std::invalid_argument(missing(kind, role));
  }

  void set_clock(std::function<std::uint64_t()> now) override { clock_ = std::move(now); }

  std::optional<runner::contract_violation> contract(endpoint_id role) const override {
    const auto& first = logs_[index(role)].first();
    if (!first) return std::nullopt;
    return runner::contract_violation{first->invariant, first->message};
  }

 private:
  static std::size_t index(endpoint_id role) { return role == endpoint_id::client ? 0 : 1; }

  bool plays(endpoint_id role) const {
    switch (at_) {
      case scenario::placement::client: return role == endpoint_id::client;
      case scenario::placement::server: return role == endpoint_id::server;
      case scenario::placement::both: return true;
      case scenario::placement::own: break;
    }
    for (layer l : {layer::line, layer::length, layer::http_upgrade, layer::websocket, layer::tls}) {
      if (lib_->implements(l, role)) return true;
    }
    return false;
  }

  bool implements_framing(endpoint_id role) const {
    for (layer l : {layer::line, layer::length, layer::http_upgrade, layer::websocket}) {
      if (lib_->implements(l, role)) return true;
    }
    return false;
  }

  std::string missing(layer kind, endpoint_id role) const {
    return lib_->identity().name + " does not implement " + std::string(scenario::to_string(kind)) + " at the " +
           std::string(scenario::to_string(role)) + " end";
  }

  std::shared_ptr<const library> lib_;
  scenario::placement at_;
  std::function<std::uint64_t()> clock_;
  std::array<contract_log, 2> logs_;
  std::array<bool, 2> made_tls_{};
};

}  // namespace

std::unique_ptr<runner::stack_factory> make_plugin_factory(std::shared_ptr<const library> lib,
                                                           scenario::placement at) {
  return std::make_unique<plugin_factory>(std::move(lib), at);
}

}  // namespace stutter::plugin
