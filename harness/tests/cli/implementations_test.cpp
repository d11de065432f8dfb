// Every implementation name a scenario file may use builds, and no other name does.
#include <boost/test/unit_test.hpp>

#include "runner/implementations.hpp"
#include "scenario/format.hpp"

using namespace stutter;

BOOST_AUTO_TEST_CASE(every_name_the_loader_accepts_builds) {
  for (auto name : scenario::format::peers) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(runner::factory_for(name) != nullptr); }
  }
  BOOST_TEST(runner::factory_for("no-such-implementation") == nullptr);
}
