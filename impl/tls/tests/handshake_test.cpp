#include <boost/test/unit_test.hpp>

#include "exchange.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;

BOOST_AUTO_TEST_SUITE(impl_tls_handshake)

BOOST_AUTO_TEST_CASE(handshake_both_versions_at_several_chunk_sizes) {
  for (const char* version : {"1.2", "1.3"}) {
    for (std::size_t chunk : {0, 1, 7, 100, 1500}) {
      for (std::size_t block : {0, 3}) {
        BOOST_TEST_CONTEXT("version " << version << " chunk " << chunk << " block_every " << block) {
          auto pair = make_pair(7, client_config(version), server_config(version),
                                {.read_chunk = chunk, .write_chunk = chunk, .block_every = block});
          script c{{{action::handshake}}};
          script s{{{action::handshake}}};
          auto out = run(pair, c, s);
          BOOST_TEST(!out.hang);
          BOOST_TEST(!out.client.error, out.client.error.message() << " " << out.client.detail);
          BOOST_TEST(!out.server.error, out.server.error.message() << " " << out.server.detail);
          BOOST_TEST(pair.client.tls().established());
          BOOST_TEST(pair.server.tls().established());
          std::string expected = std::string("TLSv") + version;
          BOOST_TEST(pair.client.tls().negotiated_version() == expected);
          BOOST_TEST(pair.client.tls().counters().handshakes == 1u);
          BOOST_TEST(pair.server.tls().counters().handshakes == 1u);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
