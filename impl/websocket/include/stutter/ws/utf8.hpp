#pragma once
// Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above
// U+10FFFF). Bytes may arrive in any split; feed() fails as soon as the bytes so far
// cannot be the start of valid text, so a bad text message fails fast.

#include <cstdint>

#include "stutter/io.hpp"

namespace stutter::ws {

class utf8_validator {
 public:
  // False once the input so far is not a prefix of valid UTF-8 (then stays false).
  bool feed(const_bytes bytes);
  // True when the input so far is valid and ends on a character boundary.
  bool complete() const { return ok_ && need_ == 0; }
  void reset() { *this = utf8_validator{}; }

 private:
  bool step(byte c);

  std::uint8_t need_ = 0;    // continuation bytes still expected
  std::uint8_t lo_ = 0x80;   // range allowed for the next continuation byte
  std::uint8_t hi_ = 0xBF;
  bool ok_ = true;
};

}  // namespace stutter::ws
