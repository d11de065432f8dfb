#pragma once
// What every protocol fuzz target shares: the layout of an input, the scripted lower stream
// that turns the input's scripts into would_block / partial reads and writes / errors, and
// the check that ends a run with a report when an invariant breaks.
//
// An input is read front to back:
//
//   config bytes (a fixed number per target, see its header comment)
//   read script:  a length byte L, then L action bytes
//   write script: a length byte M, then M action bytes      (targets that write only)
//   the stream's bytes: everything that is left
//
// Past the end of the input every byte reads 0, so a short input is a valid one. An action
// byte a means: 0 -> would_block (never twice in a row, so every run ends), 0xff -> the
// operation fails (connection_reset / broken_pipe) when the target enabled failures, else
// "move up to 255 bytes"; any other value -> move up to a bytes. The script repeats; an
// empty script moves whatever is asked for. seeds.hpp writes inputs in this layout.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "fuzz_check.hpp"
#include "stutter/io.hpp"

namespace stutter::fuzz {

using bytes = std::vector<std::uint8_t>;

// The runner's name for an error (runner/driver.cpp's error_name): its message up to ':' or " (".
inline std::string error_name(const std::error_code& ec) {
  std::string name = ec.message();
  name = name.substr(0, name.find(':'));
  return name.substr(0, name.find(" ("));
}

class input_reader {
 public:
  input_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t lo = byte();
    return static_cast<std::uint16_t>(lo | (byte() << 8));
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    return lo | (static_cast<std::uint32_t>(u16()) << 16);
  }
  // Up to n bytes (fewer at the end of the input).
  std::span<const std::uint8_t> take(std::size_t n) {
    const std::size_t k = n < size_ - pos_ ? n : size_ - pos_;
    std::span<const std::uint8_t> s(data_ + pos_, k);
    pos_ += k;
    return s;
  }
  // A length byte, then that many bytes.
  std::span<const std::uint8_t> script() { return take(byte()); }
  std::span<const std::uint8_t> rest() { return take(size_ - pos_); }
  bool at_end() const { return pos_ >= size_; }
  std::uint8_t peek() const { return pos_ < size_ ? data_[pos_] : 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A repeating script of actions for one direction of the scripted stream.
class script {
 public:
  enum class kind { block, move, fail };
  struct action {
    kind what;
    std::size_t up_to;
  };

  script(std::span<const std::uint8_t> actions, bool failures) : actions_(actions.begin(), actions.end()), failures_(failures) {}

  action next() {
    if (actions_.empty()) return {kind::move, SIZE_MAX};
    const std::uint8_t a = actions_[at_++ % actions_.size()];
    if (a == 0) {
      if (blocked_last_) {
        blocked_last_ = false;
        return {kind::move, SIZE_MAX};
      }
      blocked_last_ = true;
      return {kind::block, 0};
    }
    blocked_last_ = false;
    if (a == 0xff && failures_) return {kind::fail, 0};
    return {kind::move, a};
  }

 private:
  bytes actions_;
  std::size_t at_ = 0;
  bool failures_;
  bool blocked_last_ = false;
};

// The lower stream of the implementation under test: reads serve `data` (then eof) as the read
// script says; writes go to `written` as the write script says. Counts what it did, so a target
// can check that a would_block or need_write it got back had a cause down here.
class scripted_stream final : public byte_stream {
 public:
  scripted_stream(bytes data, script reads, script writes)
      : data_(std::move(data)), reads_(std::move(reads)), writes_(std::move(writes)) {}

  io_result read_some(mutable_bytes buf) override {
    if (buf.empty()) return io_result::done(0);
    ++read_calls;
    if (read_failed) return io_result::failed(errc::connection_reset);
    if (pos_ == data_.size()) return io_result::end();
    const script::action a = reads_.next();
    if (a.what == script::kind::block) {
      ++read_blocks;
      return io_result::blocked();
    }
    if (a.what == script::kind::fail) {
      read_failed = true;
      return io_result::failed(errc::connection_reset);
    }
    std::size_t n = buf.size();
    if (a.up_to < n) n = a.up_to;
    if (data_.size() - pos_ < n) n = data_.size() - pos_;
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return io_result::done(n);
  }

  io_result write_some(std::span<const const_bytes> bufs) override {
    ++write_calls;
    FUZZ_CHECK(!shut_down, "a write after shutdown_write");
    if (write_failed) return io_result::failed(errc::broken_pipe);
    std::size_t total = 0;
    for (auto b : bufs) total += b.size();
    if (total == 0) return io_result::done(0);
    const script::action a = writes_.next();
    if (a.what == script::kind::block) {
      ++write_blocks;
      return io_result::blocked();
    }
    if (a.what == script::kind::fail) {
      write_failed = true;
      return io_result::failed(errc::broken_pipe);
    }
    std::size_t room = total < a.up_to ? total : a.up_to;
    const std::size_t taken = room;
    for (auto b : bufs) {
      const std::size_t k = b.size() < room ? b.size() : room;
      written.insert(written.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k));
      room -= k;
      if (room == 0) break;
    }
    return io_result::done(taken);
  }
  using byte_stream::write_some;

  io_result shutdown_write() override {
    shut_down = true;
    return io_result::done(0);
  }

  // Bytes handed out by read_some so far.
  std::size_t position() const { return pos_; }
  const bytes& data() const { return data_; }
  // Swaps the bytes to read (before the first read).
  void set_data(bytes d) { data_ = std::move(d); }

  bytes written;
  bool shut_down = false;
  bool read_failed = false;
  bool write_failed = false;
  std::size_t read_calls = 0, write_calls = 0, read_blocks = 0, write_blocks = 0;

 private:
  bytes data_;
  std::size_t pos_ = 0;
  script reads_;
  script writes_;
};

// Guards the driving loops: an implementation that keeps returning without moving is a hang.
struct progress_guard {
  explicit progress_guard(std::size_t input_size) : limit(64 + 16 * input_size) {}
  void tick() { FUZZ_CHECK(++calls <= limit, "no progress after " + std::to_string(calls) + " calls"); }
  std::size_t calls = 0;
  std::size_t limit;
};

}  // namespace stutter::fuzz
