// The implementation names a scenario file may use (the loader's list) and the ones the
// runner can build are the same list, and every name builds.
#include <boost/test/unit_test.hpp>

#include "runner/implementations.hpp"
#include "scenario/format.hpp"

using namespace stutter;

BOOST_AUTO_TEST_CASE(loader_and_runner_know_the_same_implementations) {
  const auto runner_names = runner::implementation_names();
  const auto& file_names = scenario::format::peers;
  BOOST_TEST(std::vector<std::string_view>(runner_names.begin(), runner_names.end()) ==
                 std::vector<std::string_view>(file_names.begin(), file_names.end()),
             boost::test_tools::per_element());
  for (auto name : runner_names) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(runner::factory_for(name) != nullptr); }
  }
  BOOST_TEST(runner::factory_for("no-such-implementation") == nullptr);
}
