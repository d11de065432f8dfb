#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <string>

#include "generators.hpp"
#include "stutter_models/websocket.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;
namespace op = stutter::models::ws_opcode;
namespace vid = stutter::models::ws_violation_id;

namespace {

const ws_mask_key key = {0x37, 0xfa, 0x21, 0x3d};

// A frame as a client (masked) or server (unmasked) sends it.
bytes frame(ws_role sender, bool fin, std::uint8_t opcode, const bytes& payload = {}) {
  return encode_frame(fin, opcode, payload, sender == ws_role::client ? std::optional(key) : std::nullopt);
}

bytes spec_frame(ws_role sender, ws_frame_spec spec) {
  if (sender == ws_role::client) spec.mask_key = key;
  return encode_frame(spec);
}

bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The first violation's id, or "" when the input is valid.
std::string violation(const bytes& wire, ws_role sender) {
  const auto r = parse_frames(wire, sender);
  return r.violation ? r.violation->id : std::string();
}

// Checks the id for both senders (where masking is right for the sender).
void expect_violation(std::string_view id, auto make) {
  for (const ws_role sender : {ws_role::client, ws_role::server}) {
    const std::string got = violation(make(sender), sender);
    BOOST_TEST(got == std::string(id), (sender == ws_role::client ? "client" : "server"));
  }
}

void expect_valid(auto make) { expect_violation("", make); }

bytes text(std::string_view s) { return to_bytes(s); }

}  // namespace

BOOST_AUTO_TEST_SUITE(websocket)

// ---- one test per violation id, each with a valid counterpart ----

BOOST_AUTO_TEST_CASE(mask_client) {
  BOOST_TEST(violation(encode_frame(true, op::text, text("hi")), ws_role::client) == std::string(vid::mask_client));
  BOOST_TEST(violation(encode_frame(true, op::text, text("hi"), key), ws_role::client) == "");
}

BOOST_AUTO_TEST_CASE(mask_server) {
  BOOST_TEST(violation(encode_frame(true, op::text, text("hi"), key), ws_role::server) == std::string(vid::mask_server));
  BOOST_TEST(violation(encode_frame(true, op::text, text("hi")), ws_role::server) == "");
}

BOOST_AUTO_TEST_CASE(minimal_length) {
  expect_violation(vid::minimal_length, [](ws_role s) {
    return spec_frame(s, {.opcode = op::binary, .length_encoding = ws_length_encoding::len16, .payload = bytes(125, 1)});
  });
  expect_violation(vid::minimal_length, [](ws_role s) {
    return spec_frame(s, {.opcode = op::binary, .length_encoding = ws_length_encoding::len64, .payload = bytes(0xffff, 1)});
  });
  expect_valid([](ws_role s) {
    return spec_frame(s, {.opcode = op::binary, .length_encoding = ws_length_encoding::len16, .payload = bytes(126, 1)});
  });
  expect_valid([](ws_role s) {
    return spec_frame(s, {.opcode = op::binary, .length_encoding = ws_length_encoding::len64, .payload = bytes(0x10000, 1)});
  });
}

BOOST_AUTO_TEST_CASE(length_msb) {
  bytes bad = {0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0};
  const auto r = parse_frames(bad, ws_role::server);
  BOOST_TEST(r.violation.has_value());
  BOOST_TEST(r.violation->id == std::string(vid::length_msb));
  BOOST_TEST(r.frames.empty());
  BOOST_TEST((r.tail == bad));
  // The same header with the top bit clear is valid (and the payload is just not here yet).
  BOOST_TEST(violation({0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ws_role::server) == "");
}

BOOST_AUTO_TEST_CASE(rsv) {
  for (int bit = 0; bit < 3; ++bit) {
    expect_violation(vid::rsv, [bit](ws_role s) {
      return spec_frame(s, {.rsv1 = bit == 0, .rsv2 = bit == 1, .rsv3 = bit == 2, .opcode = op::text, .payload = text("x")});
    });
  }
  expect_valid([](ws_role s) { return spec_frame(s, {.opcode = op::text, .payload = text("x")}); });
}

BOOST_AUTO_TEST_CASE(opcode) {
  for (std::uint8_t reserved : {0x3, 0x7, 0xb, 0xf})
    expect_violation(vid::opcode, [reserved](ws_role s) { return frame(s, true, reserved, text("x")); });
  for (std::uint8_t known : {op::text, op::binary, op::ping, op::pong})
    expect_valid([known](ws_role s) { return frame(s, true, known, text("x")); });
}

BOOST_AUTO_TEST_CASE(control_length) {
  for (std::uint8_t control : {op::ping, op::pong})
    expect_violation(vid::control_length, [control](ws_role s) { return frame(s, true, control, bytes(126, 'p')); });
  expect_violation(vid::control_length, [](ws_role s) {
    bytes payload = ws_close_payload(1000, std::string(124, 'r'));
    return frame(s, true, op::close, payload);
  });
  expect_valid([](ws_role s) { return frame(s, true, op::ping, bytes(125, 'p')); });
  expect_valid([](ws_role s) { return frame(s, true, op::close, ws_close_payload(1000, std::string(123, 'r'))); });
}

BOOST_AUTO_TEST_CASE(control_fragmented) {
  for (std::uint8_t control : {op::ping, op::pong, op::close})
    expect_violation(vid::control_fragmented, [control](ws_role s) { return frame(s, false, control); });
  expect_valid([](ws_role s) { return frame(s, true, op::ping); });
}

BOOST_AUTO_TEST_CASE(continuation) {
  expect_violation(vid::continuation, [](ws_role s) { return frame(s, true, op::continuation, text("x")); });
  expect_violation(vid::continuation, [](ws_role s) {
    return cat({frame(s, false, op::text, text("a")), frame(s, true, op::binary, text("b"))});
  });
  expect_violation(vid::continuation, [](ws_role s) {
    return cat({frame(s, true, op::text, text("a")), frame(s, true, op::continuation, text("b"))});
  });
  expect_valid([](ws_role s) {
    return cat({frame(s, false, op::text, text("a")), frame(s, true, op::ping),
                frame(s, false, op::continuation, text("b")), frame(s, true, op::continuation, text("c"))});
  });
}

BOOST_AUTO_TEST_CASE(close_payload) {
  expect_violation(vid::close_payload, [](ws_role s) { return frame(s, true, op::close, bytes{0x03}); });
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    expect_violation(vid::close_payload, [code](ws_role s) { return frame(s, true, op::close, ws_close_payload(code)); });
  expect_valid([](ws_role s) { return frame(s, true, op::close); });
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
    expect_valid([code](ws_role s) { return frame(s, true, op::close, ws_close_payload(code, "bye")); });
}

BOOST_AUTO_TEST_CASE(utf8) {
  const bytes bad = {'a', 0xed, 0xa0, 0x80};  // a surrogate
  expect_violation(vid::utf8, [&](ws_role s) { return frame(s, true, op::text, bad); });
  expect_violation(vid::utf8, [&](ws_role s) {
    return cat({frame(s, false, op::text, text("ok")), frame(s, true, op::continuation, bad)});
  });
  expect_violation(vid::utf8, [&](ws_role s) {
    bytes payload = ws_close_payload(1000);
    payload.insert(payload.end(), bad.begin(), bad.end());
    return frame(s, true, op::close, payload);
  });
  // The check is on the reassembled message: a code point split across fragments is fine.
  expect_valid([](ws_role s) {
    return cat({frame(s, false, op::text, bytes{0xce}), frame(s, true, op::continuation, bytes{0xba})});
  });
  // Binary messages are not text.
  expect_valid([&](ws_role s) { return frame(s, true, op::binary, bad); });
  // An unfinished message is not judged.
  expect_valid([](ws_role s) { return frame(s, false, op::text, bytes{0xce}); });
}

BOOST_AUTO_TEST_CASE(after_close) {
  expect_violation(vid::after_close, [](ws_role s) {
    return cat({frame(s, true, op::close, ws_close_payload(1000)), frame(s, true, op::ping)});
  });
  expect_violation(vid::after_close, [](ws_role s) {
    return cat({frame(s, true, op::close), frame(s, true, op::text, text("late"))});
  });
  expect_valid([](ws_role s) {
    return cat({frame(s, true, op::text, text("x")), frame(s, true, op::close, ws_close_payload(1000))});
  });
}

// ---- what the parser reports ----

BOOST_AUTO_TEST_CASE(every_id_has_a_rule) {
  BOOST_TEST(ws_rules().size() == 12u);
  for (const ws_rule& r : ws_rules()) {
    BOOST_TEST(r.id.starts_with("ws.rfc6455."));
    BOOST_TEST(!r.rule.empty());
    BOOST_TEST(ws_rule_text(r.id) == r.rule);
  }
  BOOST_TEST(ws_rule_text("ws.rfc6455.nope").empty());
}

BOOST_AUTO_TEST_CASE(first_violation_in_wire_order_and_check_order) {
  // Frame 0 is fine; frame 1 has both a set RSV bit and a reserved opcode: rsv is checked first.
  const bytes first = frame(ws_role::server, true, op::text, text("ok"));
  const bytes wire = cat({first, spec_frame(ws_role::server, {.rsv1 = true, .opcode = 0x3}),
                          frame(ws_role::server, true, op::continuation)});
  const auto r = parse_frames(wire, ws_role::server);
  BOOST_TEST(r.violation->id == std::string(vid::rsv));
  BOOST_TEST(!r.violation->rule.empty());
  BOOST_TEST(r.violation->frame_index == 1u);
  BOOST_TEST(r.violation->offset == first.size());
  BOOST_TEST(r.frames.size() == 3u);  // parsing goes on after a violation
}

BOOST_AUTO_TEST_CASE(rfc_6455_section_5_7_examples) {
  const auto hello_unmasked = bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  BOOST_TEST((encode_frame(true, op::text, text("Hello")) == hello_unmasked));
  const auto hello_masked = bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  BOOST_TEST((encode_frame(true, op::text, text("Hello"), key) == hello_masked));
  const auto parsed = parse_frames(hello_masked, ws_role::client);
  BOOST_TEST(!parsed.violation.has_value());
  BOOST_TEST(parsed.frames.size() == 1u);
  BOOST_TEST((parsed.frames[0].payload == text("Hello")));
  BOOST_TEST((parsed.frames[0].mask_key == key));

  const auto fragmented = bytes{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  BOOST_TEST((cat({encode_frame(false, op::text, text("Hel")), encode_frame(true, op::continuation, text("lo"))}) == fragmented));
  const auto messages = reassemble_messages(parse_frames(fragmented, ws_role::server).frames);
  BOOST_TEST(messages.messages.size() == 1u);
  BOOST_TEST((messages.messages[0].payload == text("Hello")));

  BOOST_TEST((encode_frame(true, op::ping, text("Hello")) == bytes{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  const bytes b256 = encode_frame(true, op::binary, bytes(256, 0));
  BOOST_TEST((bytes(b256.begin(), b256.begin() + 4) == bytes{0x82, 0x7e, 0x01, 0x00}));
  const bytes b64k = encode_frame(true, op::binary, bytes(65536, 0));
  BOOST_TEST((bytes(b64k.begin(), b64k.begin() + 10) == bytes{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}));
}

BOOST_AUTO_TEST_CASE(lengths_around_the_encoding_limits) {
  const std::pair<std::size_t, ws_length_encoding> cases[] = {
      {0, ws_length_encoding::len7},       {1, ws_length_encoding::len7},
      {125, ws_length_encoding::len7},     {126, ws_length_encoding::len16},
      {127, ws_length_encoding::len16},    {65535, ws_length_encoding::len16},
      {65536, ws_length_encoding::len64},  {65537, ws_length_encoding::len64},
  };
  for (const auto& [n, encoding] : cases) {
    for (const ws_role sender : {ws_role::client, ws_role::server}) {
      bytes payload(n);
      for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
      const bytes wire = frame(sender, true, op::binary, payload);
      const auto r = parse_frames(wire, sender);
      BOOST_TEST(!r.violation.has_value(), "length " << n);
      BOOST_TEST_REQUIRE(r.frames.size() == 1u);
      BOOST_TEST(r.frames[0].payload_length == n);
      BOOST_TEST((r.frames[0].length_encoding == encoding), "length " << n);
      BOOST_TEST((r.frames[0].payload == payload), "length " << n);
      BOOST_TEST(r.consumed == wire.size());
      // One byte short: nothing is complete.
      const auto short_by_one = parse_frames(byte_view(wire).first(wire.size() - 1), sender);
      BOOST_TEST(short_by_one.frames.empty());
      BOOST_TEST(short_by_one.tail.size() == wire.size() - 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(forced_encoding_that_cannot_hold_the_length_throws) {
  BOOST_CHECK_THROW(encode_frame({.length_encoding = ws_length_encoding::len7, .payload = bytes(126)}), std::invalid_argument);
  BOOST_CHECK_THROW(encode_frame({.length_encoding = ws_length_encoding::len16, .payload = bytes(65536)}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(reassembly_lists_messages_and_controls_in_order) {
  const ws_role s = ws_role::client;
  const bytes wire = cat({frame(s, false, op::text, text("he")), frame(s, true, op::ping, text("p")),
                          frame(s, true, op::continuation, text("llo")), frame(s, true, op::binary, bytes{1, 2}),
                          frame(s, true, op::pong), frame(s, true, op::close, ws_close_payload(1001, "going")),
                          frame(s, true, op::text, text("ignored"))});
  const auto parsed = parse_frames(wire, s);
  BOOST_TEST(parsed.violation->id == std::string(vid::after_close));
  const auto r = reassemble_messages(parsed.frames);
  BOOST_TEST_REQUIRE(r.messages.size() == 2u);
  BOOST_TEST((r.messages[0].kind == ws_message_kind::text));
  BOOST_TEST((r.messages[0].payload == text("hello")));
  BOOST_TEST((r.messages[1].kind == ws_message_kind::binary));
  BOOST_TEST_REQUIRE(r.controls.size() == 3u);
  BOOST_TEST((r.controls[0].kind == ws_control_kind::ping));
  BOOST_TEST(r.controls[0].messages_before == 0u);
  BOOST_TEST((r.controls[1].kind == ws_control_kind::pong));
  BOOST_TEST((r.controls[2].kind == ws_control_kind::close));
  BOOST_TEST((r.controls[2].close_code == std::optional<std::uint16_t>(1001)));
  BOOST_TEST((r.controls[2].close_reason == text("going")));
  BOOST_TEST(r.controls[2].messages_before == 2u);
  BOOST_TEST(!r.partial.has_value());
}

BOOST_AUTO_TEST_CASE(every_split_point_gives_the_same_frames) {
  const ws_role s = ws_role::client;
  const bytes wire = cat({frame(s, false, op::text, text("ab")), frame(s, true, op::ping),
                          frame(s, true, op::continuation, bytes(130, 'c')), frame(s, true, op::close, ws_close_payload(1000))});
  const auto whole = parse_frames(wire, s);
  BOOST_TEST(!whole.violation.has_value());
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    const auto first = parse_frames(byte_view(wire).first(cut), s);
    bytes rest = first.tail;
    rest.insert(rest.end(), wire.begin() + static_cast<std::ptrdiff_t>(cut), wire.end());
    const auto second = parse_frames(rest, s);
    std::vector<ws_frame> frames = first.frames;
    frames.insert(frames.end(), second.frames.begin(), second.frames.end());
    BOOST_TEST_REQUIRE(frames.size() == whole.frames.size(), "cut at " << cut);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      BOOST_TEST((frames[i].payload == whole.frames[i].payload), "cut at " << cut);
      BOOST_TEST(frames[i].opcode == whole.frames[i].opcode);
      BOOST_TEST(frames[i].fin == whole.frames[i].fin);
    }
    BOOST_TEST(second.tail.empty());
  }
}

namespace {

struct planned_message {
  ws_message_kind kind;
  bytes payload;
  std::vector<std::size_t> cuts;  // fragment boundaries
  std::vector<bool> ping_after;   // a ping after fragment i
};

rc::Gen<bytes> text_payload() {
  // Valid UTF-8 made of 1- to 4-byte characters, so fragments often split one.
  return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4)), [](const std::vector<int>& picks) {
    static const bytes chars[] = {to_bytes("a"), to_bytes("\xce\xba"), to_bytes("\xe2\x82\xac"), to_bytes("\xf0\x9f\x98\x80")};
    bytes out;
    for (int p : picks) out.insert(out.end(), chars[p].begin(), chars[p].end());
    return out;
  });
}

}  // namespace

RC_BOOST_PROP(encode_parse_reassemble_round_trip, ()) {
  const ws_role sender = *rc::gen::element(ws_role::client, ws_role::server);
  const auto count = *rc::gen::inRange<std::size_t>(0, 5);
  std::vector<ws_message> expected;
  bytes wire;
  std::size_t pings = 0;
  for (std::size_t m = 0; m < count; ++m) {
    const bool is_text = *rc::gen::arbitrary<bool>();
    const bytes payload = is_text ? *text_payload()
                                  : *rc::gen::weightedOneOf<bytes>({{6, any_bytes(20)}, {1, rc::gen::container<bytes>(*rc::gen::element<std::size_t>(125, 126, 65535, 65536), rc::gen::just<std::uint8_t>(0x5a))}});
    expected.push_back({is_text ? ws_message_kind::text : ws_message_kind::binary, payload});
    const auto at = split(payload, *few_cuts(payload.size()));
    for (std::size_t i = 0; i < at.size(); ++i) {
      const std::uint8_t opcode = i > 0 ? op::continuation : is_text ? op::text : op::binary;
      wire = cat({wire, frame(sender, i + 1 == at.size(), opcode, at[i])});
      if (*rc::gen::inRange(0, 4) == 0) {
        wire = cat({wire, frame(sender, true, op::ping, bytes{static_cast<std::uint8_t>(pings)})});
        ++pings;
      }
    }
  }
  wire = cat({wire, frame(sender, true, op::close, ws_close_payload(1000, "done"))});

  const auto parsed = parse_frames(wire, sender);
  RC_ASSERT(!parsed.violation.has_value());
  RC_ASSERT(parsed.consumed == wire.size());
  const auto r = reassemble_messages(parsed.frames);
  RC_ASSERT(r.messages.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    RC_ASSERT(r.messages[i].kind == expected[i].kind);
    RC_ASSERT(r.messages[i].payload == expected[i].payload);
  }
  RC_ASSERT(r.controls.size() == pings + 1);
  RC_ASSERT(r.controls.back().close_code == std::optional<std::uint16_t>(1000));
}

BOOST_AUTO_TEST_SUITE_END()
