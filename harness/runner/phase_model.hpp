#pragma once
// The reference model of each phase, as the checks use it: decode the bytes a phase saw,
// and (where the encoding is deterministic) encode the records a phase sent. Backed by
// models/, which shares no code with the implementation it judges.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace stutter::runner {

struct model_decoding {
  std::vector<std::vector<std::uint8_t>> records;
  std::size_t consumed = 0;  // bytes holding exactly `records`
  std::string error;         // empty, or the error name the implementation must also use
};

// Decodes at most `max_records` records of `kind` from `data`; nullopt when no model exists.
std::optional<model_decoding> model_decode(scenario::layer kind, const scenario::settings& config,
                                           std::span<const std::uint8_t> data, std::size_t max_records,
                                           scenario::endpoint_id sender);

// The exact bytes `records` encode to; nullopt when the encoding is not a function of the
// records alone (masked websocket frames) or no model exists.
std::optional<std::vector<std::uint8_t>> model_encode(scenario::layer kind, const scenario::settings& config,
                                                      const std::vector<std::vector<std::uint8_t>>& records);

}  // namespace stutter::runner
