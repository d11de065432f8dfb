#pragma once
// Length-delimited records: a 32-bit big-endian or an unsigned LEB128 varint prefix.
// The reader knows how much each record needs, so in strict mode it never over-reads.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stutter/buffered_reader.hpp"
#include "stutter/framed_writer.hpp"

namespace stutter {

enum class length_prefix : std::uint8_t { u32be, varint };

struct length_options {
  length_prefix prefix = length_prefix::u32be;
  std::size_t max_record = 1024 * 1024;
};

// Encodes a prefix into out (at most 10 bytes) and returns its size.
std::size_t encode_length_prefix(length_prefix kind, std::uint64_t length, byte* out);

class length_reader {
 public:
  length_reader(buffered_reader& in, length_options options);
  // ok(n): one record of n bytes replaced `out`'s contents.
  io_result read_record(std::vector<byte>& out);
  // Zero-copy: ok(n) with `record` viewing the next record's n bytes inside the reader's
  // buffer, valid until the next call on this reader or release(). The record must fit the
  // buffered_reader's capacity, else errc::buffer_full (read_record has no such bound).
  io_result next_record(const_bytes& record);
  // Consumes the record next_record handed out (the next call does it anyway).
  void release();

 private:
  io_result read_prefix(bool exact);

  buffered_reader& in_;
  length_options options_;
  std::error_code failed_;  // a framing error is sticky: the prefix it judged is consumed
  bool have_length_ = false;
  std::uint64_t length_ = 0;
  std::size_t got_ = 0;  // payload bytes already in `out`
  bool large_ = false;   // the last record was large: read the next prefix exactly, so its
                         // payload goes straight into the caller's memory (one copy, not two)
  std::size_t viewed_ = 0;  // bytes of the record next_record handed out, not yet consumed
};

class length_writer {
 public:
  length_writer(byte_stream& out, length_options options);
  // ok(payload.size()) once prefix + payload are taken by the lower stream.
  io_result write_record(const_bytes payload);

 private:
  framed_writer writer_;
  length_options options_;
};

}  // namespace stutter
