#include "stutter_models/length.hpp"

namespace stutter::models {

phases_result decode_phases(byte_view data, byte_view separator, length_prefix prefix,
                            std::size_t line_count, std::size_t max_line, std::size_t max_record) {
  phases_result result;
  line_decode_result lines = decode_lines(data, separator, max_line, line_count);
  result.line_records = std::move(lines.records);
  result.phase_one_error = lines.error;
  if (result.line_records.size() < line_count || lines.error != line_error::none) {
    result.length.consumed = lines.consumed;
    result.length.tail = std::move(lines.tail);
    return result;
  }
  result.handover = lines.consumed;
  result.length = decode_records(data.subspan(lines.consumed), prefix, max_record);
  result.length.consumed += lines.consumed;
  return result;
}

}  // namespace stutter::models
