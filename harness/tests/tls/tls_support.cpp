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
