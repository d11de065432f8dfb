// The cost of testing a stack through the plug-in ABI, measured in the same run:
//
// Every iteration runs the explore scenarios of the same seeds 0..63 (runner::generate_scenario
// on line,length: swarm faults, workloads and settings drawn from the seed), so the two sides
// of a ratio do exactly the same work.
//
//   explore_plugin_line_length / explore_builtin_line_length
//       Explore runs per second (CPU time; one run_scenario per seed, in process): the cframe
//       plug-in at the server end (its every call crossing the ABI, judged by the contract
//       monitor) against the built-in reference stack at both ends.
//   explore_isolated_line_length / explore_in_process_line_length
//       The same plug-in runs as `stutter explore` executes them: cli::execute (the run and
//       its determinism re-run, keeping the events a report may draw) in this process, against a cli::executor with one worker
//       (the scenarios queued at a reused worker process, a copy of this program started as
//       `__worker`, and the outcome sent back). Wall-clock time: the isolated runs' work is
//       done in the worker process, where this process's CPU clock does not see it.
//   explore_isolated_cpu_line_length / explore_in_process_cpu_line_length
//       The same pair timed by the CPU time both processes spend (this one's, plus the
//       worker's from /proc/PID/schedstat): what the isolation costs in work, whatever else
//       runs on the machine. On an idle machine the wall-clock ratio can only be lower (the
//       two processes take turns, and each turn is a round trip through the scheduler).
//   isolation_request_codec_line_length, isolation_answer_codec_line_length
//       What the isolated path adds per run besides the socket round trip and the worker's
//       scheduling, on the same runs: the scenario saved to JSON and parsed back (the
//       request), and the outcome encoded and decoded (the answer).
//
// The ratio table (bench_main) reads items_per_second, one item per explore run.
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "isolation.hpp"
#include "runner/generate.hpp"
#include "runner/implementations.hpp"
#include "runner/runner.hpp"
#include "scenario/load.hpp"
#include "scenario/save.hpp"
#include "work.hpp"

using namespace stutter;

namespace {

const std::vector<scenario::layer> line_length{scenario::layer::line, scenario::layer::length};

const std::string& cframe() {
  static const std::string name = std::string("plugin:") + STUTTER_BENCH_CFRAME;
  return name;
}

// The explore scenario of `seed`, with cframe at the server end when `plugin`.
scenario::scenario explore_scenario(std::uint64_t seed, bool plugin) {
  scenario::scenario s = runner::generate_scenario(line_length, seed);
  if (plugin) {
    s.peer = cframe();
    s.peer_role = scenario::placement::server;
  }
  return s;
}

constexpr std::uint64_t seeds = 64;  // explore runs per iteration: seeds 0..63

void count_runs(benchmark::State& state) {
  const auto runs = static_cast<double>(state.iterations() * seeds);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * seeds));
  state.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
}

void explore_in_process(benchmark::State& state, bool plugin) {
  if (plugin && runner::find_implementation(cframe()) == nullptr) {  // loads it before the clock runs
    state.SkipWithError("cannot load the cframe plug-in");
    return;
  }
  for (auto _ : state) {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const auto r = runner::run_scenario(explore_scenario(seed, plugin), {.keep_events = 0});
      if (runner::is_failure(r.verdict)) {
        state.SkipWithError(("explore seed " + std::to_string(seed) + " failed: " + r.message).c_str());
        return;
      }
      benchmark::DoNotOptimize(r.trace_hash);
    }
  }
  count_runs(state);
}

void explore_builtin_line_length(benchmark::State& state) { explore_in_process(state, false); }
BENCHMARK(explore_builtin_line_length)->Unit(benchmark::kMillisecond);

void explore_plugin_line_length(benchmark::State& state) {
  explore_in_process(state, true);
  state.SetLabel("ref:explore_builtin_line_length");
}
BENCHMARK(explore_plugin_line_length)->Unit(benchmark::kMillisecond);

cli::work_item explore_item(std::uint64_t seed) {
  cli::work_item item;
  item.scenario = explore_scenario(seed, true);
  return item;
}

bool check(benchmark::State& state, const cli::work_outcome& o, std::uint64_t seed) {
  if (!runner::is_failure(o.result.verdict) && o.deterministic) return true;
  state.SkipWithError(("explore seed " + std::to_string(seed) + " failed: " + o.result.message).c_str());
  return false;
}

void explore_in_process_line_length(benchmark::State& state) {
  (void)runner::find_implementation(cframe());
  for (auto _ : state) {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const cli::work_outcome o = cli::execute(explore_item(seed));
      if (!check(state, o, seed)) return;
      benchmark::DoNotOptimize(o.result.trace_hash);
    }
  }
  count_runs(state);
}
BENCHMARK(explore_in_process_line_length)->Unit(benchmark::kMillisecond)->UseRealTime();

// CPU nanoseconds this process and its child processes (the pool's worker) have used.
std::uint64_t cpu_ns_with_children() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  std::uint64_t ns = static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(t.tv_nsec);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (std::uint64_t pid = 0; children >> pid;) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/schedstat");
      std::uint64_t on_cpu = 0;
      if (stat >> on_cpu) ns += on_cpu;
    }
  }
  return ns;
}

void explore_in_process_cpu_line_length(benchmark::State& state) {
  (void)runner::find_implementation(cframe());
  for (auto _ : state) {
    const std::uint64_t before = cpu_ns_with_children();
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const cli::work_outcome o = cli::execute(explore_item(seed));
      if (!check(state, o, seed)) return;
      benchmark::DoNotOptimize(o.result.trace_hash);
    }
    state.SetIterationTime(static_cast<double>(cpu_ns_with_children() - before) * 1e-9);
  }
  count_runs(state);
}
BENCHMARK(explore_in_process_cpu_line_length)->Unit(benchmark::kMillisecond)->UseManualTime();

// Isolated as `stutter explore` runs it: one executor across all batches (its worker reused,
// requests queued at the worker), started before the clock runs.
std::vector<cli::work_item> explore_items() {
  std::vector<cli::work_item> items;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) items.push_back(explore_item(seed));
  return items;
}

bool run_isolated(benchmark::State& state, cli::executor& ex, const std::vector<cli::work_item>& items) {
  const auto outcomes = ex.run_all(items, 1);
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    if (!check(state, outcomes[seed], seed)) return false;
    benchmark::DoNotOptimize(outcomes[seed].result.trace_hash);
  }
  return true;
}

void explore_isolated_cpu_line_length(benchmark::State& state) {
  cli::executor ex(cli::isolation_options{.isolate = true});
  (void)ex.run_all({explore_item(1'000'000)}, 1);
  const auto items = explore_items();
  for (auto _ : state) {
    const std::uint64_t before = cpu_ns_with_children();
    if (!run_isolated(state, ex, items)) return;
    state.SetIterationTime(static_cast<double>(cpu_ns_with_children() - before) * 1e-9);
  }
  count_runs(state);
  state.SetLabel("ref:explore_in_process_cpu_line_length");
}
BENCHMARK(explore_isolated_cpu_line_length)->Unit(benchmark::kMillisecond)->UseManualTime();

void explore_isolated_line_length(benchmark::State& state) {
  cli::executor ex(cli::isolation_options{.isolate = true});
  (void)ex.run_all({explore_item(1'000'000)}, 1);
  const auto items = explore_items();
  for (auto _ : state) {
    if (!run_isolated(state, ex, items)) return;
  }
  count_runs(state);
  state.SetLabel("ref:explore_in_process_line_length");
}
BENCHMARK(explore_isolated_line_length)->Unit(benchmark::kMillisecond)->UseRealTime();

// The explore items of seeds 0..63 and their outcomes, made once.
struct explore_batch {
  std::vector<cli::work_item> items;
  std::vector<cli::work_outcome> outcomes;
  explore_batch() {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      items.push_back(explore_item(seed));
      outcomes.push_back(cli::execute(items.back()));
    }
  }
};

const explore_batch& batch() {
  static const explore_batch b;
  return b;
}

void isolation_request_codec_line_length(benchmark::State& state) {
  const explore_batch& b = batch();
  for (auto _ : state) {
    for (const auto& item : b.items) {
      const scenario::scenario parsed = scenario::parse_scenario(scenario::save_scenario(item.scenario), "<work item>");
      benchmark::DoNotOptimize(parsed.seed);
    }
  }
  count_runs(state);
  std::size_t bytes = 0;
  for (const auto& item : b.items) bytes += scenario::save_scenario(item.scenario).size();
  state.counters["bytes_per_run"] = static_cast<double>(bytes) / static_cast<double>(seeds);
}
BENCHMARK(isolation_request_codec_line_length)->Unit(benchmark::kMillisecond);

void isolation_answer_codec_line_length(benchmark::State& state) {
  const explore_batch& b = batch();
  for (auto _ : state) {
    for (const auto& outcome : b.outcomes) {
      const cli::work_outcome back = cli::decode_outcome(cli::encode_outcome(outcome));
      benchmark::DoNotOptimize(back.result.trace_hash);
    }
  }
  count_runs(state);
  std::size_t bytes = 0;
  std::size_t events = 0;
  for (const auto& outcome : b.outcomes) {
    bytes += cli::encode_outcome(outcome).size();
    events += outcome.result.events.size();
  }
  state.counters["bytes_per_run"] = static_cast<double>(bytes) / static_cast<double>(seeds);
  state.counters["events_per_run"] = static_cast<double>(events) / static_cast<double>(seeds);
}
BENCHMARK(isolation_answer_codec_line_length)->Unit(benchmark::kMillisecond);

}  // namespace
