#include "test_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace stutter::scenario::test {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_ending(const fs::path& dir, const std::string& suffix, bool recursive) {
  std::vector<fs::path> out;
  auto consider = [&](const fs::directory_entry& e) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path());
    }
  };
  if (!fs::exists(dir)) return out;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) consider(e);
  } else {
    for (const auto& e : fs::directory_iterator(dir)) consider(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> example_files() { return files_ending("harness/tests/scenario/examples", ".json"); }

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> out;
  for (const fs::path& p : files_ending("scenarios", ".json", true)) {
    if (p != fs::path("scenarios/schema.json")) out.push_back(p);
  }
  return out;
}

std::vector<std::string> readme_scenarios() {
  std::istringstream in(read_file("scenarios/README.md"));
  std::vector<std::string> out;
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      if (block.rfind("{\n  \"version\"", 0) == 0) out.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return out;
}

}  // namespace stutter::scenario::test
