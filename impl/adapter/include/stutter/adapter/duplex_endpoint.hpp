#pragma once
// A cooperative, full-duplex application endpoint over one byte_stream: a read that is
// always outstanding, a backlog of writes sent in order, and an optional shutdown after them.
// The caller's event loop calls turn() with what the lower stream is ready for.
//
// Promises:
// - Optimistic: an operation is tried before any wait; after a waiting result it is retried
//   when the event it waits for fires, or as soon as another operation of this endpoint made
//   progress (the wrapper may have moved internally, e.g. a read consumed the handshake
//   message a backlogged write was waiting for).
// - A write that needs a read (need_read) stays at the head of the backlog, retried with
//   the same bytes; reads go on meanwhile.
// - Three result styles, to measure what the seed's coarse API costs:
//     detailed         the stream's own results name the direction;
//     coarse_queries   each operation only learns "not ready" and then asks the
//                      read_pending()/write_pending() queries which way to wait;
//     coarse_blind     "not ready" and no queries: wait for either direction.
// - Every call is counted in stats().

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <system_error>
#include <vector>

#include "stutter/adapter/wait.hpp"
#include "stutter/io.hpp"

namespace stutter::adapter {

enum class api_style : std::uint8_t { detailed, coarse_queries, coarse_blind };

// The seed's detailed-state queries, for the coarse styles.
struct pending_queries {
  std::function<bool()> read_pending;   // the stream needs input before it can go on
  std::function<bool()> write_pending;  // the stream has output to flush before it can go on
};

struct readiness {
  bool readable = false;
  bool writable = false;
};

struct adapter_stats {
  std::uint64_t op_calls = 0;          // read_some / write_some / shutdown_write calls
  std::uint64_t queries = 0;           // read_pending / write_pending calls
  std::uint64_t wakeups = 0;           // retries of a waiting operation
  std::uint64_t spurious_wakeups = 0;  // ... that found it still waiting
  std::uint64_t reads_done = 0;        // read_some calls that returned data
  std::uint64_t writes_done = 0;       // backlog entries fully written
};

class duplex_endpoint {
 public:
  explicit duplex_endpoint(byte_stream& s, api_style style = api_style::detailed, pending_queries queries = {},
                           std::size_t read_size = 16 * 1024);

  void write(std::vector<byte> data);  // joins the backlog
  void shutdown();                     // shutdown_write once the backlog is empty
  void stop_reading() { reading_ = false; }

  // One turn of the event loop. Returns true if an operation completed or failed.
  bool turn(readiness ready);
  // The events the waiting operations wait for.
  readiness waiting() const;

  bool writes_idle() const { return backlog_.empty() && (!shutdown_requested_ || shutdown_done_); }
  bool read_finished() const { return eof_ || error_ || !reading_; }
  bool eof() const { return eof_; }
  std::error_code error() const { return error_; }
  const std::vector<byte>& received() const { return received_; }
  const adapter_stats& stats() const { return stats_; }

 private:
  struct op_state {
    bool waiting = false;
    readiness on{};  // events that wake it
  };

  bool try_read();
  bool try_write();
  // Turns a waiting result into what this style lets the caller know.
  readiness wake_events(op_kind op, const io_result& r);
  bool due(const op_state& s, readiness ready, bool other_progressed) const;

  byte_stream& stream_;
  api_style style_;
  pending_queries queries_;
  std::vector<byte> read_buf_;
  std::deque<std::vector<byte>> backlog_;
  std::size_t head_offset_ = 0;
  bool shutdown_requested_ = false;
  bool shutdown_done_ = false;
  bool reading_ = true;
  bool eof_ = false;
  std::error_code error_{};
  std::vector<byte> received_;
  op_state read_op_, write_op_;
  adapter_stats stats_;
};

}  // namespace stutter::adapter
