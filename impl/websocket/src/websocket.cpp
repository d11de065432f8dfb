#include "stutter/ws/websocket.hpp"

#include <algorithm>
#include <cstring>

#include "stutter/ws/errors.hpp"

namespace stutter::ws {

namespace {

constexpr std::uint8_t op_close = static_cast<std::uint8_t>(opcode::close);
constexpr std::uint8_t op_ping = static_cast<std::uint8_t>(opcode::ping);
constexpr std::uint8_t op_pong = static_cast<std::uint8_t>(opcode::pong);

// The waiting result a read reports when it is held up by output.
io_result as_read_result(io_result r) {
  return r.st == status::would_block ? io_result::wants_write() : r;
}

}  // namespace

void websocket_stream::control_payload::set(const_bytes b) {
  std::copy(b.begin(), b.end(), bytes.begin());
  len = b.size();
  pending = true;
}

websocket_stream::websocket_stream(byte_stream& lower, stream_options options, entropy_source entropy,
                                   std::vector<byte> prefix)
    : lower_(lower),
      options_(options),
      entropy_(std::move(entropy)),
      in_(lower, {.capacity = std::max<std::size_t>(256, prefix.size()), .block = 256, .strict = true},
          std::move(prefix)) {
  if (options_.mask_chunk == 0) options_.mask_chunk = 4 * 1024;
}

mask_key websocket_stream::draw_key() {
  const auto bits = static_cast<std::uint32_t>(entropy_());
  return {static_cast<byte>(bits >> 24), static_cast<byte>(bits >> 16), static_cast<byte>(bits >> 8),
          static_cast<byte>(bits)};
}

// ---------------------------------------------------------------- errors

io_result websocket_stream::fail(std::error_code ec) {
  error_ = ec;
  const std::uint16_t code = close_code_of(ec);
  const bool close_in_flight = ctrl_.active && ctrl_.op == op_close;
  if (code != 0 && code != 1006 && !close_sent_ && !close_in_flight && !lower_broken_) {
    pong_.pending = ping_.pending = false;
    queue_close(code, {});
    failing_close_ = true;
  }
  return after_error(true);
}

// A failed connection still owes the peer its close frame: every call pushes it on
// (waiting results) until it is out, then reports the sticky error.
io_result websocket_stream::after_error(bool from_read) {
  if (failing_close_ && !close_sent_ && !lower_broken_) {
    io_result r = flush_output();
    if (r.waiting()) return from_read ? as_read_result(r) : r;
  }
  return io_result::failed(error_);
}

io_result websocket_stream::lower_write_failed(io_result r) {
  lower_broken_ = true;
  if (!error_) error_ = r.ec;
  return io_result::failed(error_);
}

// ---------------------------------------------------------------- writing

void websocket_stream::start_frame() {
  std::size_t k = wlen_ - wdone_;
  if (options_.fragment_size != 0) k = std::min(k, options_.fragment_size);
  frame_header h;
  h.fin = wdone_ + k == wlen_;
  h.opcode = wstarted_ ? 0 : static_cast<std::uint8_t>(wtype_);
  h.length = k;
  if (options_.side == role::client) {
    h.masked = true;
    h.key = draw_key();
    if (scratch_.size() != options_.mask_chunk) scratch_.resize(options_.mask_chunk);
  }
  whdr_len_ = encode_header(h, whdr_.data());
  whdr_sent_ = wpay_sent_ = wmasked_ = sbeg_ = send_ = 0;
  wkey_ = h.key;
  wframe_len_ = k;
  wstarted_ = true;
  wframe_active_ = true;
}

io_result websocket_stream::push_frame() {
  const byte* payload = wmsg_ + wdone_;
  while (whdr_sent_ < whdr_len_ || wpay_sent_ < wframe_len_) {
    std::array<const_bytes, 2> parts{};
    std::size_t count = 0;
    if (whdr_sent_ < whdr_len_) parts[count++] = {whdr_.data() + whdr_sent_, whdr_len_ - whdr_sent_};
    if (options_.side == role::server) {
      if (wpay_sent_ < wframe_len_) parts[count++] = {payload + wpay_sent_, wframe_len_ - wpay_sent_};
    } else {
      if (sbeg_ == send_ && wmasked_ < wframe_len_) {
        const std::size_t k = std::min(scratch_.size(), wframe_len_ - wmasked_);
        apply_mask(payload + wmasked_, scratch_.data(), k, wkey_, wmasked_);
        wmasked_ += k;
        sbeg_ = 0;
        send_ = k;
      }
      if (sbeg_ < send_) parts[count++] = {scratch_.data() + sbeg_, send_ - sbeg_};
    }
    io_result r = lower_.write_some(std::span<const const_bytes>(parts.data(), count));
    if (r.st == status::error) return lower_write_failed(r);
    if (!r.ok()) return r;
    std::size_t n = r.n;
    const std::size_t h = std::min(n, whdr_len_ - whdr_sent_);
    whdr_sent_ += h;
    n -= h;
    wpay_sent_ += n;
    if (options_.side == role::client) sbeg_ += n;
  }
  wdone_ += wframe_len_;
  wframe_active_ = false;
  return io_result::done(0);
}

void websocket_stream::send_control(std::uint8_t op, const control_payload& payload) {
  frame_header h;
  h.opcode = op;
  h.length = payload.len;
  if (options_.side == role::client) {
    h.masked = true;
    h.key = draw_key();
  }
  std::size_t n = encode_header(h, ctrl_.wire.data());
  if (h.masked) {
    apply_mask(payload.bytes.data(), ctrl_.wire.data() + n, payload.len, h.key, 0);
  } else {
    std::copy_n(payload.bytes.begin(), payload.len, ctrl_.wire.begin() + static_cast<std::ptrdiff_t>(n));
  }
  ctrl_.len = n + payload.len;
  ctrl_.sent = 0;
  ctrl_.op = op;
  ctrl_.active = true;
}

// Output that only a pong (and a data frame of ours in flight) holds up does not stop a
// read from reading what has arrived: a peer that keeps writing to us may be what keeps the
// pipe full (the newest ping wins meanwhile). A close answer does stop it: the peer waits
// for it and says nothing more.
bool websocket_stream::read_goes_on_anyway() const {
  return !close_.pending && !(ctrl_.active && ctrl_.op == op_close);
}

bool websocket_stream::read_goes_on(const io_result& flushed) const {
  return flushed.waiting() && read_goes_on_anyway();
}

bool websocket_stream::control_queued() const {
  return ctrl_.active || ((pong_.pending || ping_.pending || close_.pending) && !close_sent_);
}

io_result websocket_stream::flush_control() {
  for (;;) {
    if (ctrl_.active) {
      while (ctrl_.sent < ctrl_.len) {
        io_result r = lower_.write_some(const_bytes(ctrl_.wire.data() + ctrl_.sent, ctrl_.len - ctrl_.sent));
        if (r.st == status::error) return lower_write_failed(r);
        if (!r.ok()) return r;
        ctrl_.sent += r.n;
      }
      ctrl_.active = false;
      if (ctrl_.op == op_close) {
        close_sent_ = true;
        if ((close_received_ || error_) && !shut_down_) {
          shut_down_ = true;
          (void)lower_.shutdown_write();
        }
      }
    }
    if (close_sent_) {
      pong_.pending = ping_.pending = close_.pending = false;
      return io_result::done(0);
    }
    // Pongs first: they answer the peer; the close frame is the last frame we send.
    if (pong_.pending) {
      pong_.pending = false;
      send_control(op_pong, pong_);
    } else if (ping_.pending) {
      ping_.pending = false;
      send_control(op_ping, ping_);
    } else if (close_.pending) {
      close_.pending = false;
      send_control(op_close, close_);
    } else {
      return io_result::done(0);
    }
  }
}

io_result websocket_stream::flush_output() {
  if (lower_broken_) return io_result::failed(error_);
  if (wframe_active_) {
    io_result r = push_frame();
    if (!r.ok()) return r;
  }
  return flush_control();
}

io_result websocket_stream::flush() {
  if (error_) return after_error(false);
  return flush_output();
}

void websocket_stream::queue_close(std::uint16_t code, std::string_view reason) {
  close_.len = 0;
  if (code != 0) {
    close_.bytes[0] = static_cast<byte>(code >> 8);
    close_.bytes[1] = static_cast<byte>(code);
    if (!reason.empty()) std::memcpy(close_.bytes.data() + 2, reason.data(), reason.size());
    close_.len = 2 + reason.size();
  }
  close_.pending = true;
  sent_close_code_ = code == 0 ? 1005 : code;
}

io_result websocket_stream::write_message(const_bytes payload, message_type type) {
  if (error_) return after_error(false);
  if (!writing_) {
    if (close_sent_ || close_.pending || close_received_) return io_result::failed(ws_errc::closed);
    writing_ = true;
    wstarted_ = false;
    wmsg_ = payload.data();
    wlen_ = payload.size();
    wtype_ = type;
    wdone_ = 0;
  } else if (payload.data() != wmsg_ || payload.size() != wlen_ || type != wtype_) {
    return io_result::failed(errc::retry_mismatch);
  }
  for (;;) {
    io_result r = flush_output();  // the frame in flight, then control frames between frames
    if (!r.ok()) return r;
    if (wstarted_ && wdone_ == wlen_) {
      writing_ = false;
      return io_result::done(wlen_);
    }
    if (close_sent_) {
      writing_ = false;  // the rest of the message can no longer be sent
      return io_result::failed(ws_errc::closed);
    }
    start_frame();
  }
}

io_result websocket_stream::ping(const_bytes payload) {
  if (error_) return after_error(false);
  if (!ping_in_progress_) {
    if (payload.size() > max_control_payload) return io_result::failed(ws_errc::invalid_argument);
    if (close_sent_ || close_.pending) return io_result::failed(ws_errc::closed);
    ping_.set(payload);
    ping_arg_ = payload.data();
    ping_arg_len_ = payload.size();
    ping_in_progress_ = true;
  } else if (payload.data() != ping_arg_ || payload.size() != ping_arg_len_) {
    return io_result::failed(errc::retry_mismatch);
  }
  io_result r = flush_output();
  if (!r.ok()) return r;
  ping_in_progress_ = false;
  return io_result::done(payload.size());
}

io_result websocket_stream::close(std::uint16_t code, std::string_view reason) {
  if (error_) return after_error(false);
  if (!close_sent_ && !close_.pending) {
    utf8_validator v;
    const bool reason_ok = v.feed({reinterpret_cast<const byte*>(reason.data()), reason.size()}) && v.complete();
    if (code == 0 ? !reason.empty() : (!is_sendable_close_code(code) || reason.size() > 123 || !reason_ok)) {
      return io_result::failed(ws_errc::invalid_argument);
    }
    queue_close(code, reason);
  }
  io_result r = flush_output();
  if (!r.ok()) return r;
  return io_result::done(0);
}

// ---------------------------------------------------------------- reading

io_result websocket_stream::read_message(std::vector<byte>& out, message_type& type) {
  if (error_) return after_error(true);
  // A queued pong or close answer goes first (optimistic: the lower stream may take it now).
  if (control_queued()) {
    io_result r = flush_output();
    if (!r.ok() && !read_goes_on(r)) return as_read_result(r);
  }
  if (close_received_) return after_close_received();
  for (;;) {
    io_result r;
    switch (rstate_) {
      case rstate::header: r = read_header(out); break;
      case rstate::payload: r = read_payload(out, type); break;
      case rstate::control: r = read_control(); break;
    }
    // Nothing more to read, and a pong still waiting for the lower stream: try it once more,
    // and if it still cannot go, the read waits for the lower stream to take it (and, per
    // the contract, for more input too).
    if (r.st == status::would_block && control_queued()) {
      io_result f = flush_output();
      if (f.st == status::error) return f;
      if (f.waiting()) return as_read_result(f);
    }
    if (!r.ok()) return r;
    if (message_done_) {
      message_done_ = false;
      return io_result::done(message_size_);
    }
    if (close_received_) return after_close_received();
  }
}

// ok(0): the header was consumed and the payload state set up.
io_result websocket_stream::read_header(std::vector<byte>& out) {
  io_result r = in_.fill(2);
  if (r.ok()) {
    const_bytes b = in_.buffered();
    r = in_.fill(header_size(b[0], b[1]));
  }
  if (r.st == status::eof) return fail(ws_errc::unexpected_eof);
  if (r.st == status::error) {
    error_ = r.ec;
    return r;
  }
  if (!r.ok()) return r;
  const_bytes b = in_.buffered();
  const std::size_t size = header_size(b[0], b[1]);
  frame_header h;
  if (auto ec = decode_header(b.first(size), h)) return fail(ec);
  if (h.rsv != 0) return fail(ws_errc::reserved_bits);
  if (!is_known_opcode(h.opcode)) return fail(ws_errc::reserved_opcode);
  if (options_.side == role::server && !h.masked) return fail(ws_errc::unmasked_frame);
  if (options_.side == role::client && h.masked) return fail(ws_errc::masked_frame);
  const bool control = is_control(h.opcode);
  if (control) {
    if (!h.fin) return fail(ws_errc::control_fragmented);
    if (h.length > max_control_payload) return fail(ws_errc::control_too_long);
  } else {
    if (h.opcode == 0 && !in_message_) return fail(ws_errc::unexpected_continuation);
    if (h.opcode != 0 && in_message_) return fail(ws_errc::expected_continuation);
    const std::size_t so_far = in_message_ ? frame_start_ : 0;
    if (h.length > options_.max_message - std::min(so_far, options_.max_message)) {
      return fail(ws_errc::message_too_big);
    }
    if (in_message_ && out.size() != frame_start_) return io_result::failed(errc::retry_mismatch);
  }
  in_.consume(size);
  rh_ = h;
  rgot_ = 0;
  if (control) {
    rstate_ = rstate::control;
    return io_result::done(0);
  }
  if (!in_message_) {
    in_message_ = true;
    msg_type_ = static_cast<message_type>(h.opcode);
    frame_start_ = 0;
    utf8_.reset();  // `out` is resized below, not cleared: every byte is overwritten, no zero-fill pass
  }
  out.resize(frame_start_ + static_cast<std::size_t>(h.length));
  rstate_ = rstate::payload;
  return io_result::done(0);
}

// ok(0) after each frame; sets message_done_ after the final one.
io_result websocket_stream::read_payload(std::vector<byte>& out, message_type& type) {
  const auto length = static_cast<std::size_t>(rh_.length);
  if (out.size() != frame_start_ + length) return io_result::failed(errc::retry_mismatch);
  const bool check_text = msg_type_ == message_type::text && options_.validate_utf8;
  while (rgot_ < length) {
    byte* p = out.data() + frame_start_ + rgot_;
    io_result r = in_.read_some({p, length - rgot_});
    if (r.st == status::eof) return fail(ws_errc::unexpected_eof);
    if (r.st == status::error) {
      error_ = r.ec;
      return r;
    }
    if (!r.ok()) return r;
    if (rh_.masked) apply_mask(p, p, r.n, rh_.key, rgot_);
    rgot_ += r.n;
    if (check_text && !utf8_.feed({p, r.n})) return fail(ws_errc::invalid_utf8);
  }
  rstate_ = rstate::header;
  if (!rh_.fin) {
    frame_start_ += length;
    return io_result::done(0);
  }
  if (check_text && !utf8_.complete()) return fail(ws_errc::invalid_utf8);
  in_message_ = false;
  type = msg_type_;
  message_size_ = frame_start_ + length;
  message_done_ = true;
  return io_result::done(0);
}

io_result websocket_stream::read_control() {
  const auto length = static_cast<std::size_t>(rh_.length);
  if (length > 0) {
    io_result r = in_.fill(length);
    if (r.st == status::eof) return fail(ws_errc::unexpected_eof);
    if (r.st == status::error) {
      error_ = r.ec;
      return r;
    }
    if (!r.ok()) return r;
  }
  const_bytes b = in_.buffered();
  if (rh_.masked) {
    apply_mask(b.data(), rctrl_.data(), length, rh_.key, 0);
  } else {
    std::copy_n(b.begin(), length, rctrl_.begin());
  }
  in_.consume(length);
  rstate_ = rstate::header;
  const const_bytes payload(rctrl_.data(), length);

  if (rh_.opcode == op_pong) {
    ++pongs_received_;
    return io_result::done(0);
  }
  if (rh_.opcode == op_ping) {
    if (close_sent_ || close_.pending) return io_result::done(0);
    pong_.set(payload);
    io_result r = flush_output();
    return r.ok() || read_goes_on(r) ? io_result::done(0) : as_read_result(r);
  }
  // Close.
  std::uint16_t code = 1005;
  if (length == 1) return fail(ws_errc::bad_close_payload);
  if (length >= 2) {
    code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
    if (!is_sendable_close_code(code)) return fail(ws_errc::bad_close_code);
    utf8_validator v;
    if (options_.validate_utf8 && !(v.feed(payload.subspan(2)) && v.complete())) {
      return fail(ws_errc::invalid_utf8);
    }
  }
  peer_close_code_ = code;
  close_received_ = true;
  // Bytes behind the close frame (typically in the same segment) are answered with 1002
  // instead of the echo.
  byte probe = 0;
  if (in_.read_some({&probe, 1}).ok()) return fail(ws_errc::data_after_close);
  if (!close_sent_ && !close_.pending) queue_close(code == 1005 ? 0 : code, {});
  if (close_sent_ && !shut_down_) {
    shut_down_ = true;
    (void)lower_.shutdown_write();
  }
  io_result r = flush_output();
  return r.ok() ? io_result::done(0) : as_read_result(r);
}

// The peer sent its close frame: nothing may follow it on the wire (checked on every read).
io_result websocket_stream::after_close_received() {
  byte probe = 0;
  io_result r = in_.read_some({&probe, 1});
  if (r.ok()) return fail(ws_errc::data_after_close);
  return io_result::end();
}

}  // namespace stutter::ws
