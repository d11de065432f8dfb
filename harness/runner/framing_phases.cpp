#include "runner/framing_phases.hpp"

#include "stutter/length_framing.hpp"
#include "stutter/line_framing.hpp"

namespace stutter::runner {

buffered_reader_options reader_options(const scenario::settings& config) {
  return {.capacity = config.buffer_capacity, .block = config.read_block, .strict = config.strict};
}

namespace {

line_options line_settings(const scenario::settings& config) {
  return {.separator = std::vector<byte>(config.separator.begin(), config.separator.end()),
          .max_line = config.max_line};
}

length_options length_settings(const scenario::settings& config) {
  return {.prefix = config.length_prefix == "varint" ? length_prefix::varint : length_prefix::u32be,
          .max_record = config.max_record};
}

// Shared by both framings: close shuts the lower stream's write side down.
class framing_phase : public phase {
 public:
  explicit framing_phase(phase_context& ctx)
      : lower_(ctx.lower), in_(ctx.lower, reader_options(ctx.config), std::move(ctx.prefix)) {}
  io_result close(std::uint16_t) override { return lower_.shutdown_write(); }
  std::vector<byte> handover() override { return in_.handover(); }
  const buffered_reader* reader() const override { return &in_; }

 protected:
  byte_stream& lower_;
  buffered_reader in_;
};

class line_phase final : public framing_phase {
 public:
  explicit line_phase(phase_context ctx)
      : framing_phase(ctx), reader_(in_, line_settings(ctx.config)), writer_(lower_, line_settings(ctx.config)) {}
  io_result send(const_bytes data, message_type) override { return writer_.write_line(data); }
  io_result receive(std::vector<byte>& out, message_type& type) override {
    type = message_type::binary;
    return reader_.read_line(out);
  }

 private:
  line_reader reader_;
  line_writer writer_;
};

class length_phase final : public framing_phase {
 public:
  explicit length_phase(phase_context ctx)
      : framing_phase(ctx), reader_(in_, length_settings(ctx.config)), writer_(lower_, length_settings(ctx.config)) {}
  io_result send(const_bytes data, message_type) override { return writer_.write_record(data); }
  io_result receive(std::vector<byte>& out, message_type& type) override {
    type = message_type::binary;
    return reader_.read_record(out);
  }

 private:
  length_reader reader_;
  length_writer writer_;
};

}  // namespace

std::unique_ptr<phase> make_line_phase(phase_context ctx) { return std::make_unique<line_phase>(std::move(ctx)); }
std::unique_ptr<phase> make_length_phase(phase_context ctx) { return std::make_unique<length_phase>(std::move(ctx)); }

}  // namespace stutter::runner
