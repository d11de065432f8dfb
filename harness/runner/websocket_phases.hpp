#pragma once
// HTTP/1.1 Upgrade and WebSocket (impl/websocket) as runner phases, and the wslay peer.

#include <memory>
#include <string_view>

#include "runner/phase.hpp"
#include "runner/stack.hpp"

namespace stutter::runner {

// nullptr when ctx.kind is neither http_upgrade nor websocket.
std::unique_ptr<phase> make_websocket_layer_phase(phase_context ctx);

// A WebSocket implementation by name (see implementations.cpp: wslay as either end, the
// WebSocket mutants), or nullptr.
std::unique_ptr<stack_factory> make_websocket_implementation(std::string_view name);

}  // namespace stutter::runner
