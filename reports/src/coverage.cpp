#include "coverage.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace stutter::reports::detail {
namespace {

constexpr std::array<std::string_view, 12> known_kinds{
    "eagain_read", "eagain_write", "partial_read", "short_write", "capacity", "latency",
    "hold",        "half_close",   "reset",        "limit_data",  "fail_at",  "one_byte"};
constexpr std::array<std::string_view, 4> known_phases{"handshake", "data", "renegotiation", "close"};
constexpr std::array<std::string_view, 12> known_invariants{
    "bytes.exact",    "framing.records",  "chunking.invariance", "handover.exact", "handover.no_overread",
    "buffer.bounded", "retry.same_buffer", "status.meaning",     "liveness.progress", "reneg.complete",
    "close.orderly",  "determinism.trace"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Appends the known names, then the extra ones seen (a std::set, so sorted).
template <std::size_t N>
std::vector<std::string> known_then(const std::array<std::string_view, N>& known, const std::set<std::string>& extra) {
  std::vector<std::string> out;
  for (auto k : known) {
    out.emplace_back(k);
  }
  for (const auto& e : extra) out.push_back(e);
  return out;
}

void count_faults(const std::vector<result_row>& rows, const std::vector<explore_totals>& explore, coverage& c) {
  std::set<std::string> extra_kinds;
  bool used_other = false, used_none = false, used_explore = false;
  auto add = [&](const std::string& kind, std::string_view phase, std::uint64_t n) {
    if (!listed(known_kinds, kind)) extra_kinds.insert(kind);
    c.fired[kind][std::string(phase)] += n;
  };
  for (const auto& t : explore) {
    for (const auto& [kind, n] : t.faults) {
      add(kind, explore_phase, n);
      used_explore |= n > 0;
    }
  }
  for (const auto& r : rows) {
    if (r.explore) continue;
    if (r.faults_by_phase) {
      for (const auto& [phase, kinds] : *r.faults_by_phase) {
        bool known = listed(known_phases, phase);
        for (const auto& [kind, n] : kinds) {
          add(kind, known ? std::string_view(phase) : other_phase, n);
          used_other |= !known && n > 0;
        }
      }
    } else {
      // Totals without a phase still count as fired.
      for (const auto& [kind, n] : r.faults) {
        add(kind, no_phase, n);
        used_none |= n > 0;
      }
    }
  }
  c.kinds = known_then(known_kinds, extra_kinds);
  for (auto p : known_phases) c.phases.emplace_back(p);
  if (used_other) c.phases.emplace_back(other_phase);
  if (used_none) c.phases.emplace_back(no_phase);
  if (used_explore) c.phases.emplace_back(explore_phase);
  for (const auto& kind : c.kinds) {
    if (c.total(kind) == 0) c.never_fired.push_back(kind);
  }
}

void count_invariants(const std::vector<result_row>& rows, coverage& c) {
  std::set<std::string> extra;
  for (const auto& r : rows) {
    // A run may list an invariant twice; it still checked it once.
    std::set<std::string> seen(r.invariants_checked.begin(), r.invariants_checked.end());
    if (!r.invariant.empty()) {
      seen.insert(r.invariant);  // it broke, so it was checked
      ++c.broken[r.invariant];
    }
    for (const auto& inv : seen) {
      ++c.checked[inv];
      if (!listed(known_invariants, inv)) extra.insert(inv);
    }
  }
  c.invariants = known_then(known_invariants, extra);
  for (const auto& inv : c.invariants) {
    if (c.checked.count(inv) == 0) c.never_checked.push_back(inv);
  }
}

}  // namespace

std::uint64_t coverage::total(const std::string& kind) const {
  auto it = fired.find(kind);
  if (it == fired.end()) return 0;
  std::uint64_t sum = 0;
  for (const auto& [phase, n] : it->second) sum += n;
  return sum;
}

std::vector<std::string> phases_in_order(const std::map<std::string, counts>& by_phase) {
  std::vector<std::string> out;
  for (auto p : known_phases) {
    if (by_phase.count(std::string(p)) != 0) out.emplace_back(p);
  }
  for (const auto& [phase, kinds] : by_phase) {
    if (!listed(known_phases, phase)) out.push_back(phase);
  }
  return out;
}

coverage compute_coverage(const std::vector<result_row>& rows, const std::vector<explore_totals>& explore) {
  coverage c;
  count_faults(rows, explore, c);
  count_invariants(rows, c);
  return c;
}

}  // namespace stutter::reports::detail
