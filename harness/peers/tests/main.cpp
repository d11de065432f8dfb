#define BOOST_TEST_MODULE harness_peers_wslay
#include <boost/test/unit_test.hpp>
