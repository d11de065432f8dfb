#pragma once
// The WebSocket checks, judged by the WebSocket wire model (models/), not by the
// implementation's own codec. For every websocket phase of the sender, on the bytes that
// phase put on the wire (the tap's plaintext from the end of the upgrade head; bytes a
// `raw` step wrote go beneath the tap and are not judged):
//
// - ws.rfc6455.<id>: every frame obeys RFC 6455 section 5; the id is the model's
//   violation id (ws.rfc6455.mask_client, .rsv, .opcode, .minimal_length, .length_msb,
//   .control_length, .control_fragmented, .continuation, .close_payload, .utf8,
//   .after_close, .mask_server), plus
//   ws.rfc6455.mask_reuse: a client frame masked with the same key as the client's previous
//   frame (5.3: a fresh, unpredictable 32-bit key for every frame), and
//   ws.rfc6455.pong: the last ping the endpoint processed got no pong with its data (5.5.2,
//   5.5.3).
// - bytes.exact: the data messages the model reassembles from those frames are exactly the
//   messages the application sent (data and type, in order); a run cut short may end with
//   the message that was being sent, or part of it.
// - close.orderly (close codes): a close frame sent because the application closed first
//   carries the application's code; one sent because our endpoint failed the connection
//   carries the close code of the error (1002, 1007, 1009); and the code the receiving
//   endpoint reports is the one in the sender's close frame.

#include <optional>

#include "runner/checks.hpp"

namespace stutter::runner {

std::optional<violation> check_ws_rfc6455(const run_facts& run, const endpoint_view& sender);

}  // namespace stutter::runner
