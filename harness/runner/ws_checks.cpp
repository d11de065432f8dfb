#include "runner/ws_checks.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "runner/websocket_phases.hpp"
#include "scenario/names.hpp"
#include "stutter_models/websocket.hpp"

namespace stutter::runner {

using scenario::layer;
using scenario::step_kind;
using bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::string_view mask_reuse = "ws.rfc6455.mask_reuse";

std::string who(const endpoint_view& e) { return std::string(scenario::to_string(e.id)); }

const endpoint_view& peer_of(const run_facts& run, const endpoint_view& e) {
  return e.id == scenario::endpoint_id::client ? run.server : run.client;
}

// [begin, end) of websocket phase i's bytes in what the tap sent. Phase boundaries as in
// checks.cpp; after an upgrade phase the frames start behind the head's empty line (an
// engine such as wslay may start framing within the call that finished its handshake).
std::pair<std::size_t, std::size_t> ws_sent_range(const endpoint_view& e, std::size_t i) {
  const auto& h = e.layers.handovers();
  const auto& sent = e.layers.tap().sent();
  std::size_t begin = i == 0 ? 0 : h[i - 1].sent_at_switch;
  std::size_t end = i < h.size() ? h[i].sent_at_switch : sent.size();
  if (i > 0 && e.layers.layer_at(i - 1) == layer::http_upgrade) {
    const std::size_t head_begin = i - 1 == 0 ? 0 : h[i - 2].sent_at_switch;
    static constexpr std::array<std::uint8_t, 4> blank{'\r', '\n', '\r', '\n'};
    auto from = sent.begin() + static_cast<std::ptrdiff_t>(head_begin);
    auto to = sent.begin() + static_cast<std::ptrdiff_t>(std::max(end, begin));
    auto at = std::search(from, to, blank.begin(), blank.end());
    if (at != to) begin = static_cast<std::size_t>(at - sent.begin()) + blank.size();
  }
  return {begin, std::max(begin, end)};
}

scenario::message_type type_of(models::ws_message_kind k) {
  return k == models::ws_message_kind::text ? scenario::message_type::text : scenario::message_type::binary;
}

std::string describe(const scenario::message_type t, std::size_t size) {
  return std::string(scenario::to_string(t)) + " message of " + std::to_string(size) + " bytes";
}

std::string hex_key(const models::ws_mask_key& k) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto b : k) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

bool has_raw_steps(const endpoint_view& e) {
  return std::any_of(e.spec.workload.begin(), e.spec.workload.end(),
                     [](const scenario::step& s) { return s.kind == step_kind::raw; });
}

// The frame that the wire ends inside of: its header, and its payload so far (unmasked).
struct cut_frame {
  std::uint8_t opcode = 0;
  std::uint64_t length = 0;
  bytes payload;
};

std::optional<cut_frame> frame_cut_short(const bytes& tail) {
  if (tail.size() < 2) return std::nullopt;
  cut_frame f;
  f.opcode = tail[0] & 0x0f;
  const bool masked = (tail[1] & 0x80) != 0;
  std::size_t at = 2;
  const std::uint8_t len7 = tail[1] & 0x7f;
  if (len7 <= 125) {
    f.length = len7;
  } else {
    const std::size_t extra = len7 == 126 ? 2 : 8;
    if (tail.size() < at + extra) return std::nullopt;
    for (std::size_t i = 0; i < extra; ++i) f.length = (f.length << 8) | tail[at + i];
    at += extra;
  }
  std::array<std::uint8_t, 4> key{};
  if (masked) {
    if (tail.size() < at + 4) return std::nullopt;
    std::copy_n(tail.begin() + static_cast<std::ptrdiff_t>(at), 4, key.begin());
    at += 4;
  }
  for (std::size_t i = at; i < tail.size(); ++i) f.payload.push_back(tail[i] ^ (masked ? key[(i - at) % 4] : 0));
  return f;
}

// bytes.exact on a websocket phase: the messages on the wire are the messages sent, and a
// message the wire ends inside of is the start of the one being sent.
std::optional<violation> check_messages(const endpoint_view& sender, std::size_t phase,
                                        const models::ws_reassembly& wire, const bytes& tail) {
  const auto& seen = sender.seen;
  std::vector<const record*> sent;
  for (const auto& r : seen.sent) {
    if (r.phase == phase) sent.push_back(&r);
  }
  std::optional<record> attempted;
  if (!seen.finished && seen.steps_done < sender.spec.workload.size() &&
      sender.spec.workload[seen.steps_done].kind == step_kind::send) {
    const auto& st = sender.spec.workload[seen.steps_done];
    attempted = record{phase, st.type, st.data};
  }
  const auto& msgs = wire.messages;
  for (std::size_t k = 0; k < msgs.size(); ++k) {
    const record* want = k < sent.size() ? sent[k] : (k == sent.size() && attempted ? &*attempted : nullptr);
    if (want && msgs[k].payload == want->data && type_of(msgs[k].kind) == want->type) continue;
    violation v{"bytes.exact", "", sender.id, {}, msgs[k].payload};
    if (want) {
      v.message = who(sender) + "'s websocket phase put a " + describe(type_of(msgs[k].kind), msgs[k].payload.size()) +
                  " on the wire as message " + std::to_string(k) + "; its application sent a " +
                  describe(want->type, want->data.size());
      if (msgs[k].payload != want->data) {
        std::size_t at = 0;
        while (at < msgs[k].payload.size() && at < want->data.size() && msgs[k].payload[at] == want->data[at]) ++at;
        v.message += "; the data differ from byte " + std::to_string(at);
      }
      v.expected = want->data;
    } else {
      v.message = who(sender) + "'s websocket phase put " + std::to_string(msgs.size()) +
                  " messages on the wire; its application sent " + std::to_string(sent.size());
    }
    return v;
  }
  // The wire ends inside a message (the run was cut short, or a send was under way): what
  // is there must be the start of the message being sent.
  if (msgs.size() >= sent.size()) {
    bytes so_far = wire.partial ? wire.partial->payload : bytes{};
    std::optional<scenario::message_type> type;
    if (wire.partial) type = type_of(wire.partial->kind);
    std::uint64_t announced = so_far.size();
    const auto cut = frame_cut_short(tail);
    if (cut && cut->opcode <= models::ws_opcode::binary) {
      if (cut->opcode != models::ws_opcode::continuation) {
        so_far.clear();
        type = cut->opcode == models::ws_opcode::text ? scenario::message_type::text : scenario::message_type::binary;
      }
      announced = so_far.size() + cut->length;
      so_far.insert(so_far.end(), cut->payload.begin(), cut->payload.end());
    }
    if (type) {
      const bool fits = attempted && msgs.size() == sent.size() && *type == attempted->type &&
                        announced <= attempted->data.size() && so_far.size() <= attempted->data.size() &&
                        std::equal(so_far.begin(), so_far.end(), attempted->data.begin());
      if (!fits) {
        violation v{"bytes.exact",
                    who(sender) + "'s websocket phase ends inside a " + describe(*type, announced) +
                        " whose first " + std::to_string(so_far.size()) + " bytes are on the wire; " +
                        (attempted && msgs.size() == sent.size()
                             ? "it is not the start of the " + describe(attempted->type, attempted->data.size()) +
                                   " being sent"
                             : std::string("no message was being sent")),
                    sender.id, attempted ? attempted->data : bytes{}, so_far};
        return v;
      }
    }
  }
  if (msgs.size() < sent.size()) {
    const record& missing = *sent[msgs.size()];
    violation v{"bytes.exact",
                who(sender) + "'s application sent " + std::to_string(sent.size()) +
                    " messages (send returned ok), but its websocket phase put only " + std::to_string(msgs.size()) +
                    " whole messages on the wire; the next one is a " + describe(missing.type, missing.data.size()),
                sender.id, missing.data, wire.partial ? wire.partial->payload : bytes{}};
    return v;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> close_code_of(const models::ws_control& c) {
  if (c.kind != models::ws_control_kind::close) return std::nullopt;
  return c.close_code.value_or(1005);
}

// The messages and control frames `e` sent in its websocket phase `phase` (none when it is
// not there, or its frames do not parse).
models::ws_reassembly frames_sent_by(const endpoint_view& e, std::size_t phase) {
  if (e.layers.phase_index() < phase || e.layers.layer_at(phase) != layer::websocket) return {};
  auto [begin, end] = ws_sent_range(e, phase);
  const auto& wire = e.layers.tap().sent();
  const auto role = e.id == scenario::endpoint_id::client ? models::ws_role::client : models::ws_role::server;
  const models::ws_parse_result parsed =
      models::parse_frames(std::span<const std::uint8_t>(wire.data() + begin, end - begin), role);
  return models::reassemble_messages(parsed.frames);
}

// close.orderly, the codes: what the sender's close frame carries and what the receiver
// reports of it.
std::optional<violation> check_close_codes(const run_facts& run, const endpoint_view& sender,
                                           const models::ws_reassembly& wire, const models::ws_reassembly& peer_wire) {
  std::optional<std::uint16_t> on_wire;
  for (const auto& c : wire.controls) {
    if ((on_wire = close_code_of(c))) break;
  }
  const websocket_phase_view* view = websocket_view_of(sender.layers);
  if (view) {
    const ws_close_facts f = view->close_facts();
    std::uint16_t want = 0;
    std::string why;
    if (f.app_closed_first) {
      want = f.app_code;
      why = "its application closed with " + std::to_string(f.app_code);
    } else if (f.failure_code != 0) {
      want = f.failure_code;
      why = "it failed the connection with a protocol error whose close code is " + std::to_string(f.failure_code);
    }
    if (want != 0 && on_wire && *on_wire != want) {
      return violation{"close.orderly",
                       who(sender) + "'s close frame carries code " + std::to_string(*on_wire) + ", but " + why, sender.id,
                       {}, {}};
    }
    // An expect_error step met by close code: the close frame, if the endpoint sent one at
    // all, carries one of them. Dropping the connection is also failing it (RFC 6455 7.1.7:
    // the close frame is a SHOULD), and so is a close frame without a code (1005); a close
    // frame that answers the peer's own close is judged as an answer, not here.
    const auto& w = sender.spec.workload;
    // The peer's close may have come beneath the tap (a raw step): the endpoint's own report of it counts.
    const bool peer_closed = f.observed_code != 0 ||
                             std::any_of(peer_wire.controls.begin(), peer_wire.controls.end(),
                                         [](const models::ws_control& c) { return close_code_of(c).has_value(); });
    if (!f.app_closed_first && on_wire && *on_wire != 1005 && !peer_closed && sender.seen.finished && !w.empty() &&
        w.back().kind == step_kind::expect_error && !w.back().close_codes.empty()) {
      const auto& codes = w.back().close_codes;
      if (std::find(codes.begin(), codes.end(), *on_wire) == codes.end()) {
        std::string allowed;
        for (auto c : codes) allowed += (allowed.empty() ? "" : ", ") + std::to_string(c);
        return violation{"close.orderly",
                         who(sender) + " failed the connection with close code " + std::to_string(*on_wire) +
                             "; the scenario expects one of " + allowed + " (RFC 6455 7.4.1)",
                         sender.id, {}, {}};
      }
    }
    if (f.app_closed_first && f.app_close_done && !on_wire) {
      return violation{"close.orderly",
                       who(sender) + "'s close step returned ok, but no close frame of its websocket phase is on the wire",
                       sender.id, {}, {}};
    }
  }
  // The receiver reports the code that was on the wire (raw steps may have sent a close
  // frame of their own: then the wire beneath the tap holds what the receiver saw).
  const endpoint_view& receiver = peer_of(run, sender);
  if (on_wire && !has_raw_steps(sender)) {
    if (const websocket_phase_view* rv = websocket_view_of(receiver.layers)) {
      const std::uint16_t observed = rv->close_facts().observed_code;
      if (observed != 0 && observed != *on_wire) {
        return violation{"close.orderly",
                         who(receiver) + " reports close code " + std::to_string(observed) + " from its peer, but " +
                             who(sender) + "'s close frame carries " + std::to_string(*on_wire),
                         receiver.id, {}, {}};
      }
    }
  }
  return std::nullopt;
}

// ws.rfc6455.pong (RFC 6455 5.5.2, 5.5.3): an endpoint answers the last ping it processed
// with a pong carrying the same data (earlier unanswered pings may be answered by that one
// pong alone). A ping counts as processed once the endpoint delivered a message the peer
// sent after it, or saw the peer's close frame, which follows every ping. Not judged when
// the run was cut short by a fault, a hang or an error, nor under raw steps.
std::optional<violation> check_pongs(const run_facts& run, const endpoint_view& answerer, std::size_t phase,
                                     const models::ws_reassembly& answered) {
  const endpoint_view& pinger = peer_of(run, answerer);
  if (run.destructive_fault || run.hang || answerer.seen.unexpected_error || pinger.seen.unexpected_error) {
    return std::nullopt;
  }
  if (has_raw_steps(answerer) || has_raw_steps(pinger)) return std::nullopt;
  if (pinger.layers.phase_index() < phase || pinger.layers.layer_at(phase) != layer::websocket) return std::nullopt;
  auto [begin, end] = ws_sent_range(pinger, phase);
  const auto& wire = pinger.layers.tap().sent();
  const auto role = pinger.id == scenario::endpoint_id::client ? models::ws_role::client : models::ws_role::server;
  const models::ws_parse_result parsed =
      models::parse_frames(std::span<const std::uint8_t>(wire.data() + begin, end - begin), role);
  if (parsed.violation) return std::nullopt;  // the pinger's own frames are judged first
  const models::ws_reassembly pings = models::reassemble_messages(parsed.frames);

  std::size_t delivered = 0;
  for (const auto& r : answerer.seen.delivered) delivered += r.phase == phase ? 1 : 0;
  const websocket_phase_view* view = websocket_view_of(answerer.layers);
  const bool saw_close = view != nullptr && view->close_facts().observed_code != 0;
  const models::ws_control* owed = nullptr;
  std::size_t index = 0;
  for (std::size_t k = 0; k < pings.controls.size(); ++k) {
    const auto& c = pings.controls[k];
    if (c.kind != models::ws_control_kind::ping) continue;
    if (delivered > c.messages_before || saw_close) {
      owed = &c;
      index = k;
    }
  }
  if (owed == nullptr) return std::nullopt;
  for (const auto& c : answered.controls) {
    if (c.kind == models::ws_control_kind::pong && c.payload == owed->payload) return std::nullopt;
  }
  violation v{"ws.rfc6455.pong",
              who(answerer) + " processed the " + who(pinger) + "'s ping (control frame " + std::to_string(index) +
                  ", " + std::to_string(owed->payload.size()) + " bytes, after message " +
                  std::to_string(owed->messages_before) + ") but sent no pong with the same data (RFC 6455 5.5.2)",
              answerer.id, owed->payload, {}};
  return v;
}

}  // namespace

std::optional<violation> check_ws_rfc6455(const run_facts& run, const endpoint_view& sender) {
  const auto& wire = sender.layers.tap().sent();
  const auto role = sender.id == scenario::endpoint_id::client ? models::ws_role::client : models::ws_role::server;
  for (std::size_t i = 0; i <= sender.layers.phase_index(); ++i) {
    if (sender.layers.layer_at(i) != layer::websocket) continue;
    auto [begin, end] = ws_sent_range(sender, i);
    const std::span<const std::uint8_t> sent(wire.data() + begin, end - begin);
    const models::ws_parse_result parsed = models::parse_frames(sent, role);
    if (parsed.violation) {
      const auto& v = *parsed.violation;
      violation out{v.id,
                    who(sender) + "'s frame " + std::to_string(v.frame_index) + " (byte " + std::to_string(v.offset) +
                        " of its websocket phase) breaks RFC 6455 " + v.rule,
                    sender.id, {}, {}};
      out.delivered.assign(sent.begin() + static_cast<std::ptrdiff_t>(v.offset),
                           sent.begin() + static_cast<std::ptrdiff_t>(std::min(sent.size(), v.offset + 64)));
      return out;
    }
    if (role == models::ws_role::client) {
      for (std::size_t k = 1; k < parsed.frames.size(); ++k) {
        const auto& a = parsed.frames[k - 1];
        const auto& b = parsed.frames[k];
        if (a.masked && b.masked && a.mask_key == b.mask_key) {
          return violation{std::string(mask_reuse),
                           who(sender) + "'s frame " + std::to_string(k) + " (byte " + std::to_string(b.offset) +
                               ") is masked with " + hex_key(b.mask_key) +
                               ", the key of the frame before it; RFC 6455 5.3 wants a fresh, unpredictable key for "
                               "every frame",
                           sender.id, {}, {}};
        }
      }
    }
    const models::ws_reassembly messages = models::reassemble_messages(parsed.frames);
    if (auto v = check_messages(sender, i, messages, parsed.tail)) return v;
    if (auto v = check_pongs(run, sender, i, messages)) return v;
    if (i == sender.layers.phase_index()) {
      if (auto v = check_close_codes(run, sender, messages, frames_sent_by(peer_of(run, sender), i))) return v;
    }
  }
  return std::nullopt;
}

}  // namespace stutter::runner
