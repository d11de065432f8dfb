#pragma once
// The stream contract: the one interface every layer, socket and adapter speaks.
//
// Every operation is non-blocking and returns an io_result:
//   ok(n)        n bytes moved (n > 0 whenever the request was non-empty)
//   would_block  EAGAIN: wait until the same direction of the lower stream is ready
//   need_read    (from a write) the protocol must read before it can take this write
//   need_write   (from a read) the protocol has output that must be flushed first
//   eof          the peer finished its direction in an orderly way
//   error(code)  the stream is broken; errors are sticky
// After any waiting result the caller retries with the same arguments; a layer may
// reject a retry with different arguments (errc::retry_mismatch).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

namespace stutter {

using byte = std::uint8_t;
using const_bytes = std::span<const byte>;
using mutable_bytes = std::span<byte>;

enum class status : std::uint8_t { ok, would_block, need_read, need_write, eof, error };

std::string_view to_string(status s);

struct [[nodiscard]] io_result {
  status st = status::ok;
  std::size_t n = 0;
  std::error_code ec{};

  static io_result done(std::size_t moved) { return {status::ok, moved, {}}; }
  static io_result blocked() { return {status::would_block, 0, {}}; }
  static io_result wants_read() { return {status::need_read, 0, {}}; }
  static io_result wants_write() { return {status::need_write, 0, {}}; }
  static io_result end() { return {status::eof, 0, {}}; }
  static io_result failed(std::error_code code) { return {status::error, 0, code}; }

  bool ok() const { return st == status::ok; }
  // True for the results after which the caller waits and retries.
  bool waiting() const {
    return st == status::would_block || st == status::need_read || st == status::need_write;
  }
};

// Errors of the core layers (buffered reader, line and length framing, sockets).
// Protocol layers (HTTP, WebSocket, TLS) define their own enums and categories.
enum class errc : int {
  line_too_long = 1,      // a line exceeded line_options::max_line
  separator_in_payload,   // a line to write contains the separator
  record_too_large,       // a length prefix exceeded length_options::max_record
  varint_malformed,       // a varint prefix is longer than 10 bytes or overflows 64 bits
  unexpected_eof,         // the stream ended inside a record
  buffer_full,            // a request needs more than the reader's capacity
  retry_mismatch,         // a retry after a waiting result changed its arguments
  write_after_shutdown,   // write after shutdown_write
  connection_reset,       // the network reset the connection
  injected_failure,       // a fail_at fault made this operation fail
  data_limit,             // a limit_data fault: the direction carried its quota
  broken_pipe,            // write to a direction the network closed (half_close)
};

const std::error_category& core_category();
std::error_code make_error_code(errc e);

// A non-blocking byte stream.
class byte_stream {
 public:
  virtual ~byte_stream() = default;

  // Reads up to buf.size() bytes. Never returns ok(0) for a non-empty buf.
  virtual io_result read_some(mutable_bytes buf) = 0;

  // Gather write: ok(n) means the first n bytes of the concatenation were taken.
  virtual io_result write_some(std::span<const const_bytes> bufs) = 0;

  // Finishes this direction: after pending output is flushed the peer reads eof.
  virtual io_result shutdown_write() = 0;

  io_result write_some(const_bytes buf) { return write_some(std::span<const const_bytes>(&buf, 1)); }
};

}  // namespace stutter

template <>
struct std::is_error_code_enum<stutter::errc> : std::true_type {};
