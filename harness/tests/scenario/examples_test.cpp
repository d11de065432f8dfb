// Valid files load to exactly the values they describe: the hand-written examples, the scenarios
// in scenarios/README.md and the scenario corpus.

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "scenario/load.hpp"
#include "scenario/save.hpp"
#include "test_files.hpp"

namespace sc = stutter::scenario;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

sc::step data_step(sc::step_kind kind, std::vector<std::uint8_t> data,
                   sc::message_type type = sc::message_type::binary) {
  sc::step s;
  s.kind = kind;
  s.data = std::move(data);
  s.type = type;
  return s;
}

sc::step bare(sc::step_kind kind) {
  sc::step s;
  s.kind = kind;
  return s;
}

sc::step close_with(std::uint16_t code) {
  sc::step s = bare(sc::step_kind::close);
  s.code = code;
  return s;
}

sc::step expect_error(const std::string& name) {
  sc::step s = bare(sc::step_kind::expect_error);
  s.error = name;
  return s;
}

std::vector<std::uint8_t> repeated(const std::string& pattern, std::size_t size) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(pattern[i % pattern.size()]));
  return out;
}

// After the value matches, saving and loading it again must give it back too.
void check_example(const std::string& file, const sc::scenario& expected) {
  const sc::scenario loaded = sc::load_scenario_file(file);
  BOOST_TEST((loaded == expected), file << " loads to a different value; it saves as\n" << sc::save_scenario(loaded));
  BOOST_TEST((sc::parse_scenario(sc::save_scenario(loaded), "resaved.json") == loaded));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_examples)

BOOST_AUTO_TEST_CASE(scenario_example_minimal_takes_every_default) {
  sc::scenario s;
  s.name = "minimal";
  s.client.stack = {sc::layer::line};
  s.server.stack = {sc::layer::line};
  check_example("harness/tests/scenario/examples/minimal.json", s);
}

BOOST_AUTO_TEST_CASE(scenario_example_line_then_length_handover) {
  sc::scenario s;
  s.name = "line-then-length-handover";
  s.description =
      "A line phase hands over to length framing; bytes the line reader buffered must reach the length reader.";
  s.category = "handover";
  s.seed = 42;
  s.fault.swarm[sc::fault_kind::eagain_read] = {200, 1};
  s.fault.swarm[sc::fault_kind::short_write] = {300, 3};
  s.client.stack = {sc::layer::line, sc::layer::length};
  s.client.config.strict = true;
  s.client.workload = {data_step(sc::step_kind::send, bytes("HELLO")), bare(sc::step_kind::switch_phase),
                       data_step(sc::step_kind::send, {0x00, 0xff, 0x10}),
                       data_step(sc::step_kind::send, repeated("ab", 1000)), close_with(1000)};
  s.server.stack = {sc::layer::line, sc::layer::length};
  s.server.workload = {data_step(sc::step_kind::expect, bytes("HELLO")), bare(sc::step_kind::switch_phase),
                       data_step(sc::step_kind::expect, {0x00, 0xff, 0x10}),
                       data_step(sc::step_kind::expect, repeated("ab", 1000)), bare(sc::step_kind::expect_eof)};
  check_example("harness/tests/scenario/examples/line-then-length-handover.json", s);
}

BOOST_AUTO_TEST_CASE(scenario_example_websocket) {
  sc::scenario s;
  s.name = "websocket-fragmented-text";
  s.description =
      "Text and binary messages, a ping and a going-away close through the upgrade, under backpressure.";
  s.category = "websocket";
  s.rule = "RFC 6455 5.4";
  s.peer = "wslay";
  s.seed = 18446744073709551615u;
  s.max_steps = 1000000;
  s.net = {7, 3};
  s.fault.swarm[sc::fault_kind::capacity] = {1000, 64};
  s.fault.swarm[sc::fault_kind::one_byte] = {50, 1};
  s.client.stack = {sc::layer::http_upgrade, sc::layer::websocket};
  s.client.config.fragment_size = 5;
  s.client.config.max_message = 4096;
  s.client.config.max_headers = 16;
  const std::string hello = "h\xc3\xa9llo w\xc3\xb6rld";
  s.client.workload = {bare(sc::step_kind::switch_phase),
                       data_step(sc::step_kind::send, bytes(hello), sc::message_type::text),
                       data_step(sc::step_kind::send, {}),
                       bare(sc::step_kind::ping),
                       data_step(sc::step_kind::ping, bytes("are you there")),
                       close_with(1001)};
  s.server.stack = {sc::layer::http_upgrade, sc::layer::websocket};
  s.server.config.max_header_bytes = 1024;
  s.server.workload = {bare(sc::step_kind::switch_phase),
                       data_step(sc::step_kind::expect, bytes(hello), sc::message_type::text),
                       data_step(sc::step_kind::expect, {}), bare(sc::step_kind::expect_eof)};
  s.expect = {sc::verdict::non_strict, "ws.rfc6455.*"};
  check_example("harness/tests/scenario/examples/websocket-echo.json", s);
}

BOOST_AUTO_TEST_CASE(scenario_example_tls_schedule) {
  sc::scenario s;
  s.name = "tls12-renegotiation-under-partial-reads";
  s.description =
      "A renegotiation in the middle of a line stream, with an explicit fault schedule (as shrinking saves it).";
  s.category = "tls";
  s.seed = 7;
  s.commit = "2e0d94f0a1b2";
  s.fault.explicit_schedule = true;
  s.fault.schedule = {
      {sc::endpoint_id::client, sc::direction::read, 12, sc::fault_kind::partial_read, 3},
      {sc::endpoint_id::server, sc::direction::write, 0, sc::fault_kind::eagain_write, 0},
      {sc::endpoint_id::server, sc::direction::read, 18446744073709551615u, sc::fault_kind::reset, 0},
  };
  s.client.stack = {sc::layer::tls, sc::layer::line};
  s.client.config.tls_version = "1.2";
  s.client.config.separator = "\r\n";
  s.client.config.length_prefix = "varint";
  s.client.config.max_record = 0;
  s.client.config.buffer_capacity = 4294967295u;
  s.client.config.read_block = 1;
  s.client.workload = {data_step(sc::step_kind::send, bytes("one")), bare(sc::step_kind::renegotiate),
                       data_step(sc::step_kind::raw, {0x16, 0x03, 0x03, 0x00, 0x16, 0x03}),
                       bare(sc::step_kind::key_update), expect_error("connection_reset")};
  s.server.stack = {sc::layer::tls, sc::layer::line};
  s.server.config.tls_version = "1.2";
  s.server.config.separator = std::string("\x00\xff", 2);
  s.server.config.allow_renegotiation = false;
  s.server.workload = {data_step(sc::step_kind::expect, bytes("one")), expect_error("line_too_long")};
  s.expect = {sc::verdict::fail, "reneg.complete"};
  check_example("harness/tests/scenario/examples/tls-schedule.json", s);
}

BOOST_AUTO_TEST_CASE(scenario_examples_are_all_checked) {
  // A new example file needs its own expected value above.
  BOOST_TEST(stutter::scenario::test::example_files().size() == 4u);
}

BOOST_AUTO_TEST_CASE(scenario_readme_examples_load) {
  const auto blocks = stutter::scenario::test::readme_scenarios();
  BOOST_TEST(!blocks.empty());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::string label = "scenarios/README.md#example-" + std::to_string(i + 1);
    BOOST_CHECK_NO_THROW(sc::parse_scenario(blocks[i], label));
  }
}

BOOST_AUTO_TEST_CASE(scenario_corpus_files_load) {
  for (const auto& file : stutter::scenario::test::corpus_files()) {
    try {
      const sc::scenario s = sc::load_scenario_file(file);
      BOOST_TEST((sc::parse_scenario(sc::save_scenario(s), file.string()) == s), file);
    } catch (const sc::load_error& e) {
      BOOST_ERROR(e.what());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
