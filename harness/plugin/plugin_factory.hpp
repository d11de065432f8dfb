#pragma once
// A loaded plug-in as an implementation the runner can build stacks from: the layers it
// implements at the ends it is placed at, the reference stack everywhere else.

#include <memory>

#include "plugin/plugin_bridge.hpp"
#include "plugin/plugin_library.hpp"
#include "runner/stack.hpp"

namespace stutter::plugin {

// `at`: which ends use the plug-in (own = every end it implements). A layer the plug-in
// does not implement at such an end makes the stack unimplemented (never silently ours).
std::unique_ptr<runner::stack_factory> make_plugin_factory(std::shared_ptr<const library> lib,
                                                           scenario::placement at);

}  // namespace stutter::plugin
