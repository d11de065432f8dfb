#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "corpus.hpp"
#include "expectations_apply.hpp"
#include "implementation_option.hpp"
#include "isolation.hpp"
#include "junit.hpp"
#include "output.hpp"
#include "results_json.hpp"
#include "scenario/names.hpp"
#include "work.hpp"

namespace stutter::cli {

// ./scenarios (a checkout), else the corpus installed beside this executable
// (PREFIX/bin/stutter, PREFIX/share/stutter/scenarios), else the source tree it was built from.
std::string default_corpus() {
  namespace fs = std::filesystem;
  if (fs::is_directory("scenarios")) return "scenarios";
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / STUTTER_INSTALL_DATADIR / "scenarios";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
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
  std::vector<implementation_choice> choices;
  for (const auto& spec : o.implementations) {
    std::string error;
    auto choice = parse_implementation(spec, error);
    if (!choice) {
      std::cerr << "stutter run: --implementation " << spec << ": " << error << "\n";
      return exit_bad_input;
    }
    choices.push_back(*choice);
  }
  const auto paths = o.paths.empty() ? std::vector<std::string>{default_corpus()} : o.paths;
  bool ok = true;
  auto corpus = load_corpus(paths, ok);
  if (!ok) return exit_bad_input;

  // Each scenario at each seed, under each implementation at each of its ends.
  std::vector<work_item> all;
  std::vector<std::string> all_not_playable;  // beside `all`: why it cannot be played, or ""
  auto add_seeds = [&](const work_item& base, const std::string& not_playable) {
    if (!seeds) {
      all.push_back(base);
      all_not_playable.push_back(not_playable);
      return;
    }
    for (std::uint64_t seed = seeds->first;; ++seed) {
      work_item item = base;
      item.seed_overridden = true;
      item.scenario.seed = seed;
      all.push_back(std::move(item));
      all_not_playable.push_back(not_playable);
      if (seed == seeds->second) break;
    }
  };
  for (auto& loaded : corpus) {
    if (choices.empty()) add_seeds({loaded.file, loaded.value, false}, "");
    for (const auto& choice : choices) {
      for (auto end : choice.ends()) {
        work_item item{loaded.file, loaded.value, false};
        place(item.scenario, *choice.impl, end);
        add_seeds(item, written_for_another(loaded.value, *choice.impl));
      }
    }
  }
  if (!o.expectations_file.empty()) {
    try {
      const auto expectations = scenario::load_expectations_file(o.expectations_file);
      const auto unmatched = apply_expectations(expectations, all);
      for (const auto& line : unmatched) std::cerr << line << "\n";
      if (!unmatched.empty()) return exit_bad_input;
    } catch (const scenario::load_error& e) {
      std::cerr << e.what() << "\n";
      return exit_bad_input;
    }
  }
  std::vector<work_item> items;
  std::vector<std::string> not_playable;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i % shard->second != shard->first - 1) continue;
    items.push_back(std::move(all[i]));
    not_playable.push_back(std::move(all_not_playable[i]));
  }

  const auto started = std::chrono::steady_clock::now();  // reported only; never decides anything
  // Runs another implementation cannot play are reported, not run (nor skipped silently).
  std::vector<work_item> runnable;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (not_playable[i].empty()) {
      runnable.push_back(items[i]);
      at.push_back(i);
    }
  }
  auto ran = execute_all(runnable, o.jobs, choose_isolation(runnable, o.isolate, o.wall_timeout, o.memory_limit_mib));
  std::vector<work_outcome> outcomes(items.size());
  for (std::size_t k = 0; k < at.size(); ++k) outcomes[at[k]] = std::move(ran[k]);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (not_playable[i].empty()) continue;
    outcomes[i].result.observed = outcomes[i].result.verdict = scenario::verdict::unimplemented;
    outcomes[i].result.message = not_playable[i];
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

  print_runs(items, outcomes, o.output);
  run_context context{"stutter run", o.shard, o.seeds, static_cast<std::uint64_t>(elapsed.count())};
  for (const auto& p : paths) context.command += " " + p;
  for (const auto& i : o.implementations) context.command += " --implementation " + i;
  const int written = write_outputs(items, outcomes, context, o.json_file, o.junit_file, o.report_dir);
  if (written != exit_pass) return written;
  return print_summary(items, outcomes, o.output) ? exit_pass : exit_failure;
}

}  // namespace stutter::cli
