#pragma once
// One endpoint's protocol stack over its simulated socket: an optional transform layer
// (tls) at the bottom, a tap that records plaintext, and the framing phases used in turn.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/phase.hpp"
#include "runner/tap_stream.hpp"
#include "scenario/scenario.hpp"

namespace stutter::runner {

// A breach of the stream contract by an implementation loaded at run time (a plug-in):
// contract.result, contract.sticky_error, contract.reentrant.
struct contract_violation {
  std::string invariant;
  std::string message;
};

// Builds layers. The runner's default builds the real implementation; tests derive from
// it to put a broken variant (or another peer) in place of one layer.
class stack_factory {
 public:
  virtual ~stack_factory() = default;
  // The run's virtual clock, for implementations that ask for the time (plug-ins).
  virtual void set_clock(std::function<std::uint64_t()>) {}
  // The first contract breach by the layers this factory built for `role`, if it judges any.
  virtual std::optional<contract_violation> contract(scenario::endpoint_id) const { return std::nullopt; }
  virtual std::unique_ptr<phase> make_phase(phase_context ctx);
  // The byte-transforming layer over `lower` (tls); nullptr when unsupported.
  virtual std::unique_ptr<byte_stream> make_transform(scenario::layer kind, scenario::endpoint_id role,
                                                      const scenario::settings& config, byte_stream& lower,
                                                      std::uint64_t seed);
};

bool is_transform(scenario::layer kind);

// What happened at one phase switch, for handover.exact / handover.no_overread.
struct handover_record {
  std::size_t from_phase = 0;
  std::size_t received_at_switch = 0;  // plaintext bytes the tap had delivered by then
  std::size_t handed_over = 0;         // bytes the old phase had read past its end
  std::size_t sent_at_switch = 0;      // plaintext bytes the tap had sent by then

  // Where the next phase's input begins in the tap's received bytes.
  std::size_t next_phase_starts() const { return received_at_switch - handed_over; }
};

class stack {
 public:
  stack(scenario::endpoint_id role, const scenario::endpoint& spec, byte_stream& socket, stack_factory& factory,
        std::uint64_t seed);

  phase& active() { return *phase_; }
  const phase& active() const { return *phase_; }
  std::size_t phase_index() const { return phase_at_; }
  scenario::layer active_layer() const { return phase_layers_[phase_at_]; }
  scenario::layer layer_at(std::size_t index) const { return phase_layers_[index]; }
  // Hands over to the next phase; false when there is none.
  bool switch_phase();

  byte_stream& socket() { return socket_; }
  const stack_factory& factory() const { return factory_; }
  byte_stream* transform() { return transform_.get(); }
  const tap_stream& tap() const { return *tap_; }
  const std::vector<handover_record>& handovers() const { return handovers_; }

 private:
  std::unique_ptr<phase> build(std::size_t index, std::vector<byte> prefix);

  scenario::endpoint_id role_;
  const scenario::endpoint& spec_;
  byte_stream& socket_;
  stack_factory& factory_;
  std::vector<scenario::layer> phase_layers_;
  std::unique_ptr<byte_stream> transform_;
  std::unique_ptr<tap_stream> tap_;
  std::unique_ptr<phase> phase_;
  std::size_t phase_at_ = 0;
  std::vector<handover_record> handovers_;
  std::function<std::uint64_t()> entropy_;
};

}  // namespace stutter::runner
