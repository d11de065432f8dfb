// scenarios/schema.json describes the same format as the loader: its names match names.cpp, the
// valid files satisfy it, and it rejects the malformed corpus except where only the loader can tell.

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/format.hpp"
#include "scenario/names.hpp"
#include "schema_check.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;
using nlohmann::json;

namespace {

const json& schema() {
  static const json s = json::parse(sc::test::read_file("scenarios/schema.json"));
  return s;
}

std::vector<std::string> strings(const json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

template <typename Names>
std::vector<std::string> strings(const Names& names) {
  return {names.begin(), names.end()};
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_schema)

BOOST_AUTO_TEST_CASE(scenario_schema_header) {
  BOOST_TEST(schema().at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  BOOST_TEST(schema().at("additionalProperties") == false);
  BOOST_TEST((strings(schema().at("required")) == std::vector<std::string>{"version", "name", "client", "server"}));
}

BOOST_AUTO_TEST_CASE(scenario_schema_names_match_names_cpp) {
  const json& defs = schema().at("$defs");
  BOOST_TEST(strings(defs.at("layer").at("enum")) == strings(sc::all_layer_names()), boost::test_tools::per_element());
  BOOST_TEST(strings(defs.at("fault_kind").at("enum")) == strings(sc::all_fault_kind_names()),
             boost::test_tools::per_element());
  std::vector<std::string> steps;
  for (const auto& [key, value] : defs.at("step").at("properties").items()) steps.push_back(key);
  std::vector<std::string> step_names = strings(sc::all_step_kind_names());
  BOOST_TEST(std::set<std::string>(steps.begin(), steps.end()) ==
                 std::set<std::string>(step_names.begin(), step_names.end()),
             boost::test_tools::per_element());
  std::vector<std::string> verdicts = strings(sc::all_verdict_names());
  std::erase(verdicts, "xfail");
  std::erase(verdicts, "xpass");
  BOOST_TEST(strings(defs.at("expect").at("properties").at("verdict").at("enum")) == verdicts,
             boost::test_tools::per_element());
  BOOST_TEST(strings(defs.at("settings").at("properties").at("length_prefix").at("enum")) ==
                 strings(sc::format::length_prefixes),
             boost::test_tools::per_element());
  BOOST_TEST(strings(defs.at("settings").at("properties").at("tls_version").at("enum")) ==
                 strings(sc::format::tls_versions),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scenario_schema_accepts_valid_files) {
  std::vector<std::pair<std::string, std::string>> docs;
  for (const auto& f : sc::test::example_files()) docs.emplace_back(f.string(), sc::test::read_file(f));
  for (const auto& f : sc::test::corpus_files()) docs.emplace_back(f.string(), sc::test::read_file(f));
  const auto blocks = sc::test::readme_scenarios();
  for (std::size_t i = 0; i < blocks.size(); ++i) docs.emplace_back("README example " + std::to_string(i + 1), blocks[i]);
  BOOST_TEST(docs.size() >= 4u);
  for (const auto& [label, text] : docs) {
    const auto problems = sc::test::schema_problems(schema(), json::parse(text));
    BOOST_TEST(problems.empty(), label << joined(problems));
  }
}

// What the loader alone can reject: JSON that nlohmann also accepts but a schema cannot judge.
const std::set<std::string> loader_only{
    "duplicate-key",         // nlohmann keeps the last value
    "duplicate-key-root",
    "non-integer-exponent",  // 1e3 is an integer to JSON Schema
    "separator-too-long",    // 5 characters but 10 bytes; maxLength counts characters
    "byte-order-mark",       // nlohmann skips it
    "max-line-exceeds-buffer",  // a relation between two settings
    "line-read-block-zero",     // a relation between the stack and two settings
    "length-prefix-exceeds-buffer",
    "varint-prefix-exceeds-buffer",
};

BOOST_AUTO_TEST_CASE(scenario_schema_rejects_the_malformed_corpus) {
  for (const auto& file : sc::test::files_ending("scenarios/malformed", ".json.bad")) {
    const std::string name = file.filename().string();
    const std::string stem = name.substr(0, name.size() - 9);
    const json doc = json::parse(sc::test::read_file(file), nullptr, false);
    if (doc.is_discarded()) continue;  // not JSON at all
    const bool rejected = !sc::test::schema_problems(schema(), doc).empty();
    BOOST_TEST(rejected == (loader_only.count(stem) == 0), stem);
  }
}

BOOST_AUTO_TEST_CASE(scenario_schema_checker_catches_problems) {
  const json s = json::parse(R"({"type": "object", "additionalProperties": false,
                                 "properties": {"a": {"type": "integer", "maximum": 3}}})");
  BOOST_TEST(sc::test::schema_problems(s, json::parse(R"({"a": 3})")).empty());
  BOOST_TEST(sc::test::schema_problems(s, json::parse(R"({"a": 4})")).size() == 1u);
  BOOST_TEST(sc::test::schema_problems(s, json::parse(R"({"b": 1})")).size() == 1u);
  BOOST_TEST(sc::test::schema_problems(json::parse(R"({"frobnicate": 1})"), json::object()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
