// Rendering: deterministic bytes, which runs get pages, and what a run page shows.
#include <regex>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "hexdump.hpp"
#include "scan.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace t = stutter::reports::testing;
using nlohmann::json;

namespace {

std::map<std::string, std::string> render(const std::vector<json>& docs, sr::report_options options = {}) {
  t::temp_dir dir;
  sr::render_report(docs, dir.path(), options);
  return t::read_tree(dir.path());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rendering)

BOOST_AUTO_TEST_CASE(same_input_gives_identical_bytes) {
  const json doc = t::showcase_document();
  auto first = render({doc});
  auto second = render({doc});
  BOOST_TEST(first.size() > 5u);
  BOOST_TEST((first == second));

  // And the same runs split into shards, given in either order, give the same pages.
  json a = doc, b = doc;
  a["results"] = json::array();
  b["results"] = json::array();
  for (std::size_t i = 0; i < doc["results"].size(); ++i) (i % 2 ? a : b)["results"].push_back(doc["results"][i]);
  auto ab = render({a, b}, {.document_names = {"s", "s"}});
  auto ba = render({b, a}, {.document_names = {"s", "s"}});
  BOOST_TEST((ab == ba));
  for (const auto& [name, text] : first) {
    if (name.starts_with("runs/")) BOOST_TEST((ab.at(name) == text), name);
  }
}

BOOST_AUTO_TEST_CASE(pages_for_failing_and_notable_runs_only) {
  json passing_with_timeline = t::make_failing(t::make_result("traced", "stutter", 0), 4);
  passing_with_timeline["verdict"] = "pass";
  json doc = t::make_document({t::make_result("quiet", "stutter", 0), t::make_result("odd", "stutter", 0, "non_strict"),
                               passing_with_timeline});
  t::temp_dir dir;
  auto stats = sr::render_report({doc}, dir.path());
  BOOST_TEST(stats.runs == 3u);
  BOOST_TEST(stats.pages == 2u);
  auto files = t::read_tree(dir.path());
  BOOST_TEST(files.count("runs/odd-stutter-0.html") == 1u);
  BOOST_TEST(files.count("runs/traced-stutter-0.html") == 1u);
  BOOST_TEST(files.count("runs/quiet-stutter-0.html") == 0u);
  BOOST_TEST(stats.index_bytes == files.at("index.html").size());

  // Rendering again without the odd run removes its stale page.
  doc["results"].erase(1);
  stats = sr::render_report({doc}, dir.path());
  BOOST_TEST(stats.pages == 1u);
  BOOST_TEST(!std::filesystem::exists(dir.path() / "runs" / "odd-stutter-0.html"));
}

BOOST_AUTO_TEST_CASE(colliding_file_names_get_distinct_pages) {
  json a = t::make_result("x", "stutter", 0, "fail");
  json b = t::make_result("y", "stutter", 0, "fail");
  a["id"] = "case:1";
  b["id"] = "case?1";
  auto files = render({t::make_document({a, b})});
  BOOST_TEST(files.count("runs/case_1.html") == 1u);
  BOOST_TEST(files.count("runs/case_1-2.html") == 1u);
}

BOOST_AUTO_TEST_CASE(index_shows_summary_and_matrix) {
  auto index = render({t::showcase_document()}).at("index.html");
  BOOST_TEST(index.find("<dd class=\"runs-total\">9031</dd>") != std::string::npos);  // 31 results and 9000 explore runs
  BOOST_TEST(index.find("data-verdict=\"hang\"><span class=\"n\">1</span>") != std::string::npos);
  BOOST_TEST(index.find("<code>abc123def456</code>") != std::string::npos);
  BOOST_TEST(index.find("Gate</span> failed") != std::string::npos);
  // The failing cell links to its run page.
  BOOST_TEST(index.find("<td class=\"cell v-fail\" data-verdicts=\"fail\"") != std::string::npos);
  BOOST_TEST(index.find("href=\"runs/ws-upgrade-overread-stutter-0.html\">fail</a>") != std::string::npos);
  // One cell per scenario and column: 15 scenarios x 5 columns, 51 of them not run.
  BOOST_TEST(t::count(index, "<td class=\"cell") == 75u);
  BOOST_TEST(t::count(index, "<td class=\"cell not-run\"") == 51u);
  BOOST_TEST(index.find("<th scope=\"col\" title=\"plugin:/opt/cframe/libcframe.so, role server; cframe 1.2.0, sha256 ") !=
             std::string::npos);
  BOOST_TEST(index.find("title=\"ws-fragmented-text × cframe @ server: not run\"") != std::string::npos);
  BOOST_TEST(index.find("<td class=\"cell v-crash\" data-verdicts=\"crash\"") != std::string::npos);
  BOOST_TEST(index.find("<tbody class=\"category\" data-category=\"websocket\">") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_page_shows_diff_timeline_wire_and_replay) {
  auto files = render({t::showcase_document()}, {.timeline_cap = 100});
  const std::string& page = files.at("runs/ws-upgrade-overread-stutter-0.html");
  BOOST_TEST(page.find("<code id=\"replay-command\">stutter replay scenarios/websocket/ws-upgrade-overread.json --seed 0</code>") !=
             std::string::npos);
  BOOST_TEST(page.find("RFC 6455 4.1") != std::string::npos);
  BOOST_TEST(page.find("handover.exact") != std::string::npos);
  // "Hello, world!\nMore bytes" against "Hello, world!\nMoreXbytes": the space at offset 18 differs.
  BOOST_TEST(page.find("First difference at offset <strong class=\"first-offset\">18 (0x12)</strong>") != std::string::npos);
  BOOST_TEST(t::count(page, "<span class=\"first\">") == 4u);  // hex and ASCII cells, both sides
  BOOST_TEST(page.find("<span class=\"first\">58</span>") != std::string::npos);  // the delivered 'X'
  BOOST_TEST(page.find("<span class=\"first\">20</span>") != std::string::npos);  // the expected ' '
  BOOST_TEST(page.find("<span class=\"extra\">") != std::string::npos);           // expected bytes never delivered
  BOOST_TEST(t::count(page, "<g class=\"ev ") == 100u);
  BOOST_TEST(page.find("160 more events not drawn") != std::string::npos);
  BOOST_TEST(page.find("<g class=\"ev r-") != std::string::npos);
  BOOST_TEST(std::regex_search(page, std::regex("<g class=\"ev r-[a-z]+ fault\"><title>t=[0-9]+ [^<]*fault: [a-z_]+</title>")));
  BOOST_TEST(page.find(" · phase: handshake") != std::string::npos);
  BOOST_TEST(page.find("<table class=\"wire\">") != std::string::npos);
  BOOST_TEST(page.find("GET / HTTP/1.1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_run_still_renders) {
  json doc = {{"format", "stutter-results"}, {"version", 1}, {"results", json::array()}};
  t::temp_dir dir;
  auto stats = sr::render_report({doc}, dir.path());
  BOOST_TEST(stats.runs == 0u);
  BOOST_TEST(stats.pages == 0u);
  auto index = t::read_tree(dir.path()).at("index.html");
  BOOST_TEST(index.find("Gate</span> no runs") != std::string::npos);
  BOOST_TEST(index.find("data-fault=\"one_byte\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(first_difference_counts_length_mismatch) {
  using stutter::reports::detail::first_difference;
  BOOST_TEST(!first_difference("abc", "abc").has_value());
  BOOST_TEST(*first_difference("abc", "abd") == 2u);
  BOOST_TEST(*first_difference("abc", "ab") == 2u);
  BOOST_TEST(*first_difference("", "x") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
