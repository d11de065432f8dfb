#include "explore_summary.hpp"

#include <cmath>

#include "scenario/names.hpp"
#include "sim/trace.hpp"

namespace stutter::cli {

explore_summary::explore_summary() : last_add_(clock::now()) {}

void explore_summary::add(const work_item& item, const work_outcome& outcome) {
  const auto& s = item.scenario;
  const auto& r = outcome.result;
  std::string stack;
  for (auto l : s.client.stack) stack += (stack.empty() ? "" : ",") + std::string(scenario::to_string(l));
  const auto now = clock::now();
  auto [it, fresh] = groups_.try_emplace({stack, s.peer, std::string(scenario::to_string(s.peer_role))});
  totals& t = it->second;
  if (fresh) {
    t.identity = s.peer_identity;
    t.first_seed = t.last_seed = s.seed;
    t.started = last_add_;
  }
  ++t.runs;
  t.failures += runner::is_failure(r.verdict) ? 1 : 0;
  t.first_seed = std::min(t.first_seed, s.seed);
  t.last_seed = std::max(t.last_seed, s.seed);
  ++t.verdicts[std::string(scenario::to_string(r.verdict))];
  for (int k = 0; k < sim::fault_kind_count; ++k) {
    const std::uint64_t n = r.faults[static_cast<std::size_t>(k)];
    if (n != 0) t.faults[std::string(sim::name_of(static_cast<sim::fault_kind>(k)))] += n;
  }
  t.finished = now;
  last_add_ = now;
  deterministic_ = deterministic_ && outcome.deterministic;
}

std::uint64_t explore_summary::runs() const {
  std::uint64_t n = 0;
  for (const auto& [key, t] : groups_) n += t.runs;
  return n;
}

nlohmann::json explore_summary::verdicts() const {
  std::map<std::string, std::uint64_t> sum;
  for (const auto& [key, t] : groups_) {
    for (const auto& [v, n] : t.verdicts) sum[v] += n;
  }
  return sum;
}

nlohmann::json explore_summary::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, t] : groups_) {
    const auto& [stack, implementation, role] = key;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.finished - t.started).count();
    nlohmann::json entry{{"stack", stack},
                         {"implementation", implementation},
                         {"role", role},
                         {"runs", t.runs},
                         {"seeds", {{"first", t.first_seed}, {"last", t.last_seed}}},
                         {"failures", t.failures},
                         {"verdicts", t.verdicts},
                         {"faults", t.faults},
                         {"duration_ms", ms}};
    if (ms > 0) entry["runs_per_second"] = std::round(static_cast<double>(t.runs) * 10000.0 / static_cast<double>(ms)) / 10.0;
    if (!coverage_.empty()) {
      nlohmann::json points = nlohmann::json::array();
      for (const auto& [runs, features] : coverage_) points.push_back({runs, features});
      entry["coverage"] = std::move(points);
    }
    if (t.identity) {
      entry["implementation_identity"] = {
          {"name", t.identity->name}, {"version", t.identity->version}, {"sha256", t.identity->sha256}};
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace stutter::cli
