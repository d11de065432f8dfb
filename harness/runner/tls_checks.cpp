#include "runner/tls_checks.hpp"

#include <string>

#include "runner/tls_layer.hpp"
#include "scenario/names.hpp"

namespace stutter::runner {

namespace {

std::string who(const endpoint_view& e) { return std::string(scenario::to_string(e.id)); }

const endpoint_view& peer_of(const run_facts& run, const endpoint_view& e) {
  return e.id == scenario::endpoint_id::client ? run.server : run.client;
}

bool ended_on_expect_error(const endpoint_view& e) {
  const auto& w = e.spec.workload;
  return e.seen.finished && !w.empty() && w.back().kind == scenario::step_kind::expect_error;
}

std::string describe(const tls_request& q, std::size_t index, std::size_t count) {
  std::string what;
  if (q.kind == tls_request::kind_t::renegotiation) {
    what = "renegotiate";
  } else {
    what = q.update_requested ? "key_update (update_requested)" : "key_update";
  }
  return what + " request " + std::to_string(index + 1) + " of " + std::to_string(count);
}

std::string went(std::uint64_t before, std::uint64_t after) {
  return std::to_string(before) + " before it, " + std::to_string(after) + " at the end";
}

violation reneg(const endpoint_view& e, std::string message) {
  return violation{"reneg.complete", who(e) + "'s " + std::move(message), e.id, {}, {}};
}

}  // namespace

std::optional<violation> check_reneg_requests(const run_facts& run, const endpoint_view& e) {
  const tls_layer_view* view = tls_view_of(e.layers);
  if (view == nullptr) return std::nullopt;
  const endpoint_view& peer = peer_of(run, e);
  if (run.destructive_fault || run.hang || !e.seen.finished || !peer.seen.finished) return std::nullopt;
  if (ended_on_expect_error(e) || ended_on_expect_error(peer)) return std::nullopt;
  const tls_layer_report me = view->report();
  if (!me.has_counters) return std::nullopt;
  const tls_layer_view* peer_view = tls_view_of(peer.layers);
  const std::optional<tls_layer_report> other =
      peer_view != nullptr ? std::optional<tls_layer_report>(peer_view->report()) : std::nullopt;

  const bool tls13 = me.version == "TLSv1.3";
  const auto& c = me.counters;
  if (me.requests.size() != e.seen.renegotiations_requested) {
    return reneg(e, "workload started " + std::to_string(e.seen.renegotiations_requested) +
                        " renegotiations or key updates but its TLS layer saw " + std::to_string(me.requests.size()));
  }
  for (std::size_t i = 0; i < me.requests.size(); ++i) {
    const tls_request& q = me.requests[i];
    const std::string name = describe(q, i, me.requests.size());
    if (q.refused) return reneg(e, name + " was refused when it was issued: " + q.refused.message());
    if (!q.issued) return reneg(e, name + " was never started (still queued when the workload ended)");
    if (!tls13) {
      if (c.renegotiations <= q.renegotiations_before) {
        return reneg(e, name + " did not complete: renegotiations completed " +
                            went(q.renegotiations_before, c.renegotiations));
      }
      continue;
    }
    if (c.key_updates_sent <= q.key_updates_sent_before) {
      return reneg(e, name + " was never sent: KeyUpdates sent " + went(q.key_updates_sent_before, c.key_updates_sent));
    }
  }
  // Both sides observed the same renegotiations / KeyUpdates, when the receiving side read
  // the TLS stream to its end (the peer's close_notify): a WebSocket end stops reading after
  // the close handshake, before what the other end sent last.
  if (other && other->has_counters && other->peer_closed) {
    const auto& p = other->counters;
    if (!tls13 && me.peer_closed && c.renegotiations != p.renegotiations) {
      return reneg(e, "TLS layer completed " + std::to_string(c.renegotiations) + " renegotiations, the " + who(peer) +
                          "'s " + std::to_string(p.renegotiations));
    }
    if (tls13 && c.key_updates_sent != p.key_updates_received) {
      return reneg(e, "TLS layer sent " + std::to_string(c.key_updates_sent) + " KeyUpdates; the " + who(peer) +
                          " received " + std::to_string(p.key_updates_received));
    }
  }
  return std::nullopt;
}

namespace {

// A violation the TLS layer recorded itself (one of tls_layer_report's optional messages).
std::optional<violation> recorded(const endpoint_view& e, std::optional<std::string> tls_layer_report::*message,
                                  const char* invariant, const std::string& who_text) {
  const tls_layer_view* view = tls_view_of(e.layers);
  if (view == nullptr) return std::nullopt;
  const tls_layer_report me = view->report();
  if (!(me.*message)) return std::nullopt;
  return violation{invariant, who_text + *(me.*message), e.id, {}, {}};
}

}  // namespace

std::optional<violation> check_tls_status_meaning(const run_facts&, const endpoint_view& e) {
  return recorded(e, &tls_layer_report::status_violation, "status.meaning", who(e) + ": ");
}

std::optional<violation> check_retry_same_buffer(const run_facts&, const endpoint_view& e) {
  return recorded(e, &tls_layer_report::retry_violation, "retry.same_buffer", who(e) + "'s TLS layer: ");
}

std::optional<violation> check_reneg_complete(const run_facts& run, const endpoint_view& e) {
  if (auto v = check_reneg_requests(run, e)) return v;
  return check_tls_status_meaning(run, e);
}

}  // namespace stutter::runner
