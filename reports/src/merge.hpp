#pragma once
// Merges parsed documents (e.g. shards) into one deterministic run.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace stutter::reports::detail {

struct merged_run {
  std::vector<std::string> document_names;
  std::string tool_name;
  std::string tool_version;
  std::string commit;
  std::vector<std::string> commands;  // distinct values, sorted
  std::vector<std::string> shards;    // distinct values, in shard order
  std::vector<std::string> seeds;     // distinct values, sorted
  std::string determinism;            // "ok", "" when no document reported it, else the non-ok values
  std::optional<std::uint64_t> duration_ms;  // summed over documents
  std::vector<result_row> rows;       // sorted by (category, scenario, implementation, role, seed)
  std::vector<explore_totals> explore;  // summed per (stack, implementation, role), in that order
  std::uint64_t runs = 0;             // every run: results not made by explore, plus explore's totals
  counts verdicts;                    // over every run; only verdicts that occur
};

// Runs per second of wall time (summed over shards, so per explore process); none without a duration.
std::optional<double> runs_per_second(const explore_totals& t);

// Throws report_error on duplicate runs or ids, when documents come from different builds, or
// when an explore result has no explore summary to count it.
// Assigns every row that needs one a unique, filename-safe page name.
merged_run merge(std::vector<parsed_document> documents);

// The merged results document; result objects are copied unchanged from `originals`.
nlohmann::json to_json(const merged_run& run, const std::vector<nlohmann::json>& originals);

// Parses and merges; names default to "document N".
merged_run parse_and_merge(const std::vector<nlohmann::json>& documents, const std::vector<std::string>& names);

}  // namespace stutter::reports::detail
