// The strict JSON layer on its own: what it accepts, and the exact message for what it rejects.

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "scenario/json_reader.hpp"
#include "scenario/load_error.hpp"

namespace {

using stutter::scenario::check_json;
using stutter::scenario::load_error;

std::string message_for(const std::string& text) {
  try {
    check_json(text, "t.json");
  } catch (const load_error& e) {
    return e.what();
  }
  return "<accepted>";
}

std::string nested(char open, char close, int levels) {
  return std::string(static_cast<std::size_t>(levels), open) + std::string(static_cast<std::size_t>(levels), close);
}

std::string zeros(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "/0";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_json_reader)

BOOST_AUTO_TEST_CASE(scenario_json_accepts_strict_json) {
  const std::vector<std::string> good{
      "{}",
      " [ ] ",
      "{\"a\": [1, -2, 0, -0, 1.5, 1e5, 1.5E-3, 2e+2], \"b\": {\"c\": null}, \"d\": true, \"e\": false}",
      "[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"]",
      "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]",
      "\n\t\r {\"a\":1}\n\n",
      "[18446744073709551616, 123456789012345678901234567890]",
      nested('[', ']', 64),
      "{\"a~b/c\": 1, \"\": 2}",
  };
  for (const std::string& text : good) BOOST_TEST(message_for(text) == "<accepted>", text);
}

BOOST_AUTO_TEST_CASE(scenario_json_rejects_with_exact_messages) {
  const std::string at = "t.json: (root): invalid JSON at ";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", at + "line 1, column 1 (byte offset 0): unexpected end of the input; expected a value"},
      {"   \n ", at + "line 2, column 2 (byte offset 5): unexpected end of the input; expected a value"},
      {"{", at + "line 1, column 2 (byte offset 1): expected a key in double quotes or '}', got the end of the input"},
      {"{\"a\":1,}", at + "line 1, column 8 (byte offset 7): trailing comma before '}'"},
      {"{\"a\":1,,}", at + "line 1, column 8 (byte offset 7): expected a key in double quotes, got ','"},
      {"[1,]", "t.json: /1: invalid JSON at line 1, column 4 (byte offset 3): trailing comma before ']'"},
      {"[1,,2]", "t.json: /1: invalid JSON at line 1, column 4 (byte offset 3): expected a value, got ','"},
      {"[1 2]", "t.json: /0: invalid JSON at line 1, column 4 (byte offset 3): expected ',' or ']' after an array item, got '2'"},
      {"{\"a\":1 \"b\":2}",
       "t.json: /a: invalid JSON at line 1, column 8 (byte offset 7): expected ',' or '}' after an object member, got '\"'"},
      {"{\"a\" 1}", "t.json: /a: invalid JSON at line 1, column 6 (byte offset 5): expected ':' after the key, got '1'"},
      {"{a:1}", at + "line 1, column 2 (byte offset 1): expected a key in double quotes or '}', got 'a'"},
      {"{}x", at + "line 1, column 3 (byte offset 2): unexpected data after the JSON document, starting with 'x'"},
      {"{} {}", at + "line 1, column 4 (byte offset 3): unexpected data after the JSON document, starting with '{'"},
      {"[01]", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): invalid number: leading zeros are not allowed"},
      {"[-]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid number: expected a digit after '-'"},
      {"[+1]", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): expected a value, got '+'"},
      {"[1.]", "t.json: /0: invalid JSON at line 1, column 4 (byte offset 3): invalid number: expected a digit after '.'"},
      {"[.5]", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): expected a value, got '.'"},
      {"[1e]", "t.json: /0: invalid JSON at line 1, column 4 (byte offset 3): invalid number: expected a digit in the exponent"},
      {"[tru]",
       "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): invalid literal \"tru\"; expected a value "
       "(object, array, string, number, true, false or null)"},
      {"[NaN]",
       "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): invalid literal \"NaN\"; expected a value "
       "(object, array, string, number, true, false or null)"},
      {"['a']", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): expected a value, got a single quote (JSON strings take double quotes)"},
      {"// note\n{}", at + "line 1, column 1 (byte offset 0): expected a value, got '/' (JSON has no comments)"},
      {"[\"abc", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): unterminated string"},
      {"[\"a\\x\"]", "t.json: /0: invalid JSON at line 1, column 4 (byte offset 3): invalid escape 'x' after '\\' in a string"},
      {"[\"\\u12\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid \\u escape; it takes four hex digits"},
      {"[\"\\ud800\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): unpaired surrogate \\ud800 in a string"},
      {"[\"\\ud800\\u0041\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): unpaired surrogate \\ud800 in a string"},
      {"[\"\\uDC00\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): unpaired surrogate \\uDC00 in a string"},
      {"[\"a\nb\"]",
       "t.json: /0: invalid JSON at line 1, column 4 (byte offset 3): unescaped control character U+000A in a string; "
       "write it as \\u000A"},
      {"[\"\xff\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid UTF-8 (byte 0xff) in a string"},
      {"[\"\xc0\x80\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid UTF-8 (byte 0xc0) in a string"},
      {"[\"\xed\xa0\x80\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid UTF-8 (byte 0xed) in a string"},
      {"[\"\xf4\x90\x80\x80\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid UTF-8 (byte 0xf4) in a string"},
      {"[\"\xe2\x82\"]", "t.json: /0: invalid JSON at line 1, column 3 (byte offset 2): invalid UTF-8 (byte 0xe2) in a string"},
      {"[\xe2\x82\xac]", "t.json: /0: invalid JSON at line 1, column 2 (byte offset 1): expected a value, got byte 0xe2"},
      {"\xef\xbb\xbf{}", at + "line 1, column 1 (byte offset 0): the file starts with a byte order mark; write UTF-8 without one"},
      {"{\"\xc3\xa9\": x}", "t.json: /\xc3\xa9: invalid JSON at line 1, column 7 (byte offset 7): invalid literal \"x\"; expected a value "
                            "(object, array, string, number, true, false or null)"},
      {"{\n  \"a\": [1,\n    2,,3]}", "t.json: /a/2: invalid JSON at line 3, column 7 (byte offset 19): expected a value, got ','"},
      {"{\"a\": 1, \"b\": {}, \"a\": 2}", "t.json: /a: duplicate key \"a\" (first at line 1, column 2)"},
      {"{\"x\": {\"a/b\": 1,\n \"a/b\": 2}}", "t.json: /x/a~1b: duplicate key \"a/b\" (first at line 1, column 8)"},
      {"{\"\\u0061\": 1, \"a\": 2}", "t.json: /a: duplicate key \"a\" (first at line 1, column 2)"},
      {nested('[', ']', 65), "t.json: " + zeros(64) + ": nesting deeper than 64 levels"},
      {std::string(100000, '['), "t.json: " + zeros(64) + ": nesting deeper than 64 levels"},
      {"{\"a\":" + nested('[', ']', 64) + "}", "t.json: /a" + zeros(63) + ": nesting deeper than 64 levels"},
  };
  for (const auto& [text, expected] : cases) BOOST_TEST(message_for(text) == expected, "input: " << text);
}

BOOST_AUTO_TEST_CASE(scenario_json_bounds_object_members) {
  std::string doc = "{";
  for (int i = 0; i < 1025; ++i) doc += (i > 0 ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  doc += "}";
  BOOST_TEST(message_for(doc) == "t.json: /k1024: an object with more than 1024 members");
}

BOOST_AUTO_TEST_SUITE_END()
