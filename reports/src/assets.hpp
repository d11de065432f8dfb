#pragma once
// The stylesheet and script written beside the pages (sources: reports/assets/, embedded at build time).

#include <string_view>

namespace stutter::reports::detail {

std::string_view report_css();
std::string_view report_js();

}  // namespace stutter::reports::detail
