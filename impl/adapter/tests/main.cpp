#define BOOST_TEST_MODULE impl_adapter
#include <boost/test/unit_test.hpp>
