#pragma once
// TLS (impl/tls) as the runner's transform layer, and the TLS implementations a scenario
// can name (a naive wrapper mutant, GnuTLS as a peer).

#include <cstdint>
#include <memory>
#include <string_view>

#include "runner/stack.hpp"

namespace stutter::runner {

// The TLS layer of `role` over `lower`; the object also implements renegotiation_control.
std::unique_ptr<byte_stream> make_tls_transform(scenario::endpoint_id role, const scenario::settings& config,
                                                byte_stream& lower, std::uint64_t seed);

// A TLS implementation by name (see implementations.cpp), or nullptr.
std::unique_ptr<stack_factory> make_tls_implementation(std::string_view name);

}  // namespace stutter::runner
