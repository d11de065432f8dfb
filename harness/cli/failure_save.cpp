#include "failure_save.hpp"

#include <filesystem>
#include <iostream>

#include "isolation.hpp"
#include "output.hpp"
#include "runner/shrink.hpp"
#include "scenario/names.hpp"
#include "scenario/save.hpp"
#include "sim/trace.hpp"

namespace stutter::cli {

std::string save_failure(const std::string& out_dir, const std::string& found_by, const scenario::scenario& failing,
                         const runner::run_result& r) {
  const std::string invariant = r.invariant.value_or("liveness.progress");
  if (ended_by_isolation(r)) {
    // A crash or a wall-clock hang in a worker: shrinking would rerun it in this process.
    scenario::scenario as_found = failing;
    as_found.commit = STUTTER_COMMIT;
    as_found.expect = {};
    const std::string path = (std::filesystem::path(out_dir) / (failing.name + ".json")).generic_string();
    if (!write_file(path, scenario::save_scenario(as_found))) return {};
    std::cout << "FAIL  " << failing.name << "  " << scenario::to_string(r.observed) << "\n    " << r.message
              << "\n    not shrunk (it ran in a worker process)\n    replay: stutter replay " << path << "\n";
    return path;
  }
  auto shrunk = runner::shrink(failing, invariant);
  scenario::scenario minimal = shrunk.minimal;
  minimal.name = failing.name + "-shrunk";
  minimal.category = "explore";
  minimal.commit = STUTTER_COMMIT;
  minimal.description = "Found by " + found_by + " (commit " STUTTER_COMMIT "); shrunk from " +
                        std::to_string(shrunk.schedule_before) + " fault decisions and " +
                        std::to_string(shrunk.steps_before) + " workload steps to " +
                        std::to_string(minimal.fault.schedule.size()) + " and " +
                        std::to_string(minimal.client.workload.size() + minimal.server.workload.size()) +
                        ". It breaks " + invariant + ": " + shrunk.result.message;
  minimal.expect = {};
  const std::string path = (std::filesystem::path(out_dir) / (minimal.name + ".json")).generic_string();
  if (!write_file(path, scenario::save_scenario(minimal))) return {};
  std::cout << "FAIL  " << failing.name << "  " << invariant << "\n    " << r.message << "\n    shrunk in "
            << shrunk.runs << " runs to " << minimal.fault.schedule.size() << " fault decisions, "
            << minimal.client.workload.size() + minimal.server.workload.size() << " steps, trace hash "
            << sim::to_hex64(shrunk.result.trace_hash) << "\n    replay: stutter replay " << path << "\n";
  return path;
}

}  // namespace stutter::cli
