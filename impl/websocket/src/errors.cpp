#include "stutter/ws/errors.hpp"

#include <string>

namespace stutter::ws {

namespace {

class http_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.http"; }
  std::string message(int value) const override {
    switch (static_cast<http_errc>(value)) {
      case http_errc::line_too_long: return "line_too_long: an HTTP line exceeded the maximum line length";
      case http_errc::too_many_headers: return "too_many_headers: more header fields than allowed";
      case http_errc::headers_too_large: return "headers_too_large: the header block exceeded its byte limit";
      case http_errc::bad_request_line: return "bad_request_line: malformed HTTP request line";
      case http_errc::bad_method: return "bad_method: the Upgrade request method is not GET";
      case http_errc::bad_status_line: return "bad_status_line: malformed HTTP status line";
      case http_errc::bad_http_version: return "bad_http_version: the HTTP version is not HTTP/1.1";
      case http_errc::bad_header_line: return "bad_header_line: malformed header field line";
      case http_errc::missing_header: return "missing_header: a required header field is absent";
      case http_errc::invalid_header: return "invalid_header: a header field has a forbidden value";
      case http_errc::bad_key: return "bad_key: Sec-WebSocket-Key is not the base64 encoding of 16 bytes";
      case http_errc::bad_ws_version: return "bad_ws_version: Sec-WebSocket-Version is not 13";
      case http_errc::bad_accept: return "bad_accept: Sec-WebSocket-Accept does not match the key";
      case http_errc::refused: return "refused: the server did not answer 101 Switching Protocols";
    }
    return "unknown http error " + std::to_string(value);
  }
};

class ws_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.websocket"; }
  std::string message(int value) const override {
    switch (static_cast<ws_errc>(value)) {
      case ws_errc::closed: return "closed: the close handshake has begun, no more data frames";
      case ws_errc::invalid_argument: return "invalid_argument: a control frame argument is not allowed";
      case ws_errc::reserved_bits: return "reserved_bits (1002): RSV bits set without an extension";
      case ws_errc::reserved_opcode: return "reserved_opcode (1002): reserved opcode";
      case ws_errc::unmasked_frame: return "unmasked_frame (1002): client frame without a mask";
      case ws_errc::masked_frame: return "masked_frame (1002): server frame with a mask";
      case ws_errc::non_minimal_length: return "non_minimal_length (1002): payload length not minimally encoded";
      case ws_errc::length_top_bit: return "length_top_bit (1002): 64-bit payload length with the top bit set";
      case ws_errc::control_too_long: return "control_too_long (1002): control frame payload over 125 bytes";
      case ws_errc::control_fragmented: return "control_fragmented (1002): control frame without FIN";
      case ws_errc::unexpected_continuation:
        return "unexpected_continuation (1002): continuation frame without a message to continue";
      case ws_errc::expected_continuation:
        return "expected_continuation (1002): new data frame inside a fragmented message";
      case ws_errc::bad_close_payload: return "bad_close_payload (1002): close frame payload of 1 byte";
      case ws_errc::bad_close_code: return "bad_close_code (1002): close code not allowed on the wire";
      case ws_errc::data_after_close: return "data_after_close (1002): bytes after the peer's close frame";
      case ws_errc::unexpected_eof: return "unexpected_eof (1006): the stream ended without a close frame";
      case ws_errc::invalid_utf8: return "invalid_utf8 (1007): text is not valid UTF-8";
      case ws_errc::message_too_big: return "message_too_big (1009): message exceeds max_message";
    }
    return "unknown websocket error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& http_category() {
  static const http_error_category category;
  return category;
}

const std::error_category& ws_category() {
  static const ws_error_category category;
  return category;
}

std::error_code make_error_code(http_errc e) { return {static_cast<int>(e), http_category()}; }
std::error_code make_error_code(ws_errc e) { return {static_cast<int>(e), ws_category()}; }

std::uint16_t close_code_of(const std::error_code& ec) {
  if (ec.category() != ws_category()) return 0;
  return close_code_of(static_cast<ws_errc>(ec.value()));
}

}  // namespace stutter::ws
