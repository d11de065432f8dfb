#define BOOST_TEST_MODULE harness_websocket
#include <boost/test/unit_test.hpp>
