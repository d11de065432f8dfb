#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "stutter/io.hpp"

namespace stutter::test {

inline std::vector<byte> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
inline std::string text_of(const std::vector<byte>& b) { return {b.begin(), b.end()}; }

// Calls op until it stops returning a waiting result.
template <typename Op>
io_result until_done(Op op, int limit = 100000) {
  io_result r;
  for (int i = 0; i < limit; ++i) {
    r = op();
    if (!r.waiting()) return r;
  }
  return r;
}

}  // namespace stutter::test
