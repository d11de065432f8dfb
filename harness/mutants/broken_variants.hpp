#pragma once
// Deliberately broken stacks. Each carries one classic wrapper-stream bug, and each must
// be rejected by the invariant that exists to catch it; a checker no broken variant can
// fail proves nothing.

#include "runner/stack.hpp"

namespace stutter::mutants {

// The phase forgets the bytes it read past its end when it hands over (the seed's
// over-read problem solved wrongly): caught by handover.exact.
class drops_handover_bytes final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// The writer treats a short write as complete (and so skips the bytes not taken):
// caught by bytes.exact.
class short_write_is_complete final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// After a waiting result it retries its gather write without the first buffer (what is left
// of the record's prefix) and counts that buffer as sent, as a writer that rebuilds its
// gather list from "the payload still to go" would: caught by retry.same_buffer over TLS
// (the TLS layer sees the retry carry other bytes), by bytes.exact over a plain socket.
class retry_drops_prefix final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// The reader asks the socket for more before looking at what it already holds, so with
// a whole record buffered and nothing more coming it waits forever: caught by
// liveness.progress.
class polls_before_draining final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// A strict reader that still reads in blocks: caught by handover.no_overread.
class strict_overreads final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Returns would_block without the stream beneath having waited: caught by status.meaning.
class spurious_would_block final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Delivers every non-empty record with its last byte changed: caught by framing.records.
class corrupts_records final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Ignores its buffer_capacity setting and reads four times as much ahead: caught by
// buffer.bounded.
class unbounded_buffer final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Reads in blocks whose size depends on process-global state that survives from one run
// to the next, so the same scenario does not replay the same: caught by determinism.trace.
class nondeterministic final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

}  // namespace stutter::mutants
