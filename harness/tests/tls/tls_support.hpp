#pragma once
// Shared by the TLS tests: the TLS stacks, a failure description with the run's fault
// schedule, and RapidCheck properties with a case budget (TLS handshakes are slow under
// ASan; RC_PARAMS="max_success=N" still overrides the budget).

#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <rapidcheck.h>

#include "runner/runner.hpp"
#include "scenario/scenario.hpp"

namespace stutter::tls_tests {

// The TLS stacks: bare, length, line+length, and WebSocket over TLS (HTTP Upgrade first).
const std::vector<std::vector<scenario::layer>>& tls_stacks();

// Runs `property` with at most `budget` successful cases unless RC_PARAMS sets max_success.
void check_with_budget(const rc::detail::Property& property, int budget);

}  // namespace stutter::tls_tests

#define TLS_RC_PROP(Name, Budget, ArgList)                                                     \
  void rapidCheck_propImpl_##Name ArgList;                                                     \
  BOOST_AUTO_TEST_CASE(Name) {                                                                 \
    ::stutter::tls_tests::check_with_budget(::rc::detail::toProperty(&rapidCheck_propImpl_##Name), \
                                             (Budget));                                        \
  }                                                                                            \
  void rapidCheck_propImpl_##Name ArgList
