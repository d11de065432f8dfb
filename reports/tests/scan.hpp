#pragma once
// Helpers that inspect a written report.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace stutter::reports::testing {

// Every regular file under dir, keyed by its path relative to dir.
std::map<std::string, std::string> read_tree(const std::filesystem::path& dir);

// Occurrences of `anchor` (a piece of an untrusted string without markup characters) that do not
// sit inside an occurrence of `escaped` (the whole untrusted string, correctly escaped).
// Non-zero means the string reached the page raw or only partly escaped.
std::size_t unescaped_occurrences(std::string_view page, std::string_view escaped, std::string_view anchor);

std::size_t count(std::string_view text, std::string_view needle);

// A fresh, empty directory under the system's temporary directory, removed on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace stutter::reports::testing
