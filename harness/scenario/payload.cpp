#include "scenario/payload.hpp"

#include <algorithm>

#include "scenario/display.hpp"
#include "scenario/format.hpp"

namespace stutter::scenario::payload {
namespace {

// The smallest p <= max_repeat_period with data[i] == data[i - p] for all i >= p, or 0.
std::size_t short_period(std::span<const std::uint8_t> data) {
  for (std::size_t p = 1; p <= format::max_repeat_period && p < data.size(); ++p) {
    bool periodic = true;
    for (std::size_t i = p; i < data.size() && periodic; ++i) periodic = data[i] == data[i - p];
    if (periodic) return p;
  }
  return 0;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_text_byte(std::uint8_t b) { return (b >= 0x20 && b <= 0x7e) || b == '\t' || b == '\n' || b == '\r'; }

choice choose(std::span<const std::uint8_t> data) {
  if (data.size() >= format::min_repeat_payload_bytes) {
    if (const std::size_t p = short_period(data); p != 0) {
      const auto pattern = data.first(p);
      return {std::all_of(pattern.begin(), pattern.end(), is_text_byte) ? form::repeat : form::repeat_hex, p};
    }
  }
  if (data.size() <= format::max_text_payload_bytes && std::all_of(data.begin(), data.end(), is_text_byte)) {
    return {form::text, 0};
  }
  return {form::hex, 0};
}

std::string to_hex(std::span<const std::uint8_t> data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

bool from_hex(std::string_view hex, std::vector<std::uint8_t>& out, std::string& error) {
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (hex_digit(hex[i]) < 0) {
      // Show the whole (UTF-8) character, not a lone byte of it.
      std::size_t len = 1;
      while (i + len < hex.size() && (static_cast<unsigned char>(hex[i + len]) & 0xc0) == 0x80) ++len;
      error = display::quoted(hex.substr(i, len)) + " at position " + std::to_string(i) + " is not a hex digit";
      return false;
    }
  }
  if (hex.size() % 2 != 0) {
    error = "odd number of hex digits (" + std::to_string(hex.size()) + "); each byte takes two";
    return false;
  }
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(hex_digit(hex[i]) * 16 + hex_digit(hex[i + 1])));
  }
  return true;
}

std::vector<std::uint8_t> repeat(std::string_view pattern, std::size_t size) {
  std::vector<std::uint8_t> out(size);
  const std::size_t first = std::min(size, pattern.size());
  std::copy_n(pattern.begin(), first, out.begin());
  // Double the filled prefix; it stays a whole number of patterns until the final cut.
  for (std::size_t filled = first; filled < size;) {
    const std::size_t n = std::min(filled, size - filled);
    std::copy_n(out.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(filled));
    filled += n;
  }
  return out;
}

}  // namespace stutter::scenario::payload
