#include "stutter/line_framing.hpp"

#include <algorithm>
#include <cstring>

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
