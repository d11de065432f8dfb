// stutter: the command-line tool. See README.md ("Exit codes") and `stutter --help`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "isolation.hpp"

int main(int argc, char** argv) {
  using namespace stutter::cli;
  // The isolation's worker process (not for users): `stutter __worker FD [MEMORY_LIMIT_MIB]`.
  if (argc >= 2 && std::string_view(argv[1]) == "__worker") return worker_main(argc, argv);
  CLI::App app{
      "Stutter: deterministic simulation and conformance harness for non-blocking wrapper streams.\n"
      "Exit codes: 0 all passed; 1 a conformance failure (fail, hang, xpass, determinism mismatch);\n"
      "2 usage error or bad input (a malformed scenario file names the file and JSON pointer)."};
  app.require_subcommand(1);

  run_options run;
  auto* run_cmd = app.add_subcommand("run", "Run scenario files or folders (default: the bundled corpus), each twice");
  run_cmd->add_option("paths", run.paths, "Scenario files or folders");
  run_cmd->add_option("--implementation", run.implementations,
                      "Run every scenario against this implementation (repeatable): a name from `stutter list` or "
                      "plugin:PATH, optionally @client, @server or @both (default: each end it implements), with "
                      "the reference stack at the other end");
  run_cmd->add_option("--expectations", run.expectations_file,
                      "Expected verdicts per scenario and implementation, with reasons (scenarios/README.md)");
  run_cmd->add_option("--seeds", run.seeds, "Seed family: N (0..N-1) or A..B; replaces each scenario's seed");
  run_cmd->add_option("--json", run.json_file, "Write machine-readable results here");
  run_cmd->add_option("--junit", run.junit_file, "Write JUnit XML here");
  run_cmd->add_option("--report", run.report_dir, "Write the HTML report into this folder");
  run_cmd->add_option("--jobs,-j", run.jobs, "Parallel runs (output order stays deterministic)")->check(CLI::Range(1u, 256u));
  run_cmd->add_option("--shard", run.shard, "Take slice K of N of the work: K/N");
  run_cmd->add_flag("--quiet,-q", run.output.quiet, "Print only the summary");
  run_cmd->add_flag("--verbose,-v", run.output.verbose, "Print every run");
  auto add_isolation = [](CLI::App* cmd, std::optional<bool>& isolate, double& wall, std::uint64_t& memory) {
    cmd->add_flag_callback("--isolate", [&isolate] { isolate = true; },
                           "Run each scenario in a worker process: a crash or an endless loop becomes a verdict "
                           "(default when a plug-in is under test)");
    cmd->add_flag_callback("--no-isolate", [&isolate] { isolate = false; }, "Run in this process");
    cmd->add_option("--wall-timeout", wall, "Seconds an isolated run may take before it is a hang (default 60)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--memory-limit", memory, "MiB of address space per worker process; 0: none (default 4096)");
  };
  add_isolation(run_cmd, run.isolate, run.wall_timeout, run.memory_limit_mib);

  replay_options replay;
  auto* replay_cmd = app.add_subcommand("replay", "Run one scenario exactly and explain the outcome");
  replay_cmd->add_option("file", replay.file, "Scenario file")->required();
  replay_cmd->add_option("--seed", replay.seed, "Replace the scenario's seed");
  replay_cmd->add_option("--implementation", replay.implementation,
                         "Run it against this implementation (NAME[@client|@server|@both]) instead of its peer");
  replay_cmd->add_option("--trace", replay.trace_file, "Write the whole trace as JSON Lines here");
  replay_cmd->add_option("--json", replay.json_file, "Write the result as a results document here");

  explore_options explore;
  auto* explore_cmd = app.add_subcommand("explore", "Swarm search: each seed draws its faults and workload; failures are shrunk and saved");
  explore_cmd->add_option("--stack", explore.stack, "Layers bottom to top, comma-separated, e.g. line,length");
  explore_cmd->add_option("--seeds", explore.seeds, "Seeds to try: N (0..N-1) or A..B");
  explore_cmd->add_option("--time", explore.time_budget, "Explore for this many seconds instead of a seed range");
  explore_cmd->add_option("--out", explore.out_dir, "Folder for shrunk failing scenarios");
  explore_cmd->add_option("--expectations", explore.expectations_file,
                          "Known failures: a failing run an entry expecting that failure covers is xfail, not shrunk "
                          "or saved (scenarios/README.md); passing runs stay passes, unmet entries are no error");
  explore_cmd->add_option("--implementation", explore.implementation,
                          "Implementation to explore: NAME[@client|@server|@both] (see `stutter list`; plugin:PATH); "
                          "without an end, each seed picks one of the ends it implements");
  explore_cmd->add_option("--jobs,-j", explore.jobs, "Parallel runs")->check(CLI::Range(1u, 256u));
  explore_cmd->add_option("--json", explore.json_file, "Write the explore runs' results here");
  explore_cmd->add_option("--shard", explore.shard, "Take slice K of N of the seeds: K/N");
  explore_cmd->add_flag("--keep-going", explore.keep_going, "Keep exploring after the first failure");
  explore_cmd->add_flag("--quiet,-q", explore.output.quiet, "Print only the summary");
  add_isolation(explore_cmd, explore.isolate, explore.wall_timeout, explore.memory_limit_mib);
  explore_cmd->add_option("--exhaustive", explore.exhaustive_file,
                          "Instead of a swarm: run every fault schedule of at most --depth decisions over this "
                          "scenario's socket operations");
  explore_cmd->add_option("--depth", explore.depth, "--exhaustive: decisions per schedule (default 1)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{8}));
  explore_cmd->add_option("--max-amount", explore.max_amount,
                          "--exhaustive: largest partial read/short write amount tried (default: every amount)");
  explore_cmd->add_option("--kinds", explore.kinds, "--exhaustive: fault kinds to try, comma-separated (default: all)");
  explore_cmd->add_option("--max-runs", explore.max_runs, "--exhaustive: stop after this many runs (default 1000000)");
  explore_cmd->add_flag("--guided", explore.guided,
                        "Coverage-guided: keep the runs that reach new protocol states and mutate them "
                        "(--seeds N: N runs from seed 0; --time: a budget)");

  std::vector<std::string> validate_files;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files strictly without running them");
  validate_cmd->add_option("files", validate_files, "Scenario files or folders")->required();

  auto* list_cmd = app.add_subcommand("list", "List stacks, implementations, fault kinds, invariants and verdicts");
  std::vector<std::string> list_load;
  list_cmd->add_option("--implementation", list_load, "Also load and show this plug-in (plugin:PATH)");

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
    if (*list_cmd) return list_command(list_load);
    if (*report_cmd) return report_command(report);
  } catch (const std::exception& e) {
    std::cerr << "stutter: " << e.what() << "\n";
    return exit_bad_input;
  }
  return exit_bad_input;
}
