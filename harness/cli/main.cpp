// stutter: the command-line tool. See README.md ("Exit codes") and `stutter --help`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace stutter::cli;
  CLI::App app{
      "Stutter: deterministic simulation and conformance harness for non-blocking wrapper streams.\n"
      "Exit codes: 0 all passed; 1 a conformance failure (fail, hang, xpass, determinism mismatch);\n"
      "2 usage error or bad input (a malformed scenario file names the file and JSON pointer)."};
  app.require_subcommand(1);

  run_options run;
  auto* run_cmd = app.add_subcommand("run", "Run scenario files or folders (default: the bundled corpus), each twice");
  run_cmd->add_option("paths", run.paths, "Scenario files or folders");
  run_cmd->add_option("--seeds", run.seeds, "Seed family: N (0..N-1) or A..B; replaces each scenario's seed");
  run_cmd->add_option("--json", run.json_file, "Write machine-readable results here");
  run_cmd->add_option("--junit", run.junit_file, "Write JUnit XML here");
  run_cmd->add_option("--report", run.report_dir, "Write the HTML report into this folder");
  run_cmd->add_option("--jobs,-j", run.jobs, "Parallel runs (output order stays deterministic)")->check(CLI::Range(1u, 256u));
  run_cmd->add_option("--shard", run.shard, "Take slice K of N of the work: K/N");
  run_cmd->add_flag("--quiet,-q", run.output.quiet, "Print only the summary");
  run_cmd->add_flag("--verbose,-v", run.output.verbose, "Print every run");

  replay_options replay;
  auto* replay_cmd = app.add_subcommand("replay", "Run one scenario exactly and explain the outcome");
  replay_cmd->add_option("file", replay.file, "Scenario file")->required();
  replay_cmd->add_option("--seed", replay.seed, "Replace the scenario's seed");
  replay_cmd->add_option("--trace", replay.trace_file, "Write the whole trace as JSON Lines here");
  replay_cmd->add_option("--json", replay.json_file, "Write the result as a results document here");

  explore_options explore;
  auto* explore_cmd = app.add_subcommand("explore", "Swarm search: each seed draws its faults and workload; failures are shrunk and saved");
  explore_cmd->add_option("--stack", explore.stack, "Layers bottom to top, comma-separated, e.g. line,length")->required();
  explore_cmd->add_option("--seeds", explore.seeds, "Seeds to try: N (0..N-1) or A..B");
  explore_cmd->add_option("--time", explore.time_budget, "Explore for this many seconds instead of a seed range");
  explore_cmd->add_option("--out", explore.out_dir, "Folder for shrunk failing scenarios");
  explore_cmd->add_option("--implementation", explore.implementation, "Implementation to explore (see `stutter list`)");
  explore_cmd->add_option("--jobs,-j", explore.jobs, "Parallel runs")->check(CLI::Range(1u, 256u));
  explore_cmd->add_option("--json", explore.json_file, "Write the explore runs' results here");
  explore_cmd->add_option("--shard", explore.shard, "Take slice K of N of the seeds: K/N");
  explore_cmd->add_flag("--keep-going", explore.keep_going, "Keep exploring after the first failure");
  explore_cmd->add_flag("--quiet,-q", explore.output.quiet, "Print only the summary");

  std::vector<std::string> validate_files;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files strictly without running them");
  validate_cmd->add_option("files", validate_files, "Scenario files or folders")->required();

  auto* list_cmd = app.add_subcommand("list", "List stacks, implementations, fault kinds, invariants and verdicts");

  report_options report;
  auto* report_cmd = app.add_subcommand("report", "Merge results files (e.g. from shards) into one HTML report");
  report_cmd->add_option("results", report.results, "Results JSON files")->required();
  report_cmd->add_option("-o,--out", report.out_dir, "Report folder")->required();
  report_cmd->add_option("--merged-json", report.merged_json, "Also write the merged results document here");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_bad_input;
  }

  try {
    if (*run_cmd) return run_command(run);
    if (*replay_cmd) return replay_command(replay);
    if (*explore_cmd) return explore_command(explore);
    if (*validate_cmd) return validate_command(validate_files);
    if (*list_cmd) return list_command();
    if (*report_cmd) return report_command(report);
  } catch (const std::exception& e) {
    std::cerr << "stutter: " << e.what() << "\n";
    return exit_bad_input;
  }
  return exit_bad_input;
}
