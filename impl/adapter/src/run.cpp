#include "stutter/adapter/run.hpp"

namespace stutter::adapter {

io_result run_to_completion(op_kind kind, const std::function<io_result()>& attempt, const poll_fn& poll,
                            op_stats* stats) {
  for (;;) {
    if (stats != nullptr) ++stats->attempts;
    io_result r = attempt();
    const wait_event e = wait_for(kind, r);
    if (e == wait_event::none) return r;
    if (stats != nullptr) ++stats->polls;
    if (!poll(e)) return r;
  }
}

io_result read_some(byte_stream& s, mutable_bytes buf, const poll_fn& poll, op_stats* stats) {
  return run_to_completion(op_kind::read, [&] { return s.read_some(buf); }, poll, stats);
}

io_result write_all(byte_stream& s, const_bytes data, const poll_fn& poll, op_stats* stats) {
  std::size_t done = 0;
  while (done < data.size()) {
    io_result r = run_to_completion(op_kind::write, [&] { return s.write_some(data.subspan(done)); }, poll, stats);
    if (!r.ok()) return r;
    done += r.n;
  }
  return io_result::done(done);
}

}  // namespace stutter::adapter
