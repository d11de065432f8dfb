#pragma once
// WebSocket wire model (RFC 6455): a whole-buffer frame parser that reports
// the first protocol violation, message reassembly, a frame encoder for
// building test inputs, and the opening-handshake accept value. The oracle for
// the `ws.rfc6455.*` invariants.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stutter_models/bytes.hpp"

namespace stutter::models {

enum class ws_role { client, server };

namespace ws_opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xa;
}  // namespace ws_opcode

// True for 0x8..0xf (RFC 6455 5.5), reserved or not.
bool ws_is_control(std::uint8_t opcode);

// How the payload length was written (RFC 6455 5.2).
enum class ws_length_encoding {
  len7,   // in the 7-bit field: 0..125
  len16,  // 126, then 16 bits
  len64,  // 127, then 64 bits
};

using ws_mask_key = std::array<std::uint8_t, 4>;

struct ws_frame {
  bool fin = true;
  bool rsv1 = false, rsv2 = false, rsv3 = false;
  std::uint8_t opcode = 0;
  bool masked = false;
  ws_mask_key mask_key{};  // all zero when not masked
  std::uint64_t payload_length = 0;
  ws_length_encoding length_encoding = ws_length_encoding::len7;
  bytes payload;  // unmasked
  std::size_t offset = 0;       // where the frame starts in the parsed buffer
  std::size_t header_size = 0;  // 2 to 14 bytes
};

// The violation ids; ws_rules() gives the rule each one stands for.
namespace ws_violation_id {
inline constexpr std::string_view mask_client = "ws.rfc6455.mask_client";
inline constexpr std::string_view mask_server = "ws.rfc6455.mask_server";
inline constexpr std::string_view minimal_length = "ws.rfc6455.minimal_length";
inline constexpr std::string_view length_msb = "ws.rfc6455.length_msb";
inline constexpr std::string_view rsv = "ws.rfc6455.rsv";
inline constexpr std::string_view opcode = "ws.rfc6455.opcode";
inline constexpr std::string_view control_length = "ws.rfc6455.control_length";
inline constexpr std::string_view control_fragmented = "ws.rfc6455.control_fragmented";
inline constexpr std::string_view continuation = "ws.rfc6455.continuation";
inline constexpr std::string_view close_payload = "ws.rfc6455.close_payload";
inline constexpr std::string_view utf8 = "ws.rfc6455.utf8";
inline constexpr std::string_view after_close = "ws.rfc6455.after_close";
}  // namespace ws_violation_id

struct ws_rule {
  std::string_view id;
  std::string_view rule;  // the RFC 6455 requirement, paraphrased, with its section
};

// Every id above with its rule, in the order parse_frames checks them.
std::span<const ws_rule> ws_rules();

// The rule text for an id; empty if the id is unknown.
std::string_view ws_rule_text(std::string_view id);

struct ws_violation {
  std::string id;
  std::string rule;
  std::size_t frame_index = 0;  // index into ws_parse_result::frames (== frames.size() for length_msb)
  std::size_t offset = 0;       // byte offset of that frame
};

struct ws_parse_result {
  std::vector<ws_frame> frames;  // every complete frame, in wire order
  std::size_t consumed = 0;      // end of the last complete frame
  bytes tail;                    // an incomplete last frame, or the bytes after a length_msb header
  std::optional<ws_violation> violation;  // the first one, in wire order
};

// Parses frames sent by `sender` until the buffer ends, and reports the first
// violation: frames are taken in wire order and, within a frame, the checks run
// in the order of ws_rules(). Parsing goes on after a violation (so every frame
// is listed) except after a length_msb header, where the frame's extent is
// unknown. No extension is negotiated, so any RSV bit is a violation. UTF-8 is
// checked on a text message once its final fragment arrives and on a close
// reason; a message still open at the end of the buffer is not judged.
ws_parse_result parse_frames(byte_view data, ws_role sender);

enum class ws_message_kind { text, binary };

struct ws_message {
  ws_message_kind kind = ws_message_kind::binary;
  bytes payload;
};

enum class ws_control_kind { ping, pong, close };

struct ws_control {
  ws_control_kind kind = ws_control_kind::ping;
  bytes payload;                          // as sent
  std::optional<std::uint16_t> close_code;  // close with a payload of 2 or more bytes
  bytes close_reason;                     // close payload after the code
  std::size_t messages_before = 0;        // how many complete messages preceded it
};

struct ws_reassembly {
  std::vector<ws_message> messages;  // complete data messages, in order
  std::vector<ws_control> controls;  // pings, pongs and the close, in order
  std::optional<ws_message> partial;  // a fragmented message not finished when the frames end
};

// Joins data frames into messages and lists control frames. Meant for frames
// that parse_frames found valid; on invalid sequences it does the simplest
// thing: a stray continuation is dropped, a new data frame inside a fragmented
// message discards the unfinished one, reserved opcodes are ignored, and
// frames after a close are ignored.
ws_reassembly reassemble_messages(std::span<const ws_frame> frames);

// Everything about a frame that can be chosen, including invalid choices, for
// building test inputs.
struct ws_frame_spec {
  bool fin = true;
  bool rsv1 = false, rsv2 = false, rsv3 = false;
  std::uint8_t opcode = ws_opcode::binary;  // only the low 4 bits are written
  std::optional<ws_mask_key> mask_key{};    // masked iff present
  std::optional<ws_length_encoding> length_encoding{};  // default: the minimal one
  bytes payload{};  // unmasked; masked on the wire when mask_key is set
};

// Throws std::invalid_argument if a forced length encoding cannot hold the payload length.
bytes encode_frame(const ws_frame_spec& spec);

// A frame with the minimal length encoding and no RSV bits.
bytes encode_frame(bool fin, std::uint8_t opcode, byte_view payload,
                   std::optional<ws_mask_key> mask_key = std::nullopt);

// A close frame payload: the code as u16 big-endian, then the reason.
bytes ws_close_payload(std::uint16_t code, std::string_view reason = {});

// RFC 6455 7.4: whether a close frame may carry this code. Valid: 1000-1003,
// 1007-1014 (1012-1014 registered with IANA after the RFC), 3000-4999.
bool ws_close_code_valid(std::uint16_t code);

// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 4.2.2):
// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string websocket_accept(std::string_view key);

}  // namespace stutter::models
