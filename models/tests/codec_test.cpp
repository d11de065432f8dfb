#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <cstdio>
#include <string>

#include "generators.hpp"
#include "stutter_models/base64.hpp"
#include "stutter_models/sha1.hpp"
#include "stutter_models/utf8.hpp"
#include "stutter_models/websocket.hpp"

using namespace stutter::models;

namespace {

std::string hex(const sha1_digest& d) {
  std::string out;
  char buf[3];
  for (std::uint8_t b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

std::string sha1_hex(std::string_view text) { return hex(sha1(to_bytes(text))); }

// UTF-8 encoding of a code point in exactly `length` bytes (overlong if longer than needed).
bytes encode_utf8(std::uint32_t cp, std::size_t length) {
  if (length == 1) return {static_cast<std::uint8_t>(cp)};
  static constexpr std::uint8_t lead_bits[] = {0, 0, 0xc0, 0xe0, 0xf0};
  bytes out(length);
  for (std::size_t i = length - 1; i > 0; --i) {
    out[i] = static_cast<std::uint8_t>(0x80 | (cp & 0x3f));
    cp >>= 6;
  }
  out[0] = static_cast<std::uint8_t>(lead_bits[length] | cp);
  return out;
}

std::size_t shortest_length(std::uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

}  // namespace

BOOST_AUTO_TEST_SUITE(sha1_vectors)

BOOST_AUTO_TEST_CASE(fips_180_examples) {
  BOOST_TEST(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  BOOST_TEST(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  BOOST_TEST(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  BOOST_TEST(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

BOOST_AUTO_TEST_CASE(padding_boundaries) {
  // Messages of 'a' whose padding needs one block or spills into a second.
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"}, {56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
      {63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"}, {64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
      {65, "11655326c708d70319be2610e8a57d9a5b959d3b"}, {119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"},
      {120, "f34c1488385346a55709ba056ddd08280dd4c6d6"},
  };
  for (const auto& [n, digest] : cases) BOOST_TEST(sha1_hex(std::string(n, 'a')) == digest, "length " << n);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(rfc_4648_vectors) {
  BOOST_TEST(base64_encode(to_bytes("")) == "");
  BOOST_TEST(base64_encode(to_bytes("f")) == "Zg==");
  BOOST_TEST(base64_encode(to_bytes("fo")) == "Zm8=");
  BOOST_TEST(base64_encode(to_bytes("foo")) == "Zm9v");
  BOOST_TEST(base64_encode(to_bytes("foob")) == "Zm9vYg==");
  BOOST_TEST(base64_encode(to_bytes("fooba")) == "Zm9vYmE=");
  BOOST_TEST(base64_encode(to_bytes("foobar")) == "Zm9vYmFy");
  BOOST_TEST(base64_encode(bytes{0xfb, 0xff}) == "+/8=");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(websocket_accept_value)

BOOST_AUTO_TEST_CASE(rfc_6455_example) {
  BOOST_TEST(websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(hand_picked) {
  BOOST_TEST(is_valid_utf8(to_bytes("")));
  BOOST_TEST(is_valid_utf8(to_bytes("hello")));
  BOOST_TEST(is_valid_utf8(to_bytes("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")));  // "kosme"
  BOOST_TEST(is_valid_utf8(bytes{0xf4, 0x8f, 0xbf, 0xbf}));                          // U+10FFFF
  BOOST_TEST(is_valid_utf8(bytes{0xed, 0x9f, 0xbf}));                                // U+D7FF
  BOOST_TEST(is_valid_utf8(bytes{0xee, 0x80, 0x80}));                                // U+E000
  BOOST_TEST(!is_valid_utf8(bytes{0xc0, 0xaf}));                                     // overlong '/'
  BOOST_TEST(!is_valid_utf8(bytes{0xe0, 0x80, 0xaf}));                               // overlong '/'
  BOOST_TEST(!is_valid_utf8(bytes{0xf0, 0x80, 0x80, 0xaf}));                         // overlong '/'
  BOOST_TEST(!is_valid_utf8(bytes{0xed, 0xa0, 0x80}));                               // U+D800
  BOOST_TEST(!is_valid_utf8(bytes{0xed, 0xbf, 0xbf}));                               // U+DFFF
  BOOST_TEST(!is_valid_utf8(bytes{0xf4, 0x90, 0x80, 0x80}));                         // U+110000
  BOOST_TEST(!is_valid_utf8(bytes{0x80}));                                           // stray continuation
  BOOST_TEST(!is_valid_utf8(bytes{0xce}));                                           // truncated
  BOOST_TEST(!is_valid_utf8(bytes{0xce, 0x41}));                                     // missing continuation
  BOOST_TEST(!is_valid_utf8(bytes{0xf8, 0x88, 0x80, 0x80, 0x80}));                   // 5-byte form
  BOOST_TEST(!is_valid_utf8(bytes{0xff}));
}

// Counting valid sequences over whole byte ranges pins down exactly which are accepted.
BOOST_AUTO_TEST_CASE(exhaustive_counts) {
  std::size_t two = 0;
  for (unsigned a = 0; a < 256; ++a)
    for (unsigned b = 0; b < 256; ++b)
      two += is_valid_utf8(bytes{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)});
  BOOST_TEST(two == 128u * 128u + (0x800u - 0x80u));

  std::size_t three = 0;
  for (unsigned a = 0xe0; a < 0xf0; ++a)
    for (unsigned b = 0; b < 256; ++b)
      for (unsigned c = 0; c < 256; ++c)
        three += is_valid_utf8(bytes{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c)});
  BOOST_TEST(three == (0x10000u - 0x800u) - 0x800u);  // minus the surrogates

  std::size_t four = 0;
  bytes seq(4);
  for (unsigned a = 0xf0; a < 0xf8; ++a)
    for (unsigned b = 0x80; b < 0xc0; ++b)
      for (unsigned c = 0x80; c < 0xc0; ++c)
        for (unsigned d = 0x80; d < 0xc0; ++d) {
          seq = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d)};
          four += is_valid_utf8(seq);
        }
  BOOST_TEST(four == 0x110000u - 0x10000u);
}

RC_BOOST_PROP(scalar_values_are_valid_only_in_their_shortest_form, ()) {
  const auto cp = *rc::gen::inRange<std::uint32_t>(0, 0x110000);
  const std::size_t shortest = shortest_length(cp);
  const bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
  RC_ASSERT(is_valid_utf8(encode_utf8(cp, shortest)) == !surrogate);
  for (std::size_t longer = shortest + 1; longer <= 4; ++longer) RC_ASSERT(!is_valid_utf8(encode_utf8(cp, longer)));
}

RC_BOOST_PROP(above_u10ffff_is_invalid, ()) {
  const auto cp = *rc::gen::inRange<std::uint32_t>(0x110000, 0x200000);
  RC_ASSERT(!is_valid_utf8(encode_utf8(cp, 4)));
}

BOOST_AUTO_TEST_SUITE_END()
