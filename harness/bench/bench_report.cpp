// The cost of `stutter report` on a large conformance run: render_report on a synthetic results
// document of 10,000 runs, about 2% failing with 200-event timelines. Counters give the index
// size and the number of run pages. No main here: bench_main.cpp drives every benchmark.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "stutter_reports/report.hpp"

namespace {

using nlohmann::json;

constexpr std::size_t categories = 5;
constexpr std::size_t scenarios_per_category = 100;
constexpr std::size_t implementations = 4;
constexpr std::size_t seeds = 5;  // 5 x 100 x 4 x 5 = 10,000 runs
constexpr std::size_t failing_every = 50;
constexpr std::size_t timeline_events = 200;

const char* const category_names[categories] = {"line", "length", "http-upgrade", "websocket", "tls"};
const char* const implementation_names[implementations] = {"stutter", "wslay", "gnutls", "openssl"};
const char* const fault_names[] = {"eagain_read", "eagain_write", "partial_read", "short_write", "capacity", "latency"};

json timeline() {
  json events = json::array();
  for (std::size_t i = 0; i < timeline_events; ++i) {
    json e = {{"t", i / 4},
              {"endpoint", i % 2 ? "server" : "client"},
              {"layer", i % 3 ? "socket" : "line"},
              {"op", i % 4 < 2 ? "write" : "read"},
              {"requested", 64},
              {"result", i % 5 ? "ok" : "would_block"},
              {"n", i % 5 ? 64 : 0}};
    if (i % 9 == 0) e["fault"] = fault_names[i % 6];
    events.push_back(std::move(e));
  }
  return events;
}

json synthetic_document() {
  const json shared_timeline = timeline();
  json results = json::array();
  std::size_t n = 0;
  for (std::size_t c = 0; c < categories; ++c) {
    for (std::size_t s = 0; s < scenarios_per_category; ++s) {
      const std::string scenario = std::string(category_names[c]) + "-case-" + std::to_string(s);
      for (std::size_t i = 0; i < implementations; ++i) {
        for (std::size_t seed = 0; seed < seeds; ++seed, ++n) {
          const bool failing = n % failing_every == failing_every - 1;
          json r = {{"id", scenario + "-" + implementation_names[i] + "-" + std::to_string(seed)},
                    {"scenario", scenario},
                    {"file", "scenarios/" + std::string(category_names[c]) + "/case-" + std::to_string(s) + ".json"},
                    {"category", category_names[c]},
                    {"description", "Synthetic scenario " + std::to_string(s)},
                    {"implementation", implementation_names[i]},
                    {"stack", {category_names[c]}},
                    {"seed", seed},
                    {"verdict", failing ? "fail" : "pass"},
                    {"expected_verdict", "pass"},
                    {"invariant", failing ? json("bytes.exact") : json(nullptr)},
                    {"message", failing ? "delivered bytes differ from the model's" : ""},
                    {"trace_hash", "0123456789abcdef"},
                    {"replay", "stutter replay scenarios/x.json --seed " + std::to_string(seed)},
                    {"invariants_checked", {"bytes.exact", "framing.records", "liveness.progress"}},
                    {"stats", {{"operations", 120}, {"bytes", 4096}, {"steps", 300}, {"virtual_time", 50}}},
                    {"faults_by_phase", {{"handshake", {{fault_names[n % 6], 1}}}, {"data", {{fault_names[(n + 1) % 6], 2}}}}}};
          if (failing) {
            r["timeline"] = shared_timeline;
            r["data"] = {{"expected", std::string(512, 'a')}, {"delivered", std::string(300, 'a') + "bb"}};
            r["wire"] = json::array({{{"t", 0}, {"from", "client"}, {"hex", std::string(256, 'c')}}});
          }
          results.push_back(std::move(r));
        }
      }
    }
  }
  return {{"format", "stutter-results"},
          {"version", 1},
          {"tool", {{"name", "stutter"}, {"version", "0.1.0"}, {"commit", "bench"}}},
          {"run", {{"command", "stutter run scenarios"}, {"shard", "1/1"}, {"seeds", "0..4"}, {"duration_ms", 1}}},
          {"summary", {{"runs", n}, {"determinism", "ok"}}},
          {"results", std::move(results)}};
}

void BM_render_report_10k(benchmark::State& state) {
  const std::vector<json> documents{synthetic_document()};
  std::string dir = (std::filesystem::temp_directory_path() / "stutter-bench-report-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    state.SkipWithError("cannot create a temporary directory");
    return;
  }
  stutter::reports::report_stats stats;
  for (auto _ : state) {
    stats = stutter::reports::render_report(documents, dir);
    benchmark::DoNotOptimize(stats);
  }
  std::filesystem::remove_all(dir);
  state.counters["runs"] = static_cast<double>(stats.runs);
  state.counters["pages"] = static_cast<double>(stats.pages);
  state.counters["index_bytes"] = static_cast<double>(stats.index_bytes);
}

}  // namespace

BENCHMARK(BM_render_report_10k)->Unit(benchmark::kMillisecond);
