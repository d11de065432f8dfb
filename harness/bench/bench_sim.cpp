// Simulator throughput: simulated socket operations per second on one core, in a
// one-byte-chunk workload with faults on (every read and write moves at most one byte).
#include <benchmark/benchmark.h>

#include "runner/generate.hpp"
#include "runner/runner.hpp"

using namespace stutter;

namespace {

scenario::scenario one_byte_workload() {
  scenario::scenario s;
  s.name = "bench-one-byte";
  s.seed = 1;
  s.client.stack = s.server.stack = {scenario::layer::length};
  std::vector<std::uint8_t> record(256, 0x5a);
  for (int i = 0; i < 64; ++i) {
    s.client.workload.push_back({.kind = scenario::step_kind::send, .data = record});
    s.server.workload.push_back({.kind = scenario::step_kind::expect, .data = record});
  }
  s.client.workload.push_back({.kind = scenario::step_kind::close});
  s.server.workload.push_back({.kind = scenario::step_kind::expect_eof});
  s.server.config.read_block = 1;
  s.server.config.strict = true;
  s.fault.swarm = {{sim::fault_kind::partial_read, {1000, 1}},
                   {sim::fault_kind::short_write, {1000, 1}},
                   {sim::fault_kind::eagain_read, {100, 1}},
                   {sim::fault_kind::eagain_write, {100, 1}}};
  return s;
}

void simulated_operations(benchmark::State& state) {
  const auto s = one_byte_workload();
  std::uint64_t ops = 0;
  for (auto _ : state) {
    auto r = runner::run_scenario(s, {.keep_events = 0});
    if (r.verdict != scenario::verdict::pass) state.SkipWithError("the workload failed");
    ops += r.operations;
  }
  state.counters["sim_ops_per_s"] = benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
}
BENCHMARK(simulated_operations)->Unit(benchmark::kMillisecond);

void explore_runs(benchmark::State& state, std::vector<scenario::layer> stack) {
  std::uint64_t seed = 0;
  for (auto _ : state) {
    auto r = runner::run_scenario(runner::generate_scenario(stack, seed++), {.keep_events = 0});
    benchmark::DoNotOptimize(r.trace_hash);
  }
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(explore_runs, line, std::vector<scenario::layer>{scenario::layer::line});
BENCHMARK_CAPTURE(explore_runs, length, std::vector<scenario::layer>{scenario::layer::length});
BENCHMARK_CAPTURE(explore_runs, line_length, std::vector<scenario::layer>{scenario::layer::line, scenario::layer::length});

}  // namespace
