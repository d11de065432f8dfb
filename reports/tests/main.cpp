#define BOOST_TEST_MODULE stutter_reports
#include <boost/test/unit_test.hpp>
