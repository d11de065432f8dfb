#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "generators.hpp"
#include "stutter_models/length.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;

namespace {
const bytes crlf = to_bytes("\r\n");
}

BOOST_AUTO_TEST_SUITE(phases)

BOOST_AUTO_TEST_CASE(handover_is_right_after_the_last_line) {
  const bytes head = to_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
  // The second phase's bytes contain CRLF: they must not be taken as lines.
  bytes wire = head;
  const bytes body = encode_records({to_bytes("\r\n"), to_bytes("a\r\nb")}, length_prefix::varint);
  wire.insert(wire.end(), body.begin(), body.end());
  const auto r = decode_phases(wire, crlf, length_prefix::varint, 3);
  BOOST_TEST(r.line_records.size() == 3u);
  BOOST_TEST((r.line_records[2] == bytes{}));
  BOOST_TEST(r.handover.has_value());
  BOOST_TEST(*r.handover == head.size());
  BOOST_TEST((r.length.records == std::vector<bytes>{to_bytes("\r\n"), to_bytes("a\r\nb")}));
  BOOST_TEST(r.length.consumed == wire.size());
}

BOOST_AUTO_TEST_CASE(no_lines_means_handover_at_zero) {
  const bytes wire = encode_records({to_bytes("x")}, length_prefix::u32be);
  const auto r = decode_phases(wire, crlf, length_prefix::u32be, 0);
  BOOST_TEST((r.handover == std::optional<std::size_t>(0)));
  BOOST_TEST(r.length.records.size() == 1u);
}

BOOST_AUTO_TEST_CASE(no_handover_while_phase_one_is_incomplete_or_failed) {
  const auto incomplete = decode_phases(to_bytes("a\r\nb"), crlf, length_prefix::u32be, 2);
  BOOST_TEST(!incomplete.handover.has_value());
  BOOST_TEST(incomplete.line_records.size() == 1u);
  BOOST_TEST(incomplete.length.consumed == 3u);
  BOOST_TEST((incomplete.length.tail == to_bytes("b")));

  const auto failed = decode_phases(to_bytes("toolong\r\n"), crlf, length_prefix::u32be, 1, 3);
  BOOST_TEST(!failed.handover.has_value());
  BOOST_TEST((failed.phase_one_error == line_error::line_too_long));
}

BOOST_AUTO_TEST_CASE(phase_two_errors_are_reported_with_whole_input_offsets) {
  bytes wire = to_bytes("hi\n");
  const bytes body = encode_records({to_bytes("ok"), to_bytes("too big")}, length_prefix::u32be);
  wire.insert(wire.end(), body.begin(), body.end());
  const auto r = decode_phases(wire, to_bytes("\n"), length_prefix::u32be, 1, unlimited, 4);
  BOOST_TEST((r.length.error == length_error::record_too_large));
  BOOST_TEST(r.length.consumed == 3u + 4u + 2u);
}

RC_BOOST_PROP(round_trip_and_exact_handover_under_any_chunking, ()) {
  const auto prefix = *rc::gen::element(length_prefix::u32be, length_prefix::varint);
  const auto lines = *rc::gen::container<std::vector<bytes>>(rc::gen::container<bytes>(rc::gen::element<std::uint8_t>('a', 'b', ':')));
  const auto records = *rc::gen::container<std::vector<bytes>>(small_alphabet_bytes(5));
  const bytes head = encode_lines(lines, crlf);
  bytes wire = head;
  const bytes body = encode_records(records, prefix);
  wire.insert(wire.end(), body.begin(), body.end());

  const auto r = decode_phases(wire, crlf, prefix, lines.size());
  RC_ASSERT(r.line_records == lines);
  RC_ASSERT(r.handover == std::optional<std::size_t>(head.size()));
  RC_ASSERT(r.length.records == records);
  RC_ASSERT(r.length.consumed == wire.size());

  // Every prefix of the wire agrees with the whole on what it has seen.
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, wire.size() + 1);
  const bytes part(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(cut));
  const auto p = decode_phases(part, crlf, prefix, lines.size());
  if (cut >= head.size()) {
    RC_ASSERT(p.handover == r.handover);
    RC_ASSERT(p.length.records.size() <= records.size());
    RC_ASSERT(std::equal(p.length.records.begin(), p.length.records.end(), records.begin()));
  } else {
    RC_ASSERT(!p.handover.has_value());
  }
}

BOOST_AUTO_TEST_SUITE_END()
