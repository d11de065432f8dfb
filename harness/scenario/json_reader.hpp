#pragma once
// A strict pull reader for one JSON document held in memory.
//
// It accepts exactly RFC 8259 JSON in UTF-8: no byte order mark, comments, trailing commas,
// single quotes, NaN, leading zeros or unescaped control characters, and no invalid UTF-8 or
// unpaired surrogates in strings. On top of the grammar it rejects duplicate keys, nesting deeper
// than format::max_depth and objects with more than format::max_object_members members, so the
// memory it needs is bounded by the input. It never builds a tree: the caller asks for the value
// it expects next, which is how the scenario loader reports errors against its schema.
//
// Every error throws load_error carrying the JSON pointer of the value being read; syntax
// errors add "invalid JSON at line L, column C (byte offset B): ...". Columns count characters.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stutter::scenario {

enum class json_kind : std::uint8_t { object, array, string, number, boolean, null };

struct json_number {
  std::string_view lexeme;                 // as written: "-12", "1.5e3"
  bool integral = false;                   // neither fraction nor exponent
  bool negative = false;                   // a leading '-' (also in "-0")
  std::optional<std::uint64_t> magnitude;  // |value|, when integral and below 2^64
};

class json_reader {
 public:
  // text must outlive the reader; file labels the errors.
  json_reader(std::string_view text, std::string_view file);

  // The kind of the next value, lexing it (a syntax error in it throws here).
  json_kind peek();
  // The next value for a message: "an object", "the number 1.5", "the string \"3\"", "null".
  std::string describe_next();

  // Objects: begin_object(), then next_key() until it returns nullopt (the '}' is consumed).
  // After a key, the reader stands at that member's value, which must be read or skipped.
  void begin_object();
  std::optional<std::string> next_key();

  // Arrays: begin_array(), then next_item() until it returns false (the ']' is consumed).
  void begin_array();
  bool next_item();

  std::string read_string();
  json_number read_number();
  bool read_bool();
  void read_null();
  void skip_value();

  // After the root value: only whitespace may follow.
  void finish();

  // The pointer of the value the reader stands at (or of the container just closed).
  std::string pointer() const;
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(std::string reason) const;
  [[noreturn]] void fail_at(std::string json_pointer, std::string reason) const;

 private:
  struct frame {
    bool object = false;
    bool first = true;        // nothing read yet
    bool has_segment = false;
    std::size_t index = 0;    // arrays: the current item
    std::string segment;      // escaped pointer segment of the current member or item
    std::map<std::string, std::size_t, std::less<>> keys;  // objects: key -> offset of its first use
  };

  struct token {
    json_kind kind = json_kind::null;
    std::size_t start = 0;
    std::size_t end = 0;
    std::string text;  // strings, decoded
    json_number number;
    bool boolean = false;
  };

  void lex_value();
  std::size_t lex_string(std::size_t start, std::string& out) const;
  void lex_number(token& t) const;
  void lex_literal(token& t) const;
  void skip_whitespace();
  token take(json_kind kind, const char* what);
  void enter(bool object);
  void leave();
  void require_value_read() const;

  [[noreturn]] void syntax_error(std::size_t offset, std::string what) const;
  std::string location(std::size_t offset) const;  // "line L, column C"
  std::string describe_byte(std::size_t offset) const;

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  std::vector<frame> frames_;
  std::optional<token> next_;
  bool value_pending_ = true;  // the reader stands at a value that has not been read yet
};

// Checks that text is one strict JSON document (the rules above), throwing load_error if not.
void check_json(std::string_view text, std::string_view file);

}  // namespace stutter::scenario
