#pragma once
// How error messages show pieces of the input: short, on one line, never raw control bytes.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace stutter::scenario::display {

// s with control characters, quotes and backslashes escaped JSON-style (\n, \u0001, \"):
// the inside of a JSON string.
std::string escaped(std::string_view s);

// escaped(s), cut to at most max_bytes of s (then "..." follows).
std::string printable(std::string_view s, std::size_t max_bytes = 60);

// printable(s) in double quotes: "abc".
std::string quoted(std::string_view s);

// The names joined with ", ": "a, b, c".
std::string list(std::span<const std::string_view> names);

}  // namespace stutter::scenario::display
