#include "stutter_models/line.hpp"

#include <algorithm>
#include <stdexcept>

namespace stutter::models {

namespace {

// Offset of the first occurrence of `needle` in haystack[from, end), or npos.
std::size_t find(byte_view haystack, byte_view needle, std::size_t from) {
  auto it = std::search(haystack.begin() + static_cast<std::ptrdiff_t>(from), haystack.end(),
                        needle.begin(), needle.end());
  if (it == haystack.end()) return unlimited;
  return static_cast<std::size_t>(it - haystack.begin());
}

}  // namespace

void check_separator(byte_view separator) {
  if (separator.empty() || separator.size() > 8)
    throw std::invalid_argument("line separator must have 1 to 8 bytes");
}

bytes encode_lines(const std::vector<bytes>& records, byte_view separator) {
  check_separator(separator);
  bytes out;
  for (const bytes& record : records) {
    bytes framed = record;
    framed.insert(framed.end(), separator.begin(), separator.end());
    if (find(framed, separator, 0) != record.size())
      throw std::invalid_argument("record would not decode as itself with this separator");
    out.insert(out.end(), framed.begin(), framed.end());
  }
  return out;
}

line_decode_result decode_lines(byte_view data, byte_view separator, std::size_t max_line,
                                std::size_t max_records) {
  check_separator(separator);
  line_decode_result result;
  std::size_t start = 0;
  while (result.records.size() < max_records) {
    const std::size_t at = find(data, separator, start);
    const std::size_t payload = at == unlimited ? unlimited : at - start;
    if (payload != unlimited && payload <= max_line) {
      result.records.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(start),
                                  data.begin() + static_cast<std::ptrdiff_t>(at));
      start = at + separator.size();
      continue;
    }
    // No whole separator begins at an offset <= max_line. The payload is too long as soon
    // as more than max_line bytes are here and no separator can still begin at an offset
    // <= max_line: every such offset either holds a byte that is no separator's start, or
    // the bytes from there to the end are no beginning of a separator.
    const std::size_t available = data.size() - start;
    bool may_begin = false;
    for (std::size_t p = 0; p <= max_line && p < available && !may_begin; ++p) {
      const std::size_t rest = available - p;
      if (rest >= separator.size()) continue;  // a whole separator here would have been found
      may_begin = std::equal(data.begin() + static_cast<std::ptrdiff_t>(start + p), data.end(), separator.begin());
    }
    if (available > max_line && !may_begin) result.error = line_error::line_too_long;
    break;
  }
  result.consumed = start;
  result.tail.assign(data.begin() + static_cast<std::ptrdiff_t>(start), data.end());
  return result;
}

}  // namespace stutter::models
