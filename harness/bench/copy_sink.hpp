#pragma once
// Shared by the benchmarks: a write side that costs what a socket's send copy costs.

#include <cstring>
#include <vector>

#include "stutter/io.hpp"

namespace stutter::bench {

// A byte_stream that copies what it is given into a preallocated buffer, as a socket
// would copy into its send buffer (one memcpy per write, nothing else).
class copy_sink final : public byte_stream {
 public:
  explicit copy_sink(std::size_t size) : buf_(size) {}
  io_result read_some(mutable_bytes) override { return io_result::end(); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    std::size_t n = 0;
    for (auto b : bufs) {
      if (at_ + b.size() > buf_.size()) at_ = 0;
      std::memcpy(buf_.data() + at_, b.data(), b.size());
      at_ += b.size();
      n += b.size();
    }
    return io_result::done(n);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::done(0); }
  void rewind() { at_ = 0; }

 private:
  std::vector<byte> buf_;
  std::size_t at_ = 0;
};

}  // namespace stutter::bench
