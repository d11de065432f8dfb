#pragma once
// The unit of work of `stutter run`: one scenario at one seed, executed twice (the second
// run checks determinism.trace), and what came out.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/runner.hpp"
#include "scenario/scenario.hpp"

namespace stutter::cli {

struct work_item {
  std::string file;  // where the scenario came from ("" for generated ones)
  scenario::scenario scenario;
  bool seed_overridden = false;
  // Why the scenario's expectation is what it is, when an expectations file set it.
  std::string expectation_reason;
};

struct work_outcome {
  runner::run_result result;
  bool deterministic = true;
  std::string determinism_message;  // the first trace event that differs, on a mismatch
};

// Runs the item twice and compares the traces. `starting`, if set, is called before each run
// with its number (0, then 1).
work_outcome execute(const work_item& item, runner::run_options options = {},
                     const std::function<void(int run)>& starting = {});

// Runs every item on `jobs` threads; outcomes come back in item order whatever the timing.
std::vector<work_outcome> execute_all(const std::vector<work_item>& items, unsigned jobs,
                                      const std::function<void(std::size_t done)>& progress = {});

// The command that replays one item exactly.
std::string replay_command(const work_item& item);

// "name [seed N]", and " [implementation@end]" when it is not the reference in its own place.
std::string run_label(const work_item& item);

// Seeds: "N" is 0..N-1, "A..B" is A to B inclusive. nullopt when malformed.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_seed_range(const std::string& text);
// Shard "K/N" with 1 <= K <= N.
std::optional<std::pair<std::size_t, std::size_t>> parse_shard(const std::string& text);

}  // namespace stutter::cli
