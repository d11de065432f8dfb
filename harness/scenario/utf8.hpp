#pragma once
// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.

#include <cstddef>
#include <string>
#include <string_view>

namespace stutter::scenario::utf8 {

// The length (1..4) of the well-formed sequence that starts at s[pos], or 0 if there is none.
std::size_t sequence_length(std::string_view s, std::size_t pos);

bool is_valid(std::string_view s);

// Appends the encoding of a scalar value (not a surrogate, at most U+10FFFF).
void append(std::string& out, char32_t scalar);

// The longest prefix of s of at most max_bytes that ends on a sequence boundary.
std::string_view truncate(std::string_view s, std::size_t max_bytes);

}  // namespace stutter::scenario::utf8
