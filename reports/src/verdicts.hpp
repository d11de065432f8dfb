#pragma once
// The verdict vocabulary: spelling, display order, and which verdicts fail the gate.

#include <span>
#include <string_view>

namespace stutter::reports::detail {

// Every verdict, in the order the summary lists them.
std::span<const std::string_view> all_verdicts();
bool is_verdict(std::string_view v);
// Lower is worse; a matrix cell holding several runs shows its worst verdict.
int severity(std::string_view v);
// fail, hang, xpass and crash make the conformance gate fail.
bool fails_gate(std::string_view v);

}  // namespace stutter::reports::detail
