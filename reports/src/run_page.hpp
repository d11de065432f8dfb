#pragma once
// The page for one failing or notable run.

#include <string>

#include "merge.hpp"

namespace stutter::reports::detail {

std::string render_run_page(const result_row& row, const merged_run& run, std::size_t timeline_cap);

}  // namespace stutter::reports::detail
