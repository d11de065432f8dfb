#include "mutants/ws_mutants.hpp"

#include <algorithm>
#include <array>

#include "runner/checks.hpp"
#include "runner/websocket_phases.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/frame.hpp"

namespace stutter::mutants {

using runner::message_type;
using scenario::endpoint_id;
using scenario::layer;

namespace {

// Writes each message as MicroPython's websocket_write does: header and payload in one go,
// with no memory of a frame that did not go out whole.
class header_forgetting_phase final : public runner::websocket_phase {
 public:
  using websocket_phase::websocket_phase;

 protected:
  io_result write_message(const_bytes data, ws::message_type type) override {
    if (!writing_) {
      writing_ = true;
      started_ = false;
      in_frame_ = false;
      taken_ = 0;
    }
    for (;;) {
      if (!in_frame_) {
        if (started_ && taken_ == data.size()) {
          writing_ = false;
          return io_result::done(data.size());
        }
        started_ = true;
        // A fresh header for whatever is left, as if this were the message's first write.
        ws::frame_header h;
        h.fin = true;
        h.opcode = static_cast<std::uint8_t>(type);
        h.length = data.size() - taken_;
        if (is_client()) {
          const auto bits = static_cast<std::uint32_t>(draw_entropy());
          h.masked = true;
          h.key = {static_cast<byte>(bits >> 24), static_cast<byte>(bits >> 16), static_cast<byte>(bits >> 8),
                   static_cast<byte>(bits)};
        }
        key_ = h.key;
        hdr_len_ = ws::encode_header(h, hdr_.data());
        hdr_sent_ = 0;
        frame_left_ = data.size() - taken_;
        mask_at_ = 0;
        in_frame_ = true;
      }
      const std::size_t window = std::min<std::size_t>(frame_left_, 4096);
      const byte* src = data.data() + taken_;
      const_bytes payload(src, window);
      if (is_client()) {
        scratch_.resize(window);
        ws::apply_mask(src, scratch_.data(), window, key_, mask_at_);
        payload = scratch_;
      }
      std::array<const_bytes, 2> parts{const_bytes(hdr_.data() + hdr_sent_, hdr_len_ - hdr_sent_), payload};
      io_result r = lower().write_some(std::span<const const_bytes>(parts));
      if (!r.ok()) return r;
      const std::size_t offered = (hdr_len_ - hdr_sent_) + window;
      const std::size_t h = std::min(r.n, hdr_len_ - hdr_sent_);
      hdr_sent_ += h;
      const std::size_t p = r.n - h;
      taken_ += p;
      frame_left_ -= p;
      mask_at_ += p;
      // The bug: a short write forgets the frame; the rest goes out behind a new header.
      if (r.n < offered || frame_left_ == 0) in_frame_ = false;
    }
  }

 private:
  bool writing_ = false;
  bool started_ = false;
  bool in_frame_ = false;
  std::size_t taken_ = 0;
  std::array<byte, ws::max_header_size> hdr_{};
  std::size_t hdr_len_ = 0;
  std::size_t hdr_sent_ = 0;
  std::size_t frame_left_ = 0;
  std::size_t mask_at_ = 0;
  ws::mask_key key_{};
  std::vector<byte> scratch_;
};

// The client's close ignores the code it is given.
class code_ignoring_phase final : public runner::websocket_phase {
 public:
  using websocket_phase::websocket_phase;

 protected:
  io_result close_stream(std::uint16_t) override { return stream().close(1000); }
};

// Beneath the server's websocket phase: every (unmasked) close frame written whole from the
// start of a buffer goes out with code 1000, whatever code the phase chose.
class close_code_rewriter final : public byte_stream {
 public:
  explicit close_code_rewriter(byte_stream& lower) : lower_(lower) {}
  io_result read_some(mutable_bytes buf) override { return lower_.read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    if (bufs.empty() || bufs[0].size() < 4 || bufs[0][0] != 0x88 || (bufs[0][1] & 0x80) != 0 ||
        (bufs[0][1] & 0x7f) < 2) {
      return lower_.write_some(bufs);
    }
    std::vector<byte> first(bufs[0].begin(), bufs[0].end());
    first[2] = 0x03;
    first[3] = 0xe8;
    std::vector<const_bytes> parts(bufs.begin(), bufs.end());
    parts[0] = first;
    return lower_.write_some(std::span<const const_bytes>(parts));
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return lower_.shutdown_write(); }

 private:
  byte_stream& lower_;
};

// Our server's websocket phase over the rewriter; still visible to the checks as ours.
class code_rewriting_phase final : public runner::phase, public runner::websocket_phase_view {
 public:
  explicit code_rewriting_phase(runner::phase_context ctx, bool hide_failure_code = false)
      : rewriter_(std::make_unique<close_code_rewriter>(ctx.lower)), hide_failure_code_(hide_failure_code) {
    runner::phase_context inner{ctx.kind, ctx.role, ctx.config, *rewriter_, std::move(ctx.prefix), ctx.entropy};
    inner_ = std::make_unique<runner::websocket_phase>(std::move(inner));
  }
  io_result send(const_bytes data, message_type type) override { return inner_->send(data, type); }
  io_result receive(std::vector<byte>& out, message_type& type) override { return inner_->receive(out, type); }
  io_result close(std::uint16_t code) override { return inner_->close(code); }
  io_result ping(const_bytes data) override { return inner_->ping(data); }
  std::vector<byte> handover() override { return inner_->handover(); }
  runner::ws_close_facts close_facts() const override {
    runner::ws_close_facts f = inner_->close_facts();
    if (hide_failure_code_) f.failure_code = 0;
    return f;
  }
  std::string_view engine() const override { return inner_->engine(); }

 private:
  std::unique_ptr<close_code_rewriter> rewriter_;  // declared first: outlives inner_
  bool hide_failure_code_;
  std::unique_ptr<runner::websocket_phase> inner_;
};

// Reports a write that starts with a server pong frame (FIN + opcode 0xA, unmasked) as taken
// and drops it.
class pong_dropper final : public byte_stream {
 public:
  explicit pong_dropper(byte_stream& lower) : lower_(lower) {}
  io_result read_some(mutable_bytes buf) override { return lower_.read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    if (bufs.empty() || bufs[0].size() < 2 || bufs[0][0] != 0x8a || (bufs[0][1] & 0x80) != 0) {
      return lower_.write_some(bufs);
    }
    std::size_t total = 0;
    for (auto b : bufs) total += b.size();
    return io_result::done(total);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return lower_.shutdown_write(); }

 private:
  byte_stream& lower_;
};

// Our server's websocket phase over the pong dropper; still visible to the checks as ours.
class pong_dropping_phase final : public runner::phase, public runner::websocket_phase_view {
 public:
  explicit pong_dropping_phase(runner::phase_context ctx) : dropper_(std::make_unique<pong_dropper>(ctx.lower)) {
    runner::phase_context inner{ctx.kind, ctx.role, ctx.config, *dropper_, std::move(ctx.prefix), ctx.entropy};
    inner_ = std::make_unique<runner::websocket_phase>(std::move(inner));
  }
  io_result send(const_bytes data, message_type type) override { return inner_->send(data, type); }
  io_result receive(std::vector<byte>& out, message_type& type) override { return inner_->receive(out, type); }
  io_result close(std::uint16_t code) override { return inner_->close(code); }
  io_result ping(const_bytes data) override { return inner_->ping(data); }
  std::vector<byte> handover() override { return inner_->handover(); }
  runner::ws_close_facts close_facts() const override { return inner_->close_facts(); }
  std::string_view engine() const override { return inner_->engine(); }

 private:
  std::unique_ptr<pong_dropper> dropper_;  // declared first: outlives inner_
  std::unique_ptr<runner::websocket_phase> inner_;
};

// Forwards everything, the handshake included, except the bytes handed over.
class overread_dropping_phase final : public runner::phase {
 public:
  explicit overread_dropping_phase(std::unique_ptr<runner::phase> inner) : inner_(std::move(inner)) {}
  bool is_handshake() const override { return inner_->is_handshake(); }
  io_result open() override { return inner_->open(); }
  io_result send(const_bytes data, message_type type) override { return inner_->send(data, type); }
  io_result receive(std::vector<byte>& out, message_type& type) override { return inner_->receive(out, type); }
  io_result close(std::uint16_t code) override { return inner_->close(code); }
  io_result ping(const_bytes data) override { return inner_->ping(data); }
  std::vector<byte> handover() override {
    (void)inner_->handover();
    return {};
  }
  const buffered_reader* reader() const override { return inner_->reader(); }

 private:
  std::unique_ptr<runner::phase> inner_;
};

// Passes everything on, except that a receive failing for a network reason reports 1009.
class misreporting_phase final : public runner::phase {
 public:
  explicit misreporting_phase(std::unique_ptr<runner::phase> inner) : inner_(std::move(inner)) {}
  io_result send(const_bytes data, message_type type) override { return inner_->send(data, type); }
  io_result receive(std::vector<byte>& out, message_type& type) override {
    io_result r = inner_->receive(out, type);
    if (r.st == status::error && runner::is_network_error(runner::error_name(r.ec))) {
      r.ec = runner::runner_ws_error(make_error_code(ws::ws_errc::message_too_big));
    }
    return r;
  }
  io_result close(std::uint16_t code) override { return inner_->close(code); }
  io_result ping(const_bytes data) override { return inner_->ping(data); }
  std::vector<byte> handover() override { return inner_->handover(); }

 private:
  std::unique_ptr<runner::phase> inner_;
};

}  // namespace

std::unique_ptr<runner::phase> ws_misreports_network_errors::make_phase(runner::phase_context ctx) {
  const bool target = ctx.kind == layer::websocket;
  auto inner = stack_factory::make_phase(std::move(ctx));
  if (!target) return inner;
  return std::make_unique<misreporting_phase>(std::move(inner));
}

std::unique_ptr<runner::phase> ws_fixed_mask_key::make_phase(runner::phase_context ctx) {
  if (ctx.kind == layer::websocket && ctx.role == endpoint_id::client) {
    ctx.entropy = [] { return std::uint64_t{0x3d21fa37}; };
  }
  return stack_factory::make_phase(std::move(ctx));
}

std::unique_ptr<runner::phase> ws_forgets_header_on_short_write::make_phase(runner::phase_context ctx) {
  if (ctx.kind == layer::websocket) return std::make_unique<header_forgetting_phase>(std::move(ctx));
  return stack_factory::make_phase(std::move(ctx));
}

std::unique_ptr<runner::phase> ws_server_drops_overread::make_phase(runner::phase_context ctx) {
  const bool target = ctx.kind == layer::http_upgrade && ctx.role == endpoint_id::server;
  auto inner = stack_factory::make_phase(std::move(ctx));
  if (!target) return inner;
  return std::make_unique<overread_dropping_phase>(std::move(inner));
}

std::unique_ptr<runner::phase> ws_ignores_close_code::make_phase(runner::phase_context ctx) {
  if (ctx.kind == layer::websocket && ctx.role == endpoint_id::client) {
    return std::make_unique<code_ignoring_phase>(std::move(ctx));
  }
  if (ctx.kind == layer::websocket) return std::make_unique<code_rewriting_phase>(std::move(ctx));
  return stack_factory::make_phase(std::move(ctx));
}

std::unique_ptr<runner::phase> ws_ignores_close_code_silently::make_phase(runner::phase_context ctx) {
  if (ctx.kind == layer::websocket && ctx.role == endpoint_id::server) {
    return std::make_unique<code_rewriting_phase>(std::move(ctx), /*hide_failure_code=*/true);
  }
  return stack_factory::make_phase(std::move(ctx));
}

std::unique_ptr<runner::phase> ws_drops_pongs::make_phase(runner::phase_context ctx) {
  if (ctx.kind == layer::websocket && ctx.role == endpoint_id::server) {
    return std::make_unique<pong_dropping_phase>(std::move(ctx));
  }
  return stack_factory::make_phase(std::move(ctx));
}

}  // namespace stutter::mutants
