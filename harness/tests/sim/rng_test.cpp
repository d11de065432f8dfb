#include <boost/test/unit_test.hpp>

#include "sim/rng.hpp"

using stutter::sim::rng;

BOOST_AUTO_TEST_SUITE(rng_suite)

BOOST_AUTO_TEST_CASE(same_seed_same_sequence_on_every_platform) {
  // Pinned values: a change here changes every trace hash ever recorded.
  rng g(42);
  const std::uint64_t first = g.next();
  const std::uint64_t second = g.next();
  rng again(42);
  BOOST_TEST(again.next() == first);
  BOOST_TEST(again.next() == second);
  BOOST_TEST(first != second);
  rng other_stream(42, 1);
  BOOST_TEST(other_stream.next() != first);
}

BOOST_AUTO_TEST_CASE(below_stays_in_range_and_covers_it) {
  rng g(7);
  std::array<int, 6> seen{};
  for (int i = 0; i < 6000; ++i) {
    auto v = g.below(6);
    BOOST_REQUIRE(v < 6u);
    ++seen[v];
  }
  for (int count : seen) BOOST_TEST((count > 800 && count < 1200));
}

BOOST_AUTO_TEST_CASE(chance_respects_its_extremes) {
  rng g(9);
  for (int i = 0; i < 1000; ++i) {
    BOOST_TEST(!g.chance(0));
    BOOST_TEST(g.chance(1000));
  }
}

BOOST_AUTO_TEST_SUITE_END()
