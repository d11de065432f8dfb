#include "scan.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace stutter::reports::testing {

namespace fs = std::filesystem;

std::map<std::string, std::string> read_tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    out[fs::relative(entry.path(), dir).generic_string()] = text.str();
  }
  return out;
}

std::size_t unescaped_occurrences(std::string_view page, std::string_view escaped, std::string_view anchor) {
  // Mark the spans covered by correctly escaped copies, then look for anchors outside them.
  std::vector<std::pair<std::size_t, std::size_t>> covered;
  for (auto at = page.find(escaped); at != std::string_view::npos; at = page.find(escaped, at + 1)) {
    covered.emplace_back(at, at + escaped.size());
  }
  std::size_t bad = 0;
  for (auto at = page.find(anchor); at != std::string_view::npos; at = page.find(anchor, at + 1)) {
    bool inside = false;
    for (const auto& [begin, end] : covered) inside |= at >= begin && at + anchor.size() <= end;
    bad += inside ? 0 : 1;
  }
  return bad;
}

std::size_t count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "stutter-report-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace stutter::reports::testing
