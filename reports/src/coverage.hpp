#pragma once
// What the runs exercised: faults fired by protocol phase, invariants checked and broken.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model.hpp"

namespace stutter::reports::detail {

struct coverage {
  // Every known fault kind in the simulator's order, then any other kind seen, sorted.
  std::vector<std::string> kinds;
  // handshake, data, renegotiation, close; then "other phase", "no phase" and "explore" when used.
  std::vector<std::string> phases;
  std::map<std::string, counts> fired;  // kind -> phase -> times fired
  std::vector<std::string> never_fired;

  // Every known invariant, then ws.rfc6455.* and any other id seen, sorted.
  std::vector<std::string> invariants;
  counts checked;  // invariant -> runs that checked it
  counts broken;   // invariant -> runs in which it was the violated one
  std::vector<std::string> never_checked;

  std::uint64_t total(const std::string& kind) const;
};

inline constexpr std::string_view no_phase = "no phase";
inline constexpr std::string_view other_phase = "other phase";
// Explore summaries count faults without phases; their runs' own results are not counted again.
inline constexpr std::string_view explore_phase = "explore";

coverage compute_coverage(const std::vector<result_row>& rows, const std::vector<explore_totals>& explore = {});

// Protocol order: handshake, data, renegotiation, close, then any other phase.
std::vector<std::string> phases_in_order(const std::map<std::string, counts>& by_phase);

}  // namespace stutter::reports::detail
