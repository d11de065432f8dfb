#pragma once
// A plug-in's tls layer as the engine of the runner's TLS layer (runner/tls_engine.hpp),
// which adds the request queue, the status.meaning probe and the retry check, as for
// every other TLS engine.

#include <memory>

#include "plugin/plugin_bridge.hpp"
#include "plugin/plugin_library.hpp"
#include "runner/stack.hpp"

namespace stutter::plugin {

// Throws std::invalid_argument (unimplemented) when create fails.
std::unique_ptr<byte_stream> make_plugin_tls(std::shared_ptr<const library> lib, scenario::endpoint_id role,
                                             const scenario::settings& config, byte_stream& socket,
                                             std::uint64_t seed, contract_log& log,
                                             std::function<std::uint64_t()> now);

}  // namespace stutter::plugin
