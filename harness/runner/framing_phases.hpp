#pragma once
// Line and length framing as runner phases.

#include <memory>

#include "runner/phase.hpp"

namespace stutter::runner {

std::unique_ptr<phase> make_line_phase(phase_context ctx);
std::unique_ptr<phase> make_length_phase(phase_context ctx);

}  // namespace stutter::runner
