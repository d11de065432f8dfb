#pragma once
// Resumable gather write of one record: header + caller payload + trailer.
//
// Promises: the payload is never copied (it is passed to the lower stream's gather
// write as the caller's own span); across short writes and waiting results no byte is
// lost or repeated; a retry must pass the same payload (same address and size), else
// errc::retry_mismatch. ok(payload.size()) is returned once the whole record is taken.

#include <array>
#include <cstddef>

#include "stutter/io.hpp"

namespace stutter {

class framed_writer {
 public:
  static constexpr std::size_t max_header = 16;
  static constexpr std::size_t max_trailer = 8;

  explicit framed_writer(byte_stream& lower) : lower_(lower) {}

  bool in_progress() const { return active_; }

  // Starts a record (only when !in_progress()).
  void begin(const_bytes header, const_bytes payload, const_bytes trailer);

  // Pushes the current record on; call again after a waiting result with the same payload.
  io_result resume(const_bytes payload);

  byte_stream& lower() { return lower_; }

 private:
  byte_stream& lower_;
  std::array<byte, max_header> header_{};
  std::array<byte, max_trailer> trailer_{};
  std::size_t header_len_ = 0;
  std::size_t trailer_len_ = 0;
  const byte* payload_data_ = nullptr;
  std::size_t payload_len_ = 0;
  std::size_t sent_ = 0;  // bytes of header+payload+trailer already taken by lower
  bool active_ = false;
};

}  // namespace stutter
