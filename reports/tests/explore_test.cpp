// Explore summaries: validated, summed across shards, counted in the summary exactly once, and
// shown on the index with links to the failures they kept.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "coverage.hpp"
#include "fixtures.hpp"
#include "merge.hpp"
#include "scan.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace d = stutter::reports::detail;
namespace t = stutter::reports::testing;
using nlohmann::json;

namespace {

const std::string mutant = "mutant:drops-handover-bytes";

// Shard 1 of 2: 100 runs of the mutant (one failure, kept as a result) and 40 of the reference
// stack; shard 2: 150 runs of the mutant. Each also ran one corpus scenario.
json shard1() {
  json doc = t::make_document({t::make_explore_failure(mutant, "own", 7), t::make_result("corpus", "stutter", 0)}, "1/2");
  doc["explore"] = {t::make_explore_summary(mutant, "own", 100, 0, 1, 1000), t::make_explore_summary("stutter", "own", 40, 0, 0, 400)};
  return doc;
}

json shard2() {
  json doc = t::make_document({t::make_result("corpus", "stutter", 1)}, "2/2");
  doc["explore"] = {t::make_explore_summary(mutant, "own", 150, 100, 0, 500)};
  return doc;
}

std::string pointer_of(const json& doc) {
  try {
    sr::merge_results({doc});
  } catch (const sr::report_error& e) {
    return e.pointer();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explore)

BOOST_AUTO_TEST_CASE(two_shards_sum_per_stack_implementation_and_role) {
  const json merged = sr::merge_results({shard1(), shard2()});
  BOOST_TEST_REQUIRE(merged["explore"].size() == 2u);
  const json& m = merged["explore"][0];
  BOOST_TEST(m["implementation"] == mutant);
  BOOST_TEST(m["stack"] == "line,length");
  BOOST_TEST(m["role"] == "own");
  BOOST_TEST(m["runs"] == 250);
  BOOST_TEST(m["seeds"] == json({{"first", 0}, {"last", 249}}));
  BOOST_TEST(m["failures"] == 1);
  BOOST_TEST(m["verdicts"] == json({{"fail", 1}, {"pass", 249}}));
  BOOST_TEST(m["faults"] == json({{"eagain_read", 750}, {"partial_read", 125}}));
  BOOST_TEST(m["duration_ms"] == 1500);
  BOOST_TEST(m["runs_per_second"] == 166.7);
  BOOST_TEST(merged["explore"][1]["implementation"] == "stutter");
  BOOST_TEST(merged["explore"][1]["runs"] == 40);
  BOOST_TEST(sr::merge_results({shard2(), shard1()}) == merged);  // shard order does not matter
}

BOOST_AUTO_TEST_CASE(summary_counts_every_run_once) {
  const json merged = sr::merge_results({shard1(), shard2()});
  // Two corpus runs, 250 + 40 explore runs; the kept failure is one of the 250.
  BOOST_TEST(merged["summary"]["runs"] == 292);
  BOOST_TEST(merged["summary"]["verdicts"] == json({{"fail", 1}, {"pass", 291}}));
  BOOST_TEST(merged["results"].size() == 3u);
  // A merged document merges again to the same totals: its explore results stay marked.
  const json again = sr::merge_results({merged});
  BOOST_TEST(again["summary"] == merged["summary"]);
  BOOST_TEST(again["explore"] == merged["explore"]);
}

BOOST_AUTO_TEST_CASE(an_explore_result_needs_its_summary) {
  json doc = shard1();
  doc["explore"].erase(0);
  BOOST_TEST(pointer_of(doc) == "/results/0/explore");
  doc = shard1();
  doc["results"][0]["role"] = "server";  // no summary for the mutant at the server end
  BOOST_TEST(pointer_of(doc) == "/results/0/explore");
}

BOOST_AUTO_TEST_CASE(malformed_summaries_are_named) {
  auto with = [](const std::string& path, json value) {
    json doc = shard1();
    doc[json::json_pointer(path)] = std::move(value);
    return pointer_of(doc);
  };
  auto without = [](const std::string& field) {
    json doc = shard1();
    doc["explore"][1].erase(field);
    return pointer_of(doc);
  };
  BOOST_TEST(with("/explore", json::object()) == "/explore");
  BOOST_TEST(with("/explore/1", "x") == "/explore/1");
  BOOST_TEST(without("stack") == "/explore/1/stack");
  BOOST_TEST(without("runs") == "/explore/1/runs");
  BOOST_TEST(without("verdicts") == "/explore/1/verdicts");
  BOOST_TEST(with("/explore/1/runs", 41) == "/explore/1/verdicts");  // the verdicts no longer add up
  BOOST_TEST(with("/explore/1/verdicts/passed", 0) == "/explore/1/verdicts/passed");
  BOOST_TEST(with("/explore/1/failures", 41) == "/explore/1/failures");
  BOOST_TEST(with("/explore/1/role", "middle") == "/explore/1/role");
  BOOST_TEST(with("/explore/1/seeds/first", 100) == "/explore/1/seeds");
  BOOST_TEST(with("/explore/1/faults/hold", -1) == "/explore/1/faults/hold");
  BOOST_TEST(with("/explore/1/duration_ms", "1s") == "/explore/1/duration_ms");
  BOOST_TEST(with("/results/0/explore", "yes") == "/results/0/explore");
  // Optional parts may be absent.
  BOOST_TEST(without("seeds") == "no error");
  BOOST_TEST(without("duration_ms") == "no error");
  BOOST_TEST(without("failures") == "no error");
  BOOST_TEST(without("implementation") == "no error");
}

BOOST_AUTO_TEST_CASE(one_implementation_one_build) {
  json a = shard1(), b = shard2();
  a["explore"][0]["implementation_identity"] = t::plugin_identity();
  b["explore"][0]["implementation_identity"] = t::plugin_identity();
  BOOST_CHECK_NO_THROW(sr::merge_results({a, b}));
  b["explore"][0]["implementation_identity"]["sha256"] = "00";
  try {
    sr::merge_results({a, b});
    BOOST_FAIL("expected a report_error");
  } catch (const sr::report_error& e) {
    BOOST_TEST(e.pointer() == "/explore/0/implementation_identity");
    BOOST_TEST(std::string(e.what()).find("merge results of one build only") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(faults_count_once_under_explore) {
  const auto run = d::parse_and_merge({shard1(), shard2()}, {});
  const auto cov = d::compute_coverage(run.rows, run.explore);
  // Summaries: 3 per run over 290 runs; the corpus runs: 3 each (1 handshake, 2 data); the kept
  // explore failure's own faults are already in its summary.
  BOOST_TEST(cov.fired.at("eagain_read").at(std::string(d::explore_phase)) == 870u);
  BOOST_TEST(cov.total("eagain_read") == 876u);
  BOOST_TEST(cov.fired.at("partial_read").at(std::string(d::explore_phase)) == 145u);
  BOOST_TEST(cov.total("partial_read") == 145u);
  BOOST_TEST(cov.phases.back() == std::string(d::explore_phase));
}

BOOST_AUTO_TEST_CASE(index_shows_explore_totals_and_links_failures) {
  t::temp_dir dir;
  const auto stats = sr::render_report({shard1(), shard2()}, dir.path());
  BOOST_TEST(stats.runs == 292u);
  const auto files = t::read_tree(dir.path());
  const std::string& index = files.at("index.html");
  BOOST_TEST(index.find("<dd class=\"runs-total\">292</dd>") != std::string::npos);
  BOOST_TEST(index.find("<dd class=\"runs-explore\">290</dd>") != std::string::npos);
  BOOST_TEST(index.find("<a href=\"#explore\">Explore</a>") != std::string::npos);
  BOOST_TEST(t::count(index, "<tr class=\"explore-row\"") == 2u);
  const std::string page = "explore-line_length-7.mutant_drops-handover-bytes-7.html";
  BOOST_TEST(files.count("runs/" + page) == 1u);
  BOOST_TEST(index.find("<td class=\"mono\">0..249</td><td class=\"num failures\">1<span class=\"seeds\"><a class=\"v-fail\" href=\"runs/" +
                        page + "\"") != std::string::npos);
  BOOST_TEST(index.find("<td>249 pass, 1 fail</td>") != std::string::npos);
  BOOST_TEST(index.find("<span class=\"fault-count\"><code>eagain_read</code> 750</span>") != std::string::npos);
  BOOST_TEST(index.find("<td class=\"num\">166.7</td>") != std::string::npos);
  // The filter chips count the matrix's rows, not explore's passing runs.
  BOOST_TEST(index.find("value=\"pass\" checked> pass <span class=\"n\">2</span>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_explore_no_section) {
  t::temp_dir dir;
  sr::render_report({t::make_document({t::make_result("a", "stutter", 0)})}, dir.path());
  const std::string index = t::read_tree(dir.path()).at("index.html");
  BOOST_TEST(index.find("id=\"explore\"") == std::string::npos);
  BOOST_TEST(index.find("runs-explore") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
