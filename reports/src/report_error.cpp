#include <fstream>
#include <sstream>

#include "stutter_reports/report.hpp"

namespace stutter::reports {
namespace {

std::string describe(const std::string& document, const std::string& pointer, const std::string& problem) {
  std::string where = document.empty() ? std::string("results") : document;
  if (!pointer.empty()) where += " at " + pointer;
  return where + ": " + problem;
}

}  // namespace

report_error::report_error(std::string document, std::string pointer, const std::string& problem)
    : std::runtime_error(describe(document, pointer, problem)),
      document_(std::move(document)),
      pointer_(std::move(pointer)) {}

nlohmann::json read_results_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw report_error(path.string(), "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw report_error(path.string(), "", std::string("not valid JSON: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    // e.g. a number beyond a double's range (1E400): out_of_range, not parse_error.
    throw report_error(path.string(), "", std::string("not a results document: ") + e.what());
  }
}

}  // namespace stutter::reports
