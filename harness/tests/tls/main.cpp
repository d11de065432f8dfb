#define BOOST_TEST_MODULE harness_tls
#include <boost/test/unit_test.hpp>
