#include "scenario/json_writer.hpp"

#include <stdexcept>

#include "scenario/display.hpp"
#include "scenario/utf8.hpp"

namespace stutter::scenario::json_out {
namespace {

std::string quote(std::string_view s) {
  if (!utf8::is_valid(s)) throw std::invalid_argument("json_out: a string that is not valid UTF-8");
  return '"' + display::escaped(s) + '"';
}

}  // namespace

value value::object() { return value(kind::object); }
value value::array() { return value(kind::array); }

value value::string(std::string_view s) {
  value v(kind::scalar);
  v.text_ = quote(s);
  return v;
}

value value::integer(std::uint64_t n) {
  value v(kind::scalar);
  v.text_ = std::to_string(n);
  return v;
}

value value::signed_integer(std::int64_t n) {
  value v(kind::scalar);
  v.text_ = std::to_string(n);
  return v;
}

value value::boolean(bool b) {
  value v(kind::scalar);
  v.text_ = b ? "true" : "false";
  return v;
}

value& value::add(std::string_view key, value v) {
  if (kind_ != kind::object) throw std::logic_error("json_out::value::add on a non-object");
  keys_.push_back(quote(key));
  children_.push_back(std::move(v));
  return *this;
}

value& value::push(value v) {
  if (kind_ != kind::array) throw std::logic_error("json_out::value::push on a non-array");
  children_.push_back(std::move(v));
  return *this;
}

// The length of the one-line form, or limit + 1 once it is known to exceed limit.
std::size_t value::compact_length(std::size_t limit) const {
  if (kind_ == kind::scalar) return text_.size();
  std::size_t n = 2;  // brackets
  for (std::size_t i = 0; i < children_.size() && n <= limit; ++i) {
    if (i > 0) n += 2;                                    // ", "
    if (kind_ == kind::object) n += keys_[i].size() + 2;  // "key": 
    n += children_[i].compact_length(limit);
  }
  return n <= limit ? n : limit + 1;
}

bool value::unbreakable() const {
  constexpr std::size_t long_scalar = 60;
  if (kind_ == kind::scalar) return true;
  if (kind_ == kind::object && children_.size() == 1) return children_.front().unbreakable();
  bool has_long = false;
  for (const value& c : children_) {
    if (c.kind_ != kind::scalar) return false;
    has_long = has_long || c.text_.size() > long_scalar;
  }
  return has_long;
}

void value::write_compact(std::string& out) const {
  if (kind_ == kind::scalar) {
    out += text_;
    return;
  }
  out += kind_ == kind::object ? '{' : '[';
  for (std::size_t i = 0; i < children_.size(); ++i) {
    if (i > 0) out += ", ";
    if (kind_ == kind::object) {
      out += keys_[i];
      out += ": ";
    }
    children_[i].write_compact(out);
  }
  out += kind_ == kind::object ? '}' : ']';
}

void value::write(std::string& out, std::size_t indent, std::size_t budget, std::size_t width, bool root) const {
  if (kind_ == kind::scalar || children_.empty() || (!root && (compact_length(budget) <= budget || unbreakable()))) {
    write_compact(out);
    return;
  }
  const std::size_t inner = indent + 2;
  out += kind_ == kind::object ? "{\n" : "[\n";
  for (std::size_t i = 0; i < children_.size(); ++i) {
    out.append(inner, ' ');
    std::size_t used = inner + 1;  // the indentation and a trailing comma
    if (kind_ == kind::object) {
      out += keys_[i];
      out += ": ";
      used += keys_[i].size() + 2;
    }
    children_[i].write(out, inner, width > used ? width - used : 0, width, false);
    if (i + 1 < children_.size()) out += ',';
    out += '\n';
  }
  out.append(indent, ' ');
  out += kind_ == kind::object ? '}' : ']';
}

std::string render(const value& v, std::size_t width) {
  std::string out;
  v.write(out, 0, width, width, true);
  return out;
}

}  // namespace stutter::scenario::json_out
