#include "runner/checks.hpp"

#include <algorithm>
#include <set>

#include "runner/phase_model.hpp"
#include "runner/tls_checks.hpp"
#include "runner/ws_checks.hpp"
#include "scenario/format.hpp"
#include "scenario/names.hpp"

namespace stutter::runner {

using scenario::layer;
using scenario::step_kind;
using bytes = std::vector<std::uint8_t>;

bool is_network_error(const std::string& name) {
  static const std::set<std::string> names{"connection_reset", "injected_failure",     "data_limit",
                                           "broken_pipe",      "unexpected_eof",       "write_after_shutdown",
                                           "truncated"};
  return names.count(name) != 0;
}

namespace {

std::string who(const endpoint_view& e) { return std::string(scenario::to_string(e.id)); }

std::vector<bytes> records_of(const std::vector<record>& all, std::size_t phase) {
  std::vector<bytes> out;
  for (const auto& r : all) {
    if (r.phase == phase) out.push_back(r.data);
  }
  return out;
}

// [begin, end) of phase i's bytes in what the tap sent or received.
std::pair<std::size_t, std::size_t> sent_range(const endpoint_view& e, std::size_t i) {
  const auto& h = e.layers.handovers();
  std::size_t begin = i == 0 ? 0 : h[i - 1].sent_at_switch;
  std::size_t end = i < h.size() ? h[i].sent_at_switch : e.layers.tap().sent().size();
  return {begin, std::max(begin, end)};
}

std::pair<std::size_t, std::size_t> received_range(const endpoint_view& e, std::size_t i) {
  const auto& h = e.layers.handovers();
  std::size_t begin = i == 0 ? 0 : h[i - 1].next_phase_starts();
  std::size_t end = i < h.size() ? h[i].next_phase_starts() : e.layers.tap().received().size();
  return {begin, std::max(begin, end)};
}

std::size_t first_difference(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return i;
  }
  return n;
}

bool is_prefix(std::span<const std::uint8_t> prefix, std::span<const std::uint8_t> of) {
  return prefix.size() <= of.size() && std::equal(prefix.begin(), prefix.end(), of.begin());
}

std::string phase_name(const endpoint_view& e, std::size_t i) {
  return std::string(scenario::to_string(e.layers.layer_at(i))) + " phase";
}

const endpoint_view& peer_of(const run_facts& run, const endpoint_view& e) {
  return e.id == scenario::endpoint_id::client ? run.server : run.client;
}

}  // namespace

std::optional<violation> check_bytes_exact(const run_facts& run, const endpoint_view& sender) {
  const auto& seen = sender.seen;
  // A send the network failed because the peer gave up first (it failed or saw the wrong
  // thing, then dropped the connection) says nothing about this sender's bytes: the peer's
  // own checks report the cause.
  const auto& peer = peer_of(run, sender).seen;
  const bool peer_gave_up = peer.unexpected_error.has_value() || peer.mismatch.has_value();
  const bool caused_by_peer =
      seen.unexpected_error && peer_gave_up && is_network_error(error_name(seen.unexpected_error->error));
  if (seen.unexpected_error && !run.destructive_fault && !seen.unexpected_error->what.starts_with("receive") &&
      !caused_by_peer) {
    return violation{"bytes.exact",
                     who(sender) + " step " + std::to_string(seen.unexpected_error->step) + ": " +
                         seen.unexpected_error->what + ": " + seen.unexpected_error->error.message(),
                     sender.id, {}, {}};
  }
  const auto& wire = sender.layers.tap().sent();
  for (std::size_t i = 0; i <= sender.layers.phase_index(); ++i) {
    auto records = records_of(seen.sent, i);
    auto encoded = model_encode(sender.layers.layer_at(i), sender.spec.config, records);
    if (!encoded) continue;
    auto [begin, end] = sent_range(sender, i);
    std::span<const std::uint8_t> written(wire.data() + begin, end - begin);
    const bool last = i == sender.layers.phase_index();
    bool ok = std::equal(written.begin(), written.end(), encoded->begin(), encoded->end());
    if (!ok && last && !seen.finished) {
      // Cut short: a send may have been under way; the wire may hold part of it.
      auto attempted = records;
      if (seen.steps_done < sender.spec.workload.size() &&
          sender.spec.workload[seen.steps_done].kind == step_kind::send) {
        attempted.push_back(sender.spec.workload[seen.steps_done].data);
      }
      auto longest = model_encode(sender.layers.layer_at(i), sender.spec.config, attempted);
      ok = is_prefix(*encoded, written) && longest && is_prefix(written, *longest);
    }
    if (!ok) {
      std::size_t at = first_difference(written, *encoded);
      return violation{"bytes.exact",
                       who(sender) + "'s " + phase_name(sender, i) + " wrote " + std::to_string(written.size()) +
                           " bytes; the model encoding of the " + std::to_string(records.size()) +
                           " records it sent is " + std::to_string(encoded->size()) +
                           " bytes; they differ from offset " + std::to_string(at),
                       sender.id, *encoded, bytes(written.begin(), written.end())};
    }
  }
  return std::nullopt;
}

std::optional<violation> check_framing_records(const run_facts& run, const endpoint_view& receiver) {
  const auto& seen = receiver.seen;
  if (seen.mismatch) {
    // A destructive fault may end the stream early (half_close: an orderly eof) or break it.
    const bool network_cause =
        seen.mismatch->got_eof || (seen.mismatch->error && is_network_error(error_name(seen.mismatch->error)));
    if (!(run.destructive_fault && network_cause)) {
      violation v{"framing.records",
                  who(receiver) + " step " + std::to_string(seen.mismatch->step) + ": " + seen.mismatch->what,
                  receiver.id, {}, {}};
      const auto& step = receiver.spec.workload[seen.mismatch->step];
      v.expected = step.data;
      if (!seen.delivered.empty()) v.delivered = seen.delivered.back().data;
      return v;
    }
  }
  if (seen.unexpected_error && !run.destructive_fault && seen.unexpected_error->what.starts_with("receive")) {
    return violation{"framing.records",
                     who(receiver) + " step " + std::to_string(seen.unexpected_error->step) + ": " +
                         seen.unexpected_error->what + ": " + seen.unexpected_error->error.message(),
                     receiver.id, {}, {}};
  }
  const auto& wire = receiver.layers.tap().received();
  const auto& sender = peer_of(run, receiver);
  for (std::size_t i = 0; i <= receiver.layers.phase_index(); ++i) {
    auto delivered = records_of(seen.delivered, i);
    auto [begin, end] = received_range(receiver, i);
    std::span<const std::uint8_t> got(wire.data() + begin, end - begin);
    auto model = model_decode(receiver.layers.layer_at(i), receiver.spec.config, got, delivered.size(), sender.id);
    if (!model) continue;
    if (model->records.size() < delivered.size() ||
        !std::equal(delivered.begin(), delivered.end(), model->records.begin())) {
      std::size_t k = 0;
      while (k < delivered.size() && k < model->records.size() && delivered[k] == model->records[k]) ++k;
      violation v{"framing.records",
                  who(receiver) + "'s " + phase_name(receiver, i) + " delivered record " + std::to_string(k) +
                      " differently from the model's decoding of the bytes it received",
                  receiver.id, {}, {}};
      if (k < model->records.size()) v.expected = model->records[k];
      if (k < delivered.size()) v.delivered = delivered[k];
      return v;
    }
    // An error the implementation reports must be one the model finds in the same bytes.
    if (seen.unexpected_error && i == receiver.layers.phase_index()) {
      const std::string name = error_name(seen.unexpected_error->error);
      if (!is_network_error(name)) {
        auto full = model_decode(receiver.layers.layer_at(i), receiver.spec.config, got, SIZE_MAX, sender.id);
        if (full && full->error != name) {
          return violation{"framing.records",
                           who(receiver) + " reported " + name + " but the model finds " +
                               (full->error.empty() ? std::string("no error") : full->error) + " in the bytes received",
                           receiver.id, {}, {}};
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<violation> check_handover_exact(const run_facts& run, const endpoint_view& receiver) {
  const auto& wire = receiver.layers.tap().received();
  const auto& sender = peer_of(run, receiver);
  for (const auto& h : receiver.layers.handovers()) {
    auto [begin, end] = received_range(receiver, h.from_phase);
    (void)end;
    std::span<const std::uint8_t> from(wire.data() + begin, wire.size() - begin);
    auto delivered = records_of(receiver.seen.delivered, h.from_phase);
    auto model = model_decode(receiver.layers.layer_at(h.from_phase), receiver.spec.config, from, delivered.size(),
                              sender.id);
    if (!model || model->records.size() < delivered.size()) continue;  // framing.records reports that
    const std::size_t want = begin + model->consumed;
    if (h.next_phase_starts() != want) {
      return violation{"handover.exact",
                       who(receiver) + " switched from its " + phase_name(receiver, h.from_phase) + " with " +
                           std::to_string(h.received_at_switch) + " bytes received and handed over " +
                           std::to_string(h.handed_over) + ", so the next phase starts at byte " +
                           std::to_string(h.next_phase_starts()) + "; the model says it starts at byte " +
                           std::to_string(want),
                       receiver.id, {}, {}};
    }
  }
  return std::nullopt;
}

std::optional<violation> check_handover_no_overread(const run_facts&, const endpoint_view& receiver) {
  if (!receiver.spec.config.strict) return std::nullopt;
  for (const auto& h : receiver.layers.handovers()) {
    if (h.handed_over != 0) {
      return violation{"handover.no_overread",
                       who(receiver) + "'s strict " + phase_name(receiver, h.from_phase) + " had read " +
                           std::to_string(h.handed_over) + " bytes past its last record",
                       receiver.id, {}, {}};
    }
  }
  return std::nullopt;
}

std::optional<violation> check_buffer_bounded(const run_facts&, const endpoint_view& e) {
  if (e.seen.max_buffer > e.seen.buffer_capacity) {
    return violation{"buffer.bounded",
                     who(e) + "'s input buffer grew to " + std::to_string(e.seen.max_buffer) +
                         " bytes, above its capacity of " + std::to_string(e.seen.buffer_capacity),
                     e.id, {}, {}};
  }
  return std::nullopt;
}

std::optional<violation> check_status_meaning(const run_facts&, const endpoint_view& e) {
  if (!e.seen.status_violation) return std::nullopt;
  return violation{"status.meaning",
                   who(e) + " step " + std::to_string(e.seen.status_violation->step) + ": " +
                       e.seen.status_violation->what,
                   e.id, {}, {}};
}

std::optional<violation> check_close_orderly(const run_facts& run, const endpoint_view& e) {
  if (run.hang) return std::nullopt;
  if (!run.destructive_fault) {
    if (!e.seen.finished) {
      return violation{"close.orderly", who(e) + " stopped at step " + std::to_string(e.seen.steps_done) +
                                            " before its workload's end", e.id, {}, {}};
    }
    return std::nullopt;
  }
  if (e.seen.unexpected_error) {
    const std::string name = error_name(e.seen.unexpected_error->error);
    if (!is_network_error(name)) {
      return violation{"close.orderly",
                       who(e) + " ended with the protocol error " + name +
                           " after a destructive fault; a network failure must surface as a network error",
                       e.id, {}, {}};
    }
  }
  return std::nullopt;
}

// contract.*: an implementation loaded at run time kept the stream contract (the plug-in
// bridge judges each result it returns). Its breach comes first: the rest follows from it.
std::optional<violation> check_contract(const run_facts&, const endpoint_view& e) {
  auto breach = e.layers.factory().contract(e.id);
  if (!breach) return std::nullopt;
  return violation{breach->invariant, who(e) + ": " + breach->message, e.id, {}, {}};
}

std::optional<violation> check_all(const run_facts& run) {
  using check = std::optional<violation> (*)(const run_facts&, const endpoint_view&);
  // Data checks first: a hang caused by lost bytes is reported as the lost bytes. Ahead of
  // them a changed retry, whose consequences (lost bytes, broken records) they would report.
  static constexpr check order[] = {check_contract,             check_retry_same_buffer,    check_bytes_exact,     check_ws_rfc6455,
                                    check_handover_exact,       check_handover_no_overread,
                                    check_framing_records,      check_reneg_complete,  check_buffer_bounded,
                                    check_status_meaning,       check_close_orderly};
  for (check c : order) {
    for (const endpoint_view* e : {&run.client, &run.server}) {
      if (auto v = c(run, *e)) return v;
    }
  }
  if (run.hang) return violation{"liveness.progress", run.hang_reason, scenario::endpoint_id::client, {}, {}};
  return std::nullopt;
}

std::vector<std::string> invariants_checked(const scenario::scenario& s) {
  std::vector<std::string> ids{"bytes.exact",       "framing.records",   "handover.exact",
                               "buffer.bounded",    "status.meaning",    "close.orderly",
                               "liveness.progress", "determinism.trace"};
  if (s.client.config.strict || s.server.config.strict) ids.push_back("handover.no_overread");
  auto has = [&](scenario::layer l) {
    for (const auto* e : {&s.client, &s.server}) {
      if (std::find(e->stack.begin(), e->stack.end(), l) != e->stack.end()) return true;
    }
    return false;
  };
  if (has(layer::websocket)) ids.push_back("ws.rfc6455.*");
  if (scenario::format::is_plugin_reference(s.peer)) ids.push_back("contract.*");
  if (has(layer::tls)) {
    ids.push_back("reneg.complete");
    ids.push_back("retry.same_buffer");
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace stutter::runner
