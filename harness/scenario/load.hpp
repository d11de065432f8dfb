#pragma once
// Strict loading of scenario files; the format is documented in scenarios/README.md.
//
// Anything but one complete, well-formed, in-range scenario throws load_error, whose message is
// "<file>: <json pointer>: <reason>": invalid JSON (with line, column and byte offset), duplicate
// keys, trailing data, unknown keys, wrong types, non-integers or out-of-range integers, unknown
// names, missing required keys, an unsupported version, and inputs beyond the limits in
// format.hpp. No input, whatever its bytes, makes these functions crash or allocate without bound.

#include <filesystem>
#include <string_view>

#include "scenario/load_error.hpp"
#include "scenario/scenario.hpp"

namespace stutter::scenario {

// file_label names the input in messages (usually its path).
scenario parse_scenario(std::string_view text, std::string_view file_label);

// Reads and parses the file; its label is path.string(). Unreadable files throw load_error too.
scenario load_scenario_file(const std::filesystem::path& path);

}  // namespace stutter::scenario
