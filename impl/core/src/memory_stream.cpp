#include "stutter/memory_stream.hpp"

#include <algorithm>
#include <cstring>

namespace stutter {

bool memory_endpoint::block_now(direction d) {
  ++calls_;
  auto& counter = direction_calls_[static_cast<int>(d)];
  auto& blocked_last = blocked_last_[static_cast<int>(d)];
  ++counter;
  if (block_every == 0 || blocked_last) {
    blocked_last = false;
    return false;
  }
  if (counter % block_every == 0) {
    blocked_last = true;
    return true;
  }
  return false;
}

io_result memory_endpoint::read_some(mutable_bytes buf) {
  if (buf.empty()) return io_result::done(0);
  if (block_now(direction::read)) return io_result::blocked();
  if (in_->bytes.empty()) return in_->closed ? io_result::end() : io_result::blocked();
  std::size_t n = std::min(buf.size(), in_->bytes.size());
  if (read_chunk != 0) n = std::min(n, read_chunk);
  std::copy_n(in_->bytes.begin(), n, buf.begin());
  in_->bytes.erase(in_->bytes.begin(), in_->bytes.begin() + static_cast<std::ptrdiff_t>(n));
  return io_result::done(n);
}

io_result memory_endpoint::write_some(std::span<const const_bytes> bufs) {
  if (out_->closed) return io_result::failed(errc::write_after_shutdown);
  std::size_t total = 0;
  for (auto b : bufs) total += b.size();
  if (total == 0) return io_result::done(0);
  if (block_now(direction::write)) return io_result::blocked();
  std::size_t room = total;
  if (out_->capacity != 0) {
    if (out_->bytes.size() >= out_->capacity) return io_result::blocked();
    room = std::min(room, out_->capacity - out_->bytes.size());
  }
  if (write_chunk != 0) room = std::min(room, write_chunk);
  std::size_t taken = 0;
  for (auto b : bufs) {
    if (taken == room) break;
    std::size_t n = std::min(b.size(), room - taken);
    out_->bytes.insert(out_->bytes.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    taken += n;
  }
  copied_in_ += taken;
  return io_result::done(taken);
}

io_result memory_endpoint::shutdown_write() {
  out_->closed = true;
  return io_result::done(0);
}

std::pair<std::unique_ptr<memory_endpoint>, std::unique_ptr<memory_endpoint>> memory_pair() {
  auto ab = std::make_shared<memory_pipe>();
  auto ba = std::make_shared<memory_pipe>();
  return {std::make_unique<memory_endpoint>(ba, ab), std::make_unique<memory_endpoint>(ab, ba)};
}

io_result memory_source::read_some(mutable_bytes buf) {
  if (buf.empty()) return io_result::done(0);
  if (pos_ == data_.size()) return io_result::end();
  std::size_t n = std::min(buf.size(), data_.size() - pos_);
  if (chunk_ != 0) n = std::min(n, chunk_);
  std::memcpy(buf.data(), data_.data() + pos_, n);
  pos_ += n;
  return io_result::done(n);
}

}  // namespace stutter
