#pragma once
// Typed values on top of json_reader, with the messages every scenario field shares:
// "expected an integer in 0..1000, got the number 1.5", "-1 is out of range 0..4294967295",
// "unknown key \"foo\"; allowed keys: a, b", "unknown layer \"x\"; expected one of: a, b".

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "scenario/json_reader.hpp"

namespace stutter::scenario::fields {

// An integer written without fraction or exponent, within [lo, hi].
std::uint64_t read_uint(json_reader& r, std::uint64_t lo, std::uint64_t hi);

bool read_bool(json_reader& r);
std::string read_string(json_reader& r);

// A string that must be one of `allowed`; returns its index. `what` names it: "fault kind".
std::size_t read_choice(json_reader& r, std::string_view what, std::span<const std::string_view> allowed);

// Reads an object whose keys must all be in `allowed` (at most 64 of them), calling on_member(i)
// with the reader at the value of allowed[i]; on_member must read that value. Returns the mask of
// the keys present (bit i for allowed[i]).
std::uint64_t read_object(json_reader& r, std::span<const std::string_view> allowed,
                          const std::function<void(std::size_t)>& on_member);

// Index of name in names; names.size() if absent.
std::size_t index_of(std::span<const std::string_view> names, std::string_view name);

}  // namespace stutter::scenario::fields
