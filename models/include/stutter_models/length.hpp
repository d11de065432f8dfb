#pragma once
// Length-prefixed framing and the two-phase (lines, then length records)
// conversation: the oracle for `framing.records`, `chunking.invariance` and
// `handover.exact`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "stutter_models/bytes.hpp"
#include "stutter_models/line.hpp"

namespace stutter::models {

enum class length_prefix {
  u32be,   // 4 bytes, big-endian
  varint,  // unsigned LEB128: 7 bits a byte, least significant group first,
           // high bit set on every byte but the last; at most 10 bytes
};

enum class length_error {
  none,
  record_too_large,  // the prefix declares more than max_record bytes
  varint_malformed,  // a 10th varint byte with its continuation bit set, or a value >= 2^64
};

// Same shape and meaning as line_decode_result: bytes[0, consumed) holds
// exactly `records`; on an error `consumed` is the start of the offending
// record's prefix.
struct length_decode_result {
  std::vector<bytes> records;
  std::size_t consumed = 0;
  bytes tail;
  length_error error = length_error::none;
};

// The shortest LEB128 encoding of value (1 to 10 bytes).
bytes encode_varint(std::uint64_t value);

enum class varint_status { ok, incomplete, malformed };

struct varint_decode {
  varint_status status = varint_status::incomplete;
  std::uint64_t value = 0;
  std::size_t size = 0;  // bytes used when ok
};

// Reads one varint from the front of data. Non-minimal encodings (e.g. 80 00
// for 0) are accepted: the limit is the 10-byte, 64-bit one. Malformed is
// reported as soon as the 10th byte is seen.
varint_decode decode_varint(byte_view data);

// Each record preceded by its length. Throws std::length_error for a record
// longer than 2^32-1 bytes with u32be.
bytes encode_records(const std::vector<bytes>& records, length_prefix prefix);

// record_too_large is reported as soon as the whole prefix is available,
// without waiting for the payload. A record of exactly max_record bytes is fine.
length_decode_result decode_records(byte_view data, length_prefix prefix,
                                    std::size_t max_record = unlimited);

// A conversation of `line_count` line records followed by length records
// (e.g. an HTTP-style handshake, then binary framing).
struct phases_result {
  std::vector<bytes> line_records;  // at most line_count
  line_error phase_one_error = line_error::none;
  // Offset of the first byte after the line_count-th separator: where the
  // second protocol's bytes begin. Empty while phase one is incomplete or
  // after a phase-one error. 0 when line_count == 0.
  std::optional<std::size_t> handover;
  // Phase two, decoded from data[*handover, end); offsets in it are relative
  // to the whole input (consumed counts from offset 0).
  length_decode_result length;
};

// Phase one stops after exactly line_count records: bytes after the handover
// belong to phase two even if they contain the separator. When phase one is
// incomplete or fails, `length.consumed` is the end of the last line record
// and `length.tail` everything after it.
phases_result decode_phases(byte_view data, byte_view separator, length_prefix prefix,
                            std::size_t line_count, std::size_t max_line = unlimited,
                            std::size_t max_record = unlimited);

}  // namespace stutter::models
