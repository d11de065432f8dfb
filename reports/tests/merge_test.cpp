// Merging shards: order-independent, equal to one document holding everything, strict on duplicates.
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace t = stutter::reports::testing;
using nlohmann::json;

namespace {

std::vector<json> all_rows() {
  return {t::make_result("b-scn", "wslay", 1, "fail", "websocket"), t::make_result("a-scn", "stutter", 2, "pass", "line"),
          t::make_result("a-scn", "stutter", 1, "hang", "line"),    t::make_result("a-scn", "gnutls", 1, "pass", "line"),
          t::make_result("c-scn", "stutter", 0, "xpass", "length")};
}

std::string what_of(const std::vector<json>& docs) {
  try {
    sr::merge_results(docs);
  } catch (const sr::report_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(merging)

BOOST_AUTO_TEST_CASE(two_shards_equal_one_document_with_both) {
  auto rows = all_rows();
  json shard1 = t::make_document({rows[0], rows[2], rows[4]}, "1/2");
  json shard2 = t::make_document({rows[1], rows[3]}, "2/2");
  json whole = t::make_document(rows, "1/1");

  json merged = sr::merge_results({shard1, shard2});
  json reference = sr::merge_results({whole});
  BOOST_TEST(merged["results"] == reference["results"]);
  BOOST_TEST(merged["summary"] == reference["summary"]);
  BOOST_TEST(merged["tool"] == reference["tool"]);
  BOOST_TEST(merged["run"]["shards"] == json({"1/2", "2/2"}));
  BOOST_TEST(merged["run"]["duration_ms"] == 2468);
  BOOST_TEST(sr::merge_results({shard2, shard1}) == merged);  // shard order does not matter
}

BOOST_AUTO_TEST_CASE(results_sorted_and_summary_recomputed) {
  json doc = t::make_document(all_rows());
  doc["summary"]["runs"] = 999;  // stale input summaries are ignored
  json merged = sr::merge_results({doc});
  std::vector<std::string> order;
  for (const auto& r : merged["results"]) order.push_back(r["id"].get<std::string>());
  BOOST_TEST(order == (std::vector<std::string>{"c-scn-stutter-0", "a-scn-gnutls-1", "a-scn-stutter-1",
                                                 "a-scn-stutter-2", "b-scn-wslay-1"}),
             boost::test_tools::per_element());
  BOOST_TEST(merged["summary"]["runs"] == 5);
  BOOST_TEST(merged["summary"]["verdicts"] == json({{"fail", 1}, {"hang", 1}, {"pass", 2}, {"xpass", 1}}));
  BOOST_TEST(merged["summary"]["determinism"] == "ok");
  BOOST_TEST(merged["results"][0] == all_rows()[4]);  // results are copied unchanged
}

BOOST_AUTO_TEST_CASE(roles_sort_within_an_implementation_and_new_fields_are_kept) {
  json server = t::make_result("a-scn", "cframe", 0, "crash");
  server["id"] = "a-scn.cframe.server-0";
  server["role"] = "server";
  server["implementation_identity"] = t::plugin_identity();
  server["expectation_reason"] = "known to crash on a close during a fragmented message";
  json client = t::make_result("a-scn", "cframe", 0);
  client["id"] = "a-scn.cframe.client-0";
  client["role"] = "client";
  json merged = sr::merge_results({t::make_document({server}, "1/2"), t::make_document({client}, "2/2")});
  BOOST_TEST_REQUIRE(merged["results"].size() == 2u);
  BOOST_TEST(merged["results"][0] == client);  // "client" < "server"
  BOOST_TEST(merged["results"][1] == server);
  BOOST_TEST(merged["summary"]["verdicts"] == json({{"crash", 1}, {"pass", 1}}));
}

BOOST_AUTO_TEST_CASE(determinism_failure_in_any_shard_shows) {
  json a = t::make_document({all_rows()[0]}, "1/2");
  json b = t::make_document({all_rows()[1]}, "2/2");
  b["summary"]["determinism"] = "mismatch";
  BOOST_TEST(sr::merge_results({a, b})["summary"]["determinism"] == "mismatch");
  BOOST_TEST(sr::merge_results({b, a})["summary"]["determinism"] == "mismatch");
}

BOOST_AUTO_TEST_CASE(overlapping_shards_are_an_error) {
  auto rows = all_rows();
  json shard1 = t::make_document({rows[0], rows[1]}, "1/2");
  json shard2 = t::make_document({rows[2], rows[1]}, "2/2");
  const std::string what = what_of({shard1, shard2});
  BOOST_TEST(what.find("duplicate run") != std::string::npos, what);
  BOOST_TEST(what.find("document 2 at /results/1") != std::string::npos, what);
  BOOST_TEST(what.find("document 1 at /results/1") != std::string::npos, what);
  BOOST_CHECK_NO_THROW(sr::merge_results({shard1, t::make_document({rows[2]}, "2/2")}));
}

BOOST_AUTO_TEST_CASE(same_run_under_a_new_id_is_still_a_duplicate) {
  json again = all_rows()[0];
  again["id"] = "renamed";
  const std::string what = what_of({t::make_document({all_rows()[0], again})});
  BOOST_TEST(what.find("duplicate run") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(duplicate_ids_are_an_error) {
  json other = t::make_result("other", "stutter", 0);
  other["id"] = all_rows()[0]["id"];
  const std::string what = what_of({t::make_document({all_rows()[0], other})});
  BOOST_TEST(what.find("duplicate id") != std::string::npos, what);
  BOOST_TEST(what.find("/results/1/id") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(documents_from_different_builds_do_not_merge) {
  json a = t::make_document({all_rows()[0]}, "1/2");
  json b = t::make_document({all_rows()[1]}, "2/2");
  b["tool"]["commit"] = "fedcba987654";
  const std::string what = what_of({a, b});
  BOOST_TEST(what.find("/tool/commit") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(nothing_to_merge_is_an_error) { BOOST_CHECK_THROW(sr::merge_results({}), sr::report_error); }

BOOST_AUTO_TEST_SUITE_END()
