#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "corpus.hpp"
#include "failure_save.hpp"
#include "implementation_option.hpp"
#include "runner/exhaustive.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

namespace stutter::cli {
namespace {

std::optional<std::vector<sim::fault_kind>> parse_kinds(const std::string& text, std::string& bad) {
  std::vector<sim::fault_kind> out;
  if (text.empty()) return out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    bool found = false;
    for (int k = 0; k < sim::fault_kind_count; ++k) {
      if (sim::fault_kind_names[static_cast<std::size_t>(k)] == part) {
        out.push_back(static_cast<sim::fault_kind>(k));
        found = true;
      }
    }
    if (!found) {
      bad = part;
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

int exhaustive_command(const explore_options& o) {
  const std::string& file = o.exhaustive_file;
  scenario::scenario s;
  try {
    s = scenario::load_scenario_file(file);
  } catch (const scenario::load_error& e) {
    std::cerr << e.what() << "\n";
    return exit_bad_input;
  }
  if (o.implementation != "stutter") {
    std::string error;
    auto choice = parse_implementation(o.implementation, error);
    if (!choice) {
      std::cerr << "stutter explore: --implementation " << o.implementation << ": " << error << "\n";
      return exit_bad_input;
    }
    place(s, *choice->impl, choice->at ? *choice->at : choice->ends().front());
  } else if (std::string why = check_implementation(s.peer); !why.empty()) {
    std::cerr << file << ": /peer: " << why << "\n";
    return exit_bad_input;
  }
  std::string bad;
  auto kinds = parse_kinds(o.kinds, bad);
  if (!kinds) {
    std::cerr << "stutter explore: --kinds: no fault kind named \"" << bad << "\" (see the scenario format)\n";
    return exit_bad_input;
  }

  runner::exhaustive_options options;
  options.depth = o.depth;
  options.max_amount = o.max_amount;
  options.kinds = *kinds;
  options.max_runs = o.max_runs;
  options.stop_at_first_failure = !o.keep_going;
  const bool tty = isatty(STDERR_FILENO) != 0 && !o.output.quiet;
  auto progress = [&](const runner::exhaustive_progress& p) {
    if (!tty) return;
    std::fprintf(stderr, "\rexhaustive: depth %zu, %llu runs, %llu queued, %llu pruned, %llu failures", p.depth,
                 static_cast<unsigned long long>(p.runs), static_cast<unsigned long long>(p.queued),
                 static_cast<unsigned long long>(p.pruned), static_cast<unsigned long long>(p.failures));
  };
  const auto result = runner::explore_exhaustively(s, options, progress);
  if (tty) std::fprintf(stderr, "\n");

  const std::string scope = "at most " + std::to_string(o.depth) + (o.depth == 1 ? " fault" : " faults") +
                            (o.kinds.empty() ? "" : " (" + o.kinds + ")") +
                            (o.max_amount == 0 ? "" : ", partial amounts up to " + std::to_string(o.max_amount));
  for (const auto& f : result.failures) {
    save_failure(o.out_dir, "`stutter explore --exhaustive " + file + " --depth " + std::to_string(o.depth) + "`",
                 f.scenario, f.result);
  }
  if (!o.output.quiet) {
    std::cout << "exhaustive " << file << " (" << s.peer << "):";
    for (std::size_t k = 0; k < result.runs_per_depth.size(); ++k) {
      std::cout << (k == 0 ? " " : ", ") << result.runs_per_depth[k] << " with " << k;
    }
    std::cout << " decisions; " << result.pruned << " not extended (a twin was)\n";
  }
  if (result.complete) {
    std::cout << "all " << result.runs << " schedules with " << scope << ": " << result.failures.size()
              << " failures\n";
  } else if (!result.failures.empty() && !o.keep_going) {
    std::cout << "stopped at the first failure after " << result.runs << " schedules with " << scope << "\n";
  } else {
    std::cout << "stopped after " << result.runs << " schedules (--max-runs): not every schedule with " << scope
              << " was run; " << result.failures.size() << " failures\n";
  }
  return result.failures.empty() ? exit_pass : exit_failure;
}

}  // namespace stutter::cli
