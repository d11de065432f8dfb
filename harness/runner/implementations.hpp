#pragma once
// The one registry of implementations a scenario can run against: the reference stack
// ("stutter"), peers nobody here wrote (wslay, GnuTLS), the deliberately broken mutants
// that prove the checks, and plug-ins loaded at run time (plugin:PATH). Each is one
// registration: a name, what it implements at which end, and how to build its stacks.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/stack.hpp"

namespace stutter::runner {

inline constexpr std::uint8_t role_client = 1;
inline constexpr std::uint8_t role_server = 2;

struct implementation {
  std::string name;
  std::string description;
  // roles[layer]: the ends (role_client | role_server) it implements that layer for.
  std::array<std::uint8_t, 5> roles{};
  // The ends it plays when a scenario names it without a peer_role.
  scenario::placement own = scenario::placement::both;
  bool replayable = true;  // false: it draws randomness the run's seed does not control
  std::optional<scenario::implementation_identity> identity;  // plug-ins: name, version, SHA-256
  std::function<std::unique_ptr<stack_factory>(scenario::placement)> make;
  // A peer whose scenarios follow its own behaviour (wslay, GnuTLS: their workloads expect
  // what that library does, not what any implementation must do), so another implementation
  // under test cannot play them.
  bool scenarios_follow_it = false;

  // The single ends (client, server) it implements anything at.
  std::vector<scenario::placement> single_ends() const;
};

// The implementation a scenario's peer names: a registered name or plugin:PATH (loaded on
// first use; plugin::plugin_error when the file is not a usable plug-in). nullptr when unknown.
const implementation* find_implementation(std::string_view name);

// Every registered name, in registration order (plug-ins loaded so far come last).
std::vector<std::string> implementation_names();
// Every registered implementation, in the same order.
std::vector<const implementation*> all_implementations();

// The stacks of `name` placed at `at` (own: its own ends); nullptr when unknown.
std::unique_ptr<stack_factory> factory_for(std::string_view name,
                                           scenario::placement at = scenario::placement::own);

}  // namespace stutter::runner
