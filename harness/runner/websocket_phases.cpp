#include "runner/websocket_phases.hpp"

namespace stutter::runner {

std::unique_ptr<phase> make_websocket_layer_phase(phase_context) { return nullptr; }

std::unique_ptr<stack_factory> make_websocket_implementation(std::string_view) { return nullptr; }

}  // namespace stutter::runner
