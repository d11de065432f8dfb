#include "runner/implementations.hpp"

#include <array>

#include "mutants/broken_variants.hpp"

namespace stutter::runner {
namespace {

constexpr std::array<std::string_view, 6> names{
    "stutter",
    "mutant:drops-handover-bytes",
    "mutant:short-write-is-complete",
    "mutant:polls-before-draining",
    "mutant:strict-overreads",
    "mutant:spurious-would-block",
};

}  // namespace

std::unique_ptr<stack_factory> factory_for(std::string_view implementation) {
  if (implementation == "stutter") return std::make_unique<stack_factory>();
  if (implementation == names[1]) return std::make_unique<mutants::drops_handover_bytes>();
  if (implementation == names[2]) return std::make_unique<mutants::short_write_is_complete>();
  if (implementation == names[3]) return std::make_unique<mutants::polls_before_draining>();
  if (implementation == names[4]) return std::make_unique<mutants::strict_overreads>();
  if (implementation == names[5]) return std::make_unique<mutants::spurious_would_block>();
  return nullptr;
}

std::span<const std::string_view> implementation_names() { return names; }

}  // namespace stutter::runner
