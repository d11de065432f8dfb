#pragma once
// The TLS part of a generated scenario: settings (version, renegotiation) and renegotiate /
// key_update steps placed anywhere in the workload, including while data is in flight.
//
// Where a request may go: OpenSSL 3.0 discards a renegotiation request or KeyUpdate that
// arrives after its side sent close_notify, so every request must reach the peer before the
// peer may close. In the generated conversations one side closes first and the other
// answers the close; the first closer closes once it has what it expects. So:
// - the side that closes first (close before expect_eof: the client of the request/response
//   conversation, either side in WebSocket) requests anywhere before its close (also before
//   the handshake, between sends, right before a receive);
// - the side that answers the close requests anywhere before its last send (or ping) ahead
//   of its expect_eof: the request then travels ahead of the data the closer waits for. With
//   no such send it requests nothing.
// The TLS layer queues a request made before the handshake finished (or while another one
// runs) and issues it before the next write or close goes on, so a queued request never
// falls behind these bounds.
// The first closer's requests are sometimes held back by a delay of a few TLS-layer calls, so
// that they start in the middle of the steps that follow (a long send, a waiting receive);
// its close makes them at the latest (so not under WebSocket, whose close is only a frame).

#include <cstdint>
#include <vector>

#include "runner/generate.hpp"
#include "sim/rng.hpp"

namespace stutter::runner {

// Called by generate_scenario, once the workloads are built, for a stack whose bottom layer
// is tls. Draws the TLS settings (the same on both ends: version 1.2 or 1.3; renegotiation
// allowed, or forbidden when the workload has no renegotiation to refuse) and inserts 0..3 requests per side at the
// positions above: renegotiate in TLS 1.2; renegotiate (a key update) or key_update (with
// update_requested) in TLS 1.3. With empty workloads it draws the settings only.
void add_tls_workload(sim::rng& g, scenario::scenario& s);

// Whether a workload holds a renegotiate or key_update step.
bool has_tls_requests(const scenario::scenario& s);

}  // namespace stutter::runner
