#pragma once
// Files the scenario tests read, relative to the repository root (the tests' working directory).

#include <filesystem>
#include <string>
#include <vector>

namespace stutter::scenario::test {

std::string read_file(const std::filesystem::path& path);

// Regular files under dir whose names end with suffix, sorted, as paths relative to the root.
std::vector<std::filesystem::path> files_ending(const std::filesystem::path& dir, const std::string& suffix,
                                                bool recursive = false);

// The hand-written valid examples (harness/tests/scenario/examples/*.json).
std::vector<std::filesystem::path> example_files();

// The scenario corpus: scenarios/**/*.json, without schema.json.
std::vector<std::filesystem::path> corpus_files();

// Every ```json block of scenarios/README.md that holds a whole scenario (it opens with "version").
std::vector<std::string> readme_scenarios();

}  // namespace stutter::scenario::test
