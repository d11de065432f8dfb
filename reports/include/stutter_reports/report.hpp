#pragma once
// Renders Stutter results documents (the JSON written by `stutter run --json`, see
// reports/README.md) into a self-contained static HTML report.

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stutter::reports {

// Malformed or inconsistent input. what() reads "<document> at <JSON pointer>: <problem>".
class report_error : public std::runtime_error {
 public:
  report_error(std::string document, std::string pointer, const std::string& problem);
  const std::string& document() const noexcept { return document_; }
  const std::string& pointer() const noexcept { return pointer_; }

 private:
  std::string document_;
  std::string pointer_;
};

struct report_stats {
  std::size_t runs = 0;         // every run: the results, plus the runs explore summaries count
  std::size_t pages = 0;        // run pages written under runs/
  std::size_t index_bytes = 0;  // size of index.html
};

struct report_options {
  // Names used in error messages and on the index, e.g. the files the documents came from.
  // Missing entries default to "document 1", "document 2", ...
  std::vector<std::string> document_names{};
  // Timeline events drawn per run page; the rest are counted, not drawn.
  std::size_t timeline_cap = 400;
};

// Merges the documents (e.g. from `--shard K/N` runs) and writes index.html, runs/<id>.html
// for every failing or notable run, and assets/ into out_dir (created if needed). Stale
// runs/*.html from an earlier report in the same directory are removed.
// Same input, byte-identical output. Throws report_error on malformed input.
report_stats render_report(const std::vector<nlohmann::json>& documents, const std::filesystem::path& out_dir,
                           const report_options& options = {});

// The merged results document: results sorted by (category, scenario, implementation, role,
// seed), explore summaries summed, summary recomputed. Throws report_error on malformed input, duplicate runs or mixed builds.
nlohmann::json merge_results(const std::vector<nlohmann::json>& documents, const report_options& options = {});

// Reads and parses one results file; a syntax error becomes a report_error naming the file.
nlohmann::json read_results_file(const std::filesystem::path& path);

}  // namespace stutter::reports
