#pragma once
// The rules of the scenario file format beyond the C++ types: limits and the allowed spellings
// of the string-valued settings. load enforces them, save assumes them, and the tests, the
// generators and scenarios/schema.json mirror them. scenarios/README.md documents each one.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace stutter::scenario::format {

inline constexpr int current_version = 1;

inline constexpr std::size_t max_file_bytes = 64u << 20;      // a scenario file
inline constexpr std::size_t max_payload_bytes = 64u << 20;   // one step's data
inline constexpr std::size_t max_total_payload_bytes = 128u << 20;  // all steps' data together
inline constexpr std::size_t max_depth = 64;                  // JSON nesting
inline constexpr std::size_t max_object_members = 1024;       // no scenario object needs more
inline constexpr std::size_t max_stack_layers = 16;           // phases may repeat: line, length, line, ...
inline constexpr std::size_t max_workload_steps = 100'000;    // per endpoint
inline constexpr std::size_t max_schedule_entries = 1'000'000;

inline constexpr std::size_t min_separator_bytes = 1;
inline constexpr std::size_t max_separator_bytes = 8;
inline constexpr std::uint32_t max_per_mille = 1000;
inline constexpr std::uint16_t min_close_code = 1000;
inline constexpr std::uint16_t max_close_code = 4999;
inline constexpr std::uint32_t max_request_delay = 100000;  // renegotiate / key_update delay
inline constexpr std::uint16_t default_close_code = 1000;
inline constexpr std::size_t max_close_codes = 16;  // expect_error's close_codes
inline constexpr std::size_t max_error_name_bytes = 64;   // expect_error: [a-z][a-z0-9_]*
inline constexpr std::size_t max_error_names = 8;          // expect_error: "error" as a list
inline constexpr std::size_t max_invariant_bytes = 128;   // expect.invariant: [a-z0-9][a-z0-9_.*-]*

// Implementations a scenario can name are registered in runner/implementations.cpp; the
// loader checks only the spelling ([a-z0-9][a-z0-9:._-]*, at most 128 bytes, or
// plugin:PATH) and the command line checks the name against the registry.
inline constexpr std::size_t max_implementation_name_bytes = 128;
bool is_implementation_name(std::string_view s);

inline constexpr std::array<std::string_view, 2> length_prefixes{"u32be", "varint"};
inline constexpr std::array<std::string_view, 2> tls_versions{"1.2", "1.3"};

// save writes a payload as `text` only up to this size; longer printable data goes out as hex.
inline constexpr std::size_t max_text_payload_bytes = 4096;
// save writes `repeat`/`repeat_hex` for data longer than this whose period is at most max_repeat_period.
inline constexpr std::size_t min_repeat_payload_bytes = 33;
inline constexpr std::size_t max_repeat_period = 16;

// "plugin:PATH" names a plug-in (a shared object implementing stutter/plugin.h) by its path.
inline constexpr std::string_view plugin_prefix = "plugin:";
bool is_plugin_reference(std::string_view s);
bool is_sha256_hex(std::string_view s);

bool is_error_name(std::string_view s);
bool is_invariant_id(std::string_view s);

}  // namespace stutter::scenario::format
