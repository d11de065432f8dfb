#include "mutants/broken_variants.hpp"

#include <memory>

namespace stutter::mutants {
namespace {

// Passes everything to the real phase; subclasses override the one thing they break.
class phase_wrapper : public runner::phase {
 public:
  explicit phase_wrapper(std::unique_ptr<runner::phase> inner) : inner_(std::move(inner)) {}
  bool is_handshake() const override { return inner_->is_handshake(); }
  io_result open() override { return inner_->open(); }
  io_result ping(const_bytes data) override { return inner_->ping(data); }
  io_result send(const_bytes data, runner::message_type type) override { return inner_->send(data, type); }
  io_result receive(std::vector<byte>& out, runner::message_type& type) override { return inner_->receive(out, type); }
  io_result close(std::uint16_t code) override { return inner_->close(code); }
  std::vector<byte> handover() override { return inner_->handover(); }
  const buffered_reader* reader() const override { return inner_->reader(); }

 protected:
  std::unique_ptr<runner::phase> inner_;
};

class forgetful_phase final : public phase_wrapper {
 public:
  using phase_wrapper::phase_wrapper;
  std::vector<byte> handover() override {
    (void)inner_->handover();
    return {};
  }
};

// Beneath the phase: claims every write was taken whole, passing on only what the
// stream beneath really took.
class lying_writer final : public byte_stream {
 public:
  explicit lying_writer(byte_stream& lower) : lower_(lower) {}
  io_result read_some(mutable_bytes buf) override { return lower_.read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    io_result r = lower_.write_some(bufs);
    if (!r.ok()) return r;
    std::size_t total = 0;
    for (auto b : bufs) total += b.size();
    return io_result::done(total);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return lower_.shutdown_write(); }

 private:
  byte_stream& lower_;
};

class prefix_dropping_writer final : public byte_stream {
 public:
  explicit prefix_dropping_writer(byte_stream& lower) : lower_(lower) {}
  io_result read_some(mutable_bytes buf) override { return lower_.read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override {
    std::size_t skipped = 0;
    std::span<const const_bytes> sent = bufs;
    if (retrying_ && bufs.size() > 1) {
      skipped = bufs.front().size();
      sent = bufs.subspan(1);
    }
    io_result r = lower_.write_some(sent);
    retrying_ = r.waiting();
    if (r.ok()) r.n += skipped;
    return r;
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return lower_.shutdown_write(); }

 private:
  byte_stream& lower_;
  bool retrying_ = false;
};

// A phase writing through a shim of its own (which it owns).
class shimmed_phase final : public phase_wrapper {
 public:
  shimmed_phase(std::unique_ptr<byte_stream> shim, std::unique_ptr<runner::phase> inner)
      : phase_wrapper(std::move(inner)), shim_(std::move(shim)) {}

 private:
  std::unique_ptr<byte_stream> shim_;  // goes before inner_, whose destructor does not touch it
};

template <typename Shim>
std::unique_ptr<runner::phase> through_shim(runner::stack_factory& base, runner::phase_context ctx) {
  auto shim = std::make_unique<Shim>(ctx.lower);
  runner::phase_context inner_ctx{ctx.kind, ctx.role, ctx.config, *shim, std::move(ctx.prefix), ctx.entropy};
  auto inner = base.stack_factory::make_phase(std::move(inner_ctx));
  return std::make_unique<shimmed_phase>(std::move(shim), std::move(inner));
}

// Demands one byte more than it holds from the socket before it parses anything.
class impatient_phase final : public phase_wrapper {
 public:
  impatient_phase(std::unique_ptr<runner::phase> inner, buffered_reader& in) : phase_wrapper(std::move(inner)), in_(in) {}
  io_result receive(std::vector<byte>& out, runner::message_type& type) override {
    io_result r = in_.fill(in_.buffered().size() + 1);
    if (r.waiting() || r.st == status::error) return r;
    return inner_->receive(out, type);
  }

 private:
  buffered_reader& in_;
};

class spurious_phase final : public phase_wrapper {
 public:
  using phase_wrapper::phase_wrapper;
  io_result receive(std::vector<byte>& out, runner::message_type& type) override {
    if (++calls_ % 2 == 1) return io_result::blocked();
    return inner_->receive(out, type);
  }

 private:
  std::uint64_t calls_ = 0;
};

class corrupting_phase final : public phase_wrapper {
 public:
  using phase_wrapper::phase_wrapper;
  io_result receive(std::vector<byte>& out, runner::message_type& type) override {
    io_result r = inner_->receive(out, type);
    if (r.ok() && !out.empty()) out.back() ^= 0x01;
    return r;
  }
};

}  // namespace

std::unique_ptr<runner::phase> drops_handover_bytes::make_phase(runner::phase_context ctx) {
  return std::make_unique<forgetful_phase>(stack_factory::make_phase(std::move(ctx)));
}

std::unique_ptr<runner::phase> short_write_is_complete::make_phase(runner::phase_context ctx) {
  return through_shim<lying_writer>(*this, std::move(ctx));
}

std::unique_ptr<runner::phase> retry_drops_prefix::make_phase(runner::phase_context ctx) {
  return through_shim<prefix_dropping_writer>(*this, std::move(ctx));
}

std::unique_ptr<runner::phase> polls_before_draining::make_phase(runner::phase_context ctx) {
  auto inner = stack_factory::make_phase(std::move(ctx));
  auto* in = const_cast<buffered_reader*>(inner->reader());
  if (!in) return inner;  // a phase without an input buffer of its own has nothing to drain
  return std::make_unique<impatient_phase>(std::move(inner), *in);
}

std::unique_ptr<runner::phase> strict_overreads::make_phase(runner::phase_context ctx) {
  // Phases copy their settings when built, so a local copy may go afterwards.
  scenario::settings loose = ctx.config;
  loose.strict = false;
  return stack_factory::make_phase({ctx.kind, ctx.role, loose, ctx.lower, std::move(ctx.prefix), ctx.entropy});
}

std::unique_ptr<runner::phase> corrupts_records::make_phase(runner::phase_context ctx) {
  return std::make_unique<corrupting_phase>(stack_factory::make_phase(std::move(ctx)));
}

std::unique_ptr<runner::phase> unbounded_buffer::make_phase(runner::phase_context ctx) {
  scenario::settings greedy = ctx.config;
  greedy.buffer_capacity = 4 * ctx.config.buffer_capacity;
  greedy.read_block = greedy.buffer_capacity;
  greedy.strict = false;
  return stack_factory::make_phase({ctx.kind, ctx.role, greedy, ctx.lower, std::move(ctx.prefix), ctx.entropy});
}

std::unique_ptr<runner::phase> spurious_would_block::make_phase(runner::phase_context ctx) {
  return std::make_unique<spurious_phase>(stack_factory::make_phase(std::move(ctx)));
}

std::unique_ptr<runner::phase> nondeterministic::make_phase(runner::phase_context ctx) {
  static std::uint32_t runs = 0;  // the bug: state that outlives a run
  scenario::settings drifting = ctx.config;
  drifting.read_block = 1 + (++runs % 7);
  return stack_factory::make_phase({ctx.kind, ctx.role, drifting, ctx.lower, std::move(ctx.prefix), ctx.entropy});
}

}  // namespace stutter::mutants
