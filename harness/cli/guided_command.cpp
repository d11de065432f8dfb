#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "explore_summary.hpp"
#include "failure_save.hpp"
#include "implementation_option.hpp"
#include "output.hpp"
#include "runner/guided.hpp"

namespace stutter::cli {

int guided_command(const explore_options& o, const std::vector<scenario::layer>& stack) {
  std::string error;
  const auto choice = parse_implementation(o.implementation, error);
  if (!choice) {
    std::cerr << "stutter explore: --implementation " << o.implementation << ": " << error << "\n";
    return exit_bad_input;
  }
  std::pair<std::uint64_t, std::uint64_t> range{0, 999};
  if (!o.seeds.empty()) {
    auto parsed = parse_seed_range(o.seeds);
    if (!parsed) {
      std::cerr << "stutter explore: --seeds takes N or A..B, got \"" << o.seeds << "\"\n";
      return exit_bad_input;
    }
    range = *parsed;
  } else if (o.time_budget > 0) {
    range = {0, UINT64_MAX - 1};
  }
  if (o.shard != "1/1") {
    std::cerr << "stutter explore: --guided grows one corpus and cannot be sharded; give each job its own --seeds\n";
    return exit_bad_input;
  }

  runner::guided_options options;
  options.stack = stack;
  options.seed = range.first;
  options.place = [&](scenario::scenario& s, std::uint64_t seed) { place_explored(s, *choice, seed); };
  runner::guided_search search(options);

  const bool tty = isatty(STDERR_FILENO) != 0 && !o.output.quiet;
  // Wall time bounds how long we search, never what a run does.
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  explore_summary summary;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> coverage;
  std::vector<work_item> failed_items;
  std::vector<work_outcome> failed_outcomes;
  const std::uint64_t budget = range.second - range.first + 1;
  while (search.steps() < budget) {
    if (o.time_budget > 0 && search.steps() % 64 == 0 && elapsed() >= o.time_budget) break;
    auto step = search.step();
    work_item item{"", std::move(step.scenario), true, ""};
    work_outcome outcome{std::move(step.result), true, ""};
    summary.add(item, outcome);
    if (step.new_coverage || (search.steps() & (search.steps() - 1)) == 0) {
      coverage.emplace_back(search.steps(), search.features());
    }
    if (runner::is_failure(outcome.result.verdict)) {
      item.file = save_failure(o.out_dir,
                               "`stutter explore --guided --stack " + o.stack + " --seeds " +
                                   std::to_string(range.first) + "..` at run " + std::to_string(search.steps()),
                               item.scenario, outcome.result);
      item.seed_overridden = false;
      failed_items.push_back(std::move(item));
      failed_outcomes.push_back(std::move(outcome));
      if (!o.keep_going) break;
    }
    if (tty && search.steps() % 256 == 0) {
      std::fprintf(stderr, "\rguided %s: %llu runs, corpus %zu, %llu features, %zu failures", o.stack.c_str(),
                   static_cast<unsigned long long>(search.steps()), search.corpus_size(),
                   static_cast<unsigned long long>(search.features()), failed_items.size());
    }
  }
  if (tty) std::fprintf(stderr, "\n");
  coverage.emplace_back(search.steps(), search.features());
  summary.set_coverage(coverage);
  std::cout << "guided " << o.stack << ": " << search.steps() << " runs, corpus " << search.corpus_size() << ", "
            << search.features() << " protocol-state features, " << failed_items.size() << " failures\n";

  run_context context{"stutter explore --guided --stack " + o.stack, o.shard, o.seeds,
                      static_cast<std::uint64_t>(elapsed() * 1000)};
  const int written = write_outputs(failed_items, failed_outcomes, context, o.json_file, "", "", &summary);
  if (written != exit_pass) return written;
  return failed_items.empty() ? exit_pass : exit_failure;
}

}  // namespace stutter::cli
