#include "stutter/adapter/wait.hpp"

namespace stutter::adapter {

wait_event wait_for(op_kind op, const io_result& r) {
  switch (r.st) {
    case status::would_block: return op == op_kind::read ? wait_event::readable : wait_event::writable;
    case status::need_read: return wait_event::readable;
    case status::need_write: return wait_event::writable;
    default: return wait_event::none;
  }
}

std::string_view to_string(wait_event e) {
  switch (e) {
    case wait_event::none: return "none";
    case wait_event::readable: return "readable";
    case wait_event::writable: return "writable";
  }
  return "unknown";
}

}  // namespace stutter::adapter
