#pragma once
// Reads one HTTP/1.1 head (start line, header fields, empty line) through a
// buffered_reader, resumably and within limits.
//
// Promises:
// - Memory is bounded: the reader's buffer holds at most max_line + 2 + read_block bytes
//   and the parsed head at most max_header_bytes.
// - Each limit fails with its own http_errc; a malformed field line is bad_header_line.
// - After ok, handover() returns every byte read past the empty line (none in strict mode).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "stutter/buffered_reader.hpp"

namespace stutter::ws {

struct http_limits {
  std::size_t max_line = 8 * 1024;            // one line's bytes, CRLF excluded
  std::size_t max_headers = 64;               // header field lines
  std::size_t max_header_bytes = 16 * 1024;   // the whole head: start line, fields, every CRLF
  std::size_t read_block = 4 * 1024;          // what one read asks the lower stream for
  bool strict = false;                        // read one byte at a time: no over-read at all
};

struct header_field {
  std::string name;
  std::string value;  // optional whitespace around it removed
};

class http_head_reader {
 public:
  http_head_reader(byte_stream& lower, http_limits limits);

  // ok(0) once the head is complete | would_block | error (sticky). The stream ending
  // inside the head is stutter::errc::unexpected_eof.
  io_result read();

  bool has_start_line() const { return have_start_; }
  const std::string& start_line() const { return start_; }
  const std::vector<header_field>& fields() const { return fields_; }
  std::vector<byte> handover() { return in_.handover(); }

 private:
  io_result fail(std::error_code ec);

  buffered_reader in_;
  http_limits limits_;
  std::string start_;
  std::vector<header_field> fields_;
  std::size_t head_bytes_ = 0;
  bool have_start_ = false;
  bool done_ = false;
  std::error_code error_{};
};

// Helpers over parsed fields (names compare case-insensitively).
bool iequals(std::string_view a, std::string_view b);
// Every value of `name`, joined with ", " (the list form of a repeated field).
std::string field_list(const std::vector<header_field>& fields, std::string_view name);
std::size_t field_count(const std::vector<header_field>& fields, std::string_view name);
// True when the comma-separated `list` holds `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token);

}  // namespace stutter::ws
