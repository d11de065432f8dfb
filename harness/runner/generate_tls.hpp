#pragma once
// The TLS part of a generated scenario: settings (version, renegotiation) and renegotiate /
// key_update steps placed anywhere in the workload, including while data is in flight.

#include "runner/generate.hpp"
#include "sim/rng.hpp"

namespace stutter::runner {

// Called by generate_scenario for a stack whose bottom layer is tls.
void add_tls_workload(sim::rng& g, scenario::scenario& s);

}  // namespace stutter::runner
