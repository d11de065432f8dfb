#include <fstream>
#include <set>

#include "assets.hpp"
#include "coverage.hpp"
#include "index_page.hpp"
#include "merge.hpp"
#include "run_page.hpp"
#include "stutter_reports/report.hpp"

namespace stutter::reports {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Pages of runs that are no longer notable would otherwise linger and mislead.
void remove_stale_pages(const fs::path& runs_dir, const std::set<std::string>& written) {
  for (const auto& entry : fs::directory_iterator(runs_dir)) {
    const fs::path& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".html" && written.count(p.filename().string()) == 0) fs::remove(p);
  }
}

}  // namespace

report_stats render_report(const std::vector<nlohmann::json>& documents, const fs::path& out_dir,
                           const report_options& options) {
  const detail::merged_run run = detail::parse_and_merge(documents, options.document_names);
  const detail::coverage cov = detail::compute_coverage(run.rows, run.explore);

  fs::create_directories(out_dir / "runs");
  fs::create_directories(out_dir / "assets");
  write_file(out_dir / "assets" / "report.css", detail::report_css());
  write_file(out_dir / "assets" / "report.js", detail::report_js());

  report_stats stats;
  stats.runs = run.runs;
  std::set<std::string> written;
  for (const auto& row : run.rows) {
    if (row.page.empty()) continue;
    write_file(out_dir / "runs" / row.page, detail::render_run_page(row, run, options.timeline_cap));
    written.insert(row.page);
  }
  stats.pages = written.size();
  remove_stale_pages(out_dir / "runs", written);

  const std::string index = detail::render_index(run, cov);
  write_file(out_dir / "index.html", index);
  stats.index_bytes = index.size();
  return stats;
}

nlohmann::json merge_results(const std::vector<nlohmann::json>& documents, const report_options& options) {
  return detail::to_json(detail::parse_and_merge(documents, options.document_names), documents);
}

}  // namespace stutter::reports
