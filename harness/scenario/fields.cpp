#include "scenario/fields.hpp"

#include <stdexcept>

#include "scenario/display.hpp"

namespace stutter::scenario::fields {

// After a value is read the reader's pointer still names it, so failing afterwards is precise.

std::uint64_t read_uint(json_reader& r, std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (r.peek() != json_kind::number) r.fail("expected an integer in " + range + ", got " + r.describe_next());
  const json_number n = r.read_number();
  const std::string shown = display::printable(n.lexeme, 40);
  if (!n.integral) r.fail("expected an integer in " + range + ", got the number " + shown);
  const bool in_range = n.magnitude && (!n.negative || *n.magnitude == 0) && *n.magnitude >= lo && *n.magnitude <= hi;
  if (!in_range) r.fail(shown + " is out of range " + range);
  return *n.magnitude;
}

bool read_bool(json_reader& r) {
  if (r.peek() != json_kind::boolean) r.fail("expected true or false, got " + r.describe_next());
  return r.read_bool();
}

std::string read_string(json_reader& r) {
  if (r.peek() != json_kind::string) r.fail("expected a string, got " + r.describe_next());
  return r.read_string();
}

std::size_t index_of(std::span<const std::string_view> names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return names.size();
}

std::size_t read_choice(json_reader& r, std::string_view what, std::span<const std::string_view> allowed) {
  const std::string s = read_string(r);
  const std::size_t i = index_of(allowed, s);
  if (i == allowed.size()) {
    r.fail("unknown " + std::string(what) + " " + display::quoted(s) + "; expected one of: " + display::list(allowed));
  }
  return i;
}

std::uint64_t read_object(json_reader& r, std::span<const std::string_view> allowed,
                          const std::function<void(std::size_t)>& on_member) {
  if (allowed.size() > 64) throw std::logic_error("fields::read_object: more than 64 keys");
  r.begin_object();
  std::uint64_t seen = 0;
  while (const auto key = r.next_key()) {
    const std::size_t i = index_of(allowed, *key);
    if (i == allowed.size()) {
      r.fail("unknown key " + display::quoted(*key) +
             (allowed.empty() ? std::string("; this object takes no keys")
                              : "; allowed keys: " + display::list(allowed)));
    }
    seen |= std::uint64_t{1} << i;
    on_member(i);
  }
  return seen;
}

}  // namespace stutter::scenario::fields
