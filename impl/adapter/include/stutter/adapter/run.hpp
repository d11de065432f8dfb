#pragma once
// Runs one operation to completion, optimistically: the operation is always tried first,
// and the lower stream is polled only after a waiting result, for the direction it names.
// (A wrapper may hold buffered data or space, so the lower stream's readiness says nothing
// before the first try.)

#include <cstdint>
#include <functional>

#include "stutter/adapter/wait.hpp"
#include "stutter/io.hpp"

namespace stutter::adapter {

// Waits until the lower stream may be ready for `e` (in a test: runs the peer for a while).
// Returns false to give up; the operation then returns its last waiting result.
using poll_fn = std::function<bool(wait_event)>;

struct op_stats {
  std::uint64_t attempts = 0;  // calls of the operation
  std::uint64_t polls = 0;     // waits on the lower stream
};

io_result run_to_completion(op_kind kind, const std::function<io_result()>& attempt, const poll_fn& poll,
                            op_stats* stats = nullptr);

// read_some until it moves bytes, ends or fails.
io_result read_some(byte_stream& s, mutable_bytes buf, const poll_fn& poll, op_stats* stats = nullptr);
// write_some until every byte is taken (ok(data.size())), or it fails.
io_result write_all(byte_stream& s, const_bytes data, const poll_fn& poll, op_stats* stats = nullptr);

}  // namespace stutter::adapter
