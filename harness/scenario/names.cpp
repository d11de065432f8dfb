#include "scenario/names.hpp"

#include <array>

namespace stutter::scenario {
namespace {

constexpr std::array<std::string_view, 5> layer_names{"line", "length", "http-upgrade", "websocket", "tls"};
constexpr const auto& fault_names = sim::fault_kind_names;
constexpr std::array<std::string_view, 2> endpoint_names{"client", "server"};
constexpr std::array<std::string_view, 2> direction_names{"read", "write"};
constexpr std::array<std::string_view, 10> step_names{"send",  "expect",       "switch",      "close",
                                                      "expect_eof", "raw", "expect_error", "renegotiate",
                                                      "key_update", "ping"};
constexpr std::array<std::string_view, 2> message_type_names{"binary", "text"};
constexpr std::array<std::string_view, 9> verdict_names{"pass",          "fail",          "hang",  "non_strict",
                                                        "unimplemented", "informational", "xfail", "xpass",
                                                        "crash"};
constexpr std::array<std::string_view, 4> placement_names{"own", "client", "server", "both"};

template <typename Enum, std::size_t N>
std::optional<Enum> find(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(layer v) { return layer_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(fault_kind v) { return fault_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(endpoint_id v) { return endpoint_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(direction v) { return direction_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(step_kind v) { return step_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(message_type v) { return message_type_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(verdict v) { return verdict_names.at(static_cast<std::size_t>(v)); }
std::string_view to_string(placement v) { return placement_names.at(static_cast<std::size_t>(v)); }

std::optional<layer> parse_layer(std::string_view s) { return find<layer>(layer_names, s); }
std::optional<fault_kind> parse_fault_kind(std::string_view s) { return find<fault_kind>(fault_names, s); }
std::optional<endpoint_id> parse_endpoint(std::string_view s) { return find<endpoint_id>(endpoint_names, s); }
std::optional<direction> parse_direction(std::string_view s) { return find<direction>(direction_names, s); }
std::optional<step_kind> parse_step_kind(std::string_view s) { return find<step_kind>(step_names, s); }
std::optional<message_type> parse_message_type(std::string_view s) {
  return find<message_type>(message_type_names, s);
}
std::optional<verdict> parse_verdict(std::string_view s) { return find<verdict>(verdict_names, s); }
std::optional<placement> parse_placement(std::string_view s) { return find<placement>(placement_names, s); }

std::span<const std::string_view> all_layer_names() { return layer_names; }
std::span<const std::string_view> all_fault_kind_names() { return fault_names; }
std::span<const std::string_view> all_step_kind_names() { return step_names; }
std::span<const std::string_view> all_verdict_names() { return verdict_names; }
std::span<const std::string_view> all_placement_names() { return placement_names; }

}  // namespace stutter::scenario
