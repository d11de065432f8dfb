#include "junit.hpp"

#include <map>

#include "scenario/names.hpp"

namespace stutter::cli {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 cannot carry most control characters at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string junit_xml(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes) {
  std::map<std::string, std::vector<std::size_t>> by_category;
  for (std::size_t i = 0; i < items.size(); ++i) {
    by_category[items[i].scenario.category.empty() ? "uncategorised" : items[i].scenario.category].push_back(i);
  }
  std::size_t failures = 0;
  for (const auto& o : outcomes) failures += runner::is_failure(o.result.verdict) ? 1 : 0;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"stutter\" tests=\"" +
                    std::to_string(items.size()) + "\" failures=\"" + std::to_string(failures) + "\">\n";
  for (const auto& [category, indices] : by_category) {
    std::size_t suite_failures = 0;
    for (auto i : indices) suite_failures += runner::is_failure(outcomes[i].result.verdict) ? 1 : 0;
    xml += "  <testsuite name=\"" + escape(category) + "\" tests=\"" + std::to_string(indices.size()) +
           "\" failures=\"" + std::to_string(suite_failures) + "\">\n";
    for (auto i : indices) {
      const auto& r = outcomes[i].result;
      xml += "    <testcase classname=\"" + escape(category) + "\" name=\"" + escape(run_label(items[i])) + "\"";
      const std::string verdict(scenario::to_string(r.verdict));
      if (runner::is_failure(r.verdict)) {
        xml += ">\n      <failure type=\"" + verdict + "\" message=\"" + escape(r.invariant.value_or(verdict) + ": " + r.message) +
               "\">" + escape(replay_command(items[i])) + "</failure>\n    </testcase>\n";
      } else if (r.verdict == scenario::verdict::unimplemented) {
        xml += ">\n      <skipped message=\"" + escape(r.message) + "\"/>\n    </testcase>\n";
      } else {
        xml += "/>\n";
      }
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

}  // namespace stutter::cli
