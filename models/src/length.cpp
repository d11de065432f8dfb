#include "stutter_models/length.hpp"

#include <stdexcept>

namespace stutter::models {

bytes encode_varint(std::uint64_t value) {
  bytes out;
  do {
    std::uint8_t group = value & 0x7f;
    value >>= 7;
    if (value != 0) group |= 0x80;
    out.push_back(group);
  } while (value != 0);
  return out;
}

varint_decode decode_varint(byte_view data) {
  varint_decode result;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::uint8_t b = data[i];
    if (i == 9 && ((b & 0x80) != 0 || (b & 0x7f) > 1)) {
      // The 10th byte carries bit 63 only; more bits or more bytes cannot fit.
      result.status = varint_status::malformed;
      return result;
    }
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      result.status = varint_status::ok;
      result.value = value;
      result.size = i + 1;
      return result;
    }
  }
  return result;  // incomplete
}

bytes encode_records(const std::vector<bytes>& records, length_prefix prefix) {
  bytes out;
  for (const bytes& record : records) {
    if (prefix == length_prefix::u32be) {
      if (record.size() > 0xffffffffu) throw std::length_error("record too long for a u32 prefix");
      const auto n = static_cast<std::uint32_t>(record.size());
      out.push_back(static_cast<std::uint8_t>(n >> 24));
      out.push_back(static_cast<std::uint8_t>(n >> 16));
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n));
    } else {
      const bytes v = encode_varint(record.size());
      out.insert(out.end(), v.begin(), v.end());
    }
    out.insert(out.end(), record.begin(), record.end());
  }
  return out;
}

length_decode_result decode_records(byte_view data, length_prefix prefix, std::size_t max_record) {
  length_decode_result result;
  std::size_t start = 0;
  for (;;) {
    const byte_view rest = data.subspan(start);
    std::uint64_t length = 0;
    std::size_t prefix_size = 0;
    if (prefix == length_prefix::u32be) {
      if (rest.size() < 4) break;
      length = (std::uint64_t{rest[0]} << 24) | (std::uint64_t{rest[1]} << 16) |
               (std::uint64_t{rest[2]} << 8) | std::uint64_t{rest[3]};
      prefix_size = 4;
    } else {
      const varint_decode v = decode_varint(rest);
      if (v.status == varint_status::incomplete) break;
      if (v.status == varint_status::malformed) {
        result.error = length_error::varint_malformed;
        break;
      }
      length = v.value;
      prefix_size = v.size;
    }
    if (length > max_record) {
      result.error = length_error::record_too_large;
      break;
    }
    if (rest.size() - prefix_size < length) break;
    const auto first = rest.begin() + static_cast<std::ptrdiff_t>(prefix_size);
    result.records.emplace_back(first, first + static_cast<std::ptrdiff_t>(length));
    start += prefix_size + static_cast<std::size_t>(length);
  }
  result.consumed = start;
  result.tail.assign(data.begin() + static_cast<std::ptrdiff_t>(start), data.end());
  return result;
}

}  // namespace stutter::models
