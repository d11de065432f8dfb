#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <set>

#include "stutter/ws/accept.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/frame.hpp"
#include "stutter/ws/utf8.hpp"
#include "ws_test_util.hpp"

using namespace stutter;
using namespace stutter::ws;
using namespace stutter::ws::test;

namespace {

bool valid_utf8(const std::vector<byte>& b) {
  utf8_validator v;
  return v.feed(b) && v.complete();
}

std::vector<byte> encode_utf8(std::uint32_t cp) {
  if (cp < 0x80) return {static_cast<byte>(cp)};
  if (cp < 0x800) return {static_cast<byte>(0xC0 | (cp >> 6)), static_cast<byte>(0x80 | (cp & 0x3F))};
  if (cp < 0x10000) {
    return {static_cast<byte>(0xE0 | (cp >> 12)), static_cast<byte>(0x80 | ((cp >> 6) & 0x3F)),
            static_cast<byte>(0x80 | (cp & 0x3F))};
  }
  return {static_cast<byte>(0xF0 | (cp >> 18)), static_cast<byte>(0x80 | ((cp >> 12) & 0x3F)),
          static_cast<byte>(0x80 | ((cp >> 6) & 0x3F)), static_cast<byte>(0x80 | (cp & 0x3F))};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(codec_suite)

BOOST_AUTO_TEST_CASE(accept_matches_the_rfc_vector) {
  BOOST_TEST(accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

BOOST_AUTO_TEST_CASE(key_is_base64_of_sixteen_bytes) {
  std::array<byte, 16> nonce{};
  for (std::size_t i = 0; i < 16; ++i) nonce[i] = static_cast<byte>(i + 1);
  BOOST_TEST(make_key(nonce) == "AQIDBAUGBwgJCgsMDQ4PEA==");
  BOOST_TEST(is_valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  BOOST_TEST(!is_valid_key(""));
  BOOST_TEST(!is_valid_key("dGhlIHNhbXBsZSBub25jZQ="));     // 23 characters
  BOOST_TEST(!is_valid_key("dGhlIHNhbXBsZSBub25jZQ=A"));    // padding not "=="
  BOOST_TEST(!is_valid_key("dGhlIHNhbXBsZSBub25j*Q=="));    // not base64
  BOOST_TEST(!is_valid_key("dGhlIHNhbXBsZSBub25jZQ1234"));  // 19 bytes
}

BOOST_AUTO_TEST_CASE(utf8_table) {
  struct row {
    std::vector<byte> bytes;
    bool valid;
  };
  const std::vector<row> rows{
      {{}, true},
      {{'a', 'b'}, true},
      {{0xC2, 0xA2}, true},              // U+00A2
      {{0xE2, 0x82, 0xAC}, true},        // U+20AC
      {{0xF0, 0x9F, 0x98, 0x80}, true},  // U+1F600
      {{0xF4, 0x8F, 0xBF, 0xBF}, true},  // U+10FFFF
      {{0xEF, 0xBF, 0xBF}, true},        // U+FFFF (a noncharacter, still valid)
      {{0xC0, 0xAF}, false},             // overlong '/'
      {{0xC1, 0xBF}, false},             // overlong
      {{0xE0, 0x80, 0xAF}, false},       // overlong
      {{0xF0, 0x8F, 0xBF, 0xBF}, false}, // overlong
      {{0xED, 0xA0, 0x80}, false},       // surrogate U+D800
      {{0xF4, 0x90, 0x80, 0x80}, false}, // above U+10FFFF
      {{0xF5, 0x80, 0x80, 0x80}, false},
      {{0x80}, false},                   // lone continuation
      {{0xE2, 0x82}, false},             // truncated
      {{0xE2, 0x28, 0xAC}, false},
      {{0xFF}, false},
  };
  for (const auto& r : rows) {
    BOOST_TEST(valid_utf8(r.bytes) == r.valid);
    // Byte by byte gives the same verdict.
    utf8_validator v;
    bool ok = true;
    for (byte c : r.bytes) ok = v.feed(const_bytes(&c, 1)) && ok;
    BOOST_TEST((ok && v.complete()) == r.valid);
  }
}

BOOST_AUTO_TEST_CASE(utf8_fails_fast_at_the_first_bad_byte) {
  utf8_validator v;
  BOOST_TEST(v.feed(bytes_of("hello ")));
  BOOST_TEST(v.feed(std::vector<byte>{0xE2}));
  BOOST_TEST(!v.complete());
  BOOST_TEST(!v.feed(std::vector<byte>{0x28}));  // not a continuation: fails now, not at the end
  BOOST_TEST(!v.feed(bytes_of("more")));        // and stays failed
}

RC_BOOST_PROP(utf8_valid_text_passes_in_any_split, (std::vector<std::uint32_t> raw)) {
  std::vector<byte> text;
  for (std::uint32_t x : raw) {
    std::uint32_t cp = x % 0x110000;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    auto e = encode_utf8(cp);
    text.insert(text.end(), e.begin(), e.end());
  }
  const std::size_t split = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
  utf8_validator v;
  RC_ASSERT(v.feed(const_bytes(text).first(split)));
  RC_ASSERT(v.feed(const_bytes(text).subspan(split)));
  RC_ASSERT(v.complete());
}

BOOST_AUTO_TEST_CASE(header_uses_the_minimal_length_form) {
  const std::vector<std::pair<std::uint64_t, std::size_t>> sizes{
      {0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}, {(1ull << 63) - 1, 10}};
  for (auto [len, size] : sizes) {
    frame_header h;
    h.opcode = 2;
    h.length = len;
    byte buf[max_header_size];
    BOOST_TEST(encode_header(h, buf) == size);
    BOOST_TEST(header_size(buf[0], buf[1]) == size);
    frame_header back;
    BOOST_TEST(!decode_header({buf, size}, back));
    BOOST_TEST(back.length == len);
    BOOST_TEST(back.fin);
    BOOST_TEST(back.opcode == 2);
  }
  // Masked: the key follows the length, in wire order.
  frame_header h;
  h.opcode = 1;
  h.masked = true;
  h.key = {1, 2, 3, 4};
  h.length = 300;
  byte buf[max_header_size];
  BOOST_TEST(encode_header(h, buf) == 8u);
  const std::vector<byte> wire(buf, buf + 8);
  BOOST_TEST((wire == std::vector<byte>{0x81, 0xFE, 0x01, 0x2C, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(header_decoding_rejects_non_minimal_and_top_bit_lengths) {
  frame_header h;
  auto w16 = build({.b0 = 0x82, .form = 16, .length = 125});
  BOOST_TEST((decode_header(const_bytes(w16).first(4), h) == ws_errc::non_minimal_length));
  auto w64 = build({.b0 = 0x82, .form = 64, .length = 65535});
  BOOST_TEST((decode_header(const_bytes(w64).first(10), h) == ws_errc::non_minimal_length));
  auto top = build({.b0 = 0x82, .form = 64, .length = 1ull << 63});
  BOOST_TEST((decode_header(const_bytes(top).first(10), h) == ws_errc::length_top_bit));
}

RC_BOOST_PROP(mask_matches_the_bytewise_definition, (std::vector<byte> data, std::array<byte, 4> key)) {
  const std::size_t phase = *rc::gen::inRange<std::size_t>(0, 4);
  std::vector<byte> want(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) want[i] = data[i] ^ key[(phase + i) % 4];
  std::vector<byte> got(data.size());
  const std::size_t next = apply_mask(data.data(), got.data(), data.size(), key, phase);
  RC_ASSERT(got == want);
  RC_ASSERT(next == (phase + data.size()) % 4);
  // In place, resumed at an arbitrary split, gives the same bytes.
  const std::size_t split = *rc::gen::inRange<std::size_t>(0, data.size() + 1);
  std::size_t p = apply_mask(data.data(), data.data(), split, key, phase);
  apply_mask(data.data() + split, data.data() + split, data.size() - split, key, p);
  RC_ASSERT(data == want);
}

BOOST_AUTO_TEST_CASE(error_codes_have_messages_and_carry_close_codes) {
  std::set<std::string> messages;
  for (int v = 1; v <= static_cast<int>(http_errc::refused); ++v) {
    std::error_code ec = static_cast<http_errc>(v);
    BOOST_TEST(ec.category().name() == std::string("stutter.http"));
    BOOST_TEST(ec.message().find("unknown") == std::string::npos);
    messages.insert(ec.message());
  }
  BOOST_TEST(messages.size() == static_cast<std::size_t>(http_errc::refused));
  BOOST_TEST(close_code_of(ws_errc::reserved_bits) == 1002);
  BOOST_TEST(close_code_of(ws_errc::data_after_close) == 1002);
  BOOST_TEST(close_code_of(ws_errc::invalid_utf8) == 1007);
  BOOST_TEST(close_code_of(ws_errc::message_too_big) == 1009);
  BOOST_TEST(close_code_of(ws_errc::unexpected_eof) == 1006);
  BOOST_TEST(close_code_of(ws_errc::closed) == 0);
  BOOST_TEST(close_code_of(std::error_code(ws_errc::masked_frame)) == 1002);
  BOOST_TEST(close_code_of(std::error_code(errc::unexpected_eof)) == 0);
  BOOST_TEST(std::error_code(ws_errc::masked_frame).message().find("1002") != std::string::npos);
  BOOST_TEST(is_sendable_close_code(1000));
  BOOST_TEST(is_sendable_close_code(4999));
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) BOOST_TEST(!is_sendable_close_code(bad));
}

BOOST_AUTO_TEST_SUITE_END()
