#pragma once
// A contiguous FIFO of bytes: append at the tail, consume at the head. The storage is kept
// and reused (compacted when the tail runs out of room), so steady-state traffic allocates
// nothing.

#include <cstddef>
#include <cstring>
#include <vector>

#include "stutter/io.hpp"

namespace stutter::tls::detail {

class byte_queue {
 public:
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  const_bytes view() const { return {buf_.data() + begin_, size()}; }

  void consume(std::size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }

  // Writable room for exactly n bytes after the data; commit() what was written.
  mutable_bytes tail(std::size_t n) {
    if (buf_.size() - end_ < n) {
      if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, size());
        end_ -= begin_;
        begin_ = 0;
      }
      if (buf_.size() - end_ < n) buf_.resize(end_ + n);
    }
    return {buf_.data() + end_, n};
  }
  void commit(std::size_t n) { end_ += n; }

  void append(const void* data, std::size_t n) {
    if (n == 0) return;
    std::memcpy(tail(n).data(), data, n);
    commit(n);
  }

  std::size_t take(mutable_bytes out) {
    std::size_t n = out.size() < size() ? out.size() : size();
    std::memcpy(out.data(), buf_.data() + begin_, n);
    consume(n);
    return n;
  }

  std::size_t allocated() const { return buf_.capacity(); }

 private:
  std::vector<byte> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace stutter::tls::detail
