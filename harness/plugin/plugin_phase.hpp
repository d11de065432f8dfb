#pragma once
// A plug-in's framing phase (line, length, http-upgrade, websocket) as a runner phase.

#include <memory>

#include "plugin/plugin_bridge.hpp"
#include "plugin/plugin_library.hpp"
#include "runner/phase.hpp"

namespace stutter::plugin {

// Throws std::invalid_argument (the stack reports it as unimplemented) when create fails.
std::unique_ptr<runner::phase> make_plugin_phase(std::shared_ptr<const library> lib, runner::phase_context ctx,
                                                 contract_log& log, std::function<std::uint64_t()> now);

}  // namespace stutter::plugin
