#pragma once
// How a failing generated run is reported by the property tests: the verdict, invariant and
// message, what the scenario was drawn from, and the explicit fault schedule the run took
// (the first 40 decisions), enough to rebuild it as a scenario file.
#include <string>

#include "runner/runner.hpp"
#include "scenario/names.hpp"
#include "sim/fault_vocabulary.hpp"

namespace stutter::testing {

inline std::string describe_run(const scenario::scenario& s, const runner::run_result& r) {
  std::string out = std::string(scenario::to_string(r.verdict)) + " " + r.invariant.value_or("") + ": " + r.message +
                    "\nseed " + std::to_string(s.seed) + ", peer " + s.peer;
  if (!s.client.stack.empty() && s.client.stack.front() == scenario::layer::tls) {
    out += ", TLS " + s.client.config.tls_version;
  }
  out += ", steps " + std::to_string(s.client.workload.size()) + "+" + std::to_string(s.server.workload.size()) +
         "; fault schedule:";
  std::size_t shown = 0;
  for (const auto& f : r.decisions) {
    if (++shown > 40) {
      out += " ... (" + std::to_string(r.decisions.size()) + " in all)";
      break;
    }
    out += " " + std::string(scenario::to_string(f.endpoint)) + "/" + std::string(scenario::to_string(f.dir)) + "#" +
           std::to_string(f.op) + "=" + std::string(sim::name_of(f.kind)) + "(" + std::to_string(f.amount) + ")";
  }
  return out;
}

}  // namespace stutter::testing
