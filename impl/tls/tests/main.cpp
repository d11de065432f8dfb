#define BOOST_TEST_MODULE impl_tls
#include <boost/test/unit_test.hpp>
