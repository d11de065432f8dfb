#pragma once
// The implementations a scenario can name in its "peer" field: the real stacks, peers
// nobody here wrote (as their issues land), and the deliberately broken mutants whose
// failures prove the checkers (so a mutant's shrunk failure replays from its file).

#include <memory>
#include <span>
#include <string_view>

#include "runner/stack.hpp"

namespace stutter::runner {

// nullptr for an unknown name.
std::unique_ptr<stack_factory> factory_for(std::string_view implementation);

// Every name factory_for knows, in a fixed order: scenario::format::peers, the names the
// loader accepts (implementations_test checks that each one builds).
std::span<const std::string_view> implementation_names();

}  // namespace stutter::runner
