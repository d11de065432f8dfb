#pragma once
// The spelling of every scenario enum in files, traces, results and reports.

#include <optional>
#include <span>
#include <string_view>

#include "scenario/scenario.hpp"

namespace stutter::scenario {

std::string_view to_string(layer v);
std::string_view to_string(fault_kind v);
std::string_view to_string(endpoint_id v);
std::string_view to_string(direction v);
std::string_view to_string(step_kind v);
std::string_view to_string(message_type v);
std::string_view to_string(verdict v);
std::string_view to_string(placement v);

std::optional<layer> parse_layer(std::string_view s);
std::optional<fault_kind> parse_fault_kind(std::string_view s);
std::optional<endpoint_id> parse_endpoint(std::string_view s);
std::optional<direction> parse_direction(std::string_view s);
std::optional<step_kind> parse_step_kind(std::string_view s);
std::optional<message_type> parse_message_type(std::string_view s);
std::optional<verdict> parse_verdict(std::string_view s);
std::optional<placement> parse_placement(std::string_view s);

// Every value of each enum, in declaration order (for `stutter list`, schema checks, reports).
std::span<const std::string_view> all_layer_names();
std::span<const std::string_view> all_fault_kind_names();
std::span<const std::string_view> all_step_kind_names();
std::span<const std::string_view> all_verdict_names();
std::span<const std::string_view> all_placement_names();

}  // namespace stutter::scenario
