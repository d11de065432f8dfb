// The adapter over the exchange model (exchange_search.hpp): every interleaving of small
// scripts matches the model's oracle in every API style, and a stream that loses the
// direction of its waiting results is caught.
#include <boost/test/unit_test.hpp>

#include "exchange_search.hpp"

using namespace stutter::test;
using stutter::adapter::api_style;

BOOST_AUTO_TEST_SUITE(adapter_over_exchange_model)

BOOST_AUTO_TEST_CASE(every_interleaving_matches_the_model) {
  search_result per_style[3];
  for (const std::size_t capacity : capacities)
    for (const std::size_t chunk : chunks)
      for (const std::uint8_t flights : flight_counts)
        for (std::size_t i = 0; i < 3; ++i) {
          const search_result r = sweep(shape(capacity, chunk, flights, styles[i]));
          BOOST_TEST_REQUIRE(!r.failure.has_value(), r.failure.value_or(""));
          if (capacity == unlimited) BOOST_TEST(r.model_deadlocks == 0u);
          BOOST_TEST(r.paths > 0);
          BOOST_TEST_MESSAGE("capacity=" << limit(capacity) << " chunk=" << limit(chunk) << " K=" << int(flights)
                                         << " " << style_name(styles[i]) << ": " << summary(r));
          per_style[i].add(r);
        }
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST_MESSAGE(style_name(styles[i]) << " total: " << summary(per_style[i]));
}

// The memo key loses nothing: a plain tree search counts the same schedules.
BOOST_AUTO_TEST_CASE(memoisation_agrees_with_a_tree_search) {
  for (const std::size_t capacity : capacities)
    for (const std::uint8_t flights : flight_counts)
      for (const api_style style : styles) {
        search_config c = shape(capacity, unlimited, flights, style);
        const search_result memoised = sweep(c);
        c.memoise = false;
        const search_result tree = sweep(c);
        BOOST_TEST_REQUIRE(!memoised.failure.has_value(), memoised.failure.value_or(""));
        BOOST_TEST_REQUIRE(!tree.failure.has_value(), tree.failure.value_or(""));
        BOOST_TEST(memoised.paths == tree.paths);
        BOOST_TEST(memoised.deadlocked_paths == tree.deadlocked_paths);
        BOOST_TEST(memoised.path_sums.op_calls == tree.path_sums.op_calls);
      }
}

// A read's need_write reported as would_block: an answer owed to the peer stays unsent while
// the adapter waits for input that only the answer would bring.
BOOST_AUTO_TEST_CASE(losing_need_write_is_caught_as_a_deadlock) {
  search_config c = shape(unlimited, 1, 1, api_style::detailed);
  c.bug.read_need_write = true;
  const search_result r = sweep(c);
  BOOST_TEST_REQUIRE(r.failure.has_value());
  BOOST_TEST_MESSAGE("caught: " << *r.failure);
  BOOST_TEST(r.failure->find("deadlock: no adapter turn moves") != std::string::npos);
}

// A write's need_read reported as would_block: the adapter's outstanding read still pulls the
// input, so nothing deadlocks, but the write wakes on room it does not need.
BOOST_AUTO_TEST_CASE(losing_need_read_is_caught_as_a_wakeup_that_cannot_help) {
  search_config c = shape(unlimited, unlimited, 1, api_style::detailed);
  c.bug.write_need_read = true;
  const search_result r = sweep(c);
  BOOST_TEST_REQUIRE(r.failure.has_value());
  BOOST_TEST_MESSAGE("caught: " << *r.failure);
  BOOST_TEST(r.failure->find("nothing moved") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

