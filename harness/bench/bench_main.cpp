// Benchmark driver: runs every benchmark, then prints each measured ratio against its
// reference benchmark from the same run (a benchmark names its reference with the
// counter-free convention "<name>/ref:<reference name>" in its label). The rate compared is
// bytes_per_second, or items_per_second for benchmarks that count items (runs) instead.
//
// With STUTTER_BENCH_WORKERS (bench_plugin.cpp) this program is also the isolation's worker
// process: cli::worker_pool starts /proc/self/exe as `__worker FD [MEMORY_LIMIT_MIB]`.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#if defined(STUTTER_BENCH_WORKERS)
#include "isolation.hpp"
#endif

namespace {

class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration && run.aggregate_name != "median") continue;
      if (run.run_type == Run::RT_Iteration && run.repetitions > 1) continue;
      const std::string name = run.run_name.function_name + (run.run_name.args.empty() ? "" : "/" + run.run_name.args);
      auto it = run.counters.find("bytes_per_second");
      if (it == run.counters.end()) it = run.counters.find("items_per_second");
      double rate = it != run.counters.end() ? double(it->second) : 0;
      rates_[name] = rate;
      labels_[name] = run.report_label;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nRatios (same run; label names the reference):\n");
    for (const auto& [name, label] : labels_) {
      auto at = label.find("ref:");
      if (at == std::string::npos) continue;
      const std::string ref = label.substr(at + 4);
      auto r = rates_.find(ref);
      if (r == rates_.end() || r->second == 0) continue;
      std::printf("  %-48s %6.2fx of %s\n", name.c_str(), rates_[name] / r->second, ref.c_str());
    }
  }

 private:
  std::map<std::string, double> rates_;
  std::map<std::string, std::string> labels_;
};

}  // namespace

int main(int argc, char** argv) {
#if defined(STUTTER_BENCH_WORKERS)
  if (argc >= 2 && std::string_view(argv[1]) == "__worker") return stutter::cli::worker_main(argc, argv);
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
