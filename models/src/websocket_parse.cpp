// parse_frames: frame headers, then the per-sender sequence rules.
#include <array>

#include "stutter_models/utf8.hpp"
#include "stutter_models/websocket.hpp"

namespace stutter::models {

namespace {

namespace id = ws_violation_id;

constexpr std::array<ws_rule, 12> rules = {{
    {id::rsv, "5.2: RSV1, RSV2 and RSV3 MUST be 0 unless an extension that defines them was negotiated"},
    {id::opcode, "5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved and MUST NOT be used"},
    {id::length_msb, "5.2: in a 64-bit payload length the most significant bit MUST be 0"},
    {id::minimal_length, "5.2: the payload length MUST be encoded in the minimal number of bytes"},
    {id::mask_client, "5.1, 5.3: a client MUST mask every frame it sends to the server"},
    {id::mask_server, "5.1: a server MUST NOT mask any frame it sends to the client"},
    {id::control_fragmented, "5.4, 5.5: control frames MUST NOT be fragmented (FIN must be 1)"},
    {id::control_length, "5.5: control frames MUST have a payload length of 125 bytes or less"},
    {id::after_close, "5.5.1: a Close frame is the last frame an endpoint sends; nothing may follow it"},
    {id::continuation,
     "5.4: a continuation frame must continue a fragmented message, and a new text or binary "
     "frame must not start while one is unfinished"},
    {id::close_payload,
     "5.5.1, 7.4: a Close body is empty or starts with a 2-byte status code (never 1 byte), and "
     "the code must be one an endpoint may send: 1000-1003, 1007-1014 or 3000-4999"},
    {id::utf8, "5.6, 8.1: a text message, and the reason in a Close body, MUST be valid UTF-8"},
}};

struct header {
  enum class status { ok, incomplete, length_msb } status = status::incomplete;
  ws_frame frame;  // every field but payload
};

header read_header(byte_view data) {
  header h;
  if (data.size() < 2) return h;
  ws_frame& f = h.frame;
  f.fin = (data[0] & 0x80) != 0;
  f.rsv1 = (data[0] & 0x40) != 0;
  f.rsv2 = (data[0] & 0x20) != 0;
  f.rsv3 = (data[0] & 0x10) != 0;
  f.opcode = data[0] & 0x0f;
  f.masked = (data[1] & 0x80) != 0;
  const std::uint8_t len7 = data[1] & 0x7f;
  std::size_t size = 2;
  if (len7 <= 125) {
    f.length_encoding = ws_length_encoding::len7;
    f.payload_length = len7;
  } else {
    const std::size_t extra = len7 == 126 ? 2 : 8;
    if (data.size() < size + extra) return h;
    f.length_encoding = len7 == 126 ? ws_length_encoding::len16 : ws_length_encoding::len64;
    for (std::size_t i = 0; i < extra; ++i) f.payload_length = (f.payload_length << 8) | data[size + i];
    size += extra;
    if (f.length_encoding == ws_length_encoding::len64 && (f.payload_length >> 63) != 0) {
      h.status = header::status::length_msb;
      return h;
    }
  }
  if (f.masked) {
    if (data.size() < size + 4) return h;
    for (std::size_t i = 0; i < 4; ++i) f.mask_key[i] = data[size + i];
    size += 4;
  }
  f.header_size = size;
  h.status = header::status::ok;
  return h;
}

bool reserved_opcode(std::uint8_t op) {
  return (op >= 0x3 && op <= 0x7) || op >= 0xb;
}

// The first header rule the frame breaks (after length_msb, handled while reading).
std::string_view header_violation(const ws_frame& f, ws_role sender) {
  if (f.rsv1 || f.rsv2 || f.rsv3) return id::rsv;
  if (reserved_opcode(f.opcode)) return id::opcode;
  if ((f.length_encoding == ws_length_encoding::len16 && f.payload_length <= 125) ||
      (f.length_encoding == ws_length_encoding::len64 && f.payload_length <= 0xffff))
    return id::minimal_length;
  if (sender == ws_role::client && !f.masked) return id::mask_client;
  if (sender == ws_role::server && f.masked) return id::mask_server;
  if (ws_is_control(f.opcode) && !f.fin) return id::control_fragmented;
  if (ws_is_control(f.opcode) && f.payload_length > 125) return id::control_length;
  return {};
}

// What the sender has said so far, for the rules that span frames.
struct sequence {
  bool closed = false;
  bool in_message = false;
  std::uint8_t message_opcode = 0;
  bytes message;  // the unfinished message so far (kept for the UTF-8 check)

  std::string_view accept(const ws_frame& f) {
    if (closed) return id::after_close;
    switch (f.opcode) {
      case ws_opcode::continuation:
        if (!in_message) return id::continuation;
        return add_fragment(f);
      case ws_opcode::text:
      case ws_opcode::binary:
        if (in_message) return id::continuation;
        in_message = true;
        message_opcode = f.opcode;
        message.clear();
        return add_fragment(f);
      case ws_opcode::close: {
        closed = true;
        if (f.payload.size() == 1) return id::close_payload;
        if (f.payload.size() >= 2) {
          const auto code = static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
          if (!ws_close_code_valid(code)) return id::close_payload;
          if (!is_valid_utf8(byte_view(f.payload).subspan(2))) return id::utf8;
        }
        return {};
      }
      default:
        return {};  // ping, pong
    }
  }

  std::string_view add_fragment(const ws_frame& f) {
    message.insert(message.end(), f.payload.begin(), f.payload.end());
    if (!f.fin) return {};
    in_message = false;
    if (message_opcode == ws_opcode::text && !is_valid_utf8(message)) return id::utf8;
    return {};
  }
};

}  // namespace

std::span<const ws_rule> ws_rules() { return rules; }

std::string_view ws_rule_text(std::string_view violation_id) {
  for (const ws_rule& r : rules)
    if (r.id == violation_id) return r.rule;
  return {};
}

ws_parse_result parse_frames(byte_view data, ws_role sender) {
  ws_parse_result result;
  sequence seq;
  auto report = [&](std::string_view violation_id, std::size_t offset) {
    if (result.violation || violation_id.empty()) return;
    result.violation = ws_violation{std::string(violation_id), std::string(ws_rule_text(violation_id)),
                                    result.frames.size(), offset};
  };

  std::size_t pos = 0;
  for (;;) {
    const byte_view rest = data.subspan(pos);
    header h = read_header(rest);
    if (h.status == header::status::length_msb) {
      report(id::length_msb, pos);
      break;
    }
    if (h.status == header::status::incomplete) break;
    ws_frame f = std::move(h.frame);
    if (rest.size() - f.header_size < f.payload_length) break;
    const std::size_t n = static_cast<std::size_t>(f.payload_length);
    f.offset = pos;
    f.payload.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      f.payload[i] = f.masked ? rest[f.header_size + i] ^ f.mask_key[i % 4] : rest[f.header_size + i];

    report(header_violation(f, sender), pos);
    if (!result.violation) report(seq.accept(f), pos);
    pos += f.header_size + n;
    result.frames.push_back(std::move(f));
  }
  result.consumed = pos;
  result.tail.assign(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end());
  return result;
}

}  // namespace stutter::models
