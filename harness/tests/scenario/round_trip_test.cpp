// save and load are inverses on valid values, save is deterministic, and what save writes satisfies
// scenarios/schema.json.

#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <nlohmann/json.hpp>

#include "arbitrary.hpp"
#include "scenario/load.hpp"
#include "scenario/save.hpp"
#include "schema_check.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;

BOOST_AUTO_TEST_SUITE(scenario_round_trip)

RC_BOOST_PROP(scenario_round_trip_save_then_load, (const sc::scenario& s)) {
  const std::string text = sc::save_scenario(s);
  RC_ASSERT(!text.empty() && text.back() == '\n');
  const sc::scenario back = sc::parse_scenario(text, "round-trip.json");
  RC_ASSERT(back == s);
  RC_ASSERT(sc::save_scenario(back) == text);
}

RC_BOOST_PROP(scenario_round_trip_saved_files_satisfy_the_schema, (const sc::scenario& s)) {
  static const nlohmann::json schema = nlohmann::json::parse(sc::test::read_file("scenarios/schema.json"));
  const auto problems = sc::test::schema_problems(schema, nlohmann::json::parse(sc::save_scenario(s)));
  for (const auto& p : problems) RC_LOG() << p << "\n";
  RC_ASSERT(problems.empty());
}

BOOST_AUTO_TEST_SUITE_END()
