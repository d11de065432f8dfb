#pragma once
// ws.rfc6455.*: every frame an endpoint put on the wire obeys RFC 6455 section 5, judged by
// the WebSocket wire model (models/), not by the implementation's own codec.

#include <optional>

#include "runner/checks.hpp"

namespace stutter::runner {

std::optional<violation> check_ws_rfc6455(const run_facts& run, const endpoint_view& sender);

}  // namespace stutter::runner
