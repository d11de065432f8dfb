// Expectations files: every way one can be wrong gets one exact message, the limits hold, and
// globs and entries match the runs the README says they match.
//
// The malformed corpus is scenarios/malformed-expectations/NAME.json.bad with the full expected
// message in NAME.expected; cases too large to keep in the repository are built here.

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/expectations.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;
namespace fs = std::filesystem;
namespace limits = sc::expectations_format;

namespace {

const std::string corpus_dir = "scenarios/malformed-expectations";

std::string message_of_file(const fs::path& file) {
  try {
    sc::load_expectations_file(file.string());
  } catch (const sc::load_error& e) {
    return e.what();
  }
  return "<loaded>";
}

std::string message_of_text(const std::string& text) {
  try {
    sc::load_expectations(text, "e.json");
  } catch (const sc::load_error& e) {
    return e.what();
  }
  return "<loaded>";
}

// A file of the given entries (each a JSON object).
std::string file_of(const std::string& entries) { return "{\"version\": 1, \"expectations\": [" + entries + "]}"; }

std::string without_final_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("stutter-expectations-test-" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

sc::scenario run_of(std::string name, std::string peer, sc::placement role = sc::placement::own) {
  sc::scenario s;
  s.name = std::move(name);
  s.peer = std::move(peer);
  s.peer_role = role;
  return s;
}

// The pointer of the entry that covers the run, or "none".
std::string covering(const sc::expectations_file& f, const sc::scenario& s) {
  const sc::expectation_entry* e = sc::find_expectation(f, s);
  return e ? e->pointer : "none";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_expectations)

BOOST_AUTO_TEST_CASE(expectations_malformed_corpus_messages) {
  const auto files = sc::test::files_ending(corpus_dir, ".json.bad");
  BOOST_TEST(files.size() >= 30u);
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const fs::path expected_file = file.parent_path() / (name.substr(0, name.size() - 9) + ".expected");
    BOOST_TEST_CONTEXT(file.string()) {
      BOOST_REQUIRE_MESSAGE(fs::exists(expected_file), "no " << expected_file);
      BOOST_TEST(message_of_file(file) == without_final_newline(sc::test::read_file(expected_file)));
    }
  }
  for (const fs::path& expected : sc::test::files_ending(corpus_dir, ".expected")) {
    const std::string name = expected.filename().string();
    BOOST_TEST(fs::exists(expected.parent_path() / (name.substr(0, name.size() - 9) + ".json.bad")), expected);
  }
}

BOOST_AUTO_TEST_CASE(expectations_load_every_field) {
  const sc::expectations_file f = sc::load_expectations(R"({
    "$schema": "expectations.schema.json",
    "version": 1,
    "description": "cframe 0.3",
    "expectations": [
      {"scenario": "ws-7.*", "implementation": "cframe", "role": "server", "verdict": "fail",
       "invariant": "handover.exact", "message": "handed over 0", "reason": "loses over-read bytes; issue 12"},
      {"reason": "no TLS", "verdict": "unimplemented", "scenario": "tls-*"}
    ]
  })", "cframe.json");
  BOOST_TEST(f.path == "cframe.json");
  BOOST_REQUIRE(f.entries.size() == 2u);
  const sc::expectation_entry& a = f.entries[0];
  BOOST_TEST(a.scenario_glob == "ws-7.*");
  BOOST_TEST(a.implementation_glob == "cframe");
  BOOST_TEST((a.role == sc::placement::server));
  BOOST_TEST((a.expect == sc::expectation{sc::verdict::fail, "handover.exact", "handed over 0"}));
  BOOST_TEST(a.reason == "loses over-read bytes; issue 12");
  BOOST_TEST(a.pointer == "/expectations/0");
  const sc::expectation_entry& b = f.entries[1];
  BOOST_TEST(b.implementation_glob == "*");
  BOOST_TEST(!b.role.has_value());
  BOOST_TEST((b.expect == sc::expectation{sc::verdict::unimplemented, std::nullopt, std::nullopt}));
  BOOST_TEST(b.pointer == "/expectations/1");

  BOOST_TEST(sc::load_expectations(file_of(""), "e.json").entries.empty());
  // crash may name an invariant and a message, but need not.
  BOOST_TEST(message_of_text(file_of(R"({"scenario": "x", "verdict": "crash", "reason": "r"})")) == "<loaded>");
  BOOST_TEST(message_of_text(file_of(R"({"scenario": "x", "verdict": "crash", "message": "SIGSEGV", "reason": "r"})")) ==
             "<loaded>");
}

BOOST_AUTO_TEST_CASE(expectations_unreadable_files) {
  BOOST_TEST(message_of_file(corpus_dir + "/no-such-file.json") ==
             corpus_dir + "/no-such-file.json: (root): cannot open the file: No such file or directory");
  BOOST_TEST(message_of_file(corpus_dir) == corpus_dir + ": (root): not a regular file");
}

BOOST_AUTO_TEST_CASE(expectations_file_size_limit) {
  static_assert(limits::max_file_bytes == 16u << 20);
  temp_dir dir;
  const fs::path big = dir.path / "big.json";
  { std::ofstream(big) << file_of(""); }
  fs::resize_file(big, limits::max_file_bytes + 1);  // sparse: costs no disk
  BOOST_TEST(message_of_file(big) ==
             big.string() + ": (root): the file is 16777217 bytes; the limit is 16777216 bytes (16 MiB)");

  std::string text = file_of("");
  text.resize(limits::max_file_bytes + 1, ' ');
  BOOST_TEST(message_of_text(text) == "e.json: (root): the input is 16777217 bytes; the limit is 16777216 bytes (16 MiB)");
  text.resize(limits::max_file_bytes);  // exactly at the limit: only whitespace follows, so it loads
  BOOST_TEST(message_of_text(text) == "<loaded>");
}

BOOST_AUTO_TEST_CASE(expectations_entry_count_limit) {
  const std::string entry = R"({"scenario":"a","verdict":"pass","reason":"r"})";
  std::string entries;
  for (std::size_t i = 0; i < limits::max_entries; ++i) entries += (i ? "," : "") + entry;
  BOOST_TEST(message_of_text(file_of(entries)) == "<loaded>");
  BOOST_TEST(message_of_text(file_of(entries + "," + entry)) ==
             "e.json: /expectations/100000: more than 100000 expectations");
}

BOOST_AUTO_TEST_CASE(expectations_string_limits) {
  auto entry_with = [](const std::string& key, std::size_t bytes) {
    const std::string verdict = key == "message" ? R"("fail", "invariant": "bytes.exact")" : R"("pass")";
    std::string e = R"({"scenario": "s", "verdict": )" + verdict + R"(, "reason": "r"})";
    const std::string value = "\"" + std::string(bytes, 'x') + "\"";
    const std::string member = "\"" + key + "\": ";
    const auto at = e.find(member);
    if (at == std::string::npos) return file_of(e.insert(1, member + value + ", "));
    return file_of(e.replace(at + member.size(), 3, value));
  };
  const std::pair<std::string, std::size_t> cases[] = {{"scenario", limits::max_glob_bytes},
                                                       {"implementation", limits::max_glob_bytes},
                                                       {"message", limits::max_message_bytes},
                                                       {"reason", limits::max_reason_bytes}};
  for (const auto& [key, max] : cases) {
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(message_of_text(entry_with(key, max)) == "<loaded>");
      const std::string what = key == "scenario" || key == "implementation" ? "the " + key + " glob" : "the " + key;
      BOOST_TEST(message_of_text(entry_with(key, max + 1)) == "e.json: /expectations/0/" + key + ": " + what + " is " +
                                                                   std::to_string(max + 1) + " bytes; the limit is " +
                                                                   std::to_string(max));
    }
  }
  const std::string description = "\"" + std::string(limits::max_description_bytes + 1, 'd') + "\"";
  BOOST_TEST(message_of_text(R"({"version": 1, "description": )" + description + R"(, "expectations": []})") ==
             "e.json: /description: the description is 65537 bytes; the limit is 65536");
}

BOOST_AUTO_TEST_CASE(expectations_glob_match) {
  struct row {
    const char* pattern;
    const char* text;
    bool matches;
  };
  const row rows[] = {
      {"*", "", true},
      {"*", "ws-7.1", true},
      {"ws-7.*", "ws-7.1.3", true},
      {"ws-7.*", "ws-7", false},
      {"ws-7.*", "xws-7.1", false},
      {"?", "", false},
      {"?", "a", true},
      {"?", "ab", false},
      {"ws-?.1", "ws-7.1", true},
      {"ws-?.1", "ws-17.1", false},
      {"?", "\xc3\xa9", true},        // one character, two bytes
      {"??", "\xc3\xa9", false},
      {"*\xc3\xa9", "caf\xc3\xa9", true},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"*a", "ba", true},
      {"*a", "ab", false},
      {"*ab", "aab", true},           // the star must give back what it took
      {"a**b", "ab", true},
      {"[ab]", "a", false},           // no classes: brackets are literal
      {"[ab]", "[ab]", true},
      {"plugin:*/libx.so", "plugin:/opt/x/libx.so", true},
      {"", "", true},
      {"", "a", false},
      {"tls-*", "TLS-1", false},      // case matters
  };
  for (const row& r : rows) {
    BOOST_TEST_CONTEXT("\"" << r.pattern << "\" on \"" << r.text << "\"") {
      BOOST_TEST(sc::glob_match(r.pattern, r.text) == r.matches);
    }
  }
  // Backtracking stays polynomial: this would take ages if each star retried every split.
  BOOST_TEST(!sc::glob_match("a*a*a*a*a*a*a*a*a*a*b", std::string(4000, 'a')));
}

BOOST_AUTO_TEST_CASE(expectations_first_match_wins) {
  const sc::expectations_file f = sc::load_expectations(file_of(R"(
      {"scenario": "ws-7.1", "verdict": "pass", "reason": "fixed"},
      {"scenario": "ws-7.*", "verdict": "fail", "invariant": "handover.exact", "reason": "broken"},
      {"scenario": "ws-*", "verdict": "non_strict", "reason": "empty close frames"})"),
                                                        "e.json");
  BOOST_TEST(covering(f, run_of("ws-7.1", "stutter")) == "/expectations/0");
  BOOST_TEST(covering(f, run_of("ws-7.2", "stutter")) == "/expectations/1");
  BOOST_TEST(covering(f, run_of("ws-9", "stutter")) == "/expectations/2");
  BOOST_TEST(covering(f, run_of("line-1", "stutter")) == "none");
  BOOST_TEST(sc::find_expectation(f, run_of("ws-7.2", "stutter")) == &f.entries[1]);
}

BOOST_AUTO_TEST_CASE(expectations_role_filter) {
  const sc::expectations_file f = sc::load_expectations(file_of(R"(
      {"scenario": "*", "role": "server", "verdict": "pass", "reason": "a"},
      {"scenario": "*", "role": "both", "verdict": "pass", "reason": "b"},
      {"scenario": "only-any", "verdict": "pass", "reason": "c"})"),
                                                        "e.json");
  BOOST_TEST(covering(f, run_of("x", "cframe", sc::placement::server)) == "/expectations/0");
  BOOST_TEST(covering(f, run_of("x", "cframe", sc::placement::both)) == "/expectations/1");
  BOOST_TEST(covering(f, run_of("x", "cframe", sc::placement::client)) == "none");
  BOOST_TEST(covering(f, run_of("x", "cframe", sc::placement::own)) == "none");
  BOOST_TEST(covering(f, run_of("only-any", "cframe", sc::placement::client)) == "/expectations/2");
}

BOOST_AUTO_TEST_CASE(expectations_implementation_filter) {
  const sc::expectations_file f = sc::load_expectations(file_of(R"(
      {"scenario": "*", "implementation": "cframe", "verdict": "pass", "reason": "by identity or name"},
      {"scenario": "*", "implementation": "plugin:*/libws.so", "verdict": "pass", "reason": "by path"},
      {"scenario": "*", "implementation": "wslay*", "verdict": "pass", "reason": "both wslays"})"),
                                                        "e.json");
  sc::scenario identified = run_of("x", "plugin:/opt/cframe/libcf.so");
  BOOST_TEST(covering(f, identified) == "none");
  identified.peer_identity = sc::implementation_identity{"cframe", "0.3", std::string(64, 'a')};
  BOOST_TEST(covering(f, identified) == "/expectations/0");
  BOOST_TEST(covering(f, run_of("x", "cframe")) == "/expectations/0");
  BOOST_TEST(covering(f, run_of("x", "plugin:/opt/libws.so")) == "/expectations/1");
  BOOST_TEST(covering(f, run_of("x", "wslay-client")) == "/expectations/2");
  BOOST_TEST(covering(f, run_of("x", "stutter")) == "none");
}

BOOST_AUTO_TEST_SUITE_END()
