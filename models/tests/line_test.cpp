#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <stdexcept>

#include "generators.hpp"
#include "stutter_models/line.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;

namespace {

const bytes lf = to_bytes("\n");
const bytes crlf = to_bytes("\r\n");

std::vector<bytes> recs(std::initializer_list<const char*> texts) {
  std::vector<bytes> out;
  for (const char* t : texts) out.push_back(to_bytes(t));
  return out;
}

// The records of `candidates` that the separator can frame.
std::vector<bytes> frameable(const std::vector<bytes>& candidates, const bytes& separator) {
  std::vector<bytes> out;
  for (const bytes& r : candidates) {
    try {
      encode_lines({r}, separator);
      out.push_back(r);
    } catch (const std::invalid_argument&) {
    }
  }
  return out;
}

rc::Gen<bytes> separators() {
  return rc::gen::oneOf(rc::gen::just(lf), rc::gen::just(crlf),
                        sized<bytes>(1, 8, rc::gen::element<std::uint8_t>('a', '\r', '\n')));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(line)

BOOST_AUTO_TEST_CASE(encode_appends_the_separator) {
  BOOST_TEST((encode_lines(recs({"ab", "", "c"}), lf) == to_bytes("ab\n\nc\n")));
  BOOST_TEST((encode_lines(recs({"GET / HTTP/1.1", ""}), crlf) == to_bytes("GET / HTTP/1.1\r\n\r\n")));
  BOOST_TEST(encode_lines({}, lf).empty());
}

BOOST_AUTO_TEST_CASE(encode_refuses_records_that_would_not_decode_as_themselves) {
  BOOST_CHECK_THROW(encode_lines(recs({"a\nb"}), lf), std::invalid_argument);
  BOOST_CHECK_THROW(encode_lines(recs({"a\r\nb"}), crlf), std::invalid_argument);
  // "ab" + "aba" = "ababa": the separator is first found at offset 0.
  BOOST_CHECK_THROW(encode_lines(recs({"ab"}), to_bytes("aba")), std::invalid_argument);
  // A lone CR is fine before CRLF: "a\r\r\n" splits at offset 2.
  BOOST_TEST((encode_lines(recs({"a\r"}), crlf) == to_bytes("a\r\r\n")));
}

BOOST_AUTO_TEST_CASE(separator_must_have_1_to_8_bytes) {
  BOOST_CHECK_THROW(decode_lines(lf, bytes{}), std::invalid_argument);
  BOOST_CHECK_THROW(decode_lines(lf, bytes(9, '\n')), std::invalid_argument);
  BOOST_CHECK_NO_THROW(decode_lines(lf, bytes(8, '\n')));
}

BOOST_AUTO_TEST_CASE(decode_reports_records_consumed_and_tail) {
  const auto r = decode_lines(to_bytes("one\r\ntwo\r\nthr"), crlf);
  BOOST_TEST((r.records == recs({"one", "two"})));
  BOOST_TEST(r.consumed == 10u);
  BOOST_TEST((r.tail == to_bytes("thr")));
  BOOST_TEST((r.error == line_error::none));
}

BOOST_AUTO_TEST_CASE(decode_stops_after_max_records) {
  const auto r = decode_lines(to_bytes("a\nb\nc\n"), lf, unlimited, 2);
  BOOST_TEST((r.records == recs({"a", "b"})));
  BOOST_TEST((r.tail == to_bytes("c\n")));
}

BOOST_AUTO_TEST_CASE(line_too_long_with_lf_after_max_line_plus_one_bytes) {
  const std::size_t max_line = 3;
  BOOST_TEST((decode_lines(to_bytes("abc\n"), lf, max_line).error == line_error::none));
  BOOST_TEST((decode_lines(to_bytes("abc"), lf, max_line).error == line_error::none));
  const auto r = decode_lines(to_bytes("ok\nabcd"), lf, max_line);
  BOOST_TEST((r.error == line_error::line_too_long));
  BOOST_TEST((r.records == recs({"ok"})));
  BOOST_TEST(r.consumed == 3u);
  BOOST_TEST((r.tail == to_bytes("abcd")));
  BOOST_TEST((decode_lines(to_bytes("abcd\n"), lf, max_line).error == line_error::line_too_long));
  BOOST_TEST((decode_lines(to_bytes("\n"), lf, 0).error == line_error::none));
  BOOST_TEST((decode_lines(to_bytes("x"), lf, 0).error == line_error::line_too_long));
}

BOOST_AUTO_TEST_CASE(line_too_long_with_crlf_is_certain_once_no_separator_can_begin_by_max_line) {
  const std::size_t max_line = 3;
  // "abc\r" may still be "abc" + CRLF.
  BOOST_TEST((decode_lines(to_bytes("abc\r"), crlf, max_line).error == line_error::none));
  BOOST_TEST((decode_lines(to_bytes("abc\r\n"), crlf, max_line).error == line_error::none));
  BOOST_TEST((decode_lines(to_bytes("abc\rx"), crlf, max_line).error == line_error::line_too_long));
  // "abcd" is already decisive: a separator would have to begin at offset 3 at the latest,
  // and "d" begins none (the error is certain at this byte, not one later).
  BOOST_TEST((decode_lines(to_bytes("abcd"), crlf, max_line).error == line_error::line_too_long));
  BOOST_TEST((decode_lines(to_bytes("abcde"), crlf, max_line).error == line_error::line_too_long));
  // Never before: three bytes and the start of a separator may still be a line.
  BOOST_TEST((decode_lines(to_bytes("ab\r"), crlf, max_line).error == line_error::none));
  BOOST_TEST((decode_lines(to_bytes("abc"), crlf, max_line).error == line_error::none));
}

RC_BOOST_PROP(round_trip, ()) {
  const bytes separator = *separators();
  const auto records = frameable(*rc::gen::container<std::vector<bytes>>(small_alphabet_bytes()), separator);
  const bytes wire = encode_lines(records, separator);
  const auto r = decode_lines(wire, separator);
  RC_ASSERT(r.records == records);
  RC_ASSERT(r.consumed == wire.size());
  RC_ASSERT(r.tail.empty());
  RC_ASSERT(r.error == line_error::none);
}

RC_BOOST_PROP(records_without_separator_bytes_always_encode, ()) {
  const auto records = *rc::gen::container<std::vector<bytes>>(rc::gen::container<bytes>(
      rc::gen::suchThat(rc::gen::arbitrary<std::uint8_t>(), [](std::uint8_t b) { return b != '\r' && b != '\n'; })));
  RC_ASSERT(decode_lines(encode_lines(records, crlf), crlf).records == records);
  RC_ASSERT(decode_lines(encode_lines(records, lf), lf).records == records);
}

RC_BOOST_PROP(max_line_is_inclusive, ()) {
  const bytes separator = *separators();
  const auto records = frameable(*rc::gen::nonEmpty(rc::gen::container<std::vector<bytes>>(small_alphabet_bytes())), separator);
  RC_PRE(!records.empty());
  std::size_t longest = 0;
  for (const bytes& r : records) longest = std::max(longest, r.size());
  const bytes wire = encode_lines(records, separator);
  RC_ASSERT(decode_lines(wire, separator, longest).records == records);
  RC_PRE(longest > 0);
  const auto r = decode_lines(wire, separator, longest - 1);
  RC_ASSERT(r.error == line_error::line_too_long);
  std::size_t first_long = 0;
  while (records[first_long].size() < longest) ++first_long;
  RC_ASSERT(r.records == std::vector<bytes>(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(first_long)));
}

RC_BOOST_PROP(any_chunking_gives_the_same_records_and_error, ()) {
  const bytes separator = *separators();
  const std::size_t max_line = *rc::gen::inRange<std::size_t>(0, 10);
  const bytes data = *small_alphabet_bytes(30);
  const auto whole = decode_lines(data, separator, max_line);
  const auto pieces = decode_chunked(split(data, *cuts(data.size())),
                                     [&](const bytes& b) { return decode_lines(b, separator, max_line); });
  RC_ASSERT(pieces.records == whole.records);
  RC_ASSERT(pieces.error == whole.error);
  RC_ASSERT(pieces.tail == whole.tail);
}

BOOST_AUTO_TEST_CASE(every_split_point_gives_the_same_records) {
  const bytes data = to_bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nrest\r");
  for (const std::size_t max_line : {unlimited, std::size_t{5}, std::size_t{14}}) {
    const auto whole = decode_lines(data, crlf, max_line);
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
      const auto pieces = decode_chunked(split(data, {cut}), [&](const bytes& b) { return decode_lines(b, crlf, max_line); });
      BOOST_TEST((pieces.records == whole.records), "cut at " << cut);
      BOOST_TEST((pieces.error == whole.error), "cut at " << cut);
      BOOST_TEST((pieces.tail == whole.tail), "cut at " << cut);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
