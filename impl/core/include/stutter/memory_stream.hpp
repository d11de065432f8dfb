#pragma once
// In-memory byte streams for unit tests and benchmarks (the simulator has its own sockets).
//
// memory_pipe is one direction: bytes written at one end are read at the other.
// memory_endpoint is a byte_stream over two pipes (one to read, one to write), with
// knobs that make it stutter in a fixed, repeatable way:
//   read_chunk / write_chunk  most bytes one call moves (0 = unlimited)
//   block_every               every k-th read, and every k-th write, returns would_block
//                             first (0 = never); reads and writes are counted apart, so
//                             a caller that alternates them cannot stay in lockstep with it
// memory_pair() connects two endpoints.

#include <cstddef>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "stutter/io.hpp"

namespace stutter {

struct memory_pipe {
  std::deque<byte> bytes;
  std::size_t capacity = 0;  // 0 = unbounded
  bool closed = false;       // writer shut down: reader gets eof after draining
};

class memory_endpoint final : public byte_stream {
 public:
  memory_endpoint(std::shared_ptr<memory_pipe> in, std::shared_ptr<memory_pipe> out)
      : in_(std::move(in)), out_(std::move(out)) {}

  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  io_result shutdown_write() override;

  std::size_t read_chunk = 0;
  std::size_t write_chunk = 0;
  std::size_t block_every = 0;

  std::size_t calls() const { return calls_; }
  std::size_t copied_in() const { return copied_in_; }  // bytes taken by write_some
  memory_pipe& input() { return *in_; }
  memory_pipe& output() { return *out_; }

 private:
  enum class direction : int { read, write };
  bool block_now(direction d);

  std::shared_ptr<memory_pipe> in_;
  std::shared_ptr<memory_pipe> out_;
  std::size_t calls_ = 0;
  std::size_t copied_in_ = 0;
  std::size_t direction_calls_[2] = {0, 0};
  bool blocked_last_[2] = {false, false};
};

// Two connected endpoints: what a writes, b reads, and the reverse.
std::pair<std::unique_ptr<memory_endpoint>, std::unique_ptr<memory_endpoint>> memory_pair();

// A read-only stream over fixed bytes (eof at the end) that moves at most `chunk` per call.
class memory_source final : public byte_stream {
 public:
  explicit memory_source(std::vector<byte> data, std::size_t chunk = 0) : data_(std::move(data)), chunk_(chunk) {}
  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes>) override { return io_result::failed(errc::write_after_shutdown); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::done(0); }
  std::size_t position() const { return pos_; }
  // Sets the next read position (benchmarks re-read the same bytes).
  void rewind() { pos_ = 0; }

 private:
  std::vector<byte> data_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

}  // namespace stutter
