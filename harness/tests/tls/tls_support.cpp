#include "tls_support.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>

#include <rapidcheck/detail/Configuration.h>

#include "scenario/names.hpp"

namespace stutter::tls_tests {

using scenario::layer;

const std::vector<std::vector<layer>>& tls_stacks() {
  static const std::vector<std::vector<layer>> stacks{{layer::tls},
                                                      {layer::tls, layer::length},
                                                      {layer::tls, layer::line, layer::length},
                                                      {layer::tls, layer::http_upgrade, layer::websocket}};
  return stacks;
}

std::string describe(const scenario::scenario& s, const runner::run_result& r) {
  std::string out = std::string(scenario::to_string(r.verdict)) + " " + r.invariant.value_or("") + ": " + r.message +
                    "\nseed " + std::to_string(s.seed) + ", TLS " + s.client.config.tls_version + ", steps " +
                    std::to_string(s.client.workload.size()) + "+" + std::to_string(s.server.workload.size()) +
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

namespace {

bool requests_on(const std::vector<scenario::step>& w) {
  for (const auto& st : w) {
    if (st.kind == scenario::step_kind::renegotiate || st.kind == scenario::step_kind::key_update) return true;
  }
  return false;
}

}  // namespace

std::string known_issue(const scenario::scenario& s, const runner::run_result& r) {
  if (r.verdict != scenario::verdict::fail && r.verdict != scenario::verdict::hang) return {};
  const bool any_requests = requests_on(s.client.workload) || requests_on(s.server.workload);
  // A: a side blocked flushing output (a KeyUpdate answer, a renegotiation flight, a record,
  // close_notify) does not read, so with pipes smaller than what both sides have to send,
  // both wait to write (scenarios/tls/known-issue-mutual-write-deadlock.json).
  if (any_requests && r.invariant == "liveness.progress" &&
      r.message.find("client waiting to write, server waiting to write") != std::string::npos) {
    return "impl/tls: both sides blocked on write, neither drains input";
  }
  // B: TLS 1.2, both sides request a renegotiation at about the same time: the server's
  // HelloRequest crosses the client's ClientHello; the client later stalls in a handshake the
  // server never started (both wait to read) or rejects the server's application data as an
  // unexpected record (scenarios/tls/known-issue-crossing-hello-request*.json).
  if (s.client.config.tls_version == "1.2" && requests_on(s.client.workload) && requests_on(s.server.workload)) {
    const bool stall = r.invariant == "liveness.progress" &&
                       r.message.find("client waiting to read, server waiting to read") != std::string::npos;
    const bool unexpected = r.message.find("protocol_error") != std::string::npos;
    if (stall || unexpected) return "impl/tls: TLS 1.2 HelloRequest crossing a ClientHello";
  }
  return {};
}

void check_with_budget(const rc::detail::Property& property, int budget) {
  const auto& test = boost::unit_test::framework::current_test_case();
  rc::detail::TestMetadata metadata;
  metadata.id = test.full_name();
  metadata.description = test.p_name;
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const char* env = std::getenv("RC_PARAMS");
  if (env == nullptr || std::string_view(env).find("max_success") == std::string_view::npos) {
    params.maxSuccess = budget;
  }
  const auto result = rc::detail::checkProperty(property, metadata, params);
  BOOST_CHECK(true);
  if (result.template is<rc::detail::SuccessResult>()) {
    // The classes (RC_CLASSIFY), as RapidCheck's own Boost adapter prints them.
    if (!result.template get<rc::detail::SuccessResult>().distribution.empty()) {
      std::cout << "- " << metadata.description << "\n";
      rc::detail::printResultMessage(result, std::cout);
      std::cout << "\n";
    }
  } else {
    std::ostringstream ss;
    ss << "\n";
    rc::detail::printResultMessage(result, ss);
    BOOST_FAIL(ss.str());
  }
}

}  // namespace stutter::tls_tests
