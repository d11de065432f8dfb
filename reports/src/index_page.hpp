#pragma once
// The index page: summary, results matrix, failing and notable runs, explore, coverage.

#include <string>

#include "coverage.hpp"
#include "merge.hpp"

namespace stutter::reports::detail {

std::string render_index(const merged_run& run, const coverage& cov);

// The sections, each appending one <section> to out.
void summary_section(std::string& out, const merged_run& run);
void matrix_section(std::string& out, const merged_run& run);
void attention_section(std::string& out, const merged_run& run);
void explore_section(std::string& out, const merged_run& run);  // nothing when no explore ran
void coverage_section(std::string& out, const coverage& cov);

// Shared formatting.
std::string format_duration(std::uint64_t ms);
std::string footer_note(const merged_run& run);

}  // namespace stutter::reports::detail
