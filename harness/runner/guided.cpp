#include "runner/guided.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "runner/generate.hpp"

namespace stutter::runner {

using sim::direction;
using sim::fault_entry;
using sim::fault_kind;

namespace {

std::uint32_t mix(std::uint32_t h, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h ^= static_cast<std::uint32_t>((v >> (8 * i)) & 0xffu);
    h *= 16777619u;  // FNV-1a, 32 bits
  }
  return h;
}

std::uint32_t mix(std::uint32_t h, std::string_view text) {
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

std::uint8_t bucket(std::uint16_t hits) {
  if (hits <= 3) return static_cast<std::uint8_t>(1u << (hits - 1));
  if (hits <= 7) return 1u << 3;
  if (hits <= 15) return 1u << 4;
  if (hits <= 31) return 1u << 5;
  if (hits <= 127) return 1u << 6;
  return 1u << 7;
}

std::size_t slot(sim::endpoint_id e, direction d) { return static_cast<std::size_t>(e) * 2 + static_cast<std::size_t>(d); }

// Largest amount drawn for a kind: byte counts for partial and short operations, capacity and
// data limits; ticks for holds and latency.
std::uint32_t max_amount(fault_kind k) {
  switch (k) {
    case fault_kind::partial_read:
    case fault_kind::short_write: return 64;
    case fault_kind::capacity: return 4096;
    case fault_kind::limit_data: return 1024;
    case fault_kind::latency:
    case fault_kind::hold: return 8;
    default: return 0;
  }
}

// A decision the generator could have drawn for this workload: only the kinds in its swarm
// profile, up to that profile's amounts. Some workloads rule kinds out (a pipelined client never
// reads, so a lasting capacity limit would stall the server by construction).
std::optional<fault_entry> random_decision(sim::rng& g, const allowed_faults& allowed,
                                           const std::array<std::uint64_t, 4>& operations) {
  fault_entry f;
  f.endpoint = g.below(2) == 0 ? sim::endpoint_id::client : sim::endpoint_id::server;
  f.dir = g.below(2) == 0 ? direction::read : direction::write;
  f.op = g.below(operations[slot(f.endpoint, f.dir)] + 1);
  std::vector<fault_kind> kinds;
  const bool destructive = g.chance(150);
  for (const auto& [kind, rate] : allowed) {
    if (sim::applies_to(kind, f.dir) && sim::is_destructive(kind) == destructive) kinds.push_back(kind);
  }
  if (kinds.empty()) return std::nullopt;
  f.kind = kinds[g.below(kinds.size())];
  const std::uint32_t top = std::min(max_amount(f.kind), allowed.at(f.kind).max_amount);
  f.amount = top == 0 ? 0 : static_cast<std::uint32_t>(g.between(f.kind == fault_kind::limit_data ? 0 : 1, top));
  return f;
}

// Drops the decisions a workload's profile rules out and clamps amounts to it.
void keep_allowed(std::vector<fault_entry>& schedule, const allowed_faults& allowed) {
  std::erase_if(schedule, [&](const fault_entry& f) { return !allowed.contains(f.kind); });
  for (auto& f : schedule) {
    if (max_amount(f.kind) != 0) f.amount = std::min(f.amount, std::max<std::uint32_t>(allowed.at(f.kind).max_amount, 1));
  }
}

// One decision per operation, in operation order (the fault plan keys decisions by operation).
void normalise(std::vector<fault_entry>& schedule) {
  auto key = [](const fault_entry& f) { return std::tuple(f.endpoint, f.dir, f.op); };
  std::stable_sort(schedule.begin(), schedule.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  schedule.erase(std::unique(schedule.begin(), schedule.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                 schedule.end());
}

}  // namespace

void protocol_coverage::begin_run() {
  for (std::uint32_t i : touched_) hits_[i] = 0;
  touched_.clear();
  previous_ = {};
}

void protocol_coverage::record(const sim::trace_event& e) {
  std::uint32_t state = 2166136261u;
  state = mix(state, static_cast<std::uint64_t>(e.endpoint));
  state = mix(state, e.layer);
  state = mix(state, e.op);
  state = mix(state, static_cast<std::uint64_t>(e.result));
  state = mix(state, e.fault ? static_cast<std::uint64_t>(*e.fault) + 1 : 0);
  state = mix(state, static_cast<std::uint64_t>(e.error.value()));
  state = mix(state, e.phase);
  auto& previous = previous_[static_cast<std::size_t>(e.endpoint)];
  const std::uint32_t index = (state ^ (previous >> 1)) & (map_size - 1);
  previous = state;
  if (hits_[index] == 0) touched_.push_back(index);
  if (hits_[index] != UINT16_MAX) ++hits_[index];
}

bool protocol_coverage::end_run() {
  bool fresh = false;
  for (std::uint32_t i : touched_) {
    const std::uint8_t b = bucket(hits_[i]);
    if ((seen_[i] & b) == 0) {
      seen_[i] |= b;
      ++features_;
      fresh = true;
    }
  }
  return fresh;
}

guided_search::guided_search(guided_options options) : options_(std::move(options)) {}

scenario::scenario guided_search::generated(std::uint64_t seed) const {
  sim::rng g(seed, /*stream=*/11);
  auto s = generate_scenario(options_.stack, seed, {.destructive = g.below(4) == 0});
  if (options_.place) options_.place(s, seed);
  return s;
}

guided_search::candidate guided_search::redrawn(const entry& parent, sim::rng& g) const {
  scenario::scenario s = parent.scenario;
  s.fault = {};
  for (auto [kind, rate] : parent.allowed) {
    switch (g.below(3)) {
      case 0: rate.per_mille = std::max<std::uint32_t>(rate.per_mille / 2, 1); break;
      case 1: rate.per_mille = std::min<std::uint32_t>(rate.per_mille * 2, 1000); break;
      default: break;
    }
    s.fault.swarm[kind] = rate;
  }
  s.seed = g.next();
  return {std::move(s), parent.allowed};
}

guided_search::candidate guided_search::mutate(const entry& parent, sim::rng& g) const {
  if (g.chance(options_.redraw_per_mille)) return redrawn(parent, g);
  scenario::scenario s = parent.scenario;
  allowed_faults allowed = parent.allowed;
  auto& schedule = s.fault.schedule;
  const std::uint64_t mutations = g.between(1, 4);
  for (std::uint64_t m = 0; m < mutations; ++m) {
    switch (schedule.empty() ? 0 : g.below(5)) {
      case 0:
        if (auto f = random_decision(g, allowed, parent.operations)) schedule.push_back(*f);
        break;
      case 1: schedule.erase(schedule.begin() + static_cast<std::ptrdiff_t>(g.below(schedule.size()))); break;
      case 2: {
        auto& f = schedule[g.below(schedule.size())];
        const std::uint32_t top = std::min(max_amount(f.kind), allowed.at(f.kind).max_amount);
        if (top != 0) f.amount = static_cast<std::uint32_t>(g.between(1, top));
        break;
      }
      case 3: {
        auto& f = schedule[g.below(schedule.size())];
        const std::uint64_t by = g.between(1, 3);
        f.op = g.below(2) == 0 ? f.op + by : (f.op > by ? f.op - by : 0);
        break;
      }
      default: {
        // Another seed's conversation and settings under this entry's faults.
        scenario::scenario other = generated(g.next());
        allowed = other.fault.swarm;
        other.fault = s.fault;
        keep_allowed(other.fault.schedule, allowed);
        other.name = s.name;
        s = std::move(other);
        break;
      }
    }
  }
  normalise(s.fault.schedule);
  s.fault.explicit_schedule = true;
  return {std::move(s), std::move(allowed)};
}

guided_search::step_result guided_search::step() {
  step_result out;
  sim::rng g(options_.seed ^ (steps_ * 0x9e3779b97f4a7c15ULL), /*stream=*/21);
  allowed_faults allowed;
  if (steps_ < options_.initial || corpus_.empty() || g.chance(options_.fresh_per_mille)) {
    out.scenario = generated(options_.seed + steps_);
    allowed = out.scenario.fault.swarm;
  } else {
    auto next = mutate(corpus_[g.below(corpus_.size())], g);
    out.scenario = std::move(next.scenario);
    allowed = std::move(next.allowed);
    out.scenario.name = "guided-" + std::to_string(options_.seed) + "-" + std::to_string(steps_);
  }
  ++steps_;

  out.allowed = allowed;
  std::array<std::uint64_t, 4> operations{};
  run_options run;
  run.keep_events = 0;
  coverage_.begin_run();
  run.on_event = [&](const sim::trace_event& e) {
    coverage_.record(e);
    if (e.layer == "socket" && (e.op == "read" || e.op == "write")) {
      ++operations[slot(e.endpoint, e.op == "read" ? direction::read : direction::write)];
    }
  };
  out.result = run_scenario(out.scenario, run);
  out.new_coverage = coverage_.end_run();
  out.scenario = with_recorded_schedule(out.scenario, out.result);
  if (out.new_coverage && !is_failure(out.result.verdict)) corpus_.push_back({out.scenario, std::move(allowed), operations});
  return out;
}

}  // namespace stutter::runner
