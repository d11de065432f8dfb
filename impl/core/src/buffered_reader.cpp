#include "stutter/buffered_reader.hpp"

#include <algorithm>
#include <cstring>

namespace stutter {

buffered_reader::buffered_reader(byte_stream& lower, buffered_reader_options options, std::vector<byte> prefix)
    : lower_(lower), options_(options), buf_(std::move(prefix)), end_(buf_.size()) {}

void buffered_reader::consume(std::size_t n) {
  begin_ += std::min(n, end_ - begin_);
  scanned_ = 0;
  if (begin_ == end_) begin_ = end_ = 0;
}

void buffered_reader::compact() {
  if (begin_ == 0) return;
  std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
}

// One read of the lower stream appending at most `max` bytes to the buffer.
io_result buffered_reader::read_lower(std::size_t max) {
  if (error_) return io_result::failed(error_);
  if (eof_) return io_result::end();
  compact();
  std::size_t room = options_.capacity - end_;
  max = std::min(max, room);
  if (max == 0) return io_result::failed(errc::buffer_full);
  if (buf_.size() < end_ + max) buf_.resize(end_ + max);
  io_result r = lower_.read_some({buf_.data() + end_, max});
  if (r.st == status::ok) {
    end_ += r.n;
    from_lower_ += r.n;
  } else if (r.st == status::eof) {
    eof_ = true;
  } else if (r.st == status::error) {
    error_ = r.ec;
  }
  return r;
}

io_result buffered_reader::fill(std::size_t want) {
  if (want > options_.capacity) return io_result::failed(errc::buffer_full);
  while (end_ - begin_ < want) {
    std::size_t missing = want - (end_ - begin_);
    std::size_t ask = options_.strict ? missing : std::max(missing, options_.block);
    io_result r = read_lower(std::min(ask, options_.capacity - (end_ - begin_)));
    if (r.st == status::eof) return r;
    if (!r.ok()) return r;
  }
  return io_result::done(end_ - begin_);
}

io_result buffered_reader::read_until(const_bytes separator, std::size_t max_len) {
  for (;;) {
    const_bytes held = buffered();
    // Resume the search where the last call stopped, backing up so a separator split
    // across two reads is still found.
    std::size_t from = scanned_ >= separator.size() ? scanned_ - (separator.size() - 1) : 0;
    auto it = std::search(held.begin() + static_cast<std::ptrdiff_t>(from), held.end(), separator.begin(),
                          separator.end());
    if (it != held.end()) {
      std::size_t len = static_cast<std::size_t>(it - held.begin()) + separator.size();
      if (len - separator.size() > max_len) return io_result::failed(errc::line_too_long);
      scanned_ = 0;
      return io_result::done(len);
    }
    scanned_ = held.size();
    // Without a separator in sight, more than max_len payload bytes (the separator's
    // first bytes may still be arriving) can never become a valid line.
    if (held.size() > max_len + separator.size() - 1) return io_result::failed(errc::line_too_long);
    std::size_t ask = options_.strict ? 1 : options_.block;
    ask = std::min(ask, options_.capacity - held.size());
    if (ask == 0) return io_result::failed(errc::buffer_full);
    io_result r = read_lower(ask);
    if (!r.ok()) return r;
  }
}

io_result buffered_reader::read_some(mutable_bytes out) {
  if (out.empty()) return io_result::done(0);
  if (begin_ != end_) {
    std::size_t n = std::min(out.size(), end_ - begin_);
    std::memcpy(out.data(), buf_.data() + begin_, n);
    consume(n);
    return io_result::done(n);
  }
  if (error_) return io_result::failed(error_);
  if (eof_) return io_result::end();
  if (options_.strict || out.size() >= options_.block) {
    io_result r = lower_.read_some(out);
    if (r.ok()) from_lower_ += r.n;
    if (r.st == status::eof) eof_ = true;
    if (r.st == status::error) error_ = r.ec;
    return r;
  }
  io_result r = read_lower(options_.block);
  if (!r.ok()) return r;
  return read_some(out);
}

std::vector<byte> buffered_reader::handover() {
  std::vector<byte> rest(buf_.begin() + static_cast<std::ptrdiff_t>(begin_),
                         buf_.begin() + static_cast<std::ptrdiff_t>(end_));
  std::vector<byte>().swap(buf_);
  begin_ = end_ = 0;
  scanned_ = 0;
  return rest;
}

}  // namespace stutter
