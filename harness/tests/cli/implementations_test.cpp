// Every registered implementation builds at its own ends and at each single end it implements,
// and no other name does.
#include <boost/test/unit_test.hpp>

#include "runner/implementations.hpp"
#include "scenario/format.hpp"

using namespace stutter;

BOOST_AUTO_TEST_CASE(every_name_the_loader_accepts_builds) {
  BOOST_TEST(runner::implementation_names().size() >= 16u);
  for (const runner::implementation* i : runner::all_implementations()) {
    BOOST_TEST_CONTEXT(i->name) {
      BOOST_TEST(scenario::format::is_implementation_name(i->name));
      BOOST_TEST(runner::factory_for(i->name) != nullptr);
      BOOST_TEST(!i->single_ends().empty());
      for (auto end : i->single_ends()) BOOST_TEST(runner::factory_for(i->name, end) != nullptr);
    }
  }
  BOOST_TEST(runner::factory_for("no-such-implementation") == nullptr);
}
