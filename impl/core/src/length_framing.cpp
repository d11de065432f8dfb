#include "stutter/length_framing.hpp"

#include <algorithm>
#include <cstring>

namespace stutter {

std::size_t encode_length_prefix(length_prefix kind, std::uint64_t length, byte* out) {
  if (kind == length_prefix::u32be) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<byte>(length >> (8 * (3 - i)));
    return 4;
  }
  std::size_t n = 0;
  do {
    byte b = length & 0x7f;
    length >>= 7;
    out[n++] = static_cast<byte>(b | (length != 0 ? 0x80 : 0));
  } while (length != 0);
  return n;
}

length_reader::length_reader(buffered_reader& in, length_options options) : in_(in), options_(options) {}

io_result length_reader::read_prefix(bool exact) {
  if (options_.prefix == length_prefix::u32be) {
    io_result r = in_.fill(4, exact);
    if (r.st == status::eof) {
      return in_.buffered().empty() ? r : io_result::failed(errc::unexpected_eof);
    }
    if (!r.ok()) return r;
    const_bytes b = in_.buffered();
    length_ = (std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) | (std::uint64_t{b[2]} << 8) | b[3];
    in_.consume(4);
  } else {
    // A varint's length is unknown until its last byte: pull one byte more at a time, so
    // strict mode still reads nothing past the prefix.
    std::size_t want = 1;
    for (;;) {
      io_result r = in_.fill(want, exact);
      if (r.st == status::eof) {
        return in_.buffered().empty() ? r : io_result::failed(errc::unexpected_eof);
      }
      if (!r.ok()) return r;
      const_bytes b = in_.buffered();
      std::uint64_t value = 0;
      std::size_t i = 0;
      bool complete = false;
      for (; i < b.size() && i < 10; ++i) {
        std::uint64_t bits = b[i] & 0x7f;
        if (i == 9 && bits > 1) return io_result::failed(errc::varint_malformed);
        value |= bits << (7 * i);
        if ((b[i] & 0x80) == 0) {
          complete = true;
          ++i;
          break;
        }
      }
      if (complete) {
        length_ = value;
        in_.consume(i);
        break;
      }
      if (i == 10) return io_result::failed(errc::varint_malformed);
      want = i + 1;
    }
  }
  if (length_ > options_.max_record) return io_result::failed(errc::record_too_large);
  large_ = length_ >= in_.options().block;
  have_length_ = true;
  got_ = 0;
  return io_result::done(0);
}

io_result length_reader::read_record(std::vector<byte>& out) {
  release();
  if (failed_) return io_result::failed(failed_);
  if (!have_length_) {
    io_result r = read_prefix(large_);
    if (r.st == status::error) failed_ = r.ec;
    if (!r.ok()) return r;
    out.resize(static_cast<std::size_t>(length_));
  } else if (out.size() != length_) {
    // A retry must bring the same record buffer once part of the payload is in it.
    if (got_ != 0) return io_result::failed(errc::retry_mismatch);
    out.resize(static_cast<std::size_t>(length_));
  }
  while (got_ < length_) {
    io_result r = in_.read_some({out.data() + got_, static_cast<std::size_t>(length_) - got_});
    if (r.st == status::eof) return io_result::failed(errc::unexpected_eof);
    if (!r.ok()) return r;
    got_ += r.n;
  }
  have_length_ = false;
  got_ = 0;
  return io_result::done(static_cast<std::size_t>(length_));
}

io_result length_reader::next_record(const_bytes& record) {
  release();
  if (got_ != 0) return io_result::failed(errc::retry_mismatch);  // read_record is mid-record
  if (failed_) return io_result::failed(failed_);
  if (!have_length_) {
    io_result r = read_prefix(/*exact=*/false);
    if (r.st == status::error) failed_ = r.ec;
    if (!r.ok()) return r;
  }
  if (length_ > in_.options().capacity) return io_result::failed(errc::buffer_full);
  const auto n = static_cast<std::size_t>(length_);
  // A large record is read exactly: the buffer then holds one record, never a large part of
  // the next one that would have to be moved to the front to be contiguous.
  io_result r = in_.fill(n, large_);
  if (r.st == status::eof) return io_result::failed(errc::unexpected_eof);
  if (!r.ok()) return r;
  record = in_.buffered().first(n);
  viewed_ = n;
  have_length_ = false;
  return io_result::done(n);
}

void length_reader::release() {
  if (viewed_ == 0) return;
  in_.consume(viewed_);
  viewed_ = 0;
}

length_writer::length_writer(byte_stream& out, length_options options) : writer_(out), options_(options) {}

io_result length_writer::write_record(const_bytes payload) {
  if (!writer_.in_progress()) {
    if (payload.size() > options_.max_record) return io_result::failed(errc::record_too_large);
    byte header[10];
    std::size_t n = encode_length_prefix(options_.prefix, payload.size(), header);
    writer_.begin({header, n}, payload, {});
  }
  return writer_.resume(payload);
}

}  // namespace stutter
