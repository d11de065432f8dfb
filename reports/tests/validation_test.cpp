// Malformed input fails loudly, naming the document and the JSON pointer; optional fields may be absent.
#include <fstream>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "scan.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace t = stutter::reports::testing;
using nlohmann::json;

namespace {

json two_rows() { return t::make_document({t::make_result("a", "stutter", 0), t::make_failing(t::make_result("b", "stutter", 0), 5)}); }

// The pointer of the report_error that merging `doc` (named "shard.json") throws.
std::string pointer_of(const json& doc) {
  try {
    sr::merge_results({doc}, {.document_names = {"shard.json"}});
  } catch (const sr::report_error& e) {
    BOOST_TEST(e.document() == "shard.json");
    BOOST_TEST(std::string(e.what()).find("shard.json at " + e.pointer() + ": ") == 0u, e.what());
    return e.pointer();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(well_formed_document_is_accepted) { BOOST_TEST(pointer_of(two_rows()) == "no error"); }

BOOST_AUTO_TEST_CASE(missing_required_fields_are_named) {
  for (const char* field : {"id", "scenario", "category", "verdict", "stack", "seed", "trace_hash"}) {
    json doc = two_rows();
    doc["results"][1].erase(field);
    BOOST_TEST(pointer_of(doc) == std::string("/results/1/") + field);
  }
}

BOOST_AUTO_TEST_CASE(wrong_types_and_values_are_named) {
  auto with = [](const std::string& path, json value) {
    json doc = two_rows();
    doc[json::json_pointer(path)] = std::move(value);
    return pointer_of(doc);
  };
  BOOST_TEST(with("/results/0/seed", -1) == "/results/0/seed");
  BOOST_TEST(with("/results/0/seed", "7") == "/results/0/seed");
  BOOST_TEST(with("/results/0/verdict", "passed") == "/results/0/verdict");
  BOOST_TEST(with("/results/0/expected_verdict", "ok") == "/results/0/expected_verdict");
  BOOST_TEST(with("/results/0/id", "") == "/results/0/id");
  BOOST_TEST(with("/results/0/stack/1", 3) == "/results/0/stack/1");
  BOOST_TEST(with("/results/1/data/delivered", "6g") == "/results/1/data/delivered");
  BOOST_TEST(with("/results/1/data/expected", "abc") == "/results/1/data/expected");
  BOOST_TEST(with("/results/1/timeline/3/t", "soon") == "/results/1/timeline/3/t");
  BOOST_TEST(with("/results/1/wire/2/hex", 12) == "/results/1/wire/2/hex");
  BOOST_TEST(with("/results/0/faults_by_phase/data/short_write", "two") == "/results/0/faults_by_phase/data/short_write");
  BOOST_TEST(with("/results/0/stats/faults", json::array()) == "/results/0/stats/faults");
  BOOST_TEST(with("/results/0/role", "middle") == "/results/0/role");
  BOOST_TEST(with("/results/0/role", 2) == "/results/0/role");
  BOOST_TEST(with("/results/0/implementation_identity", "cframe") == "/results/0/implementation_identity");
  BOOST_TEST(with("/results/0/implementation_identity/sha256", 7) == "/results/0/implementation_identity/sha256");
  BOOST_TEST(with("/results/0/expectation_reason", json::array()) == "/results/0/expectation_reason");
  BOOST_TEST(with("/results", json::object()) == "/results");
  BOOST_TEST(with("/format", "junit") == "/format");
  BOOST_TEST(with("/version", 2) == "/version");
}

BOOST_AUTO_TEST_CASE(pointer_tokens_are_escaped) {
  json doc = two_rows();
  doc["results"][0]["faults_by_phase"]["a/b~c"] = {{"hold", "x"}};
  BOOST_TEST(pointer_of(doc) == "/results/0/faults_by_phase/a~1b~0c/hold");
}

BOOST_AUTO_TEST_CASE(missing_timeline_field_is_named) {
  json doc = two_rows();
  doc["results"][1]["timeline"][3].erase("op");
  BOOST_TEST(pointer_of(doc) == "/results/1/timeline/3/op");
}

BOOST_AUTO_TEST_CASE(absent_optional_fields_are_fine) {
  json bare = {{"id", "bare-0"},   {"scenario", "bare"}, {"category", "line"}, {"verdict", "fail"},
               {"stack", {"line"}}, {"seed", 0},          {"trace_hash", ""}};
  json doc = {{"format", "stutter-results"}, {"version", 1}, {"results", {bare}}};
  t::temp_dir dir;
  sr::report_stats stats;
  BOOST_CHECK_NO_THROW(stats = sr::render_report({doc}, dir.path()));
  BOOST_TEST(stats.runs == 1u);
  BOOST_TEST(stats.pages == 1u);
  auto files = t::read_tree(dir.path());
  BOOST_TEST(files.at("runs/bare-0.html").find("No replay command was recorded") != std::string::npos);
  BOOST_TEST(files.at("index.html").find(">stutter</th>") != std::string::npos);  // the default implementation
}

BOOST_AUTO_TEST_CASE(unreadable_files_name_the_file) {
  t::temp_dir dir;
  const auto path = dir.path() / "broken.json";
  std::ofstream(path) << "{\"format\": ";
  try {
    sr::read_results_file(path);
    BOOST_FAIL("expected a report_error");
  } catch (const sr::report_error& e) {
    BOOST_TEST(e.document() == path.string());
    BOOST_TEST(std::string(e.what()).find("not valid JSON") != std::string::npos);
  }
  BOOST_CHECK_THROW(sr::read_results_file(dir.path() / "absent.json"), sr::report_error);
  // A number beyond a double's range is nlohmann's out_of_range, not a parse error (fuzz_results).
  std::ofstream(dir.path() / "huge.json") << "1E400";
  try {
    sr::read_results_file(dir.path() / "huge.json");
    BOOST_FAIL("expected a report_error");
  } catch (const sr::report_error& e) {
    BOOST_TEST(e.document() == (dir.path() / "huge.json").string());
  }
  std::ofstream(dir.path() / "ok.json") << two_rows().dump();
  BOOST_TEST(sr::read_results_file(dir.path() / "ok.json") == two_rows());
}

BOOST_AUTO_TEST_SUITE_END()
