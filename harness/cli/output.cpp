#include "output.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "junit.hpp"
#include "scenario/names.hpp"
#include "sim/trace.hpp"
#include "stutter_reports/report.hpp"

namespace stutter::cli {

bool write_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "stutter: cannot write " << path << "\n";
    return false;
  }
  return true;
}

void print_runs(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                const output_options& output) {
  if (output.quiet) return;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& r = outcomes[i].result;
    const bool notable = r.verdict != scenario::verdict::pass;
    if (!notable && !output.verbose) continue;
    std::string verdict(scenario::to_string(r.verdict));
    for (auto& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::cout << verdict << "  " << run_label(items[i]) << " " << sim::to_hex64(r.trace_hash);
    if (r.invariant) std::cout << "  " << *r.invariant;
    std::cout << "\n";
    if (notable && !r.message.empty()) std::cout << "    " << r.message << "\n";
    if (runner::is_failure(r.verdict)) std::cout << "    replay: " << replay_command(items[i]) << "\n";
  }
}

void run_tally::add(const work_outcome& o) {
  ++runs;
  ++verdicts[std::string(scenario::to_string(o.result.verdict))];
  failed += runner::is_failure(o.result.verdict) ? 1 : 0;
  deterministic = deterministic && o.deterministic;
  not_replayable += o.result.replayable ? 0 : 1;
}

bool print_summary(const run_tally& t) {
  std::cout << "stutter: " << t.runs << " runs:";
  const char* sep = " ";
  for (auto name : scenario::all_verdict_names()) {
    auto it = t.verdicts.find(std::string(name));
    if (it == t.verdicts.end()) continue;
    std::cout << sep << it->second << " " << name;
    sep = ", ";
  }
  std::cout << "; determinism " << (t.deterministic ? "ok" : "MISMATCH");
  if (t.not_replayable != 0) std::cout << " (" << t.not_replayable << " not replayable: a peer draws its own randomness)";
  std::cout << "\n";
  std::cout << (t.runs - t.failed) << " passed, " << t.failed << " failed\n";
  return t.failed == 0;
}

bool print_summary(const std::vector<work_item>&, const std::vector<work_outcome>& outcomes, const output_options&) {
  run_tally t;
  for (const auto& o : outcomes) t.add(o);
  return print_summary(t);
}

int write_outputs(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                  const run_context& context, const std::string& json_file, const std::string& junit_file,
                  const std::string& report_dir, const explore_summary* explore) {
  nlohmann::json doc;
  if (!json_file.empty() || !report_dir.empty()) doc = results_document(items, outcomes, context, explore);
  if (!json_file.empty()) {
    if (!write_file(json_file, doc.dump(1) + "\n")) return exit_bad_input;
    std::cout << "results: " << json_file << "\n";
  }
  if (!junit_file.empty()) {
    if (!write_file(junit_file, junit_xml(items, outcomes))) return exit_bad_input;
    std::cout << "junit: " << junit_file << "\n";
  }
  if (!report_dir.empty()) {
    reports::render_report({doc}, report_dir);
    std::cout << "report: " << (std::filesystem::path(report_dir) / "index.html").generic_string() << "\n";
  }
  return exit_pass;
}

}  // namespace stutter::cli
