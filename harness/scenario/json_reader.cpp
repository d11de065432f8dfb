#include "scenario/json_reader.hpp"

#include <cstdio>
#include <stdexcept>

#include "scenario/display.hpp"
#include "scenario/format.hpp"
#include "scenario/load_error.hpp"
#include "scenario/utf8.hpp"

namespace stutter::scenario {
namespace {

constexpr std::size_t max_segment_bytes = 200;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// RFC 6901 escaping; absurdly long keys (never valid ones) are cut to keep messages short.
std::string pointer_segment(std::string_view key) {
  const std::string_view kept = utf8::truncate(key, max_segment_bytes);
  std::string out;
  for (char c : kept) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  if (kept.size() < key.size()) out += "...";
  return out;
}

}  // namespace

json_reader::json_reader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

void json_reader::fail(std::string reason) const { throw load_error(file_, pointer(), std::move(reason)); }

void json_reader::fail_at(std::string json_pointer, std::string reason) const {
  throw load_error(file_, std::move(json_pointer), std::move(reason));
}

std::string json_reader::pointer() const {
  std::string out;
  for (const frame& f : frames_) {
    if (f.has_segment) {
      out += '/';
      out += f.segment;
    }
  }
  return out;
}

std::string json_reader::location(std::size_t offset) const {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = 1;
  for (std::size_t i = line_start; i < offset && i < text_.size(); ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) ++column;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

void json_reader::syntax_error(std::size_t offset, std::string what) const {
  fail("invalid JSON at " + location(offset) + " (byte offset " + std::to_string(offset) + "): " + what);
}

std::string json_reader::describe_byte(std::size_t offset) const {
  if (offset >= text_.size()) return "the end of the input";
  const auto c = static_cast<unsigned char>(text_[offset]);
  if (c == '\'') return "a single quote (JSON strings take double quotes)";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return "byte " + hex_byte(c);
}

void json_reader::skip_whitespace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++pos_;
  }
}

json_kind json_reader::peek() {
  require_value_read();
  if (!next_) lex_value();
  return next_->kind;
}

void json_reader::require_value_read() const {
  if (!value_pending_) throw std::logic_error("json_reader: the reader does not stand at a value");
}

void json_reader::lex_value() {
  if (pos_ == 0 && text_.substr(0, 3) == "\xef\xbb\xbf") {
    syntax_error(0, "the file starts with a byte order mark; write UTF-8 without one");
  }
  skip_whitespace();
  token t;
  t.start = pos_;
  if (pos_ >= text_.size()) syntax_error(pos_, "unexpected end of the input; expected a value");
  const char c = text_[pos_];
  if (c == '{' || c == '[') {
    t.kind = c == '{' ? json_kind::object : json_kind::array;
    t.end = pos_ + 1;
  } else if (c == '"') {
    t.kind = json_kind::string;
    t.end = lex_string(pos_, t.text);
  } else if (c == '-' || is_digit(c)) {
    lex_number(t);
  } else if (is_word_char(c)) {
    lex_literal(t);
  } else {
    syntax_error(pos_, "expected a value, got " + describe_byte(pos_) + (c == '/' ? " (JSON has no comments)" : ""));
  }
  next_ = std::move(t);
}

// Decodes the string whose opening quote is at start; returns the offset after its closing quote.
std::size_t json_reader::lex_string(std::size_t start, std::string& out) const {
  std::size_t i = start + 1;
  for (;;) {
    std::size_t run = i;
    while (run < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[run]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++run;
    }
    out.append(text_.substr(i, run - i));
    i = run;
    if (i >= text_.size()) syntax_error(start, "unterminated string");
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c == '"') break;
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%04X", c);
      syntax_error(i, std::string("unescaped control character U+") + buf + " in a string; write it as \\u" + buf);
    }
    if (c >= 0x80) {
      const std::size_t len = utf8::sequence_length(text_, i);
      if (len == 0) syntax_error(i, "invalid UTF-8 (byte " + hex_byte(c) + ") in a string");
      out.append(text_.substr(i, len));
      i += len;
      continue;
    }
    // A backslash escape.
    const std::size_t escape = i;
    if (i + 1 >= text_.size()) syntax_error(start, "unterminated string");
    const char e = text_[i + 1];
    i += 2;
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto read4 = [&](std::size_t at) -> long {
          if (at + 4 > text_.size()) return -1;
          long v = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const int h = hex_value(text_[at + k]);
            if (h < 0) return -1;
            v = v * 16 + h;
          }
          return v;
        };
        const long unit = read4(i);
        if (unit < 0) syntax_error(escape, "invalid \\u escape; it takes four hex digits");
        i += 4;
        char32_t scalar = static_cast<char32_t>(unit);
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          syntax_error(escape, "unpaired surrogate \\u" + std::string(text_.substr(escape + 2, 4)) + " in a string");
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const long low = (i + 1 < text_.size() && text_[i] == '\\' && text_[i + 1] == 'u') ? read4(i + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) {
            syntax_error(escape, "unpaired surrogate \\u" + std::string(text_.substr(escape + 2, 4)) + " in a string");
          }
          i += 6;
          scalar = static_cast<char32_t>(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        }
        utf8::append(out, scalar);
        break;
      }
      default:
        syntax_error(escape, "invalid escape " + describe_byte(escape + 1) + " after '\\' in a string");
    }
  }
  return i + 1;
}

void json_reader::lex_number(token& t) const {
  t.kind = json_kind::number;
  std::size_t i = pos_;
  json_number& n = t.number;
  n.integral = true;
  if (text_[i] == '-') {
    n.negative = true;
    ++i;
  }
  if (i >= text_.size() || !is_digit(text_[i])) syntax_error(i, "invalid number: expected a digit after '-'");
  std::optional<std::uint64_t> magnitude = 0;
  if (text_[i] == '0') {
    ++i;
    if (i < text_.size() && is_digit(text_[i])) syntax_error(pos_, "invalid number: leading zeros are not allowed");
  } else {
    while (i < text_.size() && is_digit(text_[i])) {
      const auto d = static_cast<std::uint64_t>(text_[i] - '0');
      if (magnitude && *magnitude <= (UINT64_MAX - d) / 10) {
        magnitude = *magnitude * 10 + d;
      } else {
        magnitude.reset();
      }
      ++i;
    }
  }
  if (i < text_.size() && text_[i] == '.') {
    n.integral = false;
    ++i;
    if (i >= text_.size() || !is_digit(text_[i])) syntax_error(i, "invalid number: expected a digit after '.'");
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
    n.integral = false;
    ++i;
    if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
    if (i >= text_.size() || !is_digit(text_[i])) syntax_error(i, "invalid number: expected a digit in the exponent");
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  n.lexeme = text_.substr(pos_, i - pos_);
  if (n.integral) n.magnitude = magnitude;
  t.end = i;
}

void json_reader::lex_literal(token& t) const {
  std::size_t i = pos_;
  while (i < text_.size() && is_word_char(text_[i])) ++i;
  const std::string_view word = text_.substr(pos_, i - pos_);
  if (word == "true" || word == "false") {
    t.kind = json_kind::boolean;
    t.boolean = word == "true";
  } else if (word == "null") {
    t.kind = json_kind::null;
  } else {
    syntax_error(pos_, "invalid literal " + display::quoted(word) +
                           "; expected a value (object, array, string, number, true, false or null)");
  }
  t.end = i;
}

std::string json_reader::describe_next() {
  switch (peek()) {
    case json_kind::object: return "an object";
    case json_kind::array: return "an array";
    case json_kind::string: return "the string " + display::quoted(next_->text);
    case json_kind::number: return "the number " + display::printable(next_->number.lexeme, 40);
    case json_kind::boolean: return next_->boolean ? "true" : "false";
    case json_kind::null: return "null";
  }
  return "a value";
}

void json_reader::enter(bool object) {
  if (frames_.size() >= format::max_depth) {
    fail("nesting deeper than " + std::to_string(format::max_depth) + " levels");
  }
  pos_ = next_->start + 1;
  next_.reset();
  value_pending_ = false;
  frames_.push_back(frame{});
  frames_.back().object = object;
}

void json_reader::leave() {
  frames_.pop_back();
  next_.reset();
  value_pending_ = false;
}

void json_reader::begin_object() {
  if (peek() != json_kind::object) fail("expected an object, got " + describe_next());
  enter(true);
}

void json_reader::begin_array() {
  if (peek() != json_kind::array) fail("expected an array, got " + describe_next());
  enter(false);
}

std::optional<std::string> json_reader::next_key() {
  if (value_pending_ || frames_.empty() || !frames_.back().object) {
    throw std::logic_error("json_reader::next_key outside an object or before reading the member's value");
  }
  frame& f = frames_.back();
  skip_whitespace();
  const bool at_close = pos_ < text_.size() && text_[pos_] == '}';
  if (at_close) {
    ++pos_;
    leave();
    return std::nullopt;
  }
  if (!f.first) {
    if (pos_ >= text_.size() || text_[pos_] != ',') {
      syntax_error(pos_, "expected ',' or '}' after an object member, got " + describe_byte(pos_));
    }
    ++pos_;
    f.has_segment = false;
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == '}') syntax_error(pos_, "trailing comma before '}'");
  }
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    syntax_error(pos_, std::string(f.first ? "expected a key in double quotes or '}', got "
                                           : "expected a key in double quotes, got ") +
                           describe_byte(pos_));
  }
  f.first = false;
  const std::size_t key_start = pos_;
  std::string key;
  pos_ = lex_string(pos_, key);
  f.segment = pointer_segment(key);
  f.has_segment = true;
  skip_whitespace();
  if (pos_ >= text_.size() || text_[pos_] != ':') {
    syntax_error(pos_, "expected ':' after the key, got " + describe_byte(pos_));
  }
  ++pos_;
  if (const auto it = f.keys.find(key); it != f.keys.end()) {
    fail("duplicate key " + display::quoted(key) + " (first at " + location(it->second) + ")");
  }
  if (f.keys.size() >= format::max_object_members) {
    fail("an object with more than " + std::to_string(format::max_object_members) + " members");
  }
  f.keys.emplace(key, key_start);
  value_pending_ = true;
  return key;
}

bool json_reader::next_item() {
  if (value_pending_ || frames_.empty() || frames_.back().object) {
    throw std::logic_error("json_reader::next_item outside an array or before reading the item");
  }
  frame& f = frames_.back();
  skip_whitespace();
  if (pos_ < text_.size() && text_[pos_] == ']') {
    ++pos_;
    leave();
    return false;
  }
  if (!f.first) {
    if (pos_ >= text_.size() || text_[pos_] != ',') {
      syntax_error(pos_, "expected ',' or ']' after an array item, got " + describe_byte(pos_));
    }
    ++pos_;
    ++f.index;
    f.segment = std::to_string(f.index);
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == ']') syntax_error(pos_, "trailing comma before ']'");
  }
  f.first = false;
  f.segment = std::to_string(f.index);
  f.has_segment = true;
  value_pending_ = true;
  return true;
}

json_reader::token json_reader::take(json_kind kind, const char* what) {
  if (peek() != kind) fail(std::string("expected ") + what + ", got " + describe_next());
  token t = std::move(*next_);
  next_.reset();
  pos_ = t.end;
  value_pending_ = false;
  return t;
}

std::string json_reader::read_string() { return take(json_kind::string, "a string").text; }
json_number json_reader::read_number() { return take(json_kind::number, "a number").number; }
bool json_reader::read_bool() { return take(json_kind::boolean, "true or false").boolean; }
void json_reader::read_null() { take(json_kind::null, "null"); }

void json_reader::skip_value() {
  switch (peek()) {
    case json_kind::object:
      begin_object();
      while (next_key()) skip_value();
      break;
    case json_kind::array:
      begin_array();
      while (next_item()) skip_value();
      break;
    default:
      take(next_->kind, "a value");
  }
}

void json_reader::finish() {
  if (value_pending_ || !frames_.empty()) throw std::logic_error("json_reader::finish before the root value ended");
  skip_whitespace();
  if (pos_ < text_.size()) {
    syntax_error(pos_, "unexpected data after the JSON document, starting with " + describe_byte(pos_));
  }
}

void check_json(std::string_view text, std::string_view file) {
  json_reader r(text, file);
  r.skip_value();
  r.finish();
}

}  // namespace stutter::scenario
