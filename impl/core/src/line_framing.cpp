#include "stutter/line_framing.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace stutter {

namespace {

// payload + separator must read back as payload: the first separator in it starts at
// payload.size() (the payload neither contains one nor ends with a part that completes one).
bool decodes_as_itself(const_bytes payload, const std::vector<byte>& sep) {
  if (std::search(payload.begin(), payload.end(), sep.begin(), sep.end()) != payload.end()) return false;
  const std::size_t overlap = std::min(payload.size(), sep.size() - 1);
  std::vector<byte> seam(payload.end() - static_cast<std::ptrdiff_t>(overlap), payload.end());
  seam.insert(seam.end(), sep.begin(), sep.end());
  return std::search(seam.begin(), seam.end(), sep.begin(), sep.end()) == seam.begin() + static_cast<std::ptrdiff_t>(overlap);
}

// Bit i set when data[i] == value, for i < n <= 64.
std::uint64_t separator_mask(const byte* data, std::size_t n, byte value) {
#if defined(__SSE2__)
  alignas(16) byte tail[64];
  if (n < 64) {
    std::memcpy(tail, data, n);
    std::memset(tail + n, static_cast<byte>(~value), 64 - n);  // never the separator
    data = tail;
  }
  const __m128i needle = _mm_set1_epi8(static_cast<char>(value));
  std::uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i));
    mask |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, needle))))
            << (16 * i);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < n; ++i) mask |= static_cast<std::uint64_t>(data[i] == value) << i;
  return mask;
#endif
}

}  // namespace

line_reader::line_reader(buffered_reader& in, line_options options) : in_(in), options_(std::move(options)) {}

io_result line_reader::next_line_slow(const_bytes& line) {
  io_result r = in_.read_until(options_.separator, options_.max_line);
  if (r.st == status::eof) {
    return in_.buffered().empty() ? r : io_result::failed(errc::unexpected_eof);
  }
  if (!r.ok()) return r;
  line = in_.buffered().first(r.n - options_.separator.size());
  viewed_ = r.n;
  return io_result::done(line.size());
}

io_result line_reader::next_lines(std::span<const_bytes> lines) {
  if (lines.empty()) return io_result::done(0);
  release();
  std::size_t k = take_buffered(lines, 0);
  if (k > 0) return io_result::done(k);
  io_result r = next_line(lines[0]);  // may read the lower stream
  if (!r.ok()) return r;
  k = 1 + take_buffered(lines.subspan(1), viewed_);
  return io_result::done(k);
}

std::size_t line_reader::take_buffered(std::span<const_bytes> lines, std::size_t from) {
  if (options_.separator.size() != 1) return 0;
  // One pass over what is buffered, 64 bytes at a time into a bit mask of separator
  // positions; each line then costs a count of trailing zeros, not a memchr call.
  const_bytes held = in_.buffered();
  const byte separator = options_.separator[0];
  std::size_t k = 0;
  std::size_t start = from;  // of the next line
  for (std::size_t chunk = from; chunk < held.size() && k < lines.size(); chunk += 64) {
    std::uint64_t mask = separator_mask(held.data() + chunk, std::min<std::size_t>(64, held.size() - chunk), separator);
    for (; mask != 0 && k < lines.size(); mask &= mask - 1) {
      const std::size_t at = chunk + static_cast<std::size_t>(__builtin_ctzll(mask));
      if (at - start > options_.max_line) break;  // next_line reports it
      lines[k++] = held.subspan(start, at - start);
      start = at + 1;
    }
    if (mask != 0 || chunk + 64 - start > options_.max_line + 1) break;
  }
  viewed_ = start;
  return k;
}

io_result line_reader::read_line(std::vector<byte>& out) {
  const_bytes line;
  io_result r = next_line(line);
  if (!r.ok()) return r;
  out.assign(line.begin(), line.end());
  release();
  return r;
}

line_writer::line_writer(byte_stream& out, line_options options) : writer_(out), options_(std::move(options)) {}

io_result line_writer::write_line(const_bytes payload) {
  if (!writer_.in_progress()) {
    const auto& sep = options_.separator;
    if (payload.size() > options_.max_line) return io_result::failed(errc::line_too_long);
    if (!decodes_as_itself(payload, sep)) return io_result::failed(errc::separator_in_payload);
    writer_.begin({}, payload, sep);
  }
  return writer_.resume(payload);
}

}  // namespace stutter
