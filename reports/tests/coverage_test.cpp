// Coverage: faults by phase are summed over runs, and gaps produce visible warnings.
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

const std::vector<std::string> all_kinds{"eagain_read", "eagain_write", "partial_read", "short_write",
                                         "capacity",    "latency",      "hold",         "half_close",
                                         "reset",       "limit_data",   "fail_at",      "one_byte"};
const std::vector<std::string> all_invariants{
    "bytes.exact",    "framing.records",   "chunking.invariance", "handover.exact",    "handover.no_overread",
    "buffer.bounded", "retry.same_buffer", "status.meaning",      "liveness.progress", "reneg.complete",
    "close.orderly",  "determinism.trace"};

// Two runs that between them fire every fault kind except `missing` and check every invariant
// except `unchecked`.
json document_without(const std::string& missing, const std::string& unchecked) {
  json a = t::make_result("a", "stutter", 0);
  json b = t::make_result("b", "stutter", 0);
  json phases = {{"handshake", json::object()}, {"data", json::object()}, {"renegotiation", json::object()}, {"close", json::object()}};
  a["faults_by_phase"] = phases;
  b["faults_by_phase"] = phases;
  for (std::size_t i = 0; i < all_kinds.size(); ++i) {
    if (all_kinds[i] == missing) continue;
    json& target = i % 2 ? a : b;
    target["faults_by_phase"][i % 3 ? "data" : "close"][all_kinds[i]] = i + 1;
  }
  json checked = json::array();
  for (const auto& inv : all_invariants) {
    if (inv != unchecked) checked.push_back(inv);
  }
  a["invariants_checked"] = checked;
  b["invariants_checked"] = {"ws.rfc6455.masking"};
  return t::make_document({a, b});
}

d::coverage coverage_of(const json& doc) { return d::compute_coverage(d::parse_and_merge({doc}, {}).rows); }

std::string index_of(const json& doc) {
  t::temp_dir dir;
  sr::render_report({doc}, dir.path());
  return t::read_tree(dir.path()).at("index.html");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(coverage)

BOOST_AUTO_TEST_CASE(warns_for_the_kind_that_never_fired_and_only_that_one) {
  auto cov = coverage_of(document_without("hold", "reneg.complete"));
  BOOST_TEST(cov.never_fired == std::vector<std::string>{"hold"}, boost::test_tools::per_element());
  BOOST_TEST(cov.never_checked == std::vector<std::string>{"reneg.complete"}, boost::test_tools::per_element());

  auto other = coverage_of(document_without("reset", "close.orderly"));
  BOOST_TEST(other.never_fired == std::vector<std::string>{"reset"}, boost::test_tools::per_element());
  BOOST_TEST(other.never_checked == std::vector<std::string>{"close.orderly"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(warnings_are_visible_on_the_index) {
  const std::string index = index_of(document_without("hold", "reneg.complete"));
  BOOST_TEST(index.find("<li class=\"warning\" data-fault=\"hold\">") != std::string::npos);
  BOOST_TEST(index.find("data-fault=\"eagain_read\"") == std::string::npos);
  BOOST_TEST(index.find("data-fault=\"one_byte\"") == std::string::npos);
  BOOST_TEST(index.find("<li class=\"warning\" data-invariant=\"reneg.complete\">") != std::string::npos);
  BOOST_TEST(index.find("data-invariant=\"bytes.exact\"") == std::string::npos);
  BOOST_TEST(index.find("<code>ws.rfc6455.masking</code>") != std::string::npos);  // seen ids join the table
  BOOST_TEST(t::count(index, "class=\"warning\"") == 2u);
}

BOOST_AUTO_TEST_CASE(full_coverage_says_so) {
  const std::string index = index_of(document_without("", ""));
  BOOST_TEST(index.find("class=\"warning\"") == std::string::npos);
  BOOST_TEST(index.find("class=\"all-covered\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(counts_are_summed_per_kind_and_phase) {
  json a = t::make_result("a", "stutter", 0);  // handshake eagain_read 1, data eagain_read 2, data short_write 2
  json b = t::make_result("b", "stutter", 0);
  b["faults_by_phase"]["renegotiation"] = {{"eagain_read", 5}};
  json c = t::make_result("c", "stutter", 0);
  c.erase("faults_by_phase");  // only totals: counted without a phase
  c["stats"]["faults"] = {{"hold", 4}};
  auto cov = coverage_of(t::make_document({a, b, c}));
  BOOST_TEST(cov.fired["eagain_read"]["handshake"] == 2u);
  BOOST_TEST(cov.fired["eagain_read"]["data"] == 4u);
  BOOST_TEST(cov.fired["eagain_read"]["renegotiation"] == 5u);
  BOOST_TEST(cov.fired["short_write"]["data"] == 4u);
  BOOST_TEST(cov.fired["hold"][std::string(d::no_phase)] == 4u);
  BOOST_TEST(cov.total("eagain_read") == 11u);
  BOOST_TEST(std::count(cov.never_fired.begin(), cov.never_fired.end(), "hold") == 0);
  BOOST_TEST(std::count(cov.phases.begin(), cov.phases.end(), std::string(d::no_phase)) == 1);
}

BOOST_AUTO_TEST_CASE(a_broken_invariant_counts_as_checked) {
  json a = t::make_result("a", "stutter", 0, "fail");
  a["invariants_checked"] = json::array();
  a["invariant"] = "handover.exact";
  auto cov = coverage_of(t::make_document({a}));
  BOOST_TEST(cov.checked["handover.exact"] == 1u);
  BOOST_TEST(cov.broken["handover.exact"] == 1u);
  BOOST_TEST(std::count(cov.never_checked.begin(), cov.never_checked.end(), "handover.exact") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
