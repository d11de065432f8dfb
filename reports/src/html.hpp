#pragma once
// HTML escaping and output helpers. Every untrusted string reaches a page through esc().

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace stutter::reports::detail {

// Escapes & < > " ' (safe in text and in quoted attributes) and replaces control characters.
void append_escaped(std::string& out, std::string_view text);
std::string escape(std::string_view text);

// At most `cap` bytes, cut on a UTF-8 character boundary, with "…" appended when cut.
std::string truncate_text(std::string_view text, std::size_t cap);

// Keeps [A-Za-z0-9._-], replaces anything else with '_', never starts with '.', caps the length.
std::string sanitize_filename(std::string_view id);

// Marks a format argument as untrusted text: put(out, "<td>{}</td>", esc(name)).
struct escaped {
  std::string_view text;
};
inline escaped esc(std::string_view text) { return {text}; }

template <typename... Args>
void put(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace stutter::reports::detail

template <>
struct fmt::formatter<stutter::reports::detail::escaped> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <typename Context>
  auto format(const stutter::reports::detail::escaped& e, Context& ctx) const {
    std::string tmp;
    stutter::reports::detail::append_escaped(tmp, e.text);
    return std::copy(tmp.begin(), tmp.end(), ctx.out());
  }
};
