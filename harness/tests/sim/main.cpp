#define BOOST_TEST_MODULE harness_sim
#include <boost/test/unit_test.hpp>
