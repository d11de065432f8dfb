// Mutated scenario files never crash the loader: each input either loads or throws load_error.
// What does load must survive a save and load again unchanged. Each case applies a chain of 20
// mutations to a valid file and loads after every one, so the default 100 cases make 2000 inputs.

#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <string>
#include <vector>

#include "arbitrary.hpp"
#include "scenario/load.hpp"
#include "scenario/save.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;

namespace {

enum class edit : std::uint8_t { flip_bit, set_byte, insert, erase, truncate, duplicate, set_token };

struct mutation {
  edit kind = edit::flip_bit;
  std::uint32_t at = 0;     // taken modulo the text's length
  std::uint32_t len = 0;    // 1..16 bytes, where a length applies
  std::uint32_t other = 0;  // where a duplicate goes, or which token
  std::uint8_t byte = 0;
};

// Bytes and tokens that make structural mistakes likely: brackets, quotes, escapes, digits, names.
using namespace std::string_literals;
const std::string interesting = "{}[]\",:\\-+.eE0123456789 \n\t\x00\x7f\xc3\xa9\xff/ux"s;
const std::vector<std::string> tokens{"{}", "[]", "\"\"", "null", "true", "-1", "1.5", "1e3", "18446744073709551616",
                                      "4294967296", "\"\\ud800\"", "\"version\": 2,", "\"switch\"", "{\"send\": {}}",
                                      "\"repeat\": \"\", \"size\": 70000000", "\"hex\": \"0\"", ",", "\"a\": 1, \"a\": 2",
                                      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["};

rc::Gen<mutation> any_mutation() {
  return rc::gen::exec([] {
    mutation m;
    m.kind = static_cast<edit>(*rc::gen::inRange(0, 7));
    m.at = *rc::gen::arbitrary<std::uint32_t>();
    m.len = *rc::gen::inRange<std::uint32_t>(1, 17);
    m.other = *rc::gen::arbitrary<std::uint32_t>();
    m.byte = *rc::gen::oneOf(rc::gen::arbitrary<std::uint8_t>(),
                             rc::gen::map(rc::gen::inRange<std::size_t>(0, interesting.size()),
                                          [](std::size_t i) { return static_cast<std::uint8_t>(interesting[i]); }));
    return m;
  });
}

void apply(const mutation& m, std::string& text) {
  if (text.empty()) {
    text.push_back(static_cast<char>(m.byte));
    return;
  }
  const std::size_t at = m.at % text.size();
  const std::size_t len = std::min<std::size_t>(m.len, text.size() - at);
  switch (m.kind) {
    case edit::flip_bit: text[at] = static_cast<char>(text[at] ^ (1u << (m.byte % 8))); break;
    case edit::set_byte: text[at] = static_cast<char>(m.byte); break;
    case edit::insert: text.insert(at, std::string(len, static_cast<char>(m.byte))); break;
    case edit::erase: text.erase(at, len); break;
    case edit::truncate: text.resize(at); break;
    case edit::duplicate: text.insert(m.other % (text.size() + 1), text.substr(at, len)); break;
    case edit::set_token: text.replace(at, std::min<std::size_t>(len, 3), tokens[m.other % tokens.size()]); break;
  }
}

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> out;
    for (const auto& f : sc::test::example_files()) out.push_back(sc::test::read_file(f));
    for (const auto& block : sc::test::readme_scenarios()) out.push_back(block);
    return out;
  }();
  return files;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_fuzz)

RC_BOOST_PROP(scenario_fuzz_mutations_load_or_throw_load_error, ()) {
  const bool generated = *rc::gen::arbitrary<bool>();
  std::string text = generated ? sc::save_scenario(*rc::gen::arbitrary<sc::scenario>())
                               : seeds()[*rc::gen::inRange<std::size_t>(0, seeds().size())];
  const auto mutations = *rc::gen::container<std::vector<mutation>>(20, any_mutation());
  for (const mutation& m : mutations) {
    apply(m, text);
    try {
      const sc::scenario s = sc::parse_scenario(text, "fuzz.json");
      RC_ASSERT(sc::parse_scenario(sc::save_scenario(s), "resaved.json") == s);
    } catch (const sc::load_error& e) {
      RC_ASSERT(e.file == "fuzz.json");
      RC_ASSERT(!e.reason.empty());
      RC_ASSERT(std::string(e.what()).rfind("fuzz.json: ", 0) == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(scenario_fuzz_has_seeds) { BOOST_TEST(seeds().size() >= 4u); }

BOOST_AUTO_TEST_SUITE_END()
