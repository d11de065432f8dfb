#include "implementation_option.hpp"

#include "corpus.hpp"
#include "scenario/names.hpp"
#include "sim/rng.hpp"

namespace stutter::cli {

std::vector<scenario::placement> implementation_choice::ends() const {
  if (at) return {*at};
  return impl->single_ends();
}

std::optional<implementation_choice> parse_implementation(const std::string& spec, std::string& error) {
  implementation_choice choice;
  std::string name = spec;
  if (const auto cut = spec.rfind('@'); cut != std::string::npos) {
    const auto end = scenario::parse_placement(std::string_view(spec).substr(cut + 1));
    if (end && *end != scenario::placement::own) {
      choice.at = end;
      name = spec.substr(0, cut);
    }
  }
  if (std::string why = check_implementation(name); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  choice.impl = runner::find_implementation(name);
  if (choice.at && *choice.at != scenario::placement::both) {
    bool found = false;
    for (auto e : choice.impl->single_ends()) found = found || e == *choice.at;
    if (!found) {
      error = name + " implements nothing at the " + std::string(scenario::to_string(*choice.at)) + " end";
      return std::nullopt;
    }
  }
  return choice;
}

void place(scenario::scenario& s, const runner::implementation& impl, scenario::placement at) {
  const bool written_for_it = s.peer == impl.name;
  // An expected failure of one end that the reference plays in this placement still holds.
  const bool reference_end_kept = s.peer == "stutter" && s.expect.at &&
                                  at != scenario::placement::both &&
                                  (at == scenario::placement::client) != (*s.expect.at == scenario::endpoint_id::client);
  s.peer = impl.name;
  s.peer_role = at;
  s.peer_identity = impl.identity;
  if (written_for_it || reference_end_kept || s.expect.expected == scenario::verdict::informational) return;
  s.expect = {};
}

void place_explored(scenario::scenario& s, const implementation_choice& choice, std::uint64_t seed) {
  if (choice.impl->name == "stutter" && !choice.at) return;
  const auto ends = choice.ends();
  if (!choice.at && !choice.impl->identity) {
    s.peer = choice.impl->name;  // a built-in: its own ends
    return;
  }
  place(s, *choice.impl, ends[sim::rng(seed, /*stream=*/12).below(ends.size())]);
}

std::string written_for_another(const scenario::scenario& original, const runner::implementation& impl) {
  const runner::implementation* own = runner::find_implementation(original.peer);
  if (own == nullptr || own == &impl || !own->scenarios_follow_it) return {};
  return "written for " + own->name + ": its workload follows what " + own->name +
         " does, not what every implementation must do";
}

}  // namespace stutter::cli
