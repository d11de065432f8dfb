#pragma once
// The written forms of step data: `text`, `hex`, `repeat` and `repeat_hex` (+ `size`), and the
// rule save uses to pick one (see scenarios/README.md, "Payloads").

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stutter::scenario::payload {

enum class form : std::uint8_t { text, hex, repeat, repeat_hex };

struct choice {
  form written = form::text;
  std::size_t period = 0;  // repeat, repeat_hex: the pattern is data[0, period)
};

// Printable ASCII (0x20..0x7e) plus tab, newline and carriage return, which JSON shows as \t \n \r.
bool is_text_byte(std::uint8_t b);

// repeat/repeat_hex when the data has at least format::min_repeat_payload_bytes and has a
// period of at most format::max_repeat_period; otherwise text when every byte is a text byte and
// there are at most format::max_text_payload_bytes; otherwise hex.
choice choose(std::span<const std::uint8_t> data);

// Lowercase, two digits a byte.
std::string to_hex(std::span<const std::uint8_t> data);

// Decodes an even-length string of hex digits (either case). On failure returns false and says
// why in `error` ("odd number of hex digits (5)", "'g' at position 3 is not a hex digit").
bool from_hex(std::string_view hex, std::vector<std::uint8_t>& out, std::string& error);

// pattern repeated and cut to exactly size bytes; pattern must not be empty.
std::vector<std::uint8_t> repeat(std::string_view pattern, std::size_t size);

}  // namespace stutter::scenario::payload
