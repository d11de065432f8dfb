#pragma once
// reneg.complete: every renegotiation or key update a workload asked for completed, and
// both sides observed it (OpenSSL's own counters).

#include <optional>

#include "runner/checks.hpp"

namespace stutter::runner {

std::optional<violation> check_reneg_complete(const run_facts& run, const endpoint_view& e);

}  // namespace stutter::runner
