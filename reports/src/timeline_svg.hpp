#pragma once
// The run page's timeline: inline SVG swimlanes, one lane per endpoint and layer.

#include <cstddef>
#include <string>
#include <vector>

#include "model.hpp"

namespace stutter::reports::detail {

// Draws at most `cap` events (the earliest in virtual time) and says how many were left out.
void timeline_svg(std::string& out, const std::vector<timeline_event>& events, std::size_t cap);

}  // namespace stutter::reports::detail
