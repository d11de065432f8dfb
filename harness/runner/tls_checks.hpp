#pragma once
// The TLS invariants, judged from what each endpoint's TLS layer reports (tls_layer.hpp).
//
// reneg.complete: every renegotiation (TLS 1.2) or key update (TLS 1.3) a workload asked for
// was started and completed, and both sides observed it, by OpenSSL's own counters:
// - each request was issued (not refused, not still queued at the end);
// - TLS 1.2: the requester completed a renegotiation after the request (a request merged
//   into one the peer started counts as completed by it), and both sides completed the
//   same number of renegotiations;
// - TLS 1.3: the requester sent its KeyUpdate, and every KeyUpdate one side sent the other
//   received. The answer to update_requested is not required: RFC 8446 4.6.3 wants it only
//   before the receiver's next application data, and a peer that reads the request together
//   with the close_notify that follows it rightly closes without one.
// Judged only when both workloads ran to their end, no destructive fault fired, neither
// ended on an expect_error (a refusal or a truncation stops the conversation on purpose)
// and the engine has counters (OpenSSL: the real layer). The "observed by both" part needs
// the receiving side to have read the TLS stream to its end (the peer's close_notify; a
// WebSocket end stops reading after the close handshake).
//
// status.meaning at the TLS layer: a waiting result the TLS layer returned must have a
// reason beneath it: the socket returned a waiting result in the direction it names during
// that call (or, for need_read, the layer holds as much plaintext as it may). The driver's
// own status.meaning check judges the phases above the TLS layer; this one judges the
// layer itself. check_all has no slot of its own for it, so check_reneg_complete reports
// it (with the invariant id "status.meaning") after the renegotiation checks.

// retry.same_buffer at the TLS layer: after a waiting result the layer above (framing,
// WebSocket) retries its write with the same bytes. Reported ahead of every other check:
// a changed retry otherwise shows only as its consequence (lost bytes, retry_mismatch).

#include <optional>

#include "runner/checks.hpp"

namespace stutter::runner {

std::optional<violation> check_reneg_complete(const run_facts& run, const endpoint_view& e);

std::optional<violation> check_retry_same_buffer(const run_facts& run, const endpoint_view& e);
// The two parts of check_reneg_complete, on their own.
std::optional<violation> check_reneg_requests(const run_facts& run, const endpoint_view& e);
std::optional<violation> check_tls_status_meaning(const run_facts& run, const endpoint_view& e);

}  // namespace stutter::runner
