#define BOOST_TEST_MODULE scenario
#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace {

// Paths in the expected messages are relative to the repository root.
struct run_from_source_root {
  run_from_source_root() { std::filesystem::current_path(STUTTER_SOURCE_DIR); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(run_from_source_root);
