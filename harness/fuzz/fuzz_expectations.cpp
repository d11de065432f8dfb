// fuzz_expectations: the strict expectations-file loader (harness/scenario/expectations.hpp).
// The input is the file's text. Checks: load_expectations returns the entries or throws
// load_error naming the file; nothing else escapes. For what it returns: every glob matches
// itself (glob_match), matching the entries against a scenario named by each glob and against
// names drawn from the text neither crashes nor throws, and find_expectation returns an entry
// that matches.
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "scenario/expectations.hpp"

using namespace stutter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::expectations_file file;
  try {
    file = scenario::load_expectations(text, "fuzz.json");
  } catch (const scenario::load_error& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.json: "), std::string("a load_error not naming the file: ") + e.what());
    return 0;
  }
  FUZZ_CHECK(file.path == "fuzz.json", "the file's path is '" + file.path + "'");
  scenario::scenario s;
  for (const auto& e : file.entries) {
    FUZZ_CHECK(scenario::glob_match(e.scenario_glob, e.scenario_glob), "the glob '" + e.scenario_glob + "' does not match itself");
    FUZZ_CHECK(scenario::glob_match(e.implementation_glob, e.implementation_glob),
               "the glob '" + e.implementation_glob + "' does not match itself");
    s.name = e.scenario_glob;
    s.peer = e.implementation_glob;
    if (const auto* hit = scenario::find_expectation(file, s)) {
      FUZZ_CHECK(scenario::entry_matches(*hit, s), "find_expectation returned an entry that does not match");
    }
    // Names cut from the text: globs against arbitrary bytes (UTF-8 or not).
    for (std::size_t at = 0; at < text.size() && at < 256; at += 17) {
      (void)scenario::glob_match(e.scenario_glob, text.substr(at, 40));
    }
  }
  return 0;
}
