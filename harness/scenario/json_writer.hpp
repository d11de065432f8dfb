#pragma once
// A JSON document being written, and its layout: two-space indentation, members in the order they
// were added, and an object or array below the root written on one line when its one-line form
// fits in `width` columns ({"send": {"text": "HELLO"}}) or when breaking it would still leave a
// long line: all its members are scalars and one is longer than 60 characters, or it is an object
// with one member that is such a value or a scalar (a step with a long text stays on one line; a
// workload array or a long settings object still breaks). The output depends on nothing but the value, so equal values
// always render to equal bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stutter::scenario::json_out {

class value {
 public:
  static value object();
  static value array();
  // s must be valid UTF-8 (std::invalid_argument otherwise); control characters are escaped.
  static value string(std::string_view s);
  static value integer(std::uint64_t n);
  static value signed_integer(std::int64_t n);
  static value boolean(bool b);

  value& add(std::string_view key, value v);  // objects; returns *this
  value& push(value v);                       // arrays; returns *this
  bool empty() const { return children_.empty(); }

  friend std::string render(const value& v, std::size_t width);

 private:
  enum class kind : std::uint8_t { object, array, scalar };
  explicit value(kind k) : kind_(k) {}

  std::size_t compact_length(std::size_t limit) const;
  bool unbreakable() const;
  void write_compact(std::string& out) const;
  void write(std::string& out, std::size_t indent, std::size_t budget, std::size_t width, bool root) const;

  kind kind_;
  std::string text_;               // scalars: the JSON text
  std::vector<std::string> keys_;  // objects: quoted, escaped keys
  std::vector<value> children_;
};

// No trailing newline.
std::string render(const value& v, std::size_t width = 120);

}  // namespace stutter::scenario::json_out
