#include "runner/phase_model.hpp"

#include <algorithm>
#include <array>

#include "stutter_models/length.hpp"
#include "stutter_models/line.hpp"
#include "stutter_models/websocket.hpp"

namespace stutter::runner {
namespace {

models::length_prefix prefix_of(const scenario::settings& config) {
  return config.length_prefix == "varint" ? models::length_prefix::varint : models::length_prefix::u32be;
}

models::bytes separator_of(const scenario::settings& config) {
  return models::bytes(config.separator.begin(), config.separator.end());
}

// The impl's error name (stutter::ws::ws_errc) for the model's first violation.
std::string ws_error_name(const models::ws_violation& v, const std::vector<models::ws_frame>& frames) {
  namespace id = models::ws_violation_id;
  const models::ws_frame* f = v.frame_index < frames.size() ? &frames[v.frame_index] : nullptr;
  if (v.id == id::rsv) return "reserved_bits";
  if (v.id == id::opcode) return "reserved_opcode";
  if (v.id == id::length_msb) return "length_top_bit";
  if (v.id == id::minimal_length) return "non_minimal_length";
  if (v.id == id::mask_client) return "unmasked_frame";
  if (v.id == id::mask_server) return "masked_frame";
  if (v.id == id::control_fragmented) return "control_fragmented";
  if (v.id == id::control_length) return "control_too_long";
  if (v.id == id::after_close) return "data_after_close";
  if (v.id == id::continuation) {
    return f && f->opcode == models::ws_opcode::continuation ? "unexpected_continuation" : "expected_continuation";
  }
  if (v.id == id::close_payload) return f && f->payload.size() == 1 ? "bad_close_payload" : "bad_close_code";
  if (v.id == id::utf8) return "invalid_utf8";
  return v.id;
}

// A frame header at the start of `tail` (a frame whose payload has not all arrived): its
// data-frame payload length, if the header is complete and announces a data frame.
std::optional<std::uint64_t> tail_data_length(std::span<const std::uint8_t> tail) {
  if (tail.size() < 2) return std::nullopt;
  const std::uint8_t op = tail[0] & 0x0f;
  if (op > 0x2) return std::nullopt;
  const std::uint8_t len7 = tail[1] & 0x7f;
  if (len7 <= 125) return len7;
  const std::size_t extra = len7 == 126 ? 2 : 8;
  if (tail.size() < 2 + extra) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < extra; ++i) n = (n << 8) | tail[2 + i];
  return n;
}

// WebSocket (RFC 6455) as records: the data messages, in order, up to the first frame the
// receiving implementation must refuse (the model's first violation, or a message growing
// past max_message), which names the error.
model_decoding decode_websocket(const scenario::settings& config, std::span<const std::uint8_t> data,
                                std::size_t max_records, scenario::endpoint_id sender) {
  model_decoding out;
  const auto role = sender == scenario::endpoint_id::client ? models::ws_role::client : models::ws_role::server;
  const models::ws_parse_result parsed = models::parse_frames(data, role);
  std::size_t usable = parsed.frames.size();  // frames the receiver accepts
  if (parsed.violation) {
    usable = std::min(usable, parsed.violation->frame_index);
    out.error = ws_error_name(*parsed.violation, parsed.frames);
  }
  // max_message: checked on each data frame's header, before its payload (and so before a
  // UTF-8 violation in that payload).
  std::uint64_t so_far = 0;
  bool in_message = false;
  bool closed = false;
  for (std::size_t k = 0; k < parsed.frames.size(); ++k) {
    const auto& f = parsed.frames[k];
    const bool too_big_first = k < usable || (k == usable && out.error == "invalid_utf8");
    if (closed || !too_big_first) break;
    if (f.opcode == models::ws_opcode::close) closed = true;
    if (models::ws_is_control(f.opcode)) continue;
    if (f.opcode != models::ws_opcode::continuation) so_far = 0;
    in_message = !f.fin;
    if (f.payload_length > config.max_message - std::min<std::uint64_t>(so_far, config.max_message)) {
      usable = k;
      out.error = "message_too_big";
      break;
    }
    so_far += f.payload_length;
  }
  if (usable == parsed.frames.size() && !parsed.violation && !closed) {
    // A header that announces too much fails before its payload arrives.
    if (auto n = tail_data_length(parsed.tail)) {
      const std::uint64_t before = in_message ? so_far : 0;
      if (*n > config.max_message - std::min<std::uint64_t>(before, config.max_message)) out.error = "message_too_big";
    }
  }
  if (out.error.empty() && closed && parsed.consumed < data.size()) out.error = "data_after_close";

  const auto reassembled =
      models::reassemble_messages(std::span<const models::ws_frame>(parsed.frames.data(), usable));
  // Where each message's last frame ends.
  std::vector<std::size_t> ends;
  bool open = false;
  for (std::size_t k = 0; k < usable; ++k) {
    const auto& f = parsed.frames[k];
    if (f.opcode == models::ws_opcode::close) break;
    if (models::ws_is_control(f.opcode) || f.opcode > models::ws_opcode::binary) continue;
    if (f.opcode == models::ws_opcode::continuation && !open) continue;
    open = !f.fin;
    if (f.fin) ends.push_back(f.offset + f.header_size + static_cast<std::size_t>(f.payload_length));
  }
  const std::size_t n = std::min({reassembled.messages.size(), ends.size(), max_records});
  for (std::size_t i = 0; i < n; ++i) out.records.push_back(reassembled.messages[i].payload);
  out.consumed = n == 0 ? 0 : ends[n - 1];
  return out;
}

// The upgrade handshake as one record: the head up to and including its empty line.
model_decoding decode_http_upgrade(std::span<const std::uint8_t> data) {
  model_decoding out;
  static constexpr std::array<std::uint8_t, 4> blank{'\r', '\n', '\r', '\n'};
  auto at = std::search(data.begin(), data.end(), blank.begin(), blank.end());
  if (at == data.end()) return out;
  out.consumed = static_cast<std::size_t>(at - data.begin()) + blank.size();
  out.records.emplace_back(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(out.consumed));
  return out;
}

}  // namespace

std::optional<model_decoding> model_decode(scenario::layer kind, const scenario::settings& config,
                                           std::span<const std::uint8_t> data, std::size_t max_records,
                                           scenario::endpoint_id sender) {
  model_decoding out;
  switch (kind) {
    case scenario::layer::line: {
      auto d = models::decode_lines(data, separator_of(config), config.max_line, max_records);
      out.records = std::move(d.records);
      out.consumed = d.consumed;
      if (d.error == models::line_error::line_too_long) out.error = "line_too_long";
      return out;
    }
    case scenario::layer::length: {
      auto d = models::decode_records(data, prefix_of(config), config.max_record);
      if (d.records.size() > max_records) {
        // Keep only max_records; walk their prefixes to find where they end.
        std::size_t pos = 0;
        for (std::size_t i = 0; i < max_records; ++i) {
          std::size_t prefix_size = 4;
          if (prefix_of(config) == models::length_prefix::varint) {
            prefix_size = models::decode_varint(data.subspan(pos)).size;
          }
          pos += prefix_size + d.records[i].size();
        }
        d.records.resize(max_records);
        d.consumed = pos;
        d.error = models::length_error::none;
      }
      out.records = std::move(d.records);
      out.consumed = d.consumed;
      if (d.error == models::length_error::record_too_large) out.error = "record_too_large";
      if (d.error == models::length_error::varint_malformed) out.error = "varint_malformed";
      return out;
    }
    // The handshake phase delivers no records of its own: its head is always the one
    // record, whatever max_records says, so that handover.exact knows where it ends.
    case scenario::layer::http_upgrade: return decode_http_upgrade(data);
    case scenario::layer::websocket: return decode_websocket(config, data, max_records, sender);
    default: return std::nullopt;
  }
}

// websocket: nullopt, as client frames are masked with keys the records do not determine;
// ws_checks compares the messages the model reassembles from the wire instead.
std::optional<std::vector<std::uint8_t>> model_encode(scenario::layer kind, const scenario::settings& config,
                                                      const std::vector<std::vector<std::uint8_t>>& records) {
  switch (kind) {
    case scenario::layer::line: return models::encode_lines(records, separator_of(config));
    case scenario::layer::length: return models::encode_records(records, prefix_of(config));
    default: return std::nullopt;
  }
}

}  // namespace stutter::runner
