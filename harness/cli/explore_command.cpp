#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "explore_expectations.hpp"
#include "failure_save.hpp"
#include "implementation_option.hpp"
#include "isolation.hpp"
#include "output.hpp"
#include "runner/generate.hpp"
#include "runner/implementations.hpp"
#include "runner/shrink.hpp"
#include "scenario/load_error.hpp"
#include "scenario/names.hpp"
#include "scenario/save.hpp"
#include "sim/rng.hpp"
#include "sim/trace.hpp"

namespace stutter::cli {
namespace {

std::optional<std::vector<scenario::layer>> parse_stack(const std::string& text) {
  std::vector<scenario::layer> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    auto l = scenario::parse_layer(part);
    if (!l) return std::nullopt;
    out.push_back(*l);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// The explore scenario of one seed: about one in four also turns on a destructive fault.
scenario::scenario explore_scenario(const std::vector<scenario::layer>& stack, std::uint64_t seed,
                                    const implementation_choice& choice) {
  sim::rng g(seed, /*stream=*/11);
  auto s = runner::generate_scenario(stack, seed, {.destructive = g.below(4) == 0});
  place_explored(s, choice, seed);
  return s;
}

}  // namespace

int explore_command(const explore_options& o) {
  if (!o.exhaustive_file.empty()) {
    if (!o.stack.empty() || !o.seeds.empty() || o.time_budget > 0) {
      std::cerr << "stutter explore: --exhaustive takes its stack from the file; --stack, --seeds and --time "
                   "are for the swarm\n";
      return exit_bad_input;
    }
    return exhaustive_command(o);
  }
  if (o.stack.empty()) {
    std::cerr << "stutter explore: --stack LAYERS or --exhaustive FILE is required\n";
    return exit_bad_input;
  }
  auto stack = parse_stack(o.stack);
  if (!stack) {
    std::cerr << "stutter explore: --stack takes layers separated by commas (line, length, http-upgrade, "
                 "websocket, tls), got \""
              << o.stack << "\"\n";
    return exit_bad_input;
  }
  if (o.guided) return guided_command(o, *stack);
  std::string error;
  const auto choice = parse_implementation(o.implementation, error);
  if (!choice) {
    std::cerr << "stutter explore: --implementation " << o.implementation << ": " << error << "\n";
    return exit_bad_input;
  }
  scenario::expectations_file known;
  if (!o.expectations_file.empty()) {
    try {
      known = scenario::load_expectations_file(o.expectations_file);
    } catch (const scenario::load_error& e) {
      std::cerr << e.what() << "\n";
      return exit_bad_input;
    }
  }
  auto shard = parse_shard(o.shard);
  if (!shard) {
    std::cerr << "stutter explore: --shard takes K/N with 1 <= K <= N, got \"" << o.shard << "\"\n";
    return exit_bad_input;
  }
  std::pair<std::uint64_t, std::uint64_t> range{0, UINT64_MAX - 1};
  if (!o.seeds.empty()) {
    auto parsed = parse_seed_range(o.seeds);
    if (!parsed) {
      std::cerr << "stutter explore: --seeds takes N or A..B, got \"" << o.seeds << "\"\n";
      return exit_bad_input;
    }
    range = *parsed;
  } else if (o.time_budget <= 0) {
    range = {0, 999};
  }

  const bool tty = isatty(STDERR_FILENO) != 0 && !o.output.quiet;
  // Wall time bounds how long we search, never what a run does.
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };

  // Only the failing runs are kept (for the results document); the rest are counted.
  std::vector<work_item> failed_items;
  std::vector<work_outcome> failed_outcomes;
  run_tally tally;
  std::size_t failures = 0;
  explore_summary summary;
  const std::size_t batch = std::max<std::size_t>(1, o.jobs) * 8;
  std::uint64_t seed = range.first;
  bool exhausted = false;
  isolation_options isolation;
  isolation.isolate = o.isolate.value_or(o.implementation.rfind("plugin:", 0) == 0);
  isolation.wall_timeout = o.wall_timeout;
  isolation.memory_limit_mib = o.memory_limit_mib;
  executor runs(isolation);
  while (!exhausted) {
    if (o.time_budget > 0 && elapsed() >= o.time_budget) break;
    std::vector<work_item> batch_items;
    while (batch_items.size() < batch) {
      if (seed % shard->second == shard->first - 1) {
        batch_items.push_back({"", explore_scenario(*stack, seed, *choice), true});
      }
      if (seed == range.second) {
        exhausted = true;
        break;
      }
      ++seed;
    }
    auto batch_outcomes = runs.run_all(batch_items, o.jobs);
    bool stop = false;
    for (std::size_t i = 0; i < batch_items.size(); ++i) {
      tolerate_known_failure(known, batch_items[i], batch_outcomes[i]);
      summary.add(batch_items[i], batch_outcomes[i]);
      tally.add(batch_outcomes[i]);
      if (runner::is_failure(batch_outcomes[i].result.verdict)) {
        ++failures;
        auto saved = save_failure(o.out_dir,
                                  "`stutter explore --stack " + o.stack + "` at seed " +
                                      std::to_string(batch_items[i].scenario.seed),
                                  batch_items[i].scenario, batch_outcomes[i].result);
        batch_items[i].file = saved;
        batch_items[i].seed_overridden = false;
        failed_items.push_back(std::move(batch_items[i]));
        failed_outcomes.push_back(std::move(batch_outcomes[i]));
        if (!o.keep_going) {
          stop = true;
          break;
        }
      }
    }
    if (tty) {
      std::fprintf(stderr, "\rexplore %s: %zu runs, %.0f runs/s, %zu failures", o.stack.c_str(), tally.runs,
                   tally.runs / std::max(elapsed(), 1e-9), failures);
    }
    if (stop) break;
  }
  if (tty) std::fprintf(stderr, "\n");
  if (!o.output.quiet) {
    std::cout << "explore " << o.stack << ": " << tally.runs << " runs in " << std::fixed;
    std::cout.precision(1);
    std::cout << elapsed() << " s, " << failures << " failures\n";
  }
  run_context context{"stutter explore --stack " + o.stack, o.shard, o.seeds, static_cast<std::uint64_t>(elapsed() * 1000)};
  // An explore job can make hundreds of thousands of runs: the results document keeps the
  // failures, and the summary counts the rest.
  const int written = write_outputs(failed_items, failed_outcomes, context, o.json_file, "", "", &summary);
  if (written != exit_pass) return written;
  return print_summary(tally) ? exit_pass : exit_failure;
}

}  // namespace stutter::cli
