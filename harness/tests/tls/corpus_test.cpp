// Every file in scenarios/tls ends as the verdict it expects (pass; xfail for an expected
// failure; informational, unimplemented or non_strict as stated), twice with the same trace.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "runner/runner.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"

using namespace stutter;
using scenario::verdict;

namespace {

std::vector<std::filesystem::path> corpus() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path root = std::filesystem::path(STUTTER_SOURCE_DIR) / "scenarios" / "tls";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

verdict wanted(const scenario::expectation& e) {
  if (e.expected == verdict::fail || e.expected == verdict::hang) return verdict::xfail;
  return e.expected;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_corpus)

BOOST_AUTO_TEST_CASE(every_tls_scenario_ends_as_it_expects_and_replays) {
  const auto files = corpus();
  BOOST_TEST(files.size() >= 30u);
  std::size_t with_renegotiation = 0;
  for (const auto& file : files) {
    BOOST_TEST_CONTEXT(file.filename().string()) {
      auto s = scenario::load_scenario_file(file);
      BOOST_TEST(s.category == "tls");
      BOOST_TEST(!s.rule.empty());
      BOOST_TEST(!s.description.empty());
      auto r = runner::run_scenario(s);
      BOOST_TEST((r.verdict == wanted(s.expect)),
                 scenario::to_string(r.verdict) << " " << r.invariant.value_or("") << ": " << r.message);
      auto again = runner::run_scenario(s);
      BOOST_TEST(again.trace_hash == r.trace_hash);
      for (const auto* w : {&s.client.workload, &s.server.workload}) {
        if (std::any_of(w->begin(), w->end(), [](const scenario::step& st) {
              return st.kind == scenario::step_kind::renegotiate || st.kind == scenario::step_kind::key_update;
            })) {
          ++with_renegotiation;
          break;
        }
      }
    }
  }
  BOOST_TEST(with_renegotiation >= 10u);
}

BOOST_AUTO_TEST_SUITE_END()
