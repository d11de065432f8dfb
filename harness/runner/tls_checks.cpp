#include "runner/tls_checks.hpp"

namespace stutter::runner {

std::optional<violation> check_reneg_complete(const run_facts&, const endpoint_view&) { return std::nullopt; }

}  // namespace stutter::runner
