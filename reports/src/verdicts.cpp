#include "verdicts.hpp"

#include <algorithm>
#include <array>

namespace stutter::reports::detail {
namespace {

constexpr std::array<std::string_view, 9> listed{"pass",          "fail",          "hang",  "non_strict",
                                                 "unimplemented", "informational", "xfail", "xpass", "crash"};
constexpr std::array<std::string_view, 9> worst_first{"crash", "fail",          "hang",  "xpass",        "non_strict",
                                                      "unimplemented", "xfail", "informational", "pass"};

}  // namespace

std::span<const std::string_view> all_verdicts() { return listed; }

bool is_verdict(std::string_view v) { return std::find(listed.begin(), listed.end(), v) != listed.end(); }

int severity(std::string_view v) {
  auto it = std::find(worst_first.begin(), worst_first.end(), v);
  return static_cast<int>(it - worst_first.begin());
}

bool fails_gate(std::string_view v) { return v == "fail" || v == "hang" || v == "xpass" || v == "crash"; }

}  // namespace stutter::reports::detail
