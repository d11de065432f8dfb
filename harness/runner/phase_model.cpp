#include "runner/phase_model.hpp"

#include "stutter_models/length.hpp"
#include "stutter_models/line.hpp"

namespace stutter::runner {
namespace {

models::length_prefix prefix_of(const scenario::settings& config) {
  return config.length_prefix == "varint" ? models::length_prefix::varint : models::length_prefix::u32be;
}

models::bytes separator_of(const scenario::settings& config) {
  return models::bytes(config.separator.begin(), config.separator.end());
}

}  // namespace

std::optional<model_decoding> model_decode(scenario::layer kind, const scenario::settings& config,
                                           std::span<const std::uint8_t> data, std::size_t max_records,
                                           scenario::endpoint_id) {
  model_decoding out;
  switch (kind) {
    case scenario::layer::line: {
      auto d = models::decode_lines(data, separator_of(config), config.max_line, max_records);
      out.records = std::move(d.records);
      out.consumed = d.consumed;
      if (d.error == models::line_error::line_too_long) out.error = "line_too_long";
      return out;
    }
    case scenario::layer::length: {
      auto d = models::decode_records(data, prefix_of(config), config.max_record);
      if (d.records.size() > max_records) {
        // Keep only max_records; walk their prefixes to find where they end.
        std::size_t pos = 0;
        for (std::size_t i = 0; i < max_records; ++i) {
          std::size_t prefix_size = 4;
          if (prefix_of(config) == models::length_prefix::varint) {
            prefix_size = models::decode_varint(data.subspan(pos)).size;
          }
          pos += prefix_size + d.records[i].size();
        }
        d.records.resize(max_records);
        d.consumed = pos;
        d.error = models::length_error::none;
      }
      out.records = std::move(d.records);
      out.consumed = d.consumed;
      if (d.error == models::length_error::record_too_large) out.error = "record_too_large";
      if (d.error == models::length_error::varint_malformed) out.error = "varint_malformed";
      return out;
    }
    default: return std::nullopt;
  }
}

std::optional<std::vector<std::uint8_t>> model_encode(scenario::layer kind, const scenario::settings& config,
                                                      const std::vector<std::vector<std::uint8_t>>& records) {
  switch (kind) {
    case scenario::layer::line: return models::encode_lines(records, separator_of(config));
    case scenario::layer::length: return models::encode_records(records, prefix_of(config));
    default: return std::nullopt;
  }
}

}  // namespace stutter::runner
