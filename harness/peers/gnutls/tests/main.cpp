#define BOOST_TEST_MODULE harness_peers_gnutls
#include <boost/test/unit_test.hpp>
