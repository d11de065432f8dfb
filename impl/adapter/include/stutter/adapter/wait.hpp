#pragma once
// Which way to wait after a waiting result. The stream contract names the direction: a
// would_block waits on the operation's own direction, need_read / need_write on the one
// they name. Everything else (ok, eof, error) waits on nothing.

#include <cstdint>
#include <string_view>

#include "stutter/io.hpp"

namespace stutter::adapter {

enum class op_kind : std::uint8_t { read, write };
enum class wait_event : std::uint8_t { none, readable, writable };

wait_event wait_for(op_kind op, const io_result& r);
std::string_view to_string(wait_event e);

}  // namespace stutter::adapter
