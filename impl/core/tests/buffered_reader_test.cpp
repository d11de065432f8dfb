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

// A line over the limit is reported at the first byte that makes it certain: with "\r\n"
// and max 4, the fifth payload byte when it cannot start the separator, never later.
BOOST_AUTO_TEST_CASE(line_too_long_is_reported_at_the_byte_that_makes_it_certain) {
  struct case_t {
    const char* arrived;
    bool certain;
  };
  for (const case_t c : {case_t{"abcde", true}, case_t{"abcd\r", false}, case_t{"abcde\r", true},
                         case_t{"abc\r", false}, case_t{"abcd", false}, case_t{"abcd\rx", true}}) {
    BOOST_TEST_CONTEXT(c.arrived) {
      auto [a, b] = memory_pair();
      const std::vector<byte> data = bytes_of(c.arrived);
      BOOST_TEST(a->write_some(const_bytes(data)).n == data.size());
      buffered_reader in(*b, {.capacity = 64, .block = 64});
      const io_result r = in.read_until(bytes_of("\r\n"), 4);
      if (c.certain) {
        BOOST_TEST((r.ec == errc::line_too_long));
      } else {
        BOOST_TEST((r.st == status::would_block));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(eof_is_reported_with_partial_data_kept) {
  memory_source src(bytes_of("ab"));
  buffered_reader in(src, {});
  BOOST_TEST((in.fill(4).st == status::eof));
  BOOST_TEST(in.buffered().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
