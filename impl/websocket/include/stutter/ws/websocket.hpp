#pragma once
// RFC 6455 framing over any byte_stream, both roles, non-blocking.
//
// Promises:
// - Reads pull from a strict buffered_reader: exactly the bytes the current frame
//   needs, never more (the constructor's `prefix` -- a handshake's handover() -- is
//   served first). Payload is read straight into the caller's vector and unmasked in
//   place; memory beyond that vector is bounded (a 125-byte control payload, a
//   header, the client's mask scratch).
// - A header announcing more than max_message bytes fails the connection (1009) before
//   anything is allocated for it.
// - Server writes are zero-copy: header + the caller's bytes go in one gather write.
//   Client writes mask mask_chunk bytes at a time into a scratch buffer, with a fresh
//   key from the entropy source for every frame (control frames included).
// - Every operation is resumable: after a waiting result, retry with the same
//   arguments (write_message/ping with the same buffer, else errc::retry_mismatch;
//   read_message with the same vector). No frame state is lost across short writes.
// - Control frames go out between frames, never inside one: a ping is answered with
//   a pong (the newest ping wins), a close with a close echoing its code. A read that
//   has such output queued first flushes it; if the lower stream cannot take a close
//   answer now, the read returns need_write. A pong that cannot go out does not stop the
//   read from reading what has arrived (the peer may be writing to us, filling the pipe
//   the pong waits on); with nothing more to read it returns need_write, which a caller
//   should also retry when the lower stream turns readable. flush() pushes queued output
//   without reading.
// - A protocol violation fails the connection: a close frame with the violation's code
//   is sent if possible (the failing call returns need_write/would_block until it is
//   flushed), the write side is shut down, and a sticky ws_errc error follows;
//   close_code_of(error) gives the code.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "stutter/buffered_reader.hpp"
#include "stutter/ws/frame.hpp"
#include "stutter/ws/types.hpp"
#include "stutter/ws/utf8.hpp"

namespace stutter::ws {

struct stream_options {
  role side = role::client;
  std::size_t max_message = 16 * 1024 * 1024;  // reassembled message bytes; more fails with 1009
  std::size_t fragment_size = 0;               // write: payload bytes per frame; 0 = one frame per message
  std::size_t mask_chunk = 4 * 1024;           // client write: bytes masked at a time (scratch size)
  bool validate_utf8 = true;                   // text messages and close reasons (1007)
};

class websocket_stream {
 public:
  websocket_stream(byte_stream& lower, stream_options options, entropy_source entropy,
                   std::vector<byte> prefix = {});

  // ok(payload.size()) once every frame of the message was taken by the lower stream.
  // ws_errc::closed once a close frame was sent or received.
  io_result write_message(const_bytes payload, message_type type);

  // ok(n): a whole message of n bytes (maybe 0) replaced `out`'s contents, `type` set.
  // eof after the peer's close frame (answered first). need_write: queued control output
  // could not be flushed; retry (on readable too). would_block: waiting for the peer's bytes.
  io_result read_message(std::vector<byte>& out, message_type& type);

  // ok(payload.size()) once the ping frame was sent. At most 125 bytes.
  io_result ping(const_bytes payload);

  // Starts the closing handshake: ok(0) once the close frame was sent; then read until
  // eof (the peer's close). code 0 sends a close frame without a code (reason must be
  // empty); otherwise the code must be sendable and the reason at most 123 bytes of UTF-8.
  io_result close(std::uint16_t code = 1000, std::string_view reason = {});

  // Pushes queued output (the data frame in flight, then control frames). ok(0) when none is left.
  io_result flush();

  // 0 until the peer's close frame arrived; 1005 if it carried no code.
  std::uint16_t close_code() const { return peer_close_code_; }
  // 0 until we queued a close frame; 1005 if it carries no code.
  std::uint16_t sent_close_code() const { return sent_close_code_; }
  bool close_sent() const { return close_sent_; }
  bool close_received() const { return close_received_; }
  std::size_t pongs_received() const { return pongs_received_; }
  std::error_code error() const { return error_; }
  const stream_options& options() const { return options_; }

 private:
  enum class rstate : std::uint8_t { header, payload, control };

  struct control_frame {
    std::array<byte, max_header_size + max_control_payload> wire{};
    std::size_t len = 0;
    std::size_t sent = 0;
    std::uint8_t op = 0;
    bool active = false;
  };

  struct control_payload {
    std::array<byte, max_control_payload> bytes{};
    std::size_t len = 0;
    bool pending = false;
    void set(const_bytes b);
  };

  io_result read_header(std::vector<byte>& out);
  io_result read_payload(std::vector<byte>& out, message_type& type);
  io_result read_control();
  io_result after_close_received();

  void start_frame();
  io_result push_frame();
  io_result flush_control();
  io_result flush_output();
  bool control_queued() const;
  bool read_goes_on_anyway() const;
  bool read_goes_on(const io_result& flushed) const;
  void send_control(std::uint8_t op, const control_payload& payload);
  void queue_close(std::uint16_t code, std::string_view reason);

  io_result fail(std::error_code ec);
  io_result after_error(bool from_read);
  io_result lower_write_failed(io_result r);
  mask_key draw_key();

  byte_stream& lower_;
  stream_options options_;
  entropy_source entropy_;
  buffered_reader in_;

  // Reading.
  rstate rstate_ = rstate::header;
  frame_header rh_{};
  std::uint64_t rgot_ = 0;        // payload bytes of the current frame received
  bool in_message_ = false;
  bool message_done_ = false;     // read_payload finished a message of message_size_ bytes
  std::size_t message_size_ = 0;
  message_type msg_type_ = message_type::binary;
  std::size_t frame_start_ = 0;   // where the current frame's payload starts in `out`
  utf8_validator utf8_;
  std::array<byte, max_control_payload> rctrl_{};

  // Writing a data message.
  const byte* wmsg_ = nullptr;
  std::size_t wlen_ = 0;
  message_type wtype_ = message_type::binary;
  bool writing_ = false;
  bool wstarted_ = false;         // the message's first frame has begun
  std::size_t wdone_ = 0;         // payload bytes in finished frames
  bool wframe_active_ = false;
  std::size_t wframe_len_ = 0;
  std::array<byte, max_header_size> whdr_{};
  std::size_t whdr_len_ = 0;
  std::size_t whdr_sent_ = 0;
  std::size_t wpay_sent_ = 0;     // payload bytes of the current frame taken by the lower stream
  mask_key wkey_{};
  std::vector<byte> scratch_;     // client: masked bytes waiting for the lower stream
  std::size_t sbeg_ = 0;
  std::size_t send_ = 0;
  std::size_t wmasked_ = 0;       // payload bytes of the current frame masked so far

  // Control output.
  control_frame ctrl_;
  control_payload pong_;
  control_payload ping_;
  control_payload close_;
  const byte* ping_arg_ = nullptr;  // the caller's ping() buffer, for retry checks
  std::size_t ping_arg_len_ = 0;
  bool ping_in_progress_ = false;

  // Connection state.
  bool close_sent_ = false;
  bool close_received_ = false;
  bool lower_broken_ = false;     // the lower stream failed a write: send nothing more
  bool failing_close_ = false;    // a violation queued a close frame that is still owed
  bool shut_down_ = false;
  std::uint16_t peer_close_code_ = 0;
  std::uint16_t sent_close_code_ = 0;
  std::size_t pongs_received_ = 0;
  std::error_code error_{};
};

}  // namespace stutter::ws
