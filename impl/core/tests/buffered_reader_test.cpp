#include <boost/test/unit_test.hpp>

#include "stutter/buffered_reader.hpp"
#include "stutter/memory_stream.hpp"
#include "test_util.hpp"

using namespace stutter;
using stutter::test::bytes_of;

BOOST_AUTO_TEST_SUITE(buffered_reader_suite)

BOOST_AUTO_TEST_CASE(serves_prefix_before_touching_lower_stream) {
  memory_source src(bytes_of("world"));
  buffered_reader in(src, {}, bytes_of("hello "));
  BOOST_TEST(in.fill(6).ok());
  BOOST_TEST(src.position() == 0u);  // optimistic: the prefix was enough
  BOOST_TEST(in.fill(11).ok());
  BOOST_TEST(std::string(in.buffered().begin(), in.buffered().end()) == "hello world");
}

BOOST_AUTO_TEST_CASE(strict_mode_never_reads_past_the_request) {
  memory_source src(bytes_of("abc\ndef"));
  buffered_reader in(src, {.capacity = 64, .block = 32, .strict = true});
  io_result r = in.read_until(bytes_of("\n"), 16);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.n == 4u);
  BOOST_TEST(src.position() == 4u);
  in.consume(r.n);
  BOOST_TEST(in.handover().empty());
}

BOOST_AUTO_TEST_CASE(buffered_mode_over_reads_and_hands_over_the_rest_once) {
  memory_source src(bytes_of("abc\ndef"));
  buffered_reader in(src, {.capacity = 64, .block = 32, .strict = false});
  io_result r = in.read_until(bytes_of("\n"), 16);
  BOOST_TEST(r.n == 4u);
  in.consume(r.n);
  BOOST_TEST(src.position() == 7u);
  auto rest = in.handover();
  BOOST_TEST(std::string(rest.begin(), rest.end()) == "def");
  BOOST_TEST(in.handover().empty());
  BOOST_TEST(in.allocated() == 0u);  // the phase's buffer memory is released
}

BOOST_AUTO_TEST_CASE(separator_split_across_reads_is_found) {
  memory_source src(bytes_of("ab\r\ncd"), 1);
  buffered_reader in(src, {.capacity = 64, .block = 1, .strict = false});
  io_result r = in.read_until(bytes_of("\r\n"), 16);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.n == 4u);
}

BOOST_AUTO_TEST_CASE(line_limit_and_capacity_have_their_own_errors) {
  memory_source src(bytes_of("abcdefgh\n"));
  buffered_reader in(src, {.capacity = 64, .block = 64});
  BOOST_TEST((in.read_until(bytes_of("\n"), 4).ec == errc::line_too_long));
  memory_source src2(bytes_of("abcdefgh"));
  buffered_reader small(src2, {.capacity = 4, .block = 4});
  BOOST_TEST((small.fill(5).ec == errc::buffer_full));
}

BOOST_AUTO_TEST_CASE(eof_is_reported_with_partial_data_kept) {
  memory_source src(bytes_of("ab"));
  buffered_reader in(src, {});
  BOOST_TEST((in.fill(4).st == status::eof));
  BOOST_TEST(in.buffered().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
