#pragma once
// The `stutter` subcommands. Each returns the process exit code:
// 0 all passed, 1 a conformance failure, 2 usage or bad input.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace stutter::cli {

inline constexpr int exit_pass = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

struct output_options {
  bool quiet = false;
  bool verbose = false;
};

struct run_options {
  std::vector<std::string> paths;
  std::vector<std::string> implementations;  // NAME[@end]; none: each scenario's own peer
  std::string expectations_file;
  std::string seeds;  // "" = each scenario's own seed
  std::string json_file;
  std::string junit_file;
  std::string report_dir;
  std::string shard = "1/1";
  unsigned jobs = 1;
  output_options output;
  // Worker processes (isolation.hpp): nullopt isolates when a plug-in is under test.
  std::optional<bool> isolate;
  double wall_timeout = 60;             // seconds per isolated run
  std::uint64_t memory_limit_mib = 4096;  // per worker
};
int run_command(const run_options& o);

struct replay_options {
  std::string file;
  std::string implementation;  // NAME[@end] in place of the file's peer
  std::optional<std::uint64_t> seed;
  std::string trace_file;
  std::string json_file;
};
int replay_command(const replay_options& o);

struct explore_options {
  std::string stack;  // comma-separated layers, bottom to top
  std::string seeds;  // "A..B" or "N"
  double time_budget = 0;  // seconds; 0 = use seeds
  std::string out_dir = "stutter-failures";
  std::string implementation = "stutter";
  unsigned jobs = 1;
  bool keep_going = false;
  std::string json_file;
  std::string shard = "1/1";
  output_options output;
  std::optional<bool> isolate;  // as for run
  double wall_timeout = 60;
  std::uint64_t memory_limit_mib = 4096;
  std::string expectations_file;  // known failures (explore_expectations.hpp)
  // --exhaustive FILE: every fault schedule of at most `depth` decisions over that scenario
  // (runner/exhaustive.hpp) instead of a swarm over seeds.
  std::string exhaustive_file;
  std::size_t depth = 1;
  std::uint32_t max_amount = 0;  // 0: every partial amount
  std::string kinds;             // comma-separated fault kinds; "": all
  std::uint64_t max_runs = 1'000'000;
  // --guided: a corpus grown by protocol-state coverage and mutated (runner/guided.hpp);
  // --seeds N or A..B sets the number of runs and the search's seed, --time a budget.
  bool guided = false;
};
int explore_command(const explore_options& o);
int exhaustive_command(const explore_options& o);
int guided_command(const explore_options& o, const std::vector<scenario::layer>& stack);

int validate_command(const std::vector<std::string>& files);
// Lists what this build knows; `load` names plug-ins (plugin:PATH) to show as well.
int list_command(const std::vector<std::string>& load = {});

struct report_options {
  std::vector<std::string> results;
  std::string out_dir;
  std::string merged_json;
};
int report_command(const report_options& o);

// Where the bundled corpus lives: ./scenarios when run from a checkout, else the source tree's.
std::string default_corpus();

}  // namespace stutter::cli
