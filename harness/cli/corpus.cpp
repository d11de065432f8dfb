#include "corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "plugin/plugin_library.hpp"
#include "runner/implementations.hpp"
#include "scenario/load.hpp"

namespace stutter::cli {

namespace fs = std::filesystem;

std::string check_implementation(const std::string& name) {
  try {
    if (runner::find_implementation(name) != nullptr) return {};
  } catch (const plugin::plugin_error& e) {
    return e.what();
  }
  std::string known;
  for (const auto& n : runner::implementation_names()) known += (known.empty() ? "" : ", ") + n;
  return "unknown implementation \"" + name + "\"; expected plugin:PATH or one of: " + known;
}

std::vector<loaded_scenario> load_corpus(const std::vector<std::string>& paths, bool& ok) {
  ok = true;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".json" && !it->path().filename().string().ends_with("schema.json")) {
          found.push_back(it->path().generic_string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      std::cerr << p << ": no such file or folder\n";
      ok = false;
    }
  }
  std::vector<loaded_scenario> out;
  std::map<std::string, std::string> names;  // name -> file: results and reports key on names
  for (const auto& f : files) {
    try {
      loaded_scenario s{f, scenario::load_scenario_file(f)};
      auto [it, fresh] = names.emplace(s.value.name, f);
      if (!fresh) {
        std::cerr << f << ": /name: \"" << s.value.name << "\" is already the name of " << it->second << "\n";
        ok = false;
        continue;
      }
      if (std::string why = check_implementation(s.value.peer); !why.empty()) {
        std::cerr << f << ": /peer: " << why << "\n";
        ok = false;
        continue;
      }
      out.push_back(std::move(s));
    } catch (const scenario::load_error& e) {
      std::cerr << e.what() << "\n";
      ok = false;
    }
  }
  return out;
}

}  // namespace stutter::cli
