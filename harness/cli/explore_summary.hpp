#pragma once
// Totals of what `stutter explore` ran, one per (stack, implementation, role). An explore job
// makes hundreds of thousands of runs and its results document keeps only the failing ones,
// so these totals are the record of the rest (the "explore" array, reports/README.md).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "work.hpp"

namespace stutter::cli {

class explore_summary {
 public:
  explore_summary();

  // Counts one finished run.
  void add(const work_item& item, const work_outcome& outcome);

  std::uint64_t runs() const;
  bool deterministic() const { return deterministic_; }
  // Verdict -> runs, over every run added.
  nlohmann::json verdicts() const;
  // One object per (stack, implementation, role), in that order.
  nlohmann::json to_json() const;
  // A guided search's coverage over time, as (runs, features) points: written into each
  // group's entry as "coverage" (the groups are that search's runs).
  void set_coverage(std::vector<std::pair<std::uint64_t, std::uint64_t>> points) { coverage_ = std::move(points); }

 private:
  using clock = std::chrono::steady_clock;
  struct totals {
    std::optional<scenario::implementation_identity> identity;
    std::uint64_t runs = 0;
    std::uint64_t failures = 0;
    std::uint64_t first_seed = 0;
    std::uint64_t last_seed = 0;
    std::map<std::string, std::uint64_t> verdicts;
    std::map<std::string, std::uint64_t> faults;
    clock::time_point started;
    clock::time_point finished;
  };
  std::map<std::tuple<std::string, std::string, std::string>, totals> groups_;
  // When the last run was added: a group's time starts there when its first run comes in,
  // so implementations explored one after another each get their own span.
  clock::time_point last_add_;
  bool deterministic_ = true;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> coverage_;
};

}  // namespace stutter::cli
