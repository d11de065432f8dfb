#include "sim/fault_plan.hpp"

#include <tuple>

namespace stutter::sim {

fault_plan fault_plan::swarm(const std::map<fault_kind, fault_rate>& rates, std::uint64_t seed) {
  fault_plan plan;
  bool any = false;
  for (const auto& [kind, rate] : rates) {
    plan.rates_[static_cast<std::size_t>(kind)] = rate;
    any = any || rate.per_mille != 0;
  }
  if (any) plan.gen_.emplace(seed, /*stream=*/1);
  return plan;
}

fault_plan fault_plan::schedule(std::vector<fault_entry> entries) {
  fault_plan plan;
  plan.explicit_ = true;
  for (const auto& e : entries) plan.by_op_.emplace(std::make_tuple(e.endpoint, e.dir, e.op), e);
  return plan;
}

std::optional<fault_entry> fault_plan::decide(endpoint_id endpoint, direction dir, std::uint64_t op) {
  std::optional<fault_entry> decision;
  if (explicit_) {
    auto it = by_op_.find(std::make_tuple(endpoint, dir, op));
    if (it != by_op_.end()) decision = it->second;
  } else if (gen_) {
    for (int k = 0; k < fault_kind_count && !decision; ++k) {
      const auto kind = static_cast<fault_kind>(k);
      const fault_rate& rate = rates_[static_cast<std::size_t>(k)];
      if (rate.per_mille == 0 || !applies_to(kind, dir)) continue;
      if (!gen_->chance(rate.per_mille)) continue;
      const auto amount = static_cast<std::uint32_t>(gen_->between(1, rate.max_amount == 0 ? 1 : rate.max_amount));
      decision = fault_entry{endpoint, dir, op, kind, amount};
    }
  }
  if (decision) taken_.push_back(*decision);
  return decision;
}

std::array<std::uint64_t, fault_kind_count> fault_plan::counts() const {
  std::array<std::uint64_t, fault_kind_count> out{};
  for (const auto& e : taken_) ++out[static_cast<std::size_t>(e.kind)];
  return out;
}

}  // namespace stutter::sim
