#include "runner/stack.hpp"

#include <stdexcept>

#include "runner/framing_phases.hpp"
#include "runner/tls_layer.hpp"
#include "runner/websocket_phases.hpp"
#include "scenario/names.hpp"
#include "sim/rng.hpp"

namespace stutter::runner {

using scenario::layer;

bool is_transform(layer kind) { return kind == layer::tls; }

std::unique_ptr<phase> stack_factory::make_phase(phase_context ctx) {
  switch (ctx.kind) {
    case layer::line: return make_line_phase(std::move(ctx));
    case layer::length: return make_length_phase(std::move(ctx));
    case layer::http_upgrade:
    case layer::websocket: return make_websocket_layer_phase(std::move(ctx));
    default: return nullptr;
  }
}

std::unique_ptr<byte_stream> stack_factory::make_transform(layer kind, scenario::endpoint_id role,
                                                           const scenario::settings& config, byte_stream& lower,
                                                           std::uint64_t seed) {
  return kind == layer::tls ? make_tls_transform(role, config, lower, seed) : nullptr;
}

stack::stack(scenario::endpoint_id role, const scenario::endpoint& spec, byte_stream& socket, stack_factory& factory,
             std::uint64_t seed)
    : role_(role), spec_(spec), socket_(socket), factory_(factory) {
  auto gen = std::make_shared<sim::rng>(seed, /*stream=*/3 + static_cast<std::uint64_t>(role));
  entropy_ = [gen] { return gen->next(); };
  byte_stream* lower = &socket_;
  for (layer l : spec_.stack) {
    if (is_transform(l)) {
      if (transform_ || !phase_layers_.empty()) throw std::invalid_argument("tls must be the bottom layer");
      transform_ = factory_.make_transform(l, role_, spec_.config, socket_, seed);
      if (!transform_) throw std::invalid_argument("layer not implemented: " + std::string(scenario::to_string(l)));
      lower = transform_.get();
    } else {
      phase_layers_.push_back(l);
    }
  }
  if (phase_layers_.empty()) phase_layers_.push_back(layer::length);  // a bare stream still needs framing
  tap_ = std::make_unique<tap_stream>(*lower);
  phase_ = build(0, {});
}

std::unique_ptr<phase> stack::build(std::size_t index, std::vector<byte> prefix) {
  auto made = factory_.make_phase(
      phase_context{phase_layers_[index], role_, spec_.config, *tap_, std::move(prefix), entropy_});
  if (!made) {
    throw std::invalid_argument("layer not implemented: " + std::string(scenario::to_string(phase_layers_[index])));
  }
  return made;
}

bool stack::switch_phase() {
  if (phase_at_ + 1 >= phase_layers_.size()) return false;
  std::vector<byte> rest = phase_->handover();
  handovers_.push_back({phase_at_, tap_->received().size(), rest.size(), tap_->sent().size()});
  phase_.reset();  // the old phase's buffers go before the new phase allocates
  ++phase_at_;
  phase_ = build(phase_at_, std::move(rest));
  return true;
}

}  // namespace stutter::runner
