#define BOOST_TEST_MODULE harness_shrink
#include <boost/test/unit_test.hpp>
