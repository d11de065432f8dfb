#include "stutter/adapter/duplex_endpoint.hpp"

#include <utility>

namespace stutter::adapter {

duplex_endpoint::duplex_endpoint(byte_stream& s, api_style style, pending_queries queries, std::size_t read_size)
    : stream_(s), style_(style), queries_(std::move(queries)), read_buf_(read_size) {}

void duplex_endpoint::write(std::vector<byte> data) {
  if (!data.empty()) backlog_.push_back(std::move(data));
}

void duplex_endpoint::shutdown() { shutdown_requested_ = true; }

readiness duplex_endpoint::wake_events(op_kind op, const io_result& r) {
  switch (style_) {
    case api_style::detailed: {
      const wait_event e = wait_for(op, r);
      return {e == wait_event::readable, e == wait_event::writable};
    }
    case api_style::coarse_queries: {
      // The seed's recipe: a read that is not ready asks whether the stream wants to write,
      // a write that is not ready asks whether it wants to read.
      ++stats_.queries;
      if (op == op_kind::read) {
        const bool flush_first = queries_.write_pending && queries_.write_pending();
        return {!flush_first, flush_first};
      }
      const bool read_first = queries_.read_pending && queries_.read_pending();
      return {read_first, !read_first};
    }
    case api_style::coarse_blind: return {true, true};
  }
  return {true, true};
}

bool duplex_endpoint::due(const op_state& s, readiness ready, bool other_progressed) const {
  if (!s.waiting) return true;
  return other_progressed || (s.on.readable && ready.readable) || (s.on.writable && ready.writable);
}

bool duplex_endpoint::try_read() {
  ++stats_.op_calls;
  io_result r = stream_.read_some(read_buf_);
  if (r.ok()) {
    received_.insert(received_.end(), read_buf_.begin(), read_buf_.begin() + static_cast<std::ptrdiff_t>(r.n));
    ++stats_.reads_done;
    read_op_.waiting = false;
    return true;
  }
  if (r.st == status::eof) {
    eof_ = true;
    return true;
  }
  if (r.st == status::error) {
    error_ = r.ec;
    return true;
  }
  read_op_.waiting = true;
  read_op_.on = wake_events(op_kind::read, r);
  return false;
}

bool duplex_endpoint::try_write() {
  ++stats_.op_calls;
  io_result r;
  if (!backlog_.empty()) {
    const std::vector<byte>& head = backlog_.front();
    r = stream_.write_some(const_bytes(head).subspan(head_offset_));
    if (r.ok()) {
      head_offset_ += r.n;
      if (head_offset_ == head.size()) {
        backlog_.pop_front();
        head_offset_ = 0;
        ++stats_.writes_done;
      }
      write_op_.waiting = false;
      return true;
    }
  } else {
    r = stream_.shutdown_write();
    if (r.ok()) {
      shutdown_done_ = true;
      write_op_.waiting = false;
      return true;
    }
  }
  if (r.st == status::error) {
    error_ = r.ec;
    return true;
  }
  write_op_.waiting = true;
  write_op_.on = wake_events(op_kind::write, r);
  return false;
}

bool duplex_endpoint::turn(readiness ready) {
  bool progressed = false;
  bool read_moved = false;
  bool read_tried = false;
  // Writes first (push), then the read (pull); each retried when due.
  if (!error_ && !writes_idle() && due(write_op_, ready, false)) {
    if (write_op_.waiting) ++stats_.wakeups;
    const bool was_waiting = write_op_.waiting;
    progressed = try_write() || progressed;
    if (was_waiting && write_op_.waiting) ++stats_.spurious_wakeups;
  }
  if (!error_ && !read_finished() && due(read_op_, ready, progressed)) {
    if (read_op_.waiting) ++stats_.wakeups;
    const bool was_waiting = read_op_.waiting;
    read_tried = true;
    read_moved = try_read();
    progressed = read_moved || progressed;
    if (was_waiting && read_op_.waiting) ++stats_.spurious_wakeups;
  }
  // A read that moved may have unblocked a backlogged write (e.g. one waiting on a handshake).
  // So may a read that returned no data: it can have consumed the very input a write waiting
  // for readable needed (the handshake message), leaving nothing to wake that write.
  if ((read_moved || (read_tried && write_op_.on.readable)) && !error_ && !writes_idle() && write_op_.waiting) {
    ++stats_.wakeups;
    progressed = try_write() || progressed;
    if (write_op_.waiting) ++stats_.spurious_wakeups;
  }
  return progressed;
}

readiness duplex_endpoint::waiting() const {
  readiness w;
  if (!error_ && !writes_idle() && write_op_.waiting) {
    w.readable = w.readable || write_op_.on.readable;
    w.writable = w.writable || write_op_.on.writable;
  }
  if (!error_ && !read_finished() && read_op_.waiting) {
    w.readable = w.readable || read_op_.on.readable;
    w.writable = w.writable || read_op_.on.writable;
  }
  return w;
}

}  // namespace stutter::adapter
