#pragma once
// Deliberately broken WebSocket stacks. Each carries one bug a real WebSocket library has
// shipped, and each must be rejected by the invariant named beside it (the tests in
// harness/tests/websocket explore seeds until the mutant fails and assert the id).

#include "runner/stack.hpp"

namespace stutter::mutants {

// "mutant:ws-fixed-mask-key": the client masks every frame with one and the same key,
// where RFC 6455 5.3 wants a fresh, unpredictable 32-bit key per frame: caught by
// ws.rfc6455.mask_reuse.
class ws_fixed_mask_key final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// "mutant:ws-forgets-header-on-short-write": a message writer that, like MicroPython's
// modwebsocket.c, keeps no frame state across a short write: the bytes of the header not
// taken are lost and what is left of the payload goes out behind a fresh header, as if
// it were a new message: caught by bytes.exact or ws.rfc6455.* (whichever the garbage
// breaks first).
class ws_forgets_header_on_short_write final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// "mutant:ws-server-drops-overread": the server's upgrade handshake forgets the bytes it
// read past the request head (frames a client sent right behind its request) when it
// hands over to the websocket phase: caught by handover.exact.
class ws_server_drops_overread final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Not a named implementation (tests use it directly): every close frame carries 1000, the
// client's because its close(code) ignores the code, the server's (a close echo, or the
// 1002/1007/1009 of a failed connection) because the frame is rewritten on its way out:
// caught by close.orderly (the close-code part of ws_checks).
class ws_ignores_close_code final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Not a named implementation (tests use it directly): a reader that reports a broken
// stream (reset, injected failure, data limit, end of stream) as message_too_big (1009), a
// protocol error the bytes received do not hold: caught by framing.records, whose model
// decoding of those bytes finds no such error.
class ws_misreports_network_errors final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Not a named implementation (tests use it directly): a server whose pongs never reach the
// wire (a write that starts with a pong frame is reported taken and dropped), as a server
// that loses the pong it queued while a write was blocked: caught by ws.rfc6455.pong.
class ws_drops_pongs final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

// Not a named implementation (tests use it directly): the server of ws_ignores_close_code
// whose phase, like a foreign stack's, does not say which code it failed the connection
// with: its wrong close code is caught by an expect_error step's close_codes alone.
class ws_ignores_close_code_silently final : public runner::stack_factory {
 public:
  std::unique_ptr<runner::phase> make_phase(runner::phase_context ctx) override;
};

}  // namespace stutter::mutants
