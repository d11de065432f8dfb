#pragma once
// JUnit XML for CI systems: one testsuite per category, one testcase per run.

#include <string>
#include <vector>

#include "work.hpp"

namespace stutter::cli {

std::string junit_xml(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes);

}  // namespace stutter::cli
