#pragma once
// A transparent byte_stream between an endpoint's phases and what lies beneath them. It
// records the bytes the phases got through (sent and received, in order) and the lower
// stream's waiting results, so invariants can be checked on plaintext even under TLS.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stutter/io.hpp"

namespace stutter::runner {

class tap_stream final : public byte_stream {
 public:
  explicit tap_stream(byte_stream& lower) : lower_(lower) {}

  io_result read_some(mutable_bytes buf) override {
    io_result r = lower_.read_some(buf);
    if (r.ok()) received_.insert(received_.end(), buf.data(), buf.data() + r.n);
    note(r, wait_dir::read);
    return r;
  }

  io_result write_some(std::span<const const_bytes> bufs) override {
    io_result r = lower_.write_some(bufs);
    if (r.ok()) {
      std::size_t left = r.n;
      for (auto b : bufs) {
        std::size_t take = std::min(left, b.size());
        sent_.insert(sent_.end(), b.data(), b.data() + take);
        left -= take;
        if (left == 0) break;
      }
    }
    note(r, wait_dir::write);
    return r;
  }
  using byte_stream::write_some;

  io_result shutdown_write() override {
    io_result r = lower_.shutdown_write();
    note(r, wait_dir::write);
    return r;
  }

  const std::vector<byte>& sent() const { return sent_; }
  const std::vector<byte>& received() const { return received_; }
  enum class wait_dir : std::uint8_t { read, write };
  // Waiting results the lower stream has returned so far, and the direction of the last
  // one (need_read counts as read, need_write as write).
  std::uint64_t waits() const { return waits_; }
  wait_dir last_wait() const { return last_wait_; }

 private:
  void note(const io_result& r, wait_dir op) {
    if (!r.waiting()) return;
    ++waits_;
    if (r.st == status::need_read) {
      last_wait_ = wait_dir::read;
    } else if (r.st == status::need_write) {
      last_wait_ = wait_dir::write;
    } else {
      last_wait_ = op;
    }
  }

  byte_stream& lower_;
  std::vector<byte> sent_;
  std::vector<byte> received_;
  std::uint64_t waits_ = 0;
  wait_dir last_wait_ = wait_dir::read;
};

}  // namespace stutter::runner
