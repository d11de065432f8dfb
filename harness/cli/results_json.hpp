#pragma once
// The results document (format "stutter-results", version 1; reports/README.md documents
// it): what `stutter run --json` writes and `stutter report` reads.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "explore_summary.hpp"
#include "work.hpp"

namespace stutter::cli {

struct run_context {
  std::string command;
  std::string shard = "1/1";
  std::string seeds;
  std::uint64_t duration_ms = 0;
};

// With `explore`, the items are the notable part of an explore job: the document gets its
// "explore" totals, every result is marked "explore": true, and the summary counts every
// run the job made.
nlohmann::json results_document(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                                const run_context& context, const explore_summary* explore = nullptr);

// One result object (exposed for `stutter replay --json`).
nlohmann::json result_entry(const work_item& item, const work_outcome& outcome);

}  // namespace stutter::cli
