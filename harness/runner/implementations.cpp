#include "runner/implementations.hpp"

#include "mutants/broken_variants.hpp"
#include "runner/tls_layer.hpp"
#include "runner/websocket_phases.hpp"
#include "scenario/format.hpp"

namespace stutter::runner {

std::unique_ptr<stack_factory> factory_for(std::string_view implementation) {
  if (implementation == "stutter") return std::make_unique<stack_factory>();
  if (implementation == "mutant:drops-handover-bytes") return std::make_unique<mutants::drops_handover_bytes>();
  if (implementation == "mutant:short-write-is-complete") return std::make_unique<mutants::short_write_is_complete>();
  if (implementation == "mutant:polls-before-draining") return std::make_unique<mutants::polls_before_draining>();
  if (implementation == "mutant:strict-overreads") return std::make_unique<mutants::strict_overreads>();
  if (implementation == "mutant:spurious-would-block") return std::make_unique<mutants::spurious_would_block>();
  if (implementation == "mutant:nondeterministic") return std::make_unique<mutants::nondeterministic>();
  if (implementation == "mutant:corrupts-records") return std::make_unique<mutants::corrupts_records>();
  if (implementation == "mutant:unbounded-buffer") return std::make_unique<mutants::unbounded_buffer>();
  if (implementation == "mutant:retry-drops-prefix") return std::make_unique<mutants::retry_drops_prefix>();
  // wslay, wslay-client and the ws mutants; gnutls, gnutls-client and mutant:naive-tls.
  if (auto ws = make_websocket_implementation(implementation)) return ws;
  if (auto tls = make_tls_implementation(implementation)) return tls;
  return nullptr;
}

std::span<const std::string_view> implementation_names() { return scenario::format::peers; }

}  // namespace stutter::runner
