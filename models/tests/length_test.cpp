#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "generators.hpp"
#include "stutter_models/length.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;

namespace {

rc::Gen<length_prefix> prefixes() { return rc::gen::element(length_prefix::u32be, length_prefix::varint); }

// Records whose sizes sit on the varint group boundaries as well as small ones.
rc::Gen<bytes> boundary_record() {
  return rc::gen::mapcat(rc::gen::element<std::size_t>(0, 1, 2, 127, 128, 129, 16383, 16384),
                         [](std::size_t n) { return rc::gen::container<bytes>(n, rc::gen::arbitrary<std::uint8_t>()); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(length)

BOOST_AUTO_TEST_CASE(varint_encodings) {
  BOOST_TEST((encode_varint(0) == bytes{0x00}));
  BOOST_TEST((encode_varint(127) == bytes{0x7f}));
  BOOST_TEST((encode_varint(128) == bytes{0x80, 0x01}));
  BOOST_TEST((encode_varint(300) == bytes{0xac, 0x02}));
  BOOST_TEST((encode_varint(UINT64_MAX) == bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

BOOST_AUTO_TEST_CASE(varint_decoding_limits) {
  using st = varint_status;
  bytes max(9, 0xff);
  max.push_back(0x01);
  const auto ok = decode_varint(max);
  BOOST_TEST((ok.status == st::ok));
  BOOST_TEST(ok.value == UINT64_MAX);
  BOOST_TEST(ok.size == 10u);

  BOOST_TEST((decode_varint(bytes(9, 0xff)).status == st::incomplete));
  BOOST_TEST((decode_varint(bytes{}).status == st::incomplete));
  // A 10th byte that still has the continuation bit: malformed without waiting for an 11th.
  BOOST_TEST((decode_varint(bytes(10, 0xff)).status == st::malformed));
  bytes too_big(9, 0x80);
  too_big.push_back(0x02);  // 2^64
  BOOST_TEST((decode_varint(too_big).status == st::malformed));
  // Non-minimal encodings are accepted.
  const auto padded = decode_varint(bytes{0x80, 0x00});
  BOOST_TEST((padded.status == st::ok));
  BOOST_TEST(padded.value == 0u);
  BOOST_TEST(padded.size == 2u);
}

BOOST_AUTO_TEST_CASE(u32be_encoding) {
  BOOST_TEST((encode_records({bytes{}, to_bytes("abc")}, length_prefix::u32be) ==
              bytes{0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c'}));
}

BOOST_AUTO_TEST_CASE(decode_reports_records_consumed_and_tail) {
  const bytes wire = {0, 0, 0, 1, 'x', 0, 0, 0, 2, 'y'};
  const auto r = decode_records(wire, length_prefix::u32be);
  BOOST_TEST((r.records == std::vector<bytes>{to_bytes("x")}));
  BOOST_TEST(r.consumed == 5u);
  BOOST_TEST((r.tail == bytes{0, 0, 0, 2, 'y'}));
  BOOST_TEST((r.error == length_error::none));
}

BOOST_AUTO_TEST_CASE(record_too_large_as_soon_as_the_prefix_is_complete) {
  // Only the prefix has arrived: the error does not wait for the payload.
  const auto u32 = decode_records(bytes{0, 0, 0, 1, 'x', 0, 0, 0, 3}, length_prefix::u32be, 2);
  BOOST_TEST((u32.error == length_error::record_too_large));
  BOOST_TEST((u32.records == std::vector<bytes>{to_bytes("x")}));
  BOOST_TEST(u32.consumed == 5u);
  BOOST_TEST((decode_records(bytes{0x03}, length_prefix::varint, 2).error == length_error::record_too_large));
  BOOST_TEST((decode_records(bytes{0, 0, 0}, length_prefix::u32be, 0).error == length_error::none));
  BOOST_TEST((decode_records(bytes{0x02, 'a', 'b'}, length_prefix::varint, 2).error == length_error::none));
}

BOOST_AUTO_TEST_CASE(varint_malformed_stops_decoding) {
  bytes wire = {0x01, 'a'};
  wire.insert(wire.end(), 10, 0x80);
  const auto r = decode_records(wire, length_prefix::varint);
  BOOST_TEST((r.error == length_error::varint_malformed));
  BOOST_TEST((r.records == std::vector<bytes>{to_bytes("a")}));
  BOOST_TEST(r.consumed == 2u);
  BOOST_TEST(r.tail.size() == 10u);
}

RC_BOOST_PROP(varint_round_trip, (std::uint64_t value)) {
  const bytes v = encode_varint(value);
  const auto d = decode_varint(v);
  RC_ASSERT(d.status == varint_status::ok);
  RC_ASSERT(d.value == value);
  RC_ASSERT(d.size == v.size());
  RC_ASSERT(v.size() <= 10u);
}

RC_BOOST_PROP(round_trip, ()) {
  const auto prefix = *prefixes();
  const auto records = *rc::gen::container<std::vector<bytes>>(
      rc::gen::weightedOneOf<bytes>({{4, any_bytes(3)}, {1, boundary_record()}}));
  const bytes wire = encode_records(records, prefix);
  const auto r = decode_records(wire, prefix);
  RC_ASSERT(r.records == records);
  RC_ASSERT(r.consumed == wire.size());
  RC_ASSERT(r.error == length_error::none);
}

RC_BOOST_PROP(max_record_is_inclusive, ()) {
  const auto prefix = *prefixes();
  const auto records = *rc::gen::nonEmpty(rc::gen::container<std::vector<bytes>>(any_bytes(20)));
  std::size_t largest = 0;
  for (const bytes& r : records) largest = std::max(largest, r.size());
  const bytes wire = encode_records(records, prefix);
  RC_ASSERT(decode_records(wire, prefix, largest).records == records);
  RC_PRE(largest > 0);
  const auto r = decode_records(wire, prefix, largest - 1);
  RC_ASSERT(r.error == length_error::record_too_large);
}

RC_BOOST_PROP(any_chunking_gives_the_same_records_and_error, ()) {
  const auto prefix = *prefixes();
  const std::size_t max_record = *rc::gen::element<std::size_t>(2, 5, unlimited);
  // Well-formed records, optionally followed by arbitrary bytes (which may be malformed).
  bytes data = encode_records(*rc::gen::container<std::vector<bytes>>(any_bytes(6)), prefix);
  const bytes junk = *rc::gen::weightedOneOf<bytes>({{3, rc::gen::just(bytes{})}, {1, any_bytes(14)}, {1, rc::gen::just(bytes(11, 0x80))}});
  data.insert(data.end(), junk.begin(), junk.end());
  const auto whole = decode_records(data, prefix, max_record);
  const auto pieces = decode_chunked(split(data, *cuts(data.size())),
                                     [&](const bytes& b) { return decode_records(b, prefix, max_record); });
  RC_ASSERT(pieces.records == whole.records);
  RC_ASSERT(pieces.error == whole.error);
  RC_ASSERT(pieces.tail == whole.tail);
}

BOOST_AUTO_TEST_CASE(every_split_point_gives_the_same_records) {
  for (const auto prefix : {length_prefix::u32be, length_prefix::varint}) {
    const bytes data = encode_records({to_bytes("ab"), bytes{}, bytes(130, 'z'), to_bytes("c")}, prefix);
    const auto whole = decode_records(data, prefix);
    BOOST_TEST(whole.records.size() == 4u);
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
      const auto pieces = decode_chunked(split(data, {cut}), [&](const bytes& b) { return decode_records(b, prefix); });
      BOOST_TEST((pieces.records == whole.records), "cut at " << cut);
      BOOST_TEST(pieces.tail.empty(), "cut at " << cut);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
