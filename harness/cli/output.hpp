#pragma once
// What `stutter run` and `stutter explore` print and write.

#include <map>
#include <string>
#include <vector>

#include "commands.hpp"
#include "results_json.hpp"
#include "work.hpp"

namespace stutter::cli {

// One line per run that did not pass (every run with verbose); nothing when quiet.
void print_runs(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                const output_options& output);

// Verdict counts and determinism of runs added one at a time, so that a command making
// millions of runs (explore) keeps none of them to print its summary.
struct run_tally {
  std::size_t runs = 0;
  std::size_t failed = 0;
  std::size_t not_replayable = 0;
  bool deterministic = true;
  std::map<std::string, std::size_t> verdicts;
  void add(const work_outcome& outcome);
};

// The summary, ending with the line "N passed, M failed". True when nothing failed.
bool print_summary(const run_tally& tally);
// The summary, ending with the line "N passed, M failed". True when nothing failed.
bool print_summary(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                   const output_options& output);

// Writes the results JSON, JUnit XML and HTML report that were asked for; `explore` as in
// results_document.
// exit_pass, or exit_bad_input when a file cannot be written.
int write_outputs(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                  const run_context& context, const std::string& json_file, const std::string& junit_file,
                  const std::string& report_dir, const explore_summary* explore = nullptr);

// Writes text to a file; false (with a message on stderr) when it cannot.
bool write_file(const std::string& path, const std::string& text);

}  // namespace stutter::cli
