#include "runner/generate_tls.hpp"

namespace stutter::runner {

void add_tls_workload(sim::rng&, scenario::scenario&) {}

}  // namespace stutter::runner
