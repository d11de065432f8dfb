#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "corpus.hpp"
#include "junit.hpp"
#include "output.hpp"
#include "results_json.hpp"
#include "scenario/names.hpp"
#include "work.hpp"

namespace stutter::cli {

std::string default_corpus() {
  if (std::filesystem::is_directory("scenarios")) return "scenarios";
  return STUTTER_SOURCE_DIR "/scenarios";
}

int run_command(const run_options& o) {
  auto shard = parse_shard(o.shard);
  if (!shard) {
    std::cerr << "stutter run: --shard takes K/N with 1 <= K <= N, got \"" << o.shard << "\"\n";
    return exit_bad_input;
  }
  std::optional<std::pair<std::uint64_t, std::uint64_t>> seeds;
  if (!o.seeds.empty()) {
    seeds = parse_seed_range(o.seeds);
    if (!seeds) {
      std::cerr << "stutter run: --seeds takes N or A..B, got \"" << o.seeds << "\"\n";
      return exit_bad_input;
    }
  }
  const auto paths = o.paths.empty() ? std::vector<std::string>{default_corpus()} : o.paths;
  bool ok = true;
  auto corpus = load_corpus(paths, ok);
  if (!ok) return exit_bad_input;

  std::vector<work_item> all;
  for (auto& loaded : corpus) {
    if (!seeds) {
      all.push_back({loaded.file, loaded.value, false});
      continue;
    }
    for (std::uint64_t seed = seeds->first;; ++seed) {
      work_item item{loaded.file, loaded.value, true};
      item.scenario.seed = seed;
      all.push_back(std::move(item));
      if (seed == seeds->second) break;
    }
  }
  std::vector<work_item> items;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i % shard->second == shard->first - 1) items.push_back(std::move(all[i]));
  }

  const auto started = std::chrono::steady_clock::now();  // reported only; never decides anything
  auto outcomes = execute_all(items, o.jobs);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

  print_runs(items, outcomes, o.output);
  run_context context{"stutter run", o.shard, o.seeds, static_cast<std::uint64_t>(elapsed.count())};
  for (const auto& p : paths) context.command += " " + p;
  const int written = write_outputs(items, outcomes, context, o.json_file, o.junit_file, o.report_dir);
  if (written != exit_pass) return written;
  return print_summary(items, outcomes, o.output) ? exit_pass : exit_failure;
}

}  // namespace stutter::cli
