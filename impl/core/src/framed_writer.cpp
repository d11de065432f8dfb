#include "stutter/framed_writer.hpp"

#include <algorithm>
#include <cassert>

namespace stutter {

void framed_writer::begin(const_bytes header, const_bytes payload, const_bytes trailer) {
  assert(!active_ && header.size() <= max_header && trailer.size() <= max_trailer);
  std::copy(header.begin(), header.end(), header_.begin());
  std::copy(trailer.begin(), trailer.end(), trailer_.begin());
  header_len_ = header.size();
  trailer_len_ = trailer.size();
  payload_data_ = payload.data();
  payload_len_ = payload.size();
  sent_ = 0;
  active_ = true;
}

io_result framed_writer::resume(const_bytes payload) {
  if (!active_) return io_result::done(0);
  if (payload.data() != payload_data_ || payload.size() != payload_len_) {
    return io_result::failed(errc::retry_mismatch);
  }
  const std::size_t total = header_len_ + payload_len_ + trailer_len_;
  while (sent_ < total) {
    // The unsent tail of header, payload and trailer, as up to three spans.
    std::array<const_bytes, 3> parts{};
    std::size_t count = 0;
    std::size_t skip = sent_;
    auto add = [&](const byte* data, std::size_t len) {
      if (skip >= len) {
        skip -= len;
        return;
      }
      parts[count++] = const_bytes(data + skip, len - skip);
      skip = 0;
    };
    add(header_.data(), header_len_);
    add(payload_data_, payload_len_);
    add(trailer_.data(), trailer_len_);
    io_result r = lower_.write_some(std::span<const const_bytes>(parts.data(), count));
    if (!r.ok()) return r;
    sent_ += r.n;
  }
  active_ = false;
  return io_result::done(payload_len_);
}

}  // namespace stutter
