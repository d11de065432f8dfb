#pragma once
// Saving what a search found: a failing run is shrunk (unless it ran in a worker process,
// which shrinking cannot rerun), written as a scenario file under the output folder, and
// announced with the command that replays it.

#include <string>

#include "runner/runner.hpp"

namespace stutter::cli {

// `found_by` says how it was found, e.g. "`stutter explore --stack line` at seed 7"; it goes
// into the saved scenario's description. Returns the saved file's path ("" if it could not
// be written).
std::string save_failure(const std::string& out_dir, const std::string& found_by, const scenario::scenario& failing,
                         const runner::run_result& r);

}  // namespace stutter::cli
