#pragma once
// Separator-delimited records (LF, CRLF or any separator up to 8 bytes).
// The read side pulls from a buffered_reader; the write side pushes through a
// framed_writer (payload + separator in one gather write, payload never copied).

#include <cstddef>
#include <cstring>
#include <span>
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

  // The same without a copy: ok(n) and `line` views the line inside the reader's buffer,
  // valid until the next call on this reader. Call release() before handing the buffered
  // reader over, so the viewed line is not handed over with the rest.
  io_result next_line(const_bytes& line) {
    release();
    // Fast path, inline: a one-byte separator already buffered within the limit.
    if (options_.separator.size() == 1 && !in_.buffered().empty()) {
      const_bytes held = in_.buffered();
      const std::size_t span = held.size() < options_.max_line + 1 ? held.size() : options_.max_line + 1;
      if (const void* hit = std::memchr(held.data(), options_.separator[0], span)) {
        const auto len = static_cast<std::size_t>(static_cast<const byte*>(hit) - held.data());
        line = held.first(len);
        viewed_ = len + 1;
        return io_result::done(len);
      }
    }
    return next_line_slow(line);
  }
  // Several lines per call, for readers that take what is there: ok(k) with k >= 1 and
  // lines[0, k) viewing k lines inside the reader's buffer, valid until the next call or
  // release(). It reads the lower stream only when no whole line is buffered (as next_line
  // does), then hands out every whole line the buffer holds, up to lines.size().
  io_result next_lines(std::span<const_bytes> lines);
  void release() {
    in_.consume(viewed_);
    viewed_ = 0;
  }

 private:
  io_result next_line_slow(const_bytes& line);
  // Views whole lines buffered from offset `from` (a one-byte separator only); viewed_ ends
  // after the last. The number of lines.
  std::size_t take_buffered(std::span<const_bytes> lines, std::size_t from);

  buffered_reader& in_;
  line_options options_;
  std::size_t viewed_ = 0;  // bytes of the line last handed out by next_line, not yet consumed
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
