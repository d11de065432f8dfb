#include "runner/websocket_phases.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "mutants/ws_mutants.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/http_upgrade.hpp"
#include "wslay_peer.hpp"

namespace stutter::runner {

using scenario::endpoint_id;
using scenario::layer;

namespace {

// ---------------------------------------------------------------- errors

// The impl words WebSocket errors "reserved_bits (1002): explanation"; the runner's
// error_name() takes everything before the ':'. This category gives the same values the
// runner's wording: "reserved_bits: explanation (close code 1002)".
class runner_ws_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.websocket"; }
  std::string message(int value) const override {
    std::string m = ws::ws_category().message(value);
    const auto colon = m.find(':');
    if (colon == std::string::npos) return m;
    std::string head = m.substr(0, colon);
    std::string rest = m.substr(colon + 1);
    const auto paren = head.find(" (");
    if (paren == std::string::npos) return m;
    std::string code = head.substr(paren + 2);
    if (!code.empty() && code.back() == ')') code.pop_back();
    return head.substr(0, paren) + ":" + rest + " (close code " + code + ")";
  }
};

const std::error_category& runner_category() {
  static const runner_ws_category category;
  return category;
}

io_result translated(io_result r) {
  if (r.st == status::error) r.ec = runner_ws_error(r.ec);
  return r;
}

// ---------------------------------------------------------------- waits beneath a phase

// Between a phase and the stream beneath it: remembers the direction of the last waiting
// result (the handshakes return would_block for both directions; the driver must wait on
// the right one) and whether the last write was left blocked; serves a prefix first and,
// while asked to, records what it reads (wslay's handshake over-reads, invisibly to us).
class wait_probe final : public byte_stream {
 public:
  wait_probe(byte_stream& lower, std::vector<byte> prefix) : lower_(lower), prefix_(std::move(prefix)) {}

  io_result read_some(mutable_bytes buf) override {
    io_result r;
    if (recording_) {
      // wslay's handshake: once the head is in, its framing waits for the handover; a
      // strict endpoint reads the head one byte at a time, so it never reads past it.
      if (head_seen_) return io_result::blocked();  // not a wait beneath: not noted
      if (strict_ && buf.size() > 1) buf = buf.first(1);
    }
    if (prefix_at_ < prefix_.size() && !buf.empty()) {
      const std::size_t n = std::min(buf.size(), prefix_.size() - prefix_at_);
      std::copy_n(prefix_.begin() + static_cast<std::ptrdiff_t>(prefix_at_), n, buf.begin());
      prefix_at_ += n;
      r = io_result::done(n);
    } else {
      r = lower_.read_some(buf);
    }
    if (r.st == status::eof) saw_eof_ = true;
    if (r.ok() && recording_) {
      recorded_.insert(recorded_.end(), buf.data(), buf.data() + r.n);
      static constexpr std::array<byte, 4> blank{'\r', '\n', '\r', '\n'};
      const std::size_t from = recorded_.size() - std::min(recorded_.size(), r.n + 3);
      head_seen_ = std::search(recorded_.begin() + static_cast<std::ptrdiff_t>(from), recorded_.end(), blank.begin(),
                               blank.end()) != recorded_.end();
    }
    note(r, false);
    return r;
  }

  io_result write_some(std::span<const const_bytes> bufs) override {
    io_result r = lower_.write_some(bufs);
    if (r.ok()) {
      write_blocked_ = false;  // a short write is progress: the writer retries at once
    } else if (r.waiting()) {
      write_blocked_ = true;
    }
    note(r, true);
    return r;
  }
  using byte_stream::write_some;

  io_result shutdown_write() override {
    io_result r = lower_.shutdown_write();
    note(r, true);
    return r;
  }

  // A read reported the end of the stream.
  bool saw_eof() const { return saw_eof_; }
  // The direction the last waiting result was about (need_read: read, need_write: write).
  bool last_wait_write() const { return last_wait_write_; }
  // The last write returned a waiting result: the writer still has output.
  bool write_blocked() const { return write_blocked_; }

  void start_recording(bool strict) {
    recording_ = true;
    strict_ = strict;
  }
  void stop_recording() {
    recording_ = false;
    recorded_.clear();
    recorded_.shrink_to_fit();
  }
  const std::vector<byte>& recorded() const { return recorded_; }

  // The waiting result an operation in direction `write_op` returns for this wait.
  io_result waiting_for(bool write_op) const {
    if (last_wait_write_) return write_op ? io_result::blocked() : io_result::wants_write();
    return write_op ? io_result::wants_read() : io_result::blocked();
  }

 private:
  void note(const io_result& r, bool write_op) {
    if (!r.waiting()) return;
    if (r.st == status::need_read) {
      last_wait_write_ = false;
    } else if (r.st == status::need_write) {
      last_wait_write_ = true;
    } else {
      last_wait_write_ = write_op;
    }
  }

  byte_stream& lower_;
  std::vector<byte> prefix_;
  std::size_t prefix_at_ = 0;
  bool recording_ = false;
  bool strict_ = false;
  bool head_seen_ = false;
  std::vector<byte> recorded_;
  bool last_wait_write_ = false;
  bool write_blocked_ = false;
  bool saw_eof_ = false;
};

ws::http_limits http_limits_of(const scenario::settings& config) {
  ws::http_limits limits;
  limits.max_headers = config.max_headers;
  limits.max_header_bytes = config.max_header_bytes;
  limits.read_block = std::max<std::uint32_t>(1, config.read_block);
  limits.strict = config.strict;
  return limits;
}

ws::message_type to_ws(message_type t) {
  return t == message_type::text ? ws::message_type::text : ws::message_type::binary;
}

io_result not_in_handshake() { return io_result::failed(std::make_error_code(std::errc::operation_not_supported)); }

// ---------------------------------------------------------------- http-upgrade (ours)

class http_upgrade_phase final : public phase {
 public:
  explicit http_upgrade_phase(phase_context ctx) : probe_(ctx.lower, std::move(ctx.prefix)) {
    if (ctx.role == endpoint_id::client) {
      ws::client_options options;
      options.limits = http_limits_of(ctx.config);
      client_ = std::make_unique<ws::client_handshake>(probe_, std::move(options), ctx.entropy);
    } else {
      ws::server_options options;
      options.limits = http_limits_of(ctx.config);
      server_ = std::make_unique<ws::server_handshake>(probe_, std::move(options));
    }
  }

  bool is_handshake() const override { return true; }
  io_result open() override {
    io_result r = client_ ? client_->step() : server_->step();
    if (r.st == status::would_block) return probe_.waiting_for(false);  // the driver waits to read on would_block
    return translated(r);
  }
  io_result send(const_bytes, message_type) override { return not_in_handshake(); }
  io_result receive(std::vector<byte>&, message_type&) override { return not_in_handshake(); }
  io_result close(std::uint16_t) override { return probe_.shutdown_write(); }
  std::vector<byte> handover() override { return client_ ? client_->handover() : server_->handover(); }

 private:
  wait_probe probe_;
  std::unique_ptr<ws::client_handshake> client_;
  std::unique_ptr<ws::server_handshake> server_;
};

// ---------------------------------------------------------------- wslay

// One wslay endpoint shared by its two phases (the handshake and the messages).
struct wslay_session {
  wslay_session(phase_context& ctx, bool handshake) : probe(ctx.lower, std::move(ctx.prefix)) {
    peers::wslay_peer_options options;
    options.role = ctx.role == endpoint_id::client ? peers::wslay_role::client : peers::wslay_role::server;
    options.handshake = handshake;
    options.fragment_size = ctx.config.fragment_size;
    // wslay applies its message limit to control frames as well; pings of up to 125 bytes
    // must pass whatever max_message says.
    options.max_message = std::max<std::uint64_t>(ctx.config.max_message, ws::max_control_payload);
    options.entropy = ctx.entropy;
    if (handshake) probe.start_recording(ctx.config.strict);
    peer = std::make_unique<peers::wslay_peer>(probe, std::move(options));
  }

  // Pumps until nothing moves: the last result (would_block, eof or error).
  io_result drive() {
    for (;;) {
      io_result r = peer->pump();
      if (!r.ok()) return r;
    }
  }

  wait_probe probe;
  std::unique_ptr<peers::wslay_peer> peer;
};

class wslay_handshake_phase final : public phase {
 public:
  explicit wslay_handshake_phase(std::shared_ptr<wslay_session> session) : s_(std::move(session)) {}

  bool is_handshake() const override { return true; }
  io_result open() override {
    while (!s_->peer->handshake_done()) {
      io_result r = s_->peer->pump();
      if (r.ok()) continue;
      if (r.st == status::eof) return io_result::failed(make_error_code(errc::unexpected_eof));
      if (r.waiting()) return s_->probe.waiting_for(false);  // the driver waits to read on would_block
      return r;
    }
    return io_result::done(0);
  }
  io_result send(const_bytes, message_type) override { return not_in_handshake(); }
  io_result receive(std::vector<byte>&, message_type&) override { return not_in_handshake(); }
  io_result close(std::uint16_t) override { return s_->probe.shutdown_write(); }

  // wslay keeps what its handshake read past the head and feeds it to itself; the record
  // says how much that was (the bytes after the first empty line), so handover.exact sees
  // where its framing really starts.
  std::vector<byte> handover() override {
    const auto& got = s_->probe.recorded();
    static constexpr std::array<byte, 4> blank{'\r', '\n', '\r', '\n'};
    auto at = std::search(got.begin(), got.end(), blank.begin(), blank.end());
    std::vector<byte> rest;
    if (at != got.end()) rest.assign(at + 4, got.end());
    s_->probe.stop_recording();
    return rest;
  }

 private:
  std::shared_ptr<wslay_session> s_;
};

class wslay_websocket_phase final : public phase, public websocket_phase_view {
 public:
  explicit wslay_websocket_phase(std::shared_ptr<wslay_session> session) : s_(std::move(session)) {}

  io_result send(const_bytes data, message_type type) override {
    return queue_and_flush(type == message_type::text ? 1 : 2, data);
  }
  io_result ping(const_bytes data) override { return queue_and_flush(9, data); }

  io_result receive(std::vector<byte>& out, message_type& type) override {
    for (;;) {
      const auto& got = s_->peer->received();
      if (taken_ < got.size()) {
        const auto& m = got[taken_++];
        out = m.payload;
        type = m.opcode == 1 ? message_type::text : message_type::binary;
        return io_result::done(out.size());
      }
      io_result r = s_->peer->pump();
      if (r.ok()) continue;
      if (r.st == status::eof) {
        if (taken_ < s_->peer->received().size()) continue;
        return r;
      }
      if (r.waiting()) return s_->probe.waiting_for(false);
      return r;
    }
  }

  io_result close(std::uint16_t code) override {
    if (!close_called_) {
      close_called_ = true;
      app_code_ = code;
      app_closed_first_ = s_->peer->close_code() == 0 && !s_->peer->close_sent();
      s_->peer->close(code);
    }
    io_result r = s_->drive();
    if (r.st == status::error) return r;
    if (s_->probe.write_blocked() && r.waiting()) return s_->probe.waiting_for(true);
    app_close_done_ = true;
    return io_result::done(0);
  }

  std::vector<byte> handover() override { return {}; }

  ws_close_facts close_facts() const override {
    ws_close_facts f;
    f.app_code = app_code_;
    f.app_closed_first = app_closed_first_;
    f.app_close_done = app_close_done_;
    f.observed_code = s_->peer->close_code();
    return f;
  }
  std::string_view engine() const override { return "wslay"; }

 private:
  // wslay queues the frame; it is sent once the pumps leave no write blocked.
  io_result queue_and_flush(std::uint8_t opcode, const_bytes data) {
    if (!in_progress_ && (close_called_ || s_->peer->close_sent() || s_->peer->close_code() != 0 ||
                          s_->probe.saw_eof())) {
      // wslay drops what is queued after a close (WSLAY_ERR_NO_MORE_MSG), and queues one itself
      // when the stream ends: say so. A stream that ended without a close frame is the
      // abnormal closure of RFC 6455 7.1.5.
      if (s_->probe.saw_eof()) return io_result::failed(make_error_code(errc::unexpected_eof));
      return io_result::failed(runner_ws_error(make_error_code(ws::ws_errc::closed)));
    }
    if (!in_progress_) {
      s_->peer->send(opcode, std::vector<byte>(data.begin(), data.end()));
      in_progress_ = true;
    }
    io_result r = s_->drive();
    if (r.st == status::error) return r;
    if (s_->probe.saw_eof() && s_->peer->close_code() == 0) {
      // The stream ended without a close frame while the message was queued: wslay gives up
      // on what it has not sent (a fragmented message may stop halfway).
      in_progress_ = false;
      return io_result::failed(make_error_code(errc::unexpected_eof));
    }
    if (s_->probe.write_blocked() && r.waiting()) return s_->probe.waiting_for(true);
    in_progress_ = false;
    return io_result::done(data.size());
  }

  std::shared_ptr<wslay_session> s_;
  std::size_t taken_ = 0;
  bool in_progress_ = false;
  bool close_called_ = false;
  std::uint16_t app_code_ = 0;
  bool app_closed_first_ = false;
  bool app_close_done_ = false;
};

// Puts wslay at one end; the other end (and every other layer) is ours.
class wslay_factory final : public stack_factory {
 public:
  explicit wslay_factory(endpoint_id end) : end_(end) {}

  std::unique_ptr<phase> make_phase(phase_context ctx) override {
    if (ctx.role != end_ || (ctx.kind != layer::http_upgrade && ctx.kind != layer::websocket)) {
      return stack_factory::make_phase(std::move(ctx));
    }
    if (ctx.kind == layer::http_upgrade) {
      pending_ = std::make_shared<wslay_session>(ctx, /*handshake=*/true);
      return std::make_unique<wslay_handshake_phase>(pending_);
    }
    std::shared_ptr<wslay_session> session = std::move(pending_);
    pending_.reset();
    if (!session) session = std::make_shared<wslay_session>(ctx, /*handshake=*/false);
    return std::make_unique<wslay_websocket_phase>(std::move(session));
  }

 private:
  endpoint_id end_;
  std::shared_ptr<wslay_session> pending_;  // made by the handshake phase, taken by the next
};

}  // namespace

std::error_code runner_ws_error(std::error_code ec) {
  if (ec.category() == ws::ws_category()) return {ec.value(), runner_category()};
  return ec;
}

// ---------------------------------------------------------------- websocket (ours)

namespace {

ws::stream_options stream_options_of(const phase_context& ctx) {
  ws::stream_options o;
  o.side = ctx.role == endpoint_id::client ? ws::role::client : ws::role::server;
  o.max_message = ctx.config.max_message;
  o.fragment_size = ctx.config.fragment_size;
  return o;
}

}  // namespace

websocket_phase::websocket_phase(phase_context ctx)
    : lower_(ctx.lower),
      entropy_(ctx.entropy),
      client_(ctx.role == endpoint_id::client),
      ws_(ctx.lower, stream_options_of(ctx), ctx.entropy, std::move(ctx.prefix)) {}

io_result websocket_phase::write_message(const_bytes data, ws::message_type type) {
  return ws_.write_message(data, type);
}

io_result websocket_phase::close_stream(std::uint16_t code) { return ws_.close(code); }

io_result websocket_phase::send(const_bytes data, message_type type) {
  return translated(write_message(data, to_ws(type)));
}

io_result websocket_phase::receive(std::vector<byte>& out, message_type& type) {
  const bool had_error = static_cast<bool>(ws_.error());
  const bool close_queued = ws_.sent_close_code() != 0;
  ws::message_type t = ws::message_type::binary;
  io_result r = ws_.read_message(out, t);
  if (r.ok()) type = t == ws::message_type::text ? message_type::text : message_type::binary;
  if (!had_error && ws_.error() && !close_queued) {
    const std::uint16_t code = ws::close_code_of(ws_.error());
    if (code != 0 && code != 1006) facts_.failure_code = code;
  }
  return translated(r);
}

io_result websocket_phase::close(std::uint16_t code) {
  if (!close_called_) {
    close_called_ = true;
    facts_.app_code = code;
    facts_.app_closed_first = ws_.sent_close_code() == 0 && !ws_.close_received() && !ws_.error();
  }
  io_result r = close_stream(code);
  if (r.ok()) facts_.app_close_done = true;
  return translated(r);
}

io_result websocket_phase::ping(const_bytes data) { return translated(ws_.ping(data)); }

ws_close_facts websocket_phase::close_facts() const {
  ws_close_facts f = facts_;
  f.observed_code = ws_.close_code();
  return f;
}

const websocket_phase_view* websocket_view_of(const stack& s) {
  // active() is not const; the view only reads.
  return dynamic_cast<const websocket_phase_view*>(&const_cast<stack&>(s).active());
}

std::unique_ptr<phase> make_websocket_layer_phase(phase_context ctx) {
  switch (ctx.kind) {
    case layer::http_upgrade: return std::make_unique<http_upgrade_phase>(std::move(ctx));
    case layer::websocket: return std::make_unique<websocket_phase>(std::move(ctx));
    default: return nullptr;
  }
}

std::unique_ptr<stack_factory> make_websocket_implementation(std::string_view name) {
  if (name == "wslay") return std::make_unique<wslay_factory>(endpoint_id::server);
  if (name == "wslay-client") return std::make_unique<wslay_factory>(endpoint_id::client);
  if (name == "mutant:ws-fixed-mask-key") return std::make_unique<mutants::ws_fixed_mask_key>();
  if (name == "mutant:ws-forgets-header-on-short-write") {
    return std::make_unique<mutants::ws_forgets_header_on_short_write>();
  }
  if (name == "mutant:ws-server-drops-overread") return std::make_unique<mutants::ws_server_drops_overread>();
  return nullptr;
}

}  // namespace stutter::runner
