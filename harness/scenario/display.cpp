#include "scenario/display.hpp"

#include <cstdio>

#include "scenario/utf8.hpp"

namespace stutter::scenario::display {

std::string escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string printable(std::string_view s, std::size_t max_bytes) {
  const std::string_view shown = utf8::truncate(s, max_bytes);
  std::string out = escaped(shown);
  if (shown.size() < s.size()) out += "...";
  return out;
}

std::string quoted(std::string_view s) { return '"' + printable(s) + '"'; }

std::string list(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace stutter::scenario::display
