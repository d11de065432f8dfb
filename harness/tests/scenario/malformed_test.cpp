// Every way a scenario file can be wrong gets one clear, exact message.
//
// The corpus is scenarios/malformed/NAME.json.bad (named so that `stutter run` never takes them for
// scenarios) with the full expected message in NAME.expected. Cases that need files too large or
// too odd to keep in the repository are built here.

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/format.hpp"
#include "scenario/load.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;
namespace fs = std::filesystem;

namespace {

const std::string base = R"({
  "version": 1,
  "name": "base",
  "client": {"stack": ["line"], "workload": [{"send": {"text": "HELLO"}}]},
  "server": {"stack": ["line"], "workload": [{"expect": {"text": "HELLO"}}]}
}
)";

std::string message_of_file(const fs::path& file) {
  try {
    sc::load_scenario_file(file);
  } catch (const sc::load_error& e) {
    return e.what();
  }
  return "<loaded>";
}

std::string message_of_text(const std::string& text) {
  try {
    sc::parse_scenario(text, "t.json");
  } catch (const sc::load_error& e) {
    return e.what();
  }
  return "<loaded>";
}

std::string without_final_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// A temporary directory of its own, removed at the end.
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("stutter-scenario-test-" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_malformed)

BOOST_AUTO_TEST_CASE(scenario_malformed_corpus_messages) {
  const auto files = sc::test::files_ending("scenarios/malformed", ".json.bad");
  BOOST_TEST(files.size() >= 25u);
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const fs::path expected_file = file.parent_path() / (name.substr(0, name.size() - 9) + ".expected");
    BOOST_TEST_CONTEXT(file.string()) {
      BOOST_REQUIRE_MESSAGE(fs::exists(expected_file), "no " << expected_file);
      BOOST_TEST(message_of_file(file) == without_final_newline(sc::test::read_file(expected_file)));
    }
  }
  // Every .expected file has its input.
  for (const fs::path& expected : sc::test::files_ending("scenarios/malformed", ".expected")) {
    const std::string name = expected.filename().string();
    BOOST_TEST(fs::exists(expected.parent_path() / (name.substr(0, name.size() - 9) + ".json.bad")), expected);
  }
}

BOOST_AUTO_TEST_CASE(scenario_malformed_the_base_is_valid) {
  BOOST_TEST(message_of_text(base) == "<loaded>");
}

BOOST_AUTO_TEST_CASE(scenario_malformed_unreadable_files) {
  BOOST_TEST(message_of_file("scenarios/malformed/no-such-file.json") ==
             "scenarios/malformed/no-such-file.json: (root): cannot open the file: No such file or directory");
  BOOST_TEST(message_of_file("scenarios/malformed") == "scenarios/malformed: (root): not a regular file");
}

BOOST_AUTO_TEST_CASE(scenario_malformed_file_size_limit) {
  temp_dir dir;
  const fs::path big = dir.path / "big.json";
  { std::ofstream(big) << base; }
  fs::resize_file(big, sc::format::max_file_bytes + 1);  // sparse: costs no disk
  BOOST_TEST(message_of_file(big) == big.string() + ": (root): the file is 67108865 bytes; the limit is 67108864 bytes (64 MiB)");

  std::string text = base;
  text.resize(sc::format::max_file_bytes + 1, ' ');
  BOOST_TEST(message_of_text(text) == "t.json: (root): the input is 67108865 bytes; the limit is 67108864 bytes (64 MiB)");
  text.resize(sc::format::max_file_bytes);  // exactly at the limit: only whitespace follows, so it loads
  BOOST_TEST(message_of_text(text) == "<loaded>");
}

BOOST_AUTO_TEST_CASE(scenario_malformed_total_data_limit) {
  // Two 64 MiB payloads are allowed; a third byte beyond them is not.
  std::string text = base;
  const std::string big = R"({"send": {"repeat": "x", "size": 67108864}})";
  text.replace(text.find(R"({"send": {"text": "HELLO"}})"), 27, big + ", " + big + R"(, {"send": {"text": "!"}})");
  BOOST_TEST(message_of_text(text) ==
             "t.json: /client/workload/2/send: the steps' data exceeds 134217728 bytes (128 MiB) in total");
}

BOOST_AUTO_TEST_CASE(scenario_malformed_workload_length_limit) {
  std::string steps;
  for (std::size_t i = 0; i <= sc::format::max_workload_steps; ++i) steps += i ? ",{\"switch\":{}}" : "{\"switch\":{}}";
  std::string text = base;
  text.replace(text.find(R"([{"send": {"text": "HELLO"}}])"), 29, "[" + steps + "]");
  BOOST_TEST(message_of_text(text) == "t.json: /client/workload/100000: more than 100000 steps");
}

BOOST_AUTO_TEST_CASE(scenario_malformed_stack_length_limit) {
  std::string text = base;
  std::string layers = R"("line")";
  for (int i = 1; i <= 16; ++i) layers += i % 2 ? R"(, "length")" : R"(, "line")";
  text.replace(text.find(R"(["line"])"), 8, "[" + layers + "]");
  BOOST_TEST(message_of_text(text) == "t.json: /client/stack/16: more than 16 layers");
}

BOOST_AUTO_TEST_SUITE_END()
