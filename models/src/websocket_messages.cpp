#include "stutter_models/websocket.hpp"

namespace stutter::models {

ws_reassembly reassemble_messages(std::span<const ws_frame> frames) {
  ws_reassembly out;
  for (const ws_frame& f : frames) {
    switch (f.opcode) {
      case ws_opcode::text:
      case ws_opcode::binary:
        out.partial = ws_message{f.opcode == ws_opcode::text ? ws_message_kind::text
                                                             : ws_message_kind::binary,
                                 {}};
        [[fallthrough]];
      case ws_opcode::continuation:
        if (!out.partial) break;  // a stray continuation
        out.partial->payload.insert(out.partial->payload.end(), f.payload.begin(), f.payload.end());
        if (f.fin) {
          out.messages.push_back(std::move(*out.partial));
          out.partial.reset();
        }
        break;
      case ws_opcode::ping:
      case ws_opcode::pong:
      case ws_opcode::close: {
        ws_control c;
        c.kind = f.opcode == ws_opcode::ping   ? ws_control_kind::ping
                 : f.opcode == ws_opcode::pong ? ws_control_kind::pong
                                               : ws_control_kind::close;
        c.payload = f.payload;
        c.messages_before = out.messages.size();
        if (c.kind == ws_control_kind::close && f.payload.size() >= 2) {
          c.close_code = static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
          c.close_reason.assign(f.payload.begin() + 2, f.payload.end());
        }
        const bool is_close = c.kind == ws_control_kind::close;
        out.controls.push_back(std::move(c));
        if (is_close) return out;  // nothing after a close counts
        break;
      }
      default:
        break;  // reserved opcodes
    }
  }
  return out;
}

}  // namespace stutter::models
