#define BOOST_TEST_MODULE impl_ws
#include <boost/test/unit_test.hpp>
