#define BOOST_TEST_MODULE harness_properties
#include <boost/test/unit_test.hpp>
