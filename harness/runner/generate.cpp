#include "runner/generate.hpp"

#include <algorithm>
#include <string>

#include "runner/generate_tls.hpp"
#include "scenario/names.hpp"
#include "sim/rng.hpp"

namespace stutter::runner {

using scenario::layer;
using scenario::step;
using scenario::step_kind;

namespace {

template <typename T, std::size_t N>
T pick(sim::rng& g, const T (&choices)[N]) {
  return choices[g.below(N)];
}

// A size drawn to hit the edges: 0, 1, the limit and its neighbours, or anything.
std::size_t edgy_size(sim::rng& g, std::size_t limit) {
  switch (g.below(6)) {
    case 0: return 0;
    case 1: return std::min<std::size_t>(1, limit);
    case 2: return limit;
    case 3: return limit == 0 ? 0 : limit - 1;
    default: return g.below(limit + 1);
  }
}

std::vector<std::uint8_t> payload(sim::rng& g, std::size_t size, bool line_safe) {
  std::vector<std::uint8_t> out(size);
  for (auto& b : out) {
    // Line payloads avoid CR and LF so they never contain (part of) a separator.
    b = line_safe ? static_cast<std::uint8_t>(0x20 + g.below(0x5f)) : static_cast<std::uint8_t>(g.next());
  }
  return out;
}

std::size_t record_limit(layer l, const scenario::settings& cfg) {
  return l == layer::line ? cfg.max_line : cfg.max_record;
}

void draw_swarm(sim::rng& g, scenario::faults& out, bool destructive) {
  using sim::fault_kind;
  struct profile {
    fault_kind kind;
    std::uint32_t max_per_mille;
    std::uint32_t max_amount;
  };
  static constexpr profile gentle[] = {
      {fault_kind::eagain_read, 500, 1}, {fault_kind::eagain_write, 500, 1}, {fault_kind::partial_read, 700, 64},
      {fault_kind::short_write, 700, 64}, {fault_kind::capacity, 20, 4096}, {fault_kind::latency, 300, 20},
      {fault_kind::hold, 50, 40},         {fault_kind::one_byte, 300, 1}};
  static constexpr profile harsh[] = {{fault_kind::half_close, 5, 1},
                                      {fault_kind::reset, 3, 1},
                                      {fault_kind::limit_data, 5, 4096},
                                      {fault_kind::fail_at, 5, 1}};
  for (const auto& p : gentle) {
    if (g.below(2) == 0) continue;
    out.swarm[p.kind] = {static_cast<std::uint32_t>(g.between(1, p.max_per_mille)),
                         static_cast<std::uint32_t>(g.between(1, p.max_amount))};
  }
  if (destructive) {
    const auto& p = harsh[g.below(4)];
    out.swarm[p.kind] = {static_cast<std::uint32_t>(g.between(1, p.max_per_mille)),
                         static_cast<std::uint32_t>(g.between(1, p.max_amount))};
  }
}

}  // namespace

scenario::scenario generate_scenario(const std::vector<layer>& stack, std::uint64_t seed,
                                     const generate_options& options) {
  sim::rng g(seed, /*stream=*/7);
  scenario::scenario s;
  s.seed = seed;
  s.category = "explore";
  std::string stack_name;
  for (layer l : stack) stack_name += (stack_name.empty() ? "" : "+") + std::string(scenario::to_string(l));
  s.name = "explore-" + stack_name + "-" + std::to_string(seed);
  s.description = "Generated from seed " + std::to_string(seed) + " for stack " + stack_name + ".";

  static constexpr std::uint32_t capacities[] = {1, 3, 64, 1500, 65536, 65536};
  static constexpr std::uint32_t latencies[] = {0, 0, 0, 1, 5};
  s.net.capacity = pick(g, capacities);
  s.net.latency = pick(g, latencies);

  scenario::settings cfg;
  static constexpr const char* separators[] = {"\n", "\r\n"};
  static constexpr std::uint32_t max_lines[] = {1, 8, 16, 80, 1024};
  static constexpr std::uint32_t max_records[] = {0, 16, 300, 4096};
  static constexpr std::uint32_t blocks[] = {1, 7, 64, 4096, 16384};
  cfg.separator = pick(g, separators);
  cfg.max_line = pick(g, max_lines);
  cfg.length_prefix = g.below(2) == 0 ? "u32be" : "varint";
  cfg.max_record = pick(g, max_records);
  cfg.strict = g.below(2) == 0;
  cfg.read_block = pick(g, blocks);
  cfg.buffer_capacity = std::max<std::uint32_t>({cfg.max_line + 8, cfg.read_block, 64});
  s.client.config = cfg;
  s.server.config = cfg;
  s.client.stack = stack;
  s.server.stack = stack;

  if (options.faults) draw_swarm(g, s.fault, options.destructive);
  if (!stack.empty() && stack.front() == layer::tls) add_tls_workload(g, s);

  std::vector<layer> phases;
  for (layer l : stack) {
    if (l != layer::tls) phases.push_back(l);
  }
  for (std::size_t p = 0; p < phases.size(); ++p) {
    if (p > 0) {
      s.client.workload.push_back({.kind = step_kind::switch_phase});
      s.server.workload.push_back({.kind = step_kind::switch_phase});
    }
    const std::size_t count = g.below(6);
    for (std::size_t i = 0; i < count; ++i) {
      auto data = payload(g, edgy_size(g, record_limit(phases[p], cfg)), phases[p] == layer::line);
      s.client.workload.push_back({.kind = step_kind::send, .data = data});
      s.server.workload.push_back({.kind = step_kind::expect, .data = std::move(data)});
    }
  }
  // The answer keeps the connection open until the server has read everything: a reader
  // that waits on the socket while its own buffer holds a record hangs here.
  const layer last = phases.empty() ? layer::length : phases.back();
  auto answer = payload(g, edgy_size(g, record_limit(last, cfg)), last == layer::line);
  s.server.workload.push_back({.kind = step_kind::send, .data = answer});
  s.client.workload.push_back({.kind = step_kind::expect, .data = std::move(answer)});
  s.client.workload.push_back({.kind = step_kind::close});
  s.server.workload.push_back({.kind = step_kind::expect_eof});
  s.server.workload.push_back({.kind = step_kind::close});
  s.client.workload.push_back({.kind = step_kind::expect_eof});
  return s;
}

}  // namespace stutter::runner
