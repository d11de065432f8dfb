#pragma once
// The results document as the renderer sees it, after validation (parse.hpp).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stutter::reports::detail {

using counts = std::map<std::string, std::uint64_t>;

struct timeline_event {
  std::uint64_t t = 0;
  std::string endpoint;
  std::string layer;
  std::string op;
  std::string result;
  std::string fault;  // empty when no fault was injected
  std::string phase;  // protocol phase, when the writer recorded it
  std::string error;  // error message, when the operation failed
  std::optional<std::uint64_t> requested;
  std::optional<std::uint64_t> n;
};

struct wire_chunk {
  std::uint64_t t = 0;
  std::string from;
  std::string bytes;  // decoded from hex
};

struct data_pair {
  std::string expected;   // decoded from hex
  std::string delivered;  // decoded from hex
};

// Which build of a loaded implementation (a plug-in) ran.
struct implementation_identity {
  std::string name;
  std::string version;
  std::string sha256;
  friend bool operator==(const implementation_identity&, const implementation_identity&) = default;
};

struct result_row {
  std::string id;
  std::string scenario;
  std::string file;
  std::string category;
  std::string description;
  std::string rule;
  std::string implementation;
  std::string role;  // own, client, server or both
  std::optional<implementation_identity> identity;
  std::vector<std::string> stack;
  std::uint64_t seed = 0;
  std::string verdict;
  std::string expected_verdict;
  std::string expectation_reason;
  std::string invariant;  // empty when none broke
  std::string message;
  std::string trace_hash;
  std::string replay;
  std::vector<std::string> invariants_checked;
  std::optional<std::uint64_t> operations;
  std::optional<std::uint64_t> bytes;
  std::optional<std::uint64_t> steps;
  std::optional<std::uint64_t> virtual_time;
  counts faults;  // stats.faults: totals without phase
  std::optional<std::map<std::string, counts>> faults_by_phase;
  std::optional<data_pair> data;
  std::vector<timeline_event> timeline;
  std::vector<wire_chunk> wire;
  bool explore = false;  // one of an explore job's runs: counted by its explore summary

  std::size_t document = 0;  // which input document, and where in its results array
  std::size_t index = 0;
  std::string page;  // file name under runs/, empty when the run gets no page
};

// The totals of an explore job for one (stack, implementation, role).
struct explore_totals {
  std::string stack;  // layers joined with ",", as in the results' stack arrays
  std::string implementation;
  std::string role;
  std::optional<implementation_identity> identity;
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> seeds;  // first, last
  counts verdicts;
  counts faults;
  std::optional<std::uint64_t> duration_ms;

  std::size_t document = 0;  // where it came from (the first document, once merged)
  std::size_t index = 0;
};

struct document_meta {
  std::string name;
  std::string tool_name;
  std::string tool_version;
  std::string commit;
  std::string command;
  std::string shard;
  std::string seeds;
  std::string determinism;
  std::optional<std::uint64_t> duration_ms;
};

struct parsed_document {
  document_meta meta;
  std::vector<result_row> rows;
  std::vector<explore_totals> explore;
};

// A run page is written for every run that did not pass or that carries a timeline.
inline bool needs_page(const result_row& row) { return row.verdict != "pass" || !row.timeline.empty(); }

// A result's stack as explore summaries name it: "line,length".
inline std::string stack_key(const std::vector<std::string>& stack) {
  std::string out;
  for (const auto& layer : stack) out += (out.empty() ? "" : ",") + layer;
  return out;
}

}  // namespace stutter::reports::detail
