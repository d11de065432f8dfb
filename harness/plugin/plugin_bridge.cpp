#include "plugin/plugin_bridge.hpp"

#include <map>
#include <mutex>

#include "runner/observations.hpp"
#include "scenario/format.hpp"
#include "stutter/tls/test_identity.hpp"

namespace stutter::plugin {
namespace {

static_assert(static_cast<int>(scenario::layer::line) == STUTTER_LAYER_LINE);
static_assert(static_cast<int>(scenario::layer::tls) == STUTTER_LAYER_TLS);

// Error names seen from plug-ins, by the value their codes carry.
class named_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.plugin"; }
  std::string message(int value) const override {
    std::lock_guard lock(guard_);
    auto it = names_.find(value);
    return it == names_.end() ? "plugin_error" : it->second;
  }
  std::error_code intern(std::string_view n) const {
    std::uint32_t h = 2166136261u;  // FNV-1a: the same value in every process
    for (char c : n) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    int value = static_cast<int>(h & 0x3fffffff) + 1;
    std::lock_guard lock(guard_);
    while (true) {
      auto [it, added] = names_.emplace(value, std::string(n));
      if (added || it->second == n) break;
      ++value;  // a collision: the next free value (deterministic for the same names)
    }
    return {value, *this};
  }

 private:
  mutable std::mutex guard_;
  mutable std::map<int, std::string> names_;
};

const named_category& category() {
  static const named_category c;
  return c;
}

const char* status_name(std::int32_t s) {
  switch (s) {
    case STUTTER_OK: return "ok";
    case STUTTER_WOULD_BLOCK: return "would_block";
    case STUTTER_NEED_READ: return "need_read";
    case STUTTER_NEED_WRITE: return "need_write";
    case STUTTER_EOF: return "eof";
    case STUTTER_ERROR: return "error";
    default: return "an unknown status";
  }
}

void add_u64(std::vector<stutter_setting>& out, const char* key, std::uint64_t v, bool boolean = false) {
  out.push_back({key, boolean ? STUTTER_SETTING_BOOL : STUTTER_SETTING_U64, v, nullptr, 0});
}

}  // namespace

std::error_code named_error(std::string_view name) { return category().intern(name); }

std::error_code contract_error() { return named_error("contract_violation"); }

bridge::bridge(std::string plugin_name, const char* what, contract_log& log, byte_stream& lower,
               std::function<std::uint64_t()> entropy, std::function<std::uint64_t()> now)
    : plugin_(std::move(plugin_name)),
      what_(what),
      log_(log),
      lower_(lower),
      entropy_(std::move(entropy)),
      now_(std::move(now)) {
  lower_ops_ = {this, &bridge::lower_read, &bridge::lower_write, &bridge::lower_shutdown};
  host_ = {this, &bridge::host_random, &bridge::host_now, 1798761600};  // impl/tls's verify_time
}

const stutter_endpoint_config& bridge::config(scenario::layer kind, scenario::endpoint_id role,
                                              const scenario::settings& s, const std::vector<byte>& prefix) {
  settings_.clear();
  strings_ = {s.separator, s.length_prefix, s.tls_version};
  settings_.push_back({"separator", STUTTER_SETTING_STRING, 0, strings_[0].data(), strings_[0].size()});
  add_u64(settings_, "max_line", s.max_line);
  settings_.push_back({"length_prefix", STUTTER_SETTING_STRING, 0, strings_[1].data(), strings_[1].size()});
  add_u64(settings_, "max_record", s.max_record);
  add_u64(settings_, "strict", s.strict ? 1 : 0, true);
  add_u64(settings_, "buffer_capacity", s.buffer_capacity);
  add_u64(settings_, "read_block", s.read_block);
  add_u64(settings_, "max_message", s.max_message);
  add_u64(settings_, "fragment_size", s.fragment_size);
  add_u64(settings_, "max_header_bytes", s.max_header_bytes);
  add_u64(settings_, "max_headers", s.max_headers);
  settings_.push_back({"tls_version", STUTTER_SETTING_STRING, 0, strings_[2].data(), strings_[2].size()});
  add_u64(settings_, "allow_renegotiation", s.allow_renegotiation ? 1 : 0, true);
  prefix_ = prefix;
  tls_ = {tls::test_certificate_pem(), tls::test_private_key_pem(), tls::test_certificate_pem(), "stutter.test"};
  config_ = {};
  config_.struct_size = sizeof(stutter_endpoint_config);
  config_.layer = static_cast<std::int32_t>(kind);
  config_.role = role == scenario::endpoint_id::client ? STUTTER_CLIENT : STUTTER_SERVER;
  config_.settings = settings_.data();
  config_.setting_count = settings_.size();
  config_.lower = &lower_ops_;
  config_.host = &host_;
  config_.prefix = prefix_.empty() ? nullptr : prefix_.data();
  config_.prefix_len = prefix_.size();
  config_.tls = kind == scenario::layer::tls ? &tls_ : nullptr;
  return config_;
}

io_result bridge::breach(std::string invariant, std::string message) {
  if (!broken_) log_.breach(std::move(invariant), plugin_ + "'s " + what_ + ": " + message);
  broken_ = true;
  return io_result::failed(contract_error());
}

io_result bridge::take(const char* op, const stutter_result& r, std::size_t offered, bool byte_request, bool exact,
                       bool cleanup) {
  if (broken_) return io_result::failed(contract_error());
  const std::string call = std::string(op) + " returned ";
  const bool flushing = cleanup && (r.status == STUTTER_OK || r.status == STUTTER_WOULD_BLOCK ||
                                    r.status == STUTTER_NEED_READ || r.status == STUTTER_NEED_WRITE);
  if (errored_ && r.status != STUTTER_ERROR && !flushing) {
    return breach("contract.sticky_error", call + status_name(r.status) + " after it had failed with " + first_error_ +
                                               " (errors are sticky)");
  }
  switch (r.status) {
    case STUTTER_OK:
      if (r.n > offered) {
        return breach("contract.result", call + "ok(" + std::to_string(r.n) + ") for a request of " +
                                             std::to_string(offered));
      }
      if (byte_request && offered > 0 && r.n == 0) return breach("contract.result", call + "ok(0) for a non-empty request");
      if (exact && r.n != offered) {
        return breach("contract.result", call + "ok(" + std::to_string(r.n) + "), not the whole " +
                                             std::to_string(offered) + " (it must take all or wait)");
      }
      return io_result::done(r.n);
    case STUTTER_WOULD_BLOCK: return io_result::blocked();
    case STUTTER_NEED_READ: return io_result::wants_read();
    case STUTTER_NEED_WRITE: return io_result::wants_write();
    case STUTTER_EOF: return io_result::end();
    case STUTTER_ERROR:
      if (r.error == nullptr || !scenario::format::is_error_name(r.error)) {
        return breach("contract.result", call + "an error without a valid name ([a-z][a-z0-9_]*, at most 64 bytes)");
      }
      if (!errored_) first_error_ = r.error;
      errored_ = true;
      detail_ = r.detail != nullptr ? r.detail : "";
      return io_result::failed(named_error(r.error));
    default:
      return breach("contract.result", call + "status " + std::to_string(r.status) + ", which stutter/plugin.h does not define");
  }
}

std::error_code bridge::sticky_error() const {
  if (broken_) return contract_error();
  return errored_ ? named_error(first_error_) : std::error_code{};
}

bool bridge::enter_lower(const char* op) {
  if (broken_) return false;
  if (depth_ == 0) {
    (void)breach("contract.reentrant", std::string("called the lower stream's ") + op +
                                     " outside any call stutter made into it (a thread, or after returning)");
    return false;
  }
  if (std::this_thread::get_id() != caller_) {
    (void)breach("contract.reentrant", std::string("called the lower stream's ") + op + " from a thread of its own");
    return false;
  }
  if (in_lower_) {
    (void)breach("contract.reentrant", std::string("called the lower stream's ") + op + " from inside another lower-stream call");
    return false;
  }
  return true;
}

stutter_result bridge::give(const io_result& r) {
  switch (r.st) {
    case status::ok: return stutter_ok(r.n);
    case status::would_block: return stutter_waiting(STUTTER_WOULD_BLOCK);
    case status::need_read: return stutter_waiting(STUTTER_NEED_READ);
    case status::need_write: return stutter_waiting(STUTTER_NEED_WRITE);
    case status::eof: return stutter_eof();
    case status::error:
      lower_error_ = runner::error_name(r.ec);
      return stutter_error(lower_error_.c_str(), nullptr);
  }
  return stutter_error("unknown", nullptr);
}

stutter_result bridge::lower_read(void* ctx, std::uint8_t* buf, std::size_t len) {
  auto* b = static_cast<bridge*>(ctx);
  if (!b->enter_lower("read_some")) return stutter_error("contract_violation", nullptr);
  b->in_lower_ = true;
  io_result r = b->lower_.read_some(mutable_bytes(buf, len));
  b->in_lower_ = false;
  return b->give(r);
}

stutter_result bridge::lower_write(void* ctx, const stutter_iovec* bufs, std::size_t count) {
  auto* b = static_cast<bridge*>(ctx);
  if (!b->enter_lower("write_some")) return stutter_error("contract_violation", nullptr);
  std::vector<const_bytes> spans;
  spans.reserve(count);
  for (std::size_t i = 0; i < count; ++i) spans.emplace_back(bufs[i].data, bufs[i].len);
  b->in_lower_ = true;
  io_result r = b->lower_.write_some(std::span<const const_bytes>(spans));
  b->in_lower_ = false;
  return b->give(r);
}

stutter_result bridge::lower_shutdown(void* ctx) {
  auto* b = static_cast<bridge*>(ctx);
  if (!b->enter_lower("shutdown_write")) return stutter_error("contract_violation", nullptr);
  b->in_lower_ = true;
  io_result r = b->lower_.shutdown_write();
  b->in_lower_ = false;
  return b->give(r);
}

void bridge::host_random(void* ctx, std::uint8_t* out, std::size_t len) {
  auto* b = static_cast<bridge*>(ctx);
  for (std::size_t i = 0; i < len; i += 8) {
    std::uint64_t v = b->entropy_();
    for (std::size_t k = 0; k < 8 && i + k < len; ++k) out[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
}

std::uint64_t bridge::host_now(void* ctx) {
  auto* b = static_cast<bridge*>(ctx);
  return b->now_ ? b->now_() : 0;
}

}  // namespace stutter::plugin
