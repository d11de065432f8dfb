#pragma once
// Byte-level views for run pages: the expected/delivered diff and the wire log.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"

namespace stutter::reports::detail {

// The first offset at which the two differ, counting a length mismatch; nullopt when equal.
std::optional<std::size_t> first_difference(std::string_view expected, std::string_view delivered);

void data_diff(std::string& out, const data_pair& data);
void wire_log(std::string& out, const std::vector<wire_chunk>& wire);

}  // namespace stutter::reports::detail
