#include "stutter/line_framing.hpp"

#include <algorithm>

namespace stutter {

line_reader::line_reader(buffered_reader& in, line_options options) : in_(in), options_(std::move(options)) {}

io_result line_reader::read_line(std::vector<byte>& out) {
  io_result r = in_.read_until(options_.separator, options_.max_line);
  if (r.st == status::eof) {
    return in_.buffered().empty() ? r : io_result::failed(errc::unexpected_eof);
  }
  if (!r.ok()) return r;
  const_bytes line = in_.buffered().first(r.n - options_.separator.size());
  out.assign(line.begin(), line.end());
  in_.consume(r.n);
  return io_result::done(out.size());
}

line_writer::line_writer(byte_stream& out, line_options options) : writer_(out), options_(std::move(options)) {}

io_result line_writer::write_line(const_bytes payload) {
  if (!writer_.in_progress()) {
    const auto& sep = options_.separator;
    if (payload.size() > options_.max_line) return io_result::failed(errc::line_too_long);
    if (std::search(payload.begin(), payload.end(), sep.begin(), sep.end()) != payload.end()) {
      return io_result::failed(errc::separator_in_payload);
    }
    writer_.begin({}, payload, sep);
  }
  return writer_.resume(payload);
}

}  // namespace stutter
