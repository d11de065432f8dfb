#pragma once
// The input-side buffer of a protocol phase (the seed's conclusion: buffering lives on
// the stream, not in the parser, so over-read bytes can be handed to the next phase).
//
// Promises:
// - Optimistic: every call first serves from the buffer and touches the lower stream
//   only when the buffer cannot satisfy it.
// - In strict mode the reader never asks the lower stream for a byte beyond what the
//   current request needs (no over-read): fill(n) reads at most n - buffered bytes,
//   read_until reads one byte at a time.
// - handover() returns every byte read from the lower stream and not yet consumed,
//   exactly once, and releases the buffer's memory.
// - Memory is bounded by options::capacity; a request for more is errc::buffer_full.

#include <cstddef>
#include <memory>
#include <vector>

#include "stutter/io.hpp"

namespace stutter {

struct buffered_reader_options {
  std::size_t capacity = 64 * 1024;  // most bytes ever held
  std::size_t block = 16 * 1024;     // how much buffered mode asks the lower stream for
  bool strict = false;               // never over-read
};

class buffered_reader {
 public:
  // `prefix` holds bytes a previous phase read past its end (its handover()).
  buffered_reader(byte_stream& lower, buffered_reader_options options, std::vector<byte> prefix = {});

  // Bytes held and not yet consumed.
  const_bytes buffered() const { return {buf_.get() + begin_, end_ - begin_}; }
  void consume(std::size_t n) {
    begin_ += n < end_ - begin_ ? n : end_ - begin_;
    scanned_ = 0;
    if (begin_ == end_) begin_ = end_ = 0;
  }

  // Makes at least `want` bytes available in buffered(). ok(buffered size) | would_block |
  // eof (nothing more will come; buffered() may still hold fewer than `want`) | error.
  // `exact` asks the lower stream for no more than is missing, even in buffered mode (a
  // caller about to read a large payload straight into its own memory wants that).
  io_result fill(std::size_t want, bool exact = false);

  // Makes a whole separator-terminated run available. ok(n): buffered()[0, n) ends with
  // `separator`. errc::line_too_long when max_len bytes arrive without the separator.
  io_result read_until(const_bytes separator, std::size_t max_len);

  // Copies out buffered bytes first; with an empty buffer a large request is read
  // directly into `out` (no double copy), a small one through the buffer.
  io_result read_some(mutable_bytes out);

  // Gives away every unconsumed byte (over-read past the current phase) and frees the buffer.
  std::vector<byte> handover();

  byte_stream& lower() { return lower_; }
  const buffered_reader_options& options() const { return options_; }
  // Bytes this reader asked the lower stream for and got, in total.
  std::size_t bytes_from_lower() const { return from_lower_; }
  std::size_t allocated() const { return size_; }

 private:
  io_result read_lower(std::size_t max);
  void compact();
  void reserve(std::size_t bytes);

  byte_stream& lower_;
  buffered_reader_options options_;
  std::unique_ptr<byte[]> buf_;  // not value-initialised: filling it would cost a pass
  std::size_t size_ = 0;         // bytes allocated
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t from_lower_ = 0;
  std::size_t scanned_ = 0;  // read_until: bytes already searched for the separator
  bool eof_ = false;
  std::error_code error_{};
};

}  // namespace stutter
