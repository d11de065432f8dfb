#include "scenario/format.hpp"

namespace stutter::scenario::format {
namespace {

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

bool is_plugin_reference(std::string_view s) { return s.size() > plugin_prefix.size() && s.starts_with(plugin_prefix); }

bool is_implementation_name(std::string_view s) {
  if (is_plugin_reference(s)) return true;
  if (s.empty() || s.size() > max_implementation_name_bytes || !is_lower_or_digit(s[0])) return false;
  for (char c : s) {
    if (!is_lower_or_digit(c) && c != ':' && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

bool is_error_name(std::string_view s) {
  if (s.empty() || s.size() > max_error_name_bytes || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!is_lower_or_digit(c) && c != '_') return false;
  }
  return true;
}

bool is_invariant_id(std::string_view s) {
  if (s.empty() || s.size() > max_invariant_bytes || !is_lower_or_digit(s[0])) return false;
  for (char c : s) {
    if (!is_lower_or_digit(c) && c != '_' && c != '.' && c != '*' && c != '-') return false;
  }
  return true;
}

}  // namespace stutter::scenario::format
