// What save writes: the form chosen for each payload, the layout, the defaults it leaves out.

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "scenario/load.hpp"
#include "scenario/payload.hpp"
#include "scenario/save.hpp"

namespace sc = stutter::scenario;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<std::uint8_t> repeated(const std::string& pattern, std::size_t size) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(pattern[i % pattern.size()]));
  return out;
}

sc::payload::form form_of(const std::vector<std::uint8_t>& data) { return sc::payload::choose(data).written; }

sc::scenario small() {
  sc::scenario s;
  s.name = "small";
  s.client.stack = {sc::layer::line};
  s.server.stack = {sc::layer::line};
  return s;
}

sc::step send(std::vector<std::uint8_t> data) {
  sc::step st;
  st.data = std::move(data);
  return st;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_save)

BOOST_AUTO_TEST_CASE(scenario_save_payload_forms) {
  using sc::payload::form;
  BOOST_TEST((form_of({}) == form::text));
  BOOST_TEST((form_of(bytes("HELLO world ~")) == form::text));
  BOOST_TEST((form_of(bytes("line one\r\nline two\n\tx")) == form::text));
  BOOST_TEST((form_of({0x00}) == form::hex));
  BOOST_TEST((form_of(bytes("caf\xc3\xa9")) == form::hex));  // UTF-8, but not ASCII
  BOOST_TEST((form_of(bytes("\x7f")) == form::hex));
  BOOST_TEST((form_of(repeated("ab", 32)) == form::text));  // not longer than 32 bytes
  BOOST_TEST((form_of(repeated("ab", 33)) == form::repeat));
  BOOST_TEST(sc::payload::choose(repeated("abab", 100)).period == 2u);
  BOOST_TEST((form_of(repeated("0123456789abcdef", 1000)) == form::repeat));    // period 16
  BOOST_TEST((form_of(repeated("0123456789abcdefg", 1000)) == form::text));     // period 17
  BOOST_TEST((form_of(repeated("0123456789abcdefg", 5000)) == form::hex));      // and too long for text
  BOOST_TEST((form_of(repeated(std::string("\x00\xff", 2), 40)) == form::repeat_hex));
  BOOST_TEST((form_of(bytes(std::string(4095, 'q') + "r")) == form::text));  // 4096 bytes, no short period
  BOOST_TEST((form_of(bytes(std::string(4096, 'q') + "rs")) == form::hex));
}

BOOST_AUTO_TEST_CASE(scenario_save_hex_helpers) {
  std::vector<std::uint8_t> out;
  std::string error;
  BOOST_TEST(sc::payload::to_hex(std::vector<std::uint8_t>{0x00, 0xab, 0xff}) == "00abff");
  BOOST_TEST(sc::payload::from_hex("00ABff", out, error));
  BOOST_TEST((out == std::vector<std::uint8_t>{0x00, 0xab, 0xff}));
  BOOST_TEST(!sc::payload::from_hex("abc", out, error));
  BOOST_TEST(error == "odd number of hex digits (3); each byte takes two");
  BOOST_TEST(!sc::payload::from_hex("0x12", out, error));
  BOOST_TEST(error == "\"x\" at position 1 is not a hex digit");
  BOOST_TEST(!sc::payload::from_hex("12\xc3\xa9", out, error));
  BOOST_TEST(error == "\"\xc3\xa9\" at position 2 is not a hex digit");
  BOOST_TEST((sc::payload::repeat("abc", 7) == bytes("abcabca")));
  BOOST_TEST((sc::payload::repeat("abc", 2) == bytes("ab")));
  BOOST_TEST(sc::payload::repeat("abc", 0).empty());
}

BOOST_AUTO_TEST_CASE(scenario_save_exact_output) {
  sc::scenario s = small();
  s.description = "Tab\there, \"quoted\", caf\xc3\xa9.";
  s.seed = 18446744073709551615u;
  s.net.latency = 2;
  s.fault.explicit_schedule = true;
  s.fault.schedule = {{sc::endpoint_id::server, sc::direction::write, 9, sc::fault_kind::short_write, 2}};
  s.client.config.separator = "\r\n";
  s.client.config.strict = true;
  sc::step ping;
  ping.kind = sc::step_kind::ping;
  sc::step close;
  close.kind = sc::step_kind::close;
  close.code = 1001;
  sc::step text_message = send(bytes("hi"));
  text_message.type = sc::message_type::text;
  s.client.workload = {send(bytes("HELLO")), send({0, 1, 2}), send(repeated("ab", 40)), text_message, ping, close};
  s.server.config.separator = std::string("\xff", 1);
  s.expect = {sc::verdict::fail, "handover.exact"};

  const std::string expected = R"({
  "version": 1,
  "name": "small",
  "description": "Tab\there, \"quoted\", café.",
  "seed": 18446744073709551615,
  "network": {"latency": 2},
  "faults": {"schedule": [{"endpoint": "server", "dir": "write", "op": 9, "kind": "short_write", "amount": 2}]},
  "client": {
    "stack": ["line"],
    "settings": {"separator": "\r\n", "strict": true},
    "workload": [
      {"send": {"text": "HELLO"}},
      {"send": {"hex": "000102"}},
      {"send": {"repeat": "ab", "size": 40}},
      {"send": {"text": "hi", "type": "text"}},
      {"ping": {}},
      {"close": {"code": 1001}}
    ]
  },
  "server": {"stack": ["line"], "settings": {"separator": {"hex": "ff"}}, "workload": []},
  "expect": {"verdict": "fail", "invariant": "handover.exact"}
}
)";
  BOOST_TEST(sc::save_scenario(s) == expected);
  BOOST_TEST((sc::parse_scenario(expected, "expected.json") == s));
}

BOOST_AUTO_TEST_CASE(scenario_save_minimal_output) {
  const std::string expected = R"({
  "version": 1,
  "name": "small",
  "seed": 0,
  "client": {"stack": ["line"], "workload": []},
  "server": {"stack": ["line"], "workload": []},
  "expect": {"verdict": "pass"}
}
)";
  BOOST_TEST(sc::save_scenario(small()) == expected);
}

BOOST_AUTO_TEST_CASE(scenario_save_empty_schedule_and_swarm) {
  sc::scenario s = small();
  s.fault.explicit_schedule = true;  // an explicit, empty schedule is not the same as no faults
  BOOST_TEST(sc::save_scenario(s).find("\"faults\": {\"schedule\": []}") != std::string::npos);
  BOOST_TEST((sc::parse_scenario(sc::save_scenario(s), "x.json") == s));
  s.fault.explicit_schedule = false;
  BOOST_TEST(sc::save_scenario(s).find("faults") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(scenario_save_rejects_strings_json_cannot_hold) {
  sc::scenario s = small();
  s.name = "bad\xff";
  BOOST_CHECK_THROW(sc::save_scenario(s), std::invalid_argument);
  s = small();
  s.expect = {sc::verdict::fail, std::string("\xc0\x80")};
  BOOST_CHECK_THROW(sc::save_scenario(s), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(scenario_save_rejects_faults_it_would_lose) {
  sc::scenario s = small();
  s.fault.schedule = {sc::fault_entry{}};  // but explicit_schedule is false
  BOOST_CHECK_THROW(sc::save_scenario(s), std::invalid_argument);
  s.fault.explicit_schedule = true;
  s.fault.swarm[sc::fault_kind::hold] = {1, 1};
  BOOST_CHECK_THROW(sc::save_scenario(s), std::invalid_argument);
  s.fault.swarm.clear();
  BOOST_CHECK_NO_THROW(sc::save_scenario(s));
}

BOOST_AUTO_TEST_CASE(scenario_save_long_lines_break) {
  sc::scenario s = small();
  std::string text;
  for (int i = 0; i < 200; ++i) text += static_cast<char>('a' + i % 26);  // period 26: written as text
  s.client.workload = {send(bytes(text))};
  const std::string out = sc::save_scenario(s);
  BOOST_TEST(out.find("\"workload\": [\n      {\"send\": {\"text\": \"abc") != std::string::npos, out);
  BOOST_TEST(out.find("qr\"}}\n    ]\n") != std::string::npos, out);  // a long step stays on one line

  sc::fault_entry e{sc::endpoint_id::client, sc::direction::read, 18446744073709551615u, sc::fault_kind::partial_read,
                    4294967295u};
  s.fault.explicit_schedule = true;
  s.fault.schedule = {e, e};
  const std::string with_schedule = sc::save_scenario(s);
  const std::string entry =
      R"({"endpoint": "client", "dir": "read", "op": 18446744073709551615, "kind": "partial_read", "amount": 4294967295})";
  BOOST_TEST(with_schedule.find("\"schedule\": [\n      " + entry + ",\n      " + entry + "\n    ]") !=
                 std::string::npos,
             with_schedule);
}

BOOST_AUTO_TEST_SUITE_END()
