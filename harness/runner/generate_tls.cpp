#include "runner/generate_tls.hpp"

#include <algorithm>
#include <optional>

namespace stutter::runner {

using scenario::step;
using scenario::step_kind;

namespace {

std::size_t first_of(const std::vector<step>& w, step_kind kind) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i].kind == kind) return i;
  }
  return w.size();
}

// Whether this side's close comes before its expect_eof.
bool closes_first(const std::vector<step>& w) { return first_of(w, step_kind::close) < first_of(w, step_kind::expect_eof); }

// The last position a request may take in `w` (requests go at positions 0..limit), or
// nothing when none is safe. The side that closes first (its close comes before its
// expect_eof) may request anything before its close. The other side answers the close; its
// peer may close as soon as it has what it expects from it, so its requests go before its
// last send (or ping) ahead of its expect_eof, which the peer waits for.
std::optional<std::size_t> request_limit(const std::vector<step>& w) {
  const std::size_t close = first_of(w, step_kind::close);
  const std::size_t eof = first_of(w, step_kind::expect_eof);
  if (close < eof) return close;
  for (std::size_t i = std::min(eof, w.size()); i > 0; --i) {
    if (w[i - 1].kind == step_kind::send || w[i - 1].kind == step_kind::ping) return i - 1;
  }
  return std::nullopt;
}

// Inserts up to three requests into `w` at positions in [0, limit]. The number inserted.
// `may_delay`: the side closes first, so a request held back by a delay is still made (by its
// close at the latest) before the peer may close.
std::size_t insert_requests(sim::rng& g, std::vector<step>& w, std::optional<std::size_t> limit_or, bool tls13,
                            bool may_delay) {
  static constexpr std::size_t counts[] = {0, 0, 1, 1, 1, 2, 3};
  const std::size_t drawn = counts[g.below(std::size(counts))];
  const std::size_t n = limit_or ? drawn : 0;
  const std::size_t limit = limit_or.value_or(0);
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < n; ++i) at.push_back(g.below(limit + 1));
  // Insert from the back so earlier positions keep their meaning.
  std::sort(at.begin(), at.end());
  for (std::size_t i = at.size(); i > 0; --i) {
    const step_kind kind = tls13 && g.below(2) == 0 ? step_kind::key_update : step_kind::renegotiate;
    step request{.kind = kind};
    if (may_delay && g.below(3) == 0) request.delay = 1 + static_cast<std::uint32_t>(g.below(12));
    w.insert(w.begin() + static_cast<std::ptrdiff_t>(at[i - 1]), request);
  }
  return n;
}

}  // namespace

bool has_tls_requests(const scenario::scenario& s) {
  for (const auto* w : {&s.client.workload, &s.server.workload}) {
    for (const auto& st : *w) {
      if (st.kind == step_kind::renegotiate || st.kind == step_kind::key_update) return true;
    }
  }
  return false;
}

void add_tls_workload(sim::rng& g, scenario::scenario& s) {
  const bool tls13 = g.below(2) == 0;
  s.client.config.tls_version = s.server.config.tls_version = tls13 ? "1.3" : "1.2";
  s.client.config.allow_renegotiation = s.server.config.allow_renegotiation = true;
  if (s.client.workload.empty() && s.server.workload.empty()) return;  // settings only
  // A WebSocket close is a frame, not a TLS close: it would not make a held request.
  const bool closes_tls = std::find(s.client.stack.begin(), s.client.stack.end(), scenario::layer::websocket) ==
                          s.client.stack.end();
  std::size_t inserted = insert_requests(g, s.client.workload, request_limit(s.client.workload), tls13,
                                         closes_tls && closes_first(s.client.workload));
  inserted += insert_requests(g, s.server.workload, request_limit(s.server.workload), tls13,
                              closes_tls && closes_first(s.server.workload));
  // Nothing to refuse: a side that forbids renegotiation must still carry a plain conversation.
  if (inserted == 0 && g.below(3) == 0) {
    (g.below(2) == 0 ? s.client : s.server).config.allow_renegotiation = false;
  }
}

}  // namespace stutter::runner
