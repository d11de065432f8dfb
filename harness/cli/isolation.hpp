#pragma once
// Isolated execution: work items run in worker processes (the stutter binary itself,
// started with fork + exec of /proc/self/exe and the hidden subcommand `__worker FD`), so
// that a crash, an endless loop or runaway allocation in user code (a plug-in) becomes a
// verdict and the run goes on.
//
//   crash   the worker died while running an item (signal, abort, sanitizer report,
//           non-zero exit): verdict crash, the message names the sanitizer's report if there
//           was one (however the worker then ended: abort_on_error makes it a SIGABRT), else
//           the signal or exit status, and ends with the last lines the worker wrote to stderr.
//   hang    the worker gave no answer within the wall-clock timeout: it is killed; verdict
//           hang, invariant liveness.progress, "wall clock: no answer within N s".
//   memory  the worker limits its address space (RLIMIT_AS) before running anything; a
//           failed C++ allocation ends the worker with a distinctive status, a segfault with
//           the address space near the limit says so. Under AddressSanitizer RLIMIT_AS cannot
//           work (the shadow memory alone is terabytes of address space): the worker gets
//           ASan's hard_rss_limit_mb (and max_allocation_size_mb, allocator_may_return_null)
//           instead, and ASan's "hard rss limit exhausted" report is recognised.
//   leaks   under LeakSanitizer a worker's leak report at its exit is forwarded to stderr and
//           fails the command, as the same leak in process would.
//
// Parent and worker talk over a socket pair in length-delimited records (u32 little-endian
// length, then the payload): the request holds the scenario (every field, in a compact
// binary codec), its file name and seed_overridden; the answer is the work_outcome in the same
// codec, byte-identical to an in-process execute() (except, by default, a passing run's trace
// events and wire bytes, which nothing shows: isolation_options::full_outcomes). A few
// requests queue up at each worker, so that it goes from one item to the next without
// waiting for the parent.
//
// After a crash (not after a wall-clock hang) the item runs again in a fresh worker that
// sends each trace event as it is recorded (runner::run_options::on_event): the crash's
// result carries the last events before the crash (its timeline) and shows the last few in
// its message.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "work.hpp"

namespace stutter::cli {

struct isolation_options {
  bool isolate = false;
  double wall_timeout = 60;              // seconds an item may take in a worker (both runs)
  std::uint64_t memory_limit_mib = 4096;  // the worker's address-space limit; 0: none
  // Every outcome as execute() gives it. By default a passing run's trace events and wire
  // bytes stay in the worker: the results document, the report and the terminal show them
  // only for the other verdicts, and sending them back would cost more than the run.
  bool full_outcomes = false;
};

// The default: isolate when an implementation under test is a plug-in (peer "plugin:...").
bool wants_isolation(const std::vector<work_item>& items);
// The options a command uses: `isolate` as given (--isolate / --no-isolate), else the default.
isolation_options choose_isolation(const std::vector<work_item>& items, std::optional<bool> isolate,
                                   double wall_timeout, std::uint64_t memory_limit_mib);

struct trace_tail;  // the last trace events of a streamed run (isolation.cpp)

// A pool of worker processes, one per slot (job thread). Workers are reused across items and
// restarted only after one died. Each slot is used by one thread at a time.
class worker_pool {
 public:
  worker_pool(unsigned slots, isolation_options options);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  work_outcome run(unsigned slot, const work_item& item);
  // Runs items[i] for the indices it takes from `next` (shared with other slots' threads)
  // until they run out, into outcomes[i], calling `finished` after each. A few requests queue
  // up at the worker, so that it does not wait for this process between items; each item's
  // wall clock starts when the worker begins it.
  void run_queue(unsigned slot, const std::vector<work_item>& items, std::atomic<std::size_t>& next,
                 std::vector<work_outcome>& outcomes, const std::function<void()>& finished);
  unsigned slots() const;

 private:
  struct worker;
  // One request to the slot's worker (started if need be); with `tail`, the worker streams
  // the trace events into it.
  work_outcome attempt(worker& w, const work_item& item, trace_tail* tail);
  // A crash's outcome with the trace tail of a streaming re-run.
  work_outcome with_trace_tail(worker& w, const work_item& item, work_outcome crash);
  // The outcomes of a worker that died, or gave no answer in time (it is killed).
  work_outcome crashed(worker& w, const work_item& item);
  work_outcome hung(worker& w, const work_item& item);
  std::chrono::steady_clock::time_point deadline_from(std::chrono::steady_clock::time_point start) const;
  isolation_options options_;
  std::vector<std::unique_ptr<worker>> workers_;
};

// execute_all through a pool when options.isolate, else in process.
std::vector<work_outcome> execute_all(const std::vector<work_item>& items, unsigned jobs,
                                      const isolation_options& options,
                                      const std::function<void(std::size_t done)>& progress = {});

// For commands that call execute_all repeatedly (explore): keeps one pool across calls.
class executor {
 public:
  explicit executor(isolation_options options) : options_(options) {}
  std::vector<work_outcome> run_all(const std::vector<work_item>& items, unsigned jobs,
                                    const std::function<void(std::size_t done)>& progress = {});

 private:
  isolation_options options_;
  std::unique_ptr<worker_pool> pool_;
};

// Whether the result was made by the isolation (a crash, or the wall-clock watchdog) rather
// than by a run: such a failure cannot be shrunk or replayed in process.
bool ended_by_isolation(const runner::run_result& r);

// The hidden subcommand `stutter __worker FD [MEMORY_LIMIT_MIB]`: serves requests on FD until
// it is closed. Returns the process exit code.
int worker_main(int argc, char** argv);

// The codec (exposed for tests).
std::string encode_outcome(const work_outcome& o);
work_outcome decode_outcome(std::string_view bytes);

}  // namespace stutter::cli
