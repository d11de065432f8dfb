// The matrix is dense: one column per implementation and role, a cell for every scenario in every
// column, and an explicit "not run" where a column has no run of a scenario.
#include <regex>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "scan.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace t = stutter::reports::testing;
using nlohmann::json;

namespace {

json in_role(json result, const std::string& role) {
  result["role"] = role;
  result["id"] = result["id"].get<std::string>() + "." + role;
  return result;
}

std::string index_of(const std::vector<json>& rows) {
  t::temp_dir dir;
  sr::render_report({t::make_document(rows)}, dir.path());
  return t::read_tree(dir.path()).at("index.html");
}

std::string header_of(const std::string& index) {
  const auto begin = index.find("<table class=\"matrix\">");
  return index.substr(begin, index.find("</thead>", begin) - begin);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(matrix)

BOOST_AUTO_TEST_CASE(a_missing_run_is_an_explicit_not_run_cell) {
  const std::string index = index_of({t::make_result("a", "stutter", 0), t::make_result("b", "stutter", 0),
                                      in_role(t::make_result("a", "wslay", 0), "server")});
  BOOST_TEST(t::count(index, "<td class=\"cell") == 4u);
  BOOST_TEST(t::count(index, "<td class=\"cell not-run\"") == 1u);
  BOOST_TEST(index.find("<td class=\"cell not-run\" title=\"b × wslay @ server: not run\"><span class=\"vname\">not run</span></td>") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(columns_are_implementation_and_role_reference_first) {
  json plugin = in_role(t::make_result("a", t::plugin_path, 0), "client");
  plugin["implementation_identity"] = t::plugin_identity();
  const std::string index = index_of({in_role(t::make_result("a", "wslay", 0), "server"), plugin,
                                      in_role(t::make_result("a", "wslay", 0), "client"), t::make_result("a", "wslay", 0),
                                      t::make_result("a", "stutter", 0)});
  const std::string header = header_of(index);
  std::vector<std::string> labels;
  const std::regex column("<th scope=\"col\" title=\"[^\"]*\">([^<]*)</th>");
  for (std::sregex_iterator it(header.begin(), header.end(), column), end; it != end; ++it) labels.push_back((*it)[1]);
  // The identity names the plug-in; "own" shows no suffix; client before server.
  BOOST_TEST(labels == (std::vector<std::string>{"stutter", "cframe @ client", "wslay", "wslay @ client", "wslay @ server"}),
             boost::test_tools::per_element());
  BOOST_TEST(header.find("title=\"plugin:/opt/cframe/libcframe.so, role client; cframe 1.2.0, sha256 9f2c") != std::string::npos);
  BOOST_TEST(t::count(index, "<td class=\"cell") == 5u);
}

BOOST_AUTO_TEST_CASE(plug_ins_with_one_name_are_told_apart_by_path) {
  json a = t::make_result("a", "plugin:/one/libcframe.so", 0);
  json b = t::make_result("a", "plugin:/two/libcframe.so", 0);
  a["implementation_identity"] = t::plugin_identity();
  b["implementation_identity"] = t::plugin_identity();
  b["implementation_identity"]["version"] = "2.0.0";
  const std::string header = header_of(index_of({a, b}));
  BOOST_TEST(header.find(">plugin:/one/libcframe.so</th>") != std::string::npos, header);
  BOOST_TEST(header.find(">plugin:/two/libcframe.so</th>") != std::string::npos, header);
}

BOOST_AUTO_TEST_CASE(a_crash_fails_the_gate_and_colours_its_cell) {
  const std::string index = index_of({t::make_result("a", "stutter", 0), in_role(t::make_result("a", "cframe", 0, "crash"), "both")});
  BOOST_TEST(index.find("<td class=\"cell v-crash\" data-verdicts=\"crash\" title=\"a × cframe @ both: 1 crash (seed 0)\">") !=
             std::string::npos);
  BOOST_TEST(index.find("Gate</span> failed &middot; 1 run</a>") != std::string::npos);
  BOOST_TEST(index.find("data-verdict=\"crash\"><span class=\"n\">1</span>") != std::string::npos);
  BOOST_TEST(index.find("<td>a</td><td>cframe @ both</td>") != std::string::npos);  // the runs table names the column
}

BOOST_AUTO_TEST_CASE(one_scenario_and_seed_in_several_roles_are_distinct_runs) {
  json own = t::make_result("a", "wslay", 0);
  BOOST_CHECK_NO_THROW(sr::merge_results({t::make_document({own, in_role(own, "server"), in_role(own, "client")})}));
  json again = in_role(own, "server");
  again["id"] = "other-id";
  BOOST_CHECK_THROW(sr::merge_results({t::make_document({in_role(own, "server"), again})}), sr::report_error);
}

BOOST_AUTO_TEST_CASE(run_page_names_role_build_and_expectation_reason) {
  json r = in_role(t::make_result("a", t::plugin_path, 0, "xfail"), "server");
  r["implementation_identity"] = t::plugin_identity();
  r["expectation_reason"] = "closes with 1006 <by design>";
  t::temp_dir dir;
  sr::render_report({t::make_document({r})}, dir.path());
  const std::string page = t::read_tree(dir.path()).at("runs/a-plugin__opt_cframe_libcframe.so-0.server.html");
  BOOST_TEST(page.find("<div class=\"eyebrow\">line · cframe @ server</div>") != std::string::npos);
  BOOST_TEST(page.find("<dt>Role</dt><dd class=\"\">server end</dd>") != std::string::npos);
  BOOST_TEST(page.find("<dt>Build</dt><dd class=\"\">cframe 1.2.0</dd>") != std::string::npos);
  BOOST_TEST(page.find(">closes with 1006 &lt;by design&gt;</dd>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
