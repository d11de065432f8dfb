// Untrusted text never reaches a page unescaped, and ids never escape runs/ as file names.
#include <regex>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "html.hpp"
#include "scan.hpp"
#include "stutter_reports/report.hpp"

namespace sr = stutter::reports;
namespace t = stutter::reports::testing;
using stutter::reports::detail::escape;
using stutter::reports::detail::sanitize_filename;

BOOST_AUTO_TEST_SUITE(escaping)

BOOST_AUTO_TEST_CASE(checker_flags_raw_and_partly_escaped_text) {
  const std::string good = "<td title=\"" + t::script_name_escaped + "\">" + t::script_name_escaped + "</td>";
  BOOST_TEST(t::unescaped_occurrences(good, t::script_name_escaped, "alert(1)") == 0u);
  BOOST_TEST(t::unescaped_occurrences("<td>" + t::script_name + "</td>", t::script_name_escaped, "alert(1)") == 1u);
  BOOST_TEST(t::unescaped_occurrences("<td>&lt;script>alert(1)&lt;/script&gt;</td>", t::script_name_escaped, "alert(1)") == 1u);
  BOOST_TEST(t::unescaped_occurrences(good + "<p>" + t::quote_text + "</p>", t::quote_text_escaped, "zq ") == 1u);
}

BOOST_AUTO_TEST_CASE(escape_covers_markup_and_quotes) {
  BOOST_TEST(escape(t::script_name) == t::script_name_escaped);
  BOOST_TEST(escape(t::quote_text) == t::quote_text_escaped);
  BOOST_TEST(escape("a\x01" "b") == "a\xEF\xBF\xBD" "b");
  BOOST_TEST(escape("tab\tnew\nline") == "tab\tnew\nline");
}

BOOST_AUTO_TEST_CASE(file_names_are_sanitised) {
  BOOST_TEST(sanitize_filename("line-eagain_0.v2") == "line-eagain_0.v2");
  BOOST_TEST(sanitize_filename("../../etc/passwd") == "_.._.._etc_passwd");
  BOOST_TEST(sanitize_filename(".hidden") == "_.hidden");
  BOOST_TEST(sanitize_filename("") == "_");
  BOOST_TEST(sanitize_filename("<script>") == "_script_");
  BOOST_TEST(sanitize_filename(std::string(500, 'a')).size() == 120u);
}

BOOST_AUTO_TEST_CASE(no_written_file_holds_untrusted_text_raw) {
  nlohmann::json evil = t::make_failing(t::make_result(t::script_name, t::script_name, 1, "pass", t::script_name), 40);
  evil["id"] = t::script_name;
  evil["description"] = t::quote_text;
  evil["message"] = t::quote_text;
  evil["rule"] = t::quote_text;
  evil["file"] = t::script_name;
  evil["replay"] = "stutter replay '" + t::script_name + "'";
  evil["stack"] = {t::script_name};
  evil["timeline"][0]["layer"] = "<em>";  // lane labels are truncated, so a short marker
  evil["timeline"][0]["fault"] = t::quote_text;
  evil["invariants_checked"] = {t::quote_text};
  evil["faults_by_phase"] = {{t::quote_text, {{t::script_name, 1}}}};
  nlohmann::json doc = t::make_document({evil, t::make_result("plain", "stutter", 0)});
  doc["run"]["command"] = t::quote_text;
  doc["tool"]["commit"] = t::script_name;

  t::temp_dir dir;
  sr::render_report({doc}, dir.path(), {.document_names = {t::quote_text}});
  const auto files = t::read_tree(dir.path());
  BOOST_TEST_REQUIRE(files.size() == 4u);  // index, one run page, css, js
  for (const auto& [name, text] : files) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(text.find(t::script_name) == std::string::npos);
      BOOST_TEST(text.find(t::quote_text) == std::string::npos);
      BOOST_TEST(text.find("<em>") == std::string::npos);
      BOOST_TEST(t::unescaped_occurrences(text, t::script_name_escaped, "alert(1)") == 0u);
      BOOST_TEST(t::unescaped_occurrences(text, t::quote_text_escaped, "zq ") == 0u);
      if (name.ends_with(".html")) {
        BOOST_TEST(t::count(text, "<script") == 1u);  // only the report's own script tag
        BOOST_TEST(text.find(t::script_name_escaped) != std::string::npos);
        BOOST_TEST(text.find(t::quote_text_escaped) != std::string::npos);
      }
    }
  }
  for (const auto& [name, text] : files) {
    BOOST_TEST(std::regex_match(name, std::regex("index\\.html|assets/report\\.(css|js)|runs/[A-Za-z0-9._-]+\\.html")),
               name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
