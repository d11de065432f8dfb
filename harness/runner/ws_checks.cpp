#include "runner/ws_checks.hpp"

namespace stutter::runner {

std::optional<violation> check_ws_rfc6455(const run_facts&, const endpoint_view&) { return std::nullopt; }

}  // namespace stutter::runner
