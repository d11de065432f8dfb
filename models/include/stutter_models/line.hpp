#pragma once
// Line (separator-delimited) framing: the oracle for `framing.records` and
// `chunking.invariance` on line-framed streams.

#include <cstddef>
#include <vector>

#include "stutter_models/bytes.hpp"

namespace stutter::models {

enum class line_error {
  none,
  line_too_long,  // a record's payload is certain to exceed max_line (see decode_lines)
};

// Where the decoder stopped. bytes[0, consumed) == the records each followed by
// the separator; tail == bytes[consumed, end). On an error, `consumed` is the
// start of the offending record and no record after it is decoded.
struct line_decode_result {
  std::vector<bytes> records;
  std::size_t consumed = 0;
  bytes tail;
  line_error error = line_error::none;
};

// Throws std::invalid_argument unless the separator has 1 to 8 bytes.
void check_separator(byte_view separator);

// Each record followed by the separator.
// Throws std::invalid_argument if a record would not decode back as itself,
// that is if the first occurrence of the separator in record+separator does not
// start at record.size() (the record contains the separator, or ends with part
// of one that completes it early, e.g. record "a\r" is fine for CRLF but record
// "ab" is not for separator "aba").
bytes encode_lines(const std::vector<bytes>& records, byte_view separator);

// Splits `data` into records at the leftmost occurrence of the separator, from
// the start of each record. Stops after `max_records` records.
//
// Limit, exactly: a record's payload (separator excluded) may be at most
// max_line bytes. The error is reported as soon as it is certain from the bytes
// seen, and not before: counting from the start of a record, at least
// max_line + separator.size() bytes are available and no separator begins at
// any offset in [0, max_line]. With a one-byte separator that is "max_line + 1
// bytes seen, none of them the separator". A shorter tail without a separator
// is an incomplete record, not an error. So the verdict never depends on how
// the input was split: a prefix of the input reports the error only if the
// whole input does.
line_decode_result decode_lines(byte_view data, byte_view separator,
                                std::size_t max_line = unlimited,
                                std::size_t max_records = unlimited);

}  // namespace stutter::models
