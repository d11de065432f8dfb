#pragma once
// Errors of the HTTP/1.1 Upgrade handshake (http_errc) and of RFC 6455 framing (ws_errc).
//
// A ws_errc value carries the close code the connection was failed with: value / 100 is
// the code (100201 -> 1002). Values below 100 are local errors that put no close code on
// the wire.

#include <cstdint>
#include <system_error>

namespace stutter::ws {

enum class http_errc : int {
  line_too_long = 1,   // a start or header line exceeded http_limits::max_line
  too_many_headers,    // more than http_limits::max_headers header fields
  headers_too_large,   // the header block exceeded http_limits::max_header_bytes
  bad_request_line,    // not "method SP target SP version"
  bad_method,          // the method is not GET (server answers 405)
  bad_status_line,     // not "HTTP/x.y SP 3DIGIT [SP reason]"
  bad_http_version,    // the HTTP version is not HTTP/1.1 (server answers 505)
  bad_header_line,     // a field line is malformed (no colon, space before it, obs-fold, control bytes)
  missing_header,      // a required field (Host, Upgrade, Connection, Sec-WebSocket-Key/Accept) is absent
  invalid_header,      // a field has a value the handshake forbids (or an unrequested extension/protocol)
  bad_key,             // Sec-WebSocket-Key is not the base64 of 16 bytes
  bad_ws_version,      // Sec-WebSocket-Version is absent or not 13 (server answers 426 + Sec-WebSocket-Version: 13)
  bad_accept,          // Sec-WebSocket-Accept does not match the key
  refused,             // the server answered with a status other than 101
};

enum class ws_errc : int {
  // Local errors: no close code.
  closed = 1,        // write after a close frame was sent or received
  invalid_argument,  // a close code that may not be sent, a control payload over 125 bytes, ...

  // 1002 protocol error
  reserved_bits = 100201,   // RSV1..3 set without a negotiated extension
  reserved_opcode,          // opcode 3-7 or 11-15
  unmasked_frame,           // a client frame without a mask (seen by a server)
  masked_frame,             // a server frame with a mask (seen by a client)
  non_minimal_length,       // a 16- or 64-bit length that fits the shorter form
  length_top_bit,           // a 64-bit length with the most significant bit set
  control_too_long,         // a control frame with more than 125 payload bytes
  control_fragmented,       // a control frame without FIN
  unexpected_continuation,  // a continuation frame outside a fragmented message
  expected_continuation,    // a new data frame inside a fragmented message
  bad_close_payload,        // a close frame with a 1-byte payload
  bad_close_code,           // a close code that may not appear on the wire
  data_after_close,         // bytes after the peer's close frame

  // 1006 abnormal closure (never on the wire)
  unexpected_eof = 100601,  // the stream ended without a close frame

  // 1007 invalid frame payload data
  invalid_utf8 = 100701,    // a text message or close reason is not UTF-8

  // 1009 message too big
  message_too_big = 100901,  // a message exceeded stream_options::max_message
};

const std::error_category& http_category();
const std::error_category& ws_category();
std::error_code make_error_code(http_errc e);
std::error_code make_error_code(ws_errc e);

// The close code an error fails the connection with; 0 for local and foreign errors.
constexpr std::uint16_t close_code_of(ws_errc e) { return static_cast<std::uint16_t>(static_cast<int>(e) / 100); }
std::uint16_t close_code_of(const std::error_code& ec);

// Close codes an endpoint may put in a close frame (RFC 6455 7.4, IANA registry).
constexpr bool is_sendable_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace stutter::ws

template <>
struct std::is_error_code_enum<stutter::ws::http_errc> : std::true_type {};
template <>
struct std::is_error_code_enum<stutter::ws::ws_errc> : std::true_type {};
