#include "runner/implementations.hpp"

#include <array>

#include "mutants/broken_variants.hpp"
#include "runner/tls_layer.hpp"
#include "runner/websocket_phases.hpp"

namespace stutter::runner {
namespace {

// Keep in step with format::peers (harness/scenario/format.hpp) and scenarios/schema.json.
constexpr std::array<std::string_view, 18> names{
    "stutter",
    "wslay",          // the server end is wslay
    "wslay-client",   // the client end is wslay
    "gnutls",         // the server end is GnuTLS
    "gnutls-client",  // the client end is GnuTLS
    "mutant:drops-handover-bytes",
    "mutant:short-write-is-complete",
    "mutant:polls-before-draining",
    "mutant:strict-overreads",
    "mutant:spurious-would-block",
    "mutant:ws-fixed-mask-key",
    "mutant:ws-forgets-header-on-short-write",
    "mutant:ws-server-drops-overread",
    "mutant:naive-tls",
    "mutant:nondeterministic",
    "mutant:corrupts-records",
    "mutant:unbounded-buffer",
    "mutant:retry-drops-prefix",
};

}  // namespace

std::unique_ptr<stack_factory> factory_for(std::string_view implementation) {
  if (implementation == "stutter") return std::make_unique<stack_factory>();
  if (implementation == names[5]) return std::make_unique<mutants::drops_handover_bytes>();
  if (implementation == names[6]) return std::make_unique<mutants::short_write_is_complete>();
  if (implementation == names[7]) return std::make_unique<mutants::polls_before_draining>();
  if (implementation == names[8]) return std::make_unique<mutants::strict_overreads>();
  if (implementation == names[9]) return std::make_unique<mutants::spurious_would_block>();
  if (implementation == names[14]) return std::make_unique<mutants::nondeterministic>();
  if (implementation == names[15]) return std::make_unique<mutants::corrupts_records>();
  if (implementation == names[16]) return std::make_unique<mutants::unbounded_buffer>();
  if (implementation == names[17]) return std::make_unique<mutants::retry_drops_prefix>();
  if (auto ws = make_websocket_implementation(implementation)) return ws;
  if (auto tls = make_tls_implementation(implementation)) return tls;
  return nullptr;
}

std::span<const std::string_view> implementation_names() { return names; }

}  // namespace stutter::runner
