// loopback: the reference implementation (impl/) exposed through the plug-in ABI.
//
// A test vehicle for the host side of stutter/plugin.h: every layer the ABI knows, both
// ends, built from the same impl/ classes the built-in stack uses and configured as the
// runner configures them (harness/runner/framing_phases.cpp, websocket_phases.cpp,
// tls_layer.cpp). Run against the reference at the other end, every scenario must come out
// as it does with the reference at both ends; a difference is a bug in this file or in the
// host's adapters (harness/plugin).
//
//   line, length   buffered_reader + line_reader/line_writer, length_reader/length_writer
//   http-upgrade   ws::client_handshake / ws::server_handshake (open() drives step())
//   websocket      ws::websocket_stream (close_info as websocket_phase reports it)
//   tls            tls::tls_stream over a tls_context seeded from host->random
//
// It links impl/ and the ABI header only: no harness code. Errors leave under the name the
// runner's error_name() would give (the text before ':', and before " (" for WebSocket
// errors: "reserved_bits (1002): ..." is reserved_bits); errors of the lower stream come in
// by name and go back out under the same name.
//
// Builds (CMakeLists.txt): loopback itself; loopback-openssl-names (LOOPBACK_OPENSSL_VERSION_NAMES:
// reports the TLS version as OpenSSL names it, "TLSv1.3", not as plugin.h says, "1.3", to
// show that a host bug is the only difference there); loopback-broken-phases and
// loopback-broken-tls (LOOPBACK_BREAK_PHASES / LOOPBACK_BREAK_TLS: flip a bit of what the
// framing phases / the tls layer deliver, so the test can tell that the plug-in's code is
// what runs at the end it is placed at).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "stutter/buffered_reader.hpp"
#include "stutter/io.hpp"
#include "stutter/length_framing.hpp"
#include "stutter/line_framing.hpp"
#include "stutter/plugin.h"
#include "stutter/tls/tls_config.hpp"
#include "stutter/tls/tls_context.hpp"
#include "stutter/tls/tls_errc.hpp"
#include "stutter/tls/tls_stream.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/http_upgrade.hpp"
#include "stutter/ws/websocket.hpp"

#if !defined(LOOPBACK_NAME)
#define LOOPBACK_NAME "loopback"
#endif

namespace loopback {
namespace {

using stutter::byte;
using stutter::const_bytes;
using stutter::io_result;
using stutter::mutable_bytes;
using stutter::status;

// ---------------------------------------------------------------- error names

// Errors that came up from the lower stream, by name: the impl layers pass them on
// unchanged, and they go back out under the same name.
class lower_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "loopback.lower"; }
  std::string message(int value) const override {
    std::lock_guard lock(guard_);
    const auto it = names_.find(value);
    return it == names_.end() ? "lower_error" : it->second;
  }
  std::error_code intern(const std::string& n) const {
    std::lock_guard lock(guard_);
    for (const auto& [value, known] : names_) {
      if (known == n) return {value, *this};
    }
    const int value = static_cast<int>(names_.size()) + 1;
    names_.emplace(value, n);
    return {value, *this};
  }

 private:
  mutable std::mutex guard_;
  mutable std::map<int, std::string> names_;
};

const lower_error_category& lower_errors() {
  static const lower_error_category c;
  return c;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64 || n[0] < 'a' || n[0] > 'z') return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// The runner's error_name(): the message up to ':' and, of that, up to " (".
std::string name_of(const std::error_code& ec) {
  std::string n = ec.message();
  n = n.substr(0, n.find(':'));
  n = n.substr(0, n.find(" ("));
  if (valid_name(n)) return n;
  // Errors outside the impl's categories (std::errc: an operation a phase does not have).
  if (ec == std::errc::not_supported || ec == std::errc::operation_not_supported) return "not_supported";
  return "internal_error";
}

std::string detail_of(const std::error_code& ec) {
  const std::string m = ec.message();
  const auto colon = m.find(':');
  return colon == std::string::npos ? std::string() : m.substr(colon + 1 + (colon + 1 < m.size() && m[colon + 1] == ' '));
}

// ---------------------------------------------------------------- the lower stream

// stutter::byte_stream over the host's stutter_lower. It also serves a prefix first (the
// http-upgrade phase's, as the runner's wait_probe does) and remembers the direction of the
// last waiting result: the handshakes return would_block for both directions, and open()
// must name the right one.
class lower_stream final : public stutter::byte_stream {
 public:
  explicit lower_stream(const stutter_lower* lower) : lower_(lower) {}

  void serve_first(std::vector<byte> prefix) { prefix_ = std::move(prefix); }

  io_result read_some(mutable_bytes buf) override {
    if (prefix_at_ < prefix_.size() && !buf.empty()) {
      const std::size_t n = std::min(buf.size(), prefix_.size() - prefix_at_);
      std::memcpy(buf.data(), prefix_.data() + prefix_at_, n);
      prefix_at_ += n;
      return io_result::done(n);
    }
    return note(from(lower_->read_some(lower_->ctx, buf.data(), buf.size())), false);
  }

  io_result write_some(std::span<const const_bytes> bufs) override {
    iov_.clear();
    for (const auto& b : bufs) iov_.push_back({b.data(), b.size()});
    return note(from(lower_->write_some(lower_->ctx, iov_.data(), iov_.size())), true);
  }
  using byte_stream::write_some;

  io_result shutdown_write() override { return note(from(lower_->shutdown_write(lower_->ctx)), true); }

  // The waiting result an operation in direction `write_op` returns for the last wait.
  io_result waiting_for(bool write_op) const {
    if (last_wait_write_) return write_op ? io_result::blocked() : io_result::wants_write();
    return write_op ? io_result::wants_read() : io_result::blocked();
  }

 private:
  static io_result from(const stutter_result& r) {
    switch (r.status) {
      case STUTTER_OK: return io_result::done(r.n);
      case STUTTER_WOULD_BLOCK: return io_result::blocked();
      case STUTTER_NEED_READ: return io_result::wants_read();
      case STUTTER_NEED_WRITE: return io_result::wants_write();
      case STUTTER_EOF: return io_result::end();
      default: return io_result::failed(lower_errors().intern(r.error != nullptr ? r.error : "lower_error"));
    }
  }

  io_result note(io_result r, bool write_op) {
    if (r.st == status::need_read) {
      last_wait_write_ = false;
    } else if (r.st == status::need_write) {
      last_wait_write_ = true;
    } else if (r.st == status::would_block) {
      last_wait_write_ = write_op;
    }
    return r;
  }

  const stutter_lower* lower_;
  std::vector<byte> prefix_;
  std::size_t prefix_at_ = 0;
  std::vector<stutter_iovec> iov_;
  bool last_wait_write_ = false;
};

// ---------------------------------------------------------------- settings

struct settings {
  std::string separator = "\n";
  std::uint64_t max_line = 8 * 1024;
  std::string length_prefix = "u32be";
  std::uint64_t max_record = 1024 * 1024;
  bool strict = false;
  std::uint64_t buffer_capacity = 64 * 1024;
  std::uint64_t read_block = 16 * 1024;
  std::uint64_t max_message = 16 * 1024 * 1024;
  std::uint64_t fragment_size = 0;
  std::uint64_t max_header_bytes = 16 * 1024;
  std::uint64_t max_headers = 64;
  std::string tls_version = "1.3";
  bool allow_renegotiation = true;
};

std::string string_setting(const stutter_endpoint_config* c, const char* key, std::string fallback) {
  std::size_t len = 0;
  const char* s = stutter_setting_string(c, key, &len);
  return s != nullptr ? std::string(s, len) : fallback;
}

settings read_settings(const stutter_endpoint_config* c) {
  settings s;
  s.separator = string_setting(c, "separator", s.separator);
  s.max_line = stutter_setting_u64(c, "max_line", s.max_line);
  s.length_prefix = string_setting(c, "length_prefix", s.length_prefix);
  s.max_record = stutter_setting_u64(c, "max_record", s.max_record);
  s.strict = stutter_setting_u64(c, "strict", s.strict) != 0;
  s.buffer_capacity = stutter_setting_u64(c, "buffer_capacity", s.buffer_capacity);
  s.read_block = stutter_setting_u64(c, "read_block", s.read_block);
  s.max_message = stutter_setting_u64(c, "max_message", s.max_message);
  s.fragment_size = stutter_setting_u64(c, "fragment_size", s.fragment_size);
  s.max_header_bytes = stutter_setting_u64(c, "max_header_bytes", s.max_header_bytes);
  s.max_headers = stutter_setting_u64(c, "max_headers", s.max_headers);
  s.tls_version = string_setting(c, "tls_version", s.tls_version);
  s.allow_renegotiation = stutter_setting_u64(c, "allow_renegotiation", s.allow_renegotiation) != 0;
  return s;
}

// As the runner's reader_options, line_settings, length_settings, http_limits_of,
// stream_options_of and tls_config_for.
stutter::buffered_reader_options reader_options(const settings& s) {
  return {.capacity = s.buffer_capacity, .block = s.read_block, .strict = s.strict};
}
stutter::line_options line_options(const settings& s) {
  return {.separator = std::vector<byte>(s.separator.begin(), s.separator.end()), .max_line = s.max_line};
}
stutter::length_options length_options(const settings& s) {
  return {.prefix = s.length_prefix == "varint" ? stutter::length_prefix::varint : stutter::length_prefix::u32be,
          .max_record = s.max_record};
}
stutter::ws::http_limits http_limits(const settings& s) {
  stutter::ws::http_limits limits;
  limits.max_headers = s.max_headers;
  limits.max_header_bytes = s.max_header_bytes;
  limits.read_block = std::max<std::uint64_t>(1, s.read_block);
  limits.strict = s.strict;
  return limits;
}

// 64 bits of the run's entropy, as the runner's phase_context entropy gives them: the host
// fills host->random's bytes from one 64-bit draw per 8 bytes, least significant byte first.
stutter::ws::entropy_source entropy_of(const stutter_host* host) {
  return [host] {
    std::uint8_t b[8] = {};
    host->random(host->ctx, b, sizeof b);
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
    return v;
  };
}

// ---------------------------------------------------------------- results

// One endpoint: its lower stream and its sticky error.
class endpoint {
 public:
  explicit endpoint(const stutter_endpoint_config* c) : lower_(c->lower) {}
  virtual ~endpoint() = default;

  // A result across the ABI. The first error sticks: every later call returns it.
  stutter_result give(const io_result& r) {
    if (failed_) return stutter_error(error_.c_str(), detail_.c_str());
    switch (r.st) {
      case status::ok: return stutter_ok(r.n);
      case status::would_block: return stutter_waiting(STUTTER_WOULD_BLOCK);
      case status::need_read: return stutter_waiting(STUTTER_NEED_READ);
      case status::need_write: return stutter_waiting(STUTTER_NEED_WRITE);
      case status::eof: return stutter_eof();
      case status::error: break;
    }
    failed_ = true;
    error_ = name_of(r.ec);
    detail_ = detail_of(r.ec);
    return stutter_error(error_.c_str(), detail_.c_str());
  }
  bool failed() const { return failed_; }
  stutter_result sticky() { return stutter_error(error_.c_str(), detail_.c_str()); }

 protected:
  lower_stream lower_;

 private:
  bool failed_ = false;
  std::string error_;
  std::string detail_;
};

io_result unsupported() { return io_result::failed(std::make_error_code(std::errc::not_supported)); }

// ---------------------------------------------------------------- framing phases

class phase : public endpoint {
 public:
  using endpoint::endpoint;
  virtual io_result open() { return io_result::done(0); }
  virtual io_result send(const_bytes data, std::int32_t type) = 0;
  virtual io_result receive(std::vector<byte>& out, std::int32_t& type) = 0;
  virtual io_result close(std::uint16_t code) = 0;
  virtual io_result ping(const_bytes) { return unsupported(); }
  virtual std::vector<byte> handover() = 0;
  virtual std::size_t buffered() const { return 0; }
  virtual stutter_ws_close_info close_info() const { return {}; }

  // receive's message, kept until the next call; handover's bytes, kept until destroy.
  std::vector<byte> inbox;
  std::vector<byte> handed;
#if defined(LOOPBACK_BREAK_PHASES)
  const std::uint8_t* send_from = nullptr;  // the record the altered copy was made of
  std::vector<byte> altered;
#endif
};

// Line and length share the runner's framing_phase: a buffered reader over the lower
// stream (the previous phase's handover first), close shuts the write side down.
class framing_phase : public phase {
 public:
  framing_phase(const stutter_endpoint_config* c, const settings& s)
      : phase(c), in_(lower_, reader_options(s), std::vector<byte>(c->prefix, c->prefix + c->prefix_len)) {}
  io_result close(std::uint16_t) override { return lower_.shutdown_write(); }
  std::vector<byte> handover() override { return in_.handover(); }
  std::size_t buffered() const override { return in_.allocated(); }

 protected:
  stutter::buffered_reader in_;
};

class line_phase final : public framing_phase {
 public:
  line_phase(const stutter_endpoint_config* c, const settings& s)
      : framing_phase(c, s), reader_(in_, line_options(s)), writer_(lower_, line_options(s)) {}
  io_result send(const_bytes data, std::int32_t) override { return writer_.write_line(data); }
  io_result receive(std::vector<byte>& out, std::int32_t& type) override {
    type = STUTTER_BINARY;
    return reader_.read_line(out);
  }

 private:
  stutter::line_reader reader_;
  stutter::line_writer writer_;
};

class length_phase final : public framing_phase {
 public:
  length_phase(const stutter_endpoint_config* c, const settings& s)
      : framing_phase(c, s), reader_(in_, length_options(s)), writer_(lower_, length_options(s)) {}
  io_result send(const_bytes data, std::int32_t) override { return writer_.write_record(data); }
  io_result receive(std::vector<byte>& out, std::int32_t& type) override {
    type = STUTTER_BINARY;
    return reader_.read_record(out);
  }

 private:
  stutter::length_reader reader_;
  stutter::length_writer writer_;
};

// ---------------------------------------------------------------- http-upgrade

class upgrade_phase final : public phase {
 public:
  upgrade_phase(const stutter_endpoint_config* c, const settings& s) : phase(c) {
    lower_.serve_first(std::vector<byte>(c->prefix, c->prefix + c->prefix_len));
    if (c->role == STUTTER_CLIENT) {
      stutter::ws::client_options options;
      options.limits = http_limits(s);
      client_ = std::make_unique<stutter::ws::client_handshake>(lower_, std::move(options), entropy_of(c->host));
    } else {
      stutter::ws::server_options options;
      options.limits = http_limits(s);
      server_ = std::make_unique<stutter::ws::server_handshake>(lower_, std::move(options));
    }
  }
  io_result open() override {
    const io_result r = client_ ? client_->step() : server_->step();
    // The handshakes say would_block for either direction: name the one the lower stream waits on.
    if (r.st == status::would_block) return lower_.waiting_for(false);
    return r;
  }
  io_result send(const_bytes, std::int32_t) override { return unsupported(); }
  io_result receive(std::vector<byte>&, std::int32_t&) override { return unsupported(); }
  io_result close(std::uint16_t) override { return lower_.shutdown_write(); }
  std::vector<byte> handover() override { return client_ ? client_->handover() : server_->handover(); }

 private:
  std::unique_ptr<stutter::ws::client_handshake> client_;
  std::unique_ptr<stutter::ws::server_handshake> server_;
};

// ---------------------------------------------------------------- websocket

stutter::ws::stream_options stream_options(const stutter_endpoint_config* c, const settings& s) {
  stutter::ws::stream_options o;
  o.side = c->role == STUTTER_CLIENT ? stutter::ws::role::client : stutter::ws::role::server;
  o.max_message = s.max_message;
  o.fragment_size = s.fragment_size;
  return o;
}

class websocket_phase final : public phase {
 public:
  websocket_phase(const stutter_endpoint_config* c, const settings& s)
      : phase(c),
        client_(c->role == STUTTER_CLIENT),
        ws_(lower_, stream_options(c, s), entropy_of(c->host), std::vector<byte>(c->prefix, c->prefix + c->prefix_len)) {}

  io_result send(const_bytes data, std::int32_t type) override {
    return ws_.write_message(data, type == STUTTER_TEXT ? stutter::ws::message_type::text : stutter::ws::message_type::binary);
  }
  // As the runner's websocket_phase: a protocol error this endpoint fails the connection
  // with while reading, with no close frame queued before, is its failure code.
  io_result receive(std::vector<byte>& out, std::int32_t& type) override {
    const bool had_error = static_cast<bool>(ws_.error());
    const bool close_queued = ws_.sent_close_code() != 0;
    stutter::ws::message_type t = stutter::ws::message_type::binary;
    io_result r = ws_.read_message(out, t);
    if (r.ok()) type = t == stutter::ws::message_type::text ? STUTTER_TEXT : STUTTER_BINARY;
    if (!had_error && ws_.error() && !close_queued) {
      const std::uint16_t code = stutter::ws::close_code_of(ws_.error());
      if (code != 0 && code != 1006) failure_code_ = code;
    }
    return r;
  }
  io_result close(std::uint16_t code) override {
#if defined(LOOPBACK_IGNORE_CLOSE_CODE)
    // The broken build: the client's close ignores the code it is given (as the runner's
    // mutant code_ignoring_phase does).
    if (client_) code = 1000;
#endif
    return ws_.close(code);
  }
  io_result ping(const_bytes data) override { return ws_.ping(data); }
  std::vector<byte> handover() override { return {}; }  // the last phase: it never hands over
  stutter_ws_close_info close_info() const override {
    stutter_ws_close_info info{};
    info.peer_code = ws_.close_code();
    info.failure_code = failure_code_;
    return info;
  }

 private:
  bool client_;
  stutter::ws::websocket_stream ws_;
  std::uint16_t failure_code_ = 0;
};

// ---------------------------------------------------------------- phase ops

void* phase_create(const stutter_endpoint_config* c, const char** error) {
  try {
    const settings s = read_settings(c);
    switch (c->layer) {
      case STUTTER_LAYER_LINE: return static_cast<phase*>(new line_phase(c, s));
      case STUTTER_LAYER_LENGTH: return static_cast<phase*>(new length_phase(c, s));
      case STUTTER_LAYER_HTTP_UPGRADE: return static_cast<phase*>(new upgrade_phase(c, s));
      case STUTTER_LAYER_WEBSOCKET: return static_cast<phase*>(new websocket_phase(c, s));
      default: *error = "not a framing layer"; return nullptr;
    }
  } catch (const std::bad_alloc&) {
    *error = "out of memory";
  } catch (...) {
    *error = "the phase could not be built";
  }
  return nullptr;
}

phase& as_phase(void* ep) { return *static_cast<phase*>(ep); }

void phase_destroy(void* ep) { delete static_cast<phase*>(ep); }

stutter_result phase_open(void* ep) {
  phase& p = as_phase(ep);
  return p.failed() ? p.sticky() : p.give(p.open());
}

stutter_result phase_send(void* ep, const std::uint8_t* data, std::size_t len, std::int32_t type) {
  phase& p = as_phase(ep);
  if (p.failed()) return p.sticky();
#if defined(LOOPBACK_BREAK_PHASES)
  // The broken build sends a copy with a bit flipped, the same copy on every retry.
  if (len > 0 && (data != p.send_from || len != p.altered.size())) {
    p.send_from = data;
    p.altered.assign(data, data + len);
    p.altered[0] ^= 1;
  }
  if (len > 0) data = p.altered.data();
#endif
  return p.give(p.send(const_bytes(data, len), type));
}

stutter_result phase_receive(void* ep, stutter_message* out) {
  phase& p = as_phase(ep);
  if (p.failed()) return p.sticky();
  std::int32_t type = STUTTER_BINARY;
  const io_result r = p.receive(p.inbox, type);
#if defined(LOOPBACK_BREAK_PHASES)
  if (r.ok() && !p.inbox.empty()) p.inbox[0] ^= 1;  // the broken build: see the test
#endif
  if (r.ok()) *out = {p.inbox.data(), p.inbox.size(), type};
  return p.give(r);
}

stutter_result phase_close(void* ep, std::uint16_t code) {
  phase& p = as_phase(ep);
  return p.failed() ? p.sticky() : p.give(p.close(code));
}

stutter_result phase_ping(void* ep, const std::uint8_t* data, std::size_t len) {
  phase& p = as_phase(ep);
  return p.failed() ? p.sticky() : p.give(p.ping(const_bytes(data, len)));
}

std::size_t phase_handover(void* ep, const std::uint8_t** bytes) {
  phase& p = as_phase(ep);
  p.handed = p.handover();
  *bytes = p.handed.data();
  return p.handed.size();
}

std::size_t phase_buffered(void* ep) { return as_phase(ep).buffered(); }

void phase_close_info(void* ep, stutter_ws_close_info* out) { *out = as_phase(ep).close_info(); }

// ---------------------------------------------------------------- tls

stutter::tls::tls_config tls_config(const stutter_endpoint_config* c, const settings& s) {
  stutter::tls::tls_config cfg;
  cfg.role = c->role == STUTTER_CLIENT ? stutter::tls::tls_role::client : stutter::tls::tls_role::server;
  cfg.version = s.tls_version;
  cfg.allow_renegotiation = s.allow_renegotiation;
  if (c->tls != nullptr && c->tls->server_name != nullptr) cfg.server_name = c->tls->server_name;
  cfg.verify_time = c->host->unix_time;
  return cfg;
}

// The runner's openssl_engine: a tls_context of its own (seeded from the run's entropy, as
// the runner seeds it from the run's seed) and a tls_stream over the lower stream.
class tls_endpoint final : public endpoint {
 public:
  tls_endpoint(const stutter_endpoint_config* c, const settings& s)
      : endpoint(c), context_(stutter::tls::tls_context::create(entropy_of(c->host)())), stream_(context_, tls_config(c, s), lower_) {}

  stutter::tls::tls_stream& stream() { return stream_; }

  // A renegotiation / key update request: "not now" is would_block, a refusal an error
  // (not sticky: the stream goes on, as the runner's tls layer records a refused request).
  stutter_result request(std::error_code ec) {
    if (!ec) return stutter_ok(0);
    if (ec == stutter::tls::tls_errc::not_established || ec == stutter::tls::tls_errc::operation_in_progress) {
      return stutter_waiting(STUTTER_WOULD_BLOCK);
    }
    if (stream_.error()) return give(io_result::failed(ec));  // the stream's own sticky error
    refusal_ = name_of(ec);
    return stutter_error(refusal_.c_str(), nullptr);
  }

 private:
  std::shared_ptr<stutter::tls::tls_context> context_;
  stutter::tls::tls_stream stream_;
  std::string refusal_;
};

tls_endpoint& as_tls(void* ep) { return *static_cast<tls_endpoint*>(ep); }

void* tls_create(const stutter_endpoint_config* c, const char** error) {
  try {
    return new tls_endpoint(c, read_settings(c));
  } catch (const std::bad_alloc&) {
    *error = "out of memory";
  } catch (...) {
    *error = "OpenSSL could not be set up";
  }
  return nullptr;
}

void tls_destroy(void* ep) { delete static_cast<tls_endpoint*>(ep); }

stutter_result tls_handshake(void* ep) {
  tls_endpoint& t = as_tls(ep);
  return t.failed() ? t.sticky() : t.give(t.stream().handshake());
}

stutter_result tls_read_some(void* ep, std::uint8_t* buf, std::size_t len) {
  tls_endpoint& t = as_tls(ep);
  if (t.failed()) return t.sticky();
  const io_result r = t.stream().read_some(mutable_bytes(buf, len));
#if defined(LOOPBACK_BREAK_TLS)
  if (r.ok() && r.n > 0) buf[0] ^= 1;  // the broken build: see the test
#endif
  return t.give(r);
}

stutter_result tls_write_some(void* ep, const stutter_iovec* bufs, std::size_t count) {
  tls_endpoint& t = as_tls(ep);
  if (t.failed()) return t.sticky();
  std::vector<const_bytes> spans;
  spans.reserve(count);
  for (std::size_t i = 0; i < count; ++i) spans.emplace_back(bufs[i].data, bufs[i].len);
  return t.give(t.stream().write_some(std::span<const const_bytes>(spans)));
}

stutter_result tls_shutdown_write(void* ep) {
  tls_endpoint& t = as_tls(ep);
  if (t.failed()) {
    // The cleanup call after an error (plugin.h: the one exception to sticky errors):
    // tls_stream flushes its fatal alert and shuts the lower write side down, saying
    // would_block while the alert cannot go out, as the runner's own tls layer does.
    const io_result r = t.stream().shutdown_write();
    if (r.ok()) return stutter_ok(0);
    if (r.st == status::would_block) return stutter_waiting(STUTTER_WOULD_BLOCK);
    if (r.st == status::need_read) return stutter_waiting(STUTTER_NEED_READ);
    if (r.st == status::need_write) return stutter_waiting(STUTTER_NEED_WRITE);
    return t.sticky();
  }
  return t.give(t.stream().shutdown_write());
}

stutter_result tls_renegotiate(void* ep) {
  tls_endpoint& t = as_tls(ep);
  return t.failed() ? t.sticky() : t.request(t.stream().request_renegotiation());
}

stutter_result tls_key_update(void* ep, std::int32_t update_requested) {
  tls_endpoint& t = as_tls(ep);
  return t.failed() ? t.sticky() : t.request(t.stream().request_key_update(update_requested != 0));
}

void tls_info(void* ep, stutter_tls_info* out) {
  tls_endpoint& t = as_tls(ep);
  const stutter::tls::tls_counters c = t.stream().counters();
  *out = {};
  out->has_counters = 1;
  out->peer_closed = t.stream().peer_closed() ? 1 : 0;
  out->renegotiations = c.renegotiations;
  out->key_updates_sent = c.key_updates_sent;
  out->key_updates_received = c.key_updates_received;
  const std::string_view v = t.stream().negotiated_version();  // "TLSv1.2", "TLSv1.3"
#if defined(LOOPBACK_OPENSSL_VERSION_NAMES)
  // The variant that reports OpenSSL's names instead of the header's (see the test).
  out->version = v == "TLSv1.2" ? "TLSv1.2" : v == "TLSv1.3" ? "TLSv1.3" : nullptr;
#else
  out->version = v == "TLSv1.2" ? "1.2" : v == "TLSv1.3" ? "1.3" : nullptr;
#endif
}

// ---------------------------------------------------------------- the descriptor

const stutter_phase_ops phase_ops = {
    sizeof(stutter_phase_ops), 0,         phase_create,   phase_destroy,  phase_open,       phase_send, phase_receive,
    phase_close,               phase_ping, phase_handover, phase_buffered, phase_close_info,
};

const stutter_transform_ops transform_ops = {
    sizeof(stutter_transform_ops), 0, tls_create, tls_destroy, tls_handshake, tls_read_some, tls_write_some,
    tls_shutdown_write, tls_renegotiate, tls_key_update, tls_info,
};

constexpr std::uint32_t both = STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER;

const stutter_plugin descriptor = {
    STUTTER_PLUGIN_ABI_VERSION,
    sizeof(stutter_plugin),
    LOOPBACK_NAME,
    "1",
    "the reference stack (impl/) through the plug-in ABI: every layer, both ends",
    {both, both, both, both, both},
    0,
    &phase_ops,
    &transform_ops,
};

}  // namespace
}  // namespace loopback

extern "C" STUTTER_PLUGIN_EXPORT const stutter_plugin* stutter_plugin_entry(std::uint32_t host_abi) {
  return host_abi == STUTTER_PLUGIN_ABI_VERSION ? &loopback::descriptor : nullptr;
}
