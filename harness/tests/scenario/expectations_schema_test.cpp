// The expectations schema describes the same format as the loader: its names and limits match
// the C++ ones, what the loader takes satisfies it (the README's examples too), and it rejects
// the malformed corpus except where only the loader can tell.

#include <boost/test/unit_test.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/expectations.hpp"
#include "scenario/format.hpp"
#include "scenario/names.hpp"
#include "schema_check.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;
namespace limits = sc::expectations_format;
using nlohmann::json;

namespace {

const json& schema() {
  static const json s = json::parse(sc::test::read_file("harness/scenario/expectations.schema.json"));
  return s;
}

const json& entry_schema() { return schema().at("$defs").at("entry"); }

std::vector<std::string> strings(const json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

// The ```json blocks of the README's "Expectations files" section.
std::vector<std::string> readme_examples() {
  std::istringstream in(sc::test::read_file("scenarios/README.md"));
  std::vector<std::string> out;
  std::string line;
  std::string block;
  bool in_section = false;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Expectations files";
    if (!in_section) continue;
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      out.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return out;
}

// Files the loader takes that use every key and every verdict.
const char* const valid_files[] = {
    R"({"version": 1, "expectations": []})",
    R"({"$schema": "x", "version": 1, "description": "d", "expectations": [
      {"scenario": "a*", "implementation": "plugin:*", "role": "client", "verdict": "fail",
       "invariant": "bytes.exact", "message": "m", "reason": "r"},
      {"scenario": "b?", "role": "server", "verdict": "hang", "invariant": "liveness.progress", "reason": "r"},
      {"scenario": "c", "role": "both", "verdict": "crash", "reason": "r"},
      {"scenario": "d", "verdict": "pass", "reason": "r"},
      {"scenario": "e", "verdict": "non_strict", "reason": "r"},
      {"scenario": "f", "verdict": "unimplemented", "reason": "r"},
      {"scenario": "g", "verdict": "informational", "reason": "r"}]})",
};

// What only the loader can reject: nlohmann keeps the last of two equal keys.
const std::set<std::string> loader_only{"duplicate-key"};

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_expectations_schema)

BOOST_AUTO_TEST_CASE(expectations_schema_header) {
  BOOST_TEST(schema().at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  BOOST_TEST(schema().at("additionalProperties") == false);
  BOOST_TEST((strings(schema().at("required")) == std::vector<std::string>{"version", "expectations"}));
  BOOST_TEST(schema().at("properties").at("version").at("const") == limits::current_version);
  BOOST_TEST((strings(entry_schema().at("required")) == std::vector<std::string>{"scenario", "verdict", "reason"}));
}

BOOST_AUTO_TEST_CASE(expectations_schema_names_and_limits_match_the_loader) {
  std::vector<std::string> verdicts(sc::all_verdict_names().begin(), sc::all_verdict_names().end());
  std::erase(verdicts, "xfail");
  std::erase(verdicts, "xpass");
  const json& props = entry_schema().at("properties");
  BOOST_TEST(strings(props.at("verdict").at("enum")) == verdicts, boost::test_tools::per_element());
  std::vector<std::string> roles(sc::all_placement_names().begin(), sc::all_placement_names().end());
  std::erase(roles, "own");
  BOOST_TEST(strings(props.at("role").at("enum")) == roles, boost::test_tools::per_element());

  BOOST_TEST(schema().at("properties").at("expectations").at("maxItems") == limits::max_entries);
  BOOST_TEST(schema().at("properties").at("description").at("maxLength") == limits::max_description_bytes);
  BOOST_TEST(schema().at("$defs").at("glob").at("maxLength") == limits::max_glob_bytes);
  BOOST_TEST(props.at("message").at("maxLength") == limits::max_message_bytes);
  BOOST_TEST(props.at("reason").at("maxLength") == limits::max_reason_bytes);
  BOOST_TEST(props.at("invariant").at("pattern") ==
             "^[a-z0-9][a-z0-9_.*-]{0," + std::to_string(sc::format::max_invariant_bytes - 1) + "}$");
}

BOOST_AUTO_TEST_CASE(expectations_schema_accepts_what_the_loader_takes) {
  std::vector<std::pair<std::string, std::string>> docs;
  for (const char* text : valid_files) docs.emplace_back("inline example", text);
  const auto blocks = readme_examples();
  BOOST_TEST(blocks.size() >= 1u);
  for (std::size_t i = 0; i < blocks.size(); ++i) docs.emplace_back("README example " + std::to_string(i + 1), blocks[i]);
  for (const auto& [label, text] : docs) {
    BOOST_TEST_CONTEXT(label) {
      BOOST_CHECK_NO_THROW(sc::load_expectations(text, label));
      const auto problems = sc::test::schema_problems(schema(), json::parse(text));
      BOOST_TEST(problems.empty(), joined(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(expectations_schema_rejects_the_malformed_corpus) {
  std::size_t judged = 0;
  for (const auto& file : sc::test::files_ending("scenarios/malformed-expectations", ".json.bad")) {
    const std::string name = file.filename().string();
    const std::string stem = name.substr(0, name.size() - 9);
    const json doc = json::parse(sc::test::read_file(file), nullptr, false);
    if (doc.is_discarded()) continue;  // not JSON at all
    ++judged;
    const bool rejected = !sc::test::schema_problems(schema(), doc).empty();
    BOOST_TEST(rejected == (loader_only.count(stem) == 0), stem);
  }
  BOOST_TEST(judged >= 25u);
}

BOOST_AUTO_TEST_SUITE_END()
