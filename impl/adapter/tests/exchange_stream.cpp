#include "exchange_stream.hpp"

#include <algorithm>
#include <string>

namespace stutter::test {

namespace {

class exchange_stream_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.test.exchange"; }
  std::string message(int value) const override {
    switch (static_cast<models::exchange_error>(value)) {
      case models::exchange_error::none: return "none";
      case models::exchange_error::protocol: return "protocol: the peer broke the conversation";
      case models::exchange_error::truncated: return "truncated: the input ended before the peer's close";
      case models::exchange_error::usage: return "usage: an operation after shutdown, or mixed with a pending one";
    }
    return "unknown exchange error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& exchange_stream_category() {
  static const exchange_stream_error_category category;
  return category;
}

std::error_code make_error_code(models::exchange_error e) {
  return {static_cast<int>(e), exchange_stream_category()};
}

io_result exchange_stream::finish(bool write_side, const models::exchange_result& r) {
  using models::exchange_status;
  io_result out;
  switch (r.status) {
    case exchange_status::ok: out = io_result::done(r.n); break;
    case exchange_status::would_block: out = io_result::blocked(); break;
    case exchange_status::need_read: out = io_result::wants_read(); break;
    case exchange_status::need_write: out = io_result::wants_write(); break;
    case exchange_status::eof: out = io_result::end(); break;
    case exchange_status::error: out = io_result::failed(make_error_code(r.error)); break;
  }
  (write_side ? s_->last_write : s_->last_read) = out.st;
  switch (out.st) {
    case status::would_block: s_->last_wait = write_side ? direction::writable : direction::readable; break;
    case status::need_read: s_->last_wait = direction::readable; break;
    case status::need_write: s_->last_wait = direction::writable; break;
    default: s_->last_wait = direction::none; break;
  }
  return out;
}

io_result exchange_stream::read_some(mutable_bytes buf) { return finish(false, s_->endpoint.read(io(), buf)); }

// data == nullptr: shutdown.
io_result exchange_stream::write_side(const const_bytes* data) {
  if (!s_->record_waiting) {
    while (s_->hello_started || s_->renegotiations_requested > 0) {
      if (!s_->hello_started) {
        --s_->renegotiations_requested;
        s_->hello_started = true;
      }
      const models::exchange_result r = s_->endpoint.request_renegotiation(io());
      if (r.status != models::exchange_status::ok) return finish(true, r);
      s_->hello_started = false;
    }
  }
  const models::exchange_result r = data != nullptr ? s_->endpoint.write(io(), *data) : s_->endpoint.shutdown(io());
  s_->record_waiting = r.status == models::exchange_status::would_block ||
                       r.status == models::exchange_status::need_read;
  return finish(true, r);
}

io_result exchange_stream::write_some(std::span<const const_bytes> bufs) {
  const auto first = std::find_if(bufs.begin(), bufs.end(), [](const_bytes b) { return !b.empty(); });
  if (first == bufs.end()) return io_result::done(0);
  const const_bytes record = first->first(std::min<std::size_t>(first->size(), 0xffff));
  return write_side(&record);
}

io_result exchange_stream::shutdown_write() { return write_side(nullptr); }

}  // namespace stutter::test
