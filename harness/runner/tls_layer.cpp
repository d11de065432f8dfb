#include "runner/tls_layer.hpp"

namespace stutter::runner {

std::unique_ptr<byte_stream> make_tls_transform(scenario::endpoint_id, const scenario::settings&, byte_stream&,
                                                std::uint64_t) {
  return nullptr;
}

std::unique_ptr<stack_factory> make_tls_implementation(std::string_view) { return nullptr; }

}  // namespace stutter::runner
