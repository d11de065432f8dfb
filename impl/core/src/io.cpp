#include "stutter/io.hpp"

#include <string>

namespace stutter {

std::string_view to_string(status s) {
  switch (s) {
    case status::ok: return "ok";
    case status::would_block: return "would_block";
    case status::need_read: return "need_read";
    case status::need_write: return "need_write";
    case status::eof: return "eof";
    case status::error: return "error";
  }
  return "unknown";
}

namespace {

class core_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stutter.core"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::line_too_long: return "line_too_long: a line exceeded the maximum line length";
      case errc::separator_in_payload: return "separator_in_payload: a line to write contains the separator";
      case errc::record_too_large: return "record_too_large: a length prefix exceeded the maximum record size";
      case errc::varint_malformed: return "varint_malformed: a varint prefix is too long or overflows 64 bits";
      case errc::unexpected_eof: return "unexpected_eof: the stream ended inside a record";
      case errc::buffer_full: return "buffer_full: the request needs more than the reader's capacity";
      case errc::retry_mismatch: return "retry_mismatch: a retry changed the arguments of a waiting operation";
      case errc::write_after_shutdown: return "write_after_shutdown: write after shutdown";
      case errc::connection_reset: return "connection_reset: the connection was reset";
      case errc::injected_failure: return "injected_failure: the operation was made to fail (fail_at)";
      case errc::data_limit: return "data_limit: the direction carried its data quota (limit_data)";
      case errc::broken_pipe: return "broken_pipe: write to a direction the network closed";
    }
    return "unknown core error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& core_category() {
  static const core_error_category category;
  return category;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), core_category()}; }

}  // namespace stutter
