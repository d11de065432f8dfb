#pragma once
// Separator-delimited records (LF, CRLF or any separator up to 8 bytes).
// The read side pulls from a buffered_reader; the write side pushes through a
// framed_writer (payload + separator in one gather write, payload never copied).

#include <cstddef>
#include <vector>

#include "stutter/buffered_reader.hpp"
#include "stutter/framed_writer.hpp"

namespace stutter {

struct line_options {
  std::vector<byte> separator{'\n'};
  std::size_t max_line = 8 * 1024;  // payload bytes, separator excluded
};

class line_reader {
 public:
  line_reader(buffered_reader& in, line_options options);
  // ok(n): one line of n bytes (separator removed) replaced `out`'s contents.
  // eof only at a record boundary; eof inside a line is errc::unexpected_eof.
  io_result read_line(std::vector<byte>& out);

 private:
  buffered_reader& in_;
  line_options options_;
};

class line_writer {
 public:
  line_writer(byte_stream& out, line_options options);
  // ok(payload.size()) once payload + separator are taken by the lower stream.
  io_result write_line(const_bytes payload);

 private:
  framed_writer writer_;
  line_options options_;
};

}  // namespace stutter
