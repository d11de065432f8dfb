#define BOOST_TEST_MODULE impl_core
#include <boost/test/unit_test.hpp>
