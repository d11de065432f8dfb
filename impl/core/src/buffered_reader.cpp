#include "stutter/buffered_reader.hpp"

#include <algorithm>
#include <cstring>

namespace stutter {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Index of the first separator in data at or after `from`; memchr finds candidates fast.
std::size_t find_separator(const_bytes data, std::size_t from, const_bytes separator) {
  const byte first = separator[0];
  while (from + separator.size() <= data.size()) {
    const void* hit = std::memchr(data.data() + from, first, data.size() - from - (separator.size() - 1));
    if (hit == nullptr) return npos;
    const std::size_t at = static_cast<std::size_t>(static_cast<const byte*>(hit) - data.data());
    if (std::memcmp(data.data() + at, separator.data(), separator.size()) == 0) return at;
    from = at + 1;
  }
  return npos;
}

}  // namespace

buffered_reader::buffered_reader(byte_stream& lower, buffered_reader_options options, std::vector<byte> prefix)
    : lower_(lower), options_(options) {
  if (!prefix.empty()) {
    reserve(prefix.size());
    std::memcpy(buf_.get(), prefix.data(), prefix.size());
    end_ = prefix.size();
  }
}

void buffered_reader::compact() {
  if (begin_ == 0) return;
  std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
}

void buffered_reader::reserve(std::size_t bytes) {
  if (bytes <= size_) return;
  auto bigger = std::make_unique_for_overwrite<byte[]>(bytes);
  if (end_ > begin_) std::memcpy(bigger.get(), buf_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  buf_ = std::move(bigger);
  size_ = bytes;
}

// One read of the lower stream appending at most `max` bytes to the buffer.
io_result buffered_reader::read_lower(std::size_t max) {
  if (error_) return io_result::failed(error_);
  if (eof_) return io_result::end();
  // A handed-over prefix may exceed this phase's capacity; it drains before more is read.
  const std::size_t held = end_ - begin_;
  const std::size_t room = options_.capacity > held ? options_.capacity - held : 0;
  max = std::min(max, room);
  if (max == 0) return io_result::failed(errc::buffer_full);
  if (size_ < end_ + max) {
    // Move the held bytes to the front only when the tail lacks room: a reader that keeps
    // most of a block (large records viewed in place) would otherwise copy it each time.
    compact();
    // Grow geometrically but never past the capacity: memory stays within the setting.
    if (size_ < end_ + max) reserve(std::min(options_.capacity, std::max(2 * size_, end_ + max)));
  }
  io_result r = lower_.read_some({buf_.get() + end_, max});
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

io_result buffered_reader::fill(std::size_t want, bool exact) {
  if (want > options_.capacity) return io_result::failed(errc::buffer_full);
  while (end_ - begin_ < want) {
    std::size_t missing = want - (end_ - begin_);
    std::size_t ask = options_.strict || exact ? missing : std::max(missing, options_.block);
    io_result r = read_lower(std::min(ask, options_.capacity - (end_ - begin_)));
    if (r.st == status::eof) return r;
    if (!r.ok()) return r;
  }
  return io_result::done(end_ - begin_);
}

namespace {

// Whether the separator may begin at some offset <= max_len of `held`: the bytes from there
// to the end are a proper prefix of it (a whole separator would have been found).
bool separator_may_start(const_bytes held, std::size_t max_len, const_bytes separator) {
  const std::size_t first = held.size() >= separator.size() ? held.size() - separator.size() + 1 : 0;
  for (std::size_t p = first; p <= max_len && p < held.size(); ++p) {
    if (std::equal(held.begin() + static_cast<std::ptrdiff_t>(p), held.end(), separator.begin())) return true;
  }
  return false;
}

}  // namespace

io_result buffered_reader::read_until(const_bytes separator, std::size_t max_len) {
  for (;;) {
    const_bytes held = buffered();
    // Resume the search where the last call stopped, backing up so a separator split
    // across two reads is still found.
    std::size_t from = scanned_ >= separator.size() ? scanned_ - (separator.size() - 1) : 0;
    const std::size_t at = find_separator(held, from, separator);
    if (at != npos) {
      std::size_t len = at + separator.size();
      if (len - separator.size() > max_len) return io_result::failed(errc::line_too_long);
      scanned_ = 0;
      return io_result::done(len);
    }
    scanned_ = held.size();
    // Without a separator in sight, the line is too long as soon as no separator could
    // still start within max_len bytes: reported at that byte, not when more arrive.
    if (held.size() > max_len && !separator_may_start(held, max_len, separator)) {
      return io_result::failed(errc::line_too_long);
    }
    std::size_t ask = options_.strict ? 1 : options_.block;
    ask = std::min(ask, options_.capacity > held.size() ? options_.capacity - held.size() : 0);
    if (ask == 0) return io_result::failed(errc::buffer_full);
    io_result r = read_lower(ask);
    if (!r.ok()) return r;
  }
}

io_result buffered_reader::read_some(mutable_bytes out) {
  if (out.empty()) return io_result::done(0);
  if (begin_ != end_) {
    std::size_t n = std::min(out.size(), end_ - begin_);
    std::memcpy(out.data(), buf_.get() + begin_, n);
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
  std::vector<byte> rest(buf_.get() + begin_, buf_.get() + end_);
  buf_.reset();
  size_ = 0;
  begin_ = end_ = 0;
  scanned_ = 0;
  return rest;
}

}  // namespace stutter
