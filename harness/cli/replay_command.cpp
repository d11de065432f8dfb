#include <iostream>

#include "commands.hpp"
#include "corpus.hpp"
#include "implementation_option.hpp"
#include "output.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"
#include "sim/trace.hpp"
#include "work.hpp"

namespace stutter::cli {

int replay_command(const replay_options& o) {
  work_item item;
  item.file = o.file;
  try {
    item.scenario = scenario::load_scenario_file(o.file);
  } catch (const scenario::load_error& e) {
    std::cerr << e.what() << "\n";
    return exit_bad_input;
  }
  if (o.seed) {
    item.scenario.seed = *o.seed;
    item.seed_overridden = true;
  }
  if (!o.implementation.empty()) {
    std::string error;
    auto choice = parse_implementation(o.implementation, error);
    if (!choice) {
      std::cerr << "stutter replay: --implementation " << o.implementation << ": " << error << "\n";
      return exit_bad_input;
    }
    const auto ends = choice->ends();
    place(item.scenario, *choice->impl, choice->at ? *choice->at : ends.front());
  } else if (std::string why = check_implementation(item.scenario.peer); !why.empty()) {
    std::cerr << o.file << ": /peer: " << why << "\n";
    return exit_bad_input;
  }
  // A saved failure names the plug-in build it came from: say when this one differs.
  if (const auto* impl = runner::find_implementation(item.scenario.peer);
      impl != nullptr && impl->identity && item.scenario.peer_identity && *impl->identity != *item.scenario.peer_identity) {
    std::cerr << "stutter replay: warning: " << o.file << " was saved with " << item.scenario.peer_identity->name << " "
              << item.scenario.peer_identity->version << " (sha256 " << item.scenario.peer_identity->sha256
              << "); running " << impl->identity->name << " " << impl->identity->version << " (sha256 "
              << impl->identity->sha256 << ")\n";
  }
  runner::run_options options;
  options.keep_events = o.trace_file.empty() ? 200'000 : SIZE_MAX;
  work_outcome outcome;
  outcome.result = runner::run_scenario(item.scenario, options);
  const auto& r = outcome.result;

  std::cout << "scenario:   " << item.scenario.name << " (" << o.file << ")\n"
            << "implementation: " << item.scenario.peer << " (" << scenario::to_string(item.scenario.peer_role) << ")\n"
            << "seed:       " << item.scenario.seed << "\n"
            << "verdict:    " << scenario::to_string(r.verdict);
  if (r.verdict != r.observed) std::cout << " (observed " << scenario::to_string(r.observed) << ")";
  std::cout << "\n";
  if (r.invariant) std::cout << "invariant:  " << *r.invariant << "\n";
  if (!r.message.empty()) std::cout << "message:    " << r.message << "\n";
  std::cout << "trace hash: " << sim::to_hex64(r.trace_hash) << " (" << r.trace_events << " events, " << r.steps
            << " steps, " << r.operations << " socket operations, " << r.bytes << " bytes, " << r.decisions.size()
            << " faults)\n";

  if (!o.trace_file.empty()) {
    std::string lines;
    for (const auto& e : r.events) lines += sim::to_json_line(e, runner::phase_name(e.phase)) + "\n";
    if (!write_file(o.trace_file, lines)) return exit_bad_input;
    std::cout << "trace:      " << o.trace_file << "\n";
  }
  if (!o.json_file.empty()) {
    auto doc = results_document({item}, {outcome}, {"stutter replay " + o.file, "1/1", "", 0});
    if (!write_file(o.json_file, doc.dump(1) + "\n")) return exit_bad_input;
  }
  return runner::is_failure(r.verdict) ? exit_failure : exit_pass;
}

}  // namespace stutter::cli
