// RFC 6455 masked-frame decode and encode of 64 KiB messages, against memcpy of the
// same bytes and against wslay doing the same work, all in the same run.
//
// Both codecs see the same streams: decoding pulls from a source that copies the wire
// bytes out (as a socket read copies from the kernel), encoding pushes into a sink that
// copies them in (as a socket write does). wslay is driven through its frame API
// (wslay_frame_recv/send), its cheapest path; the payload ends in one caller buffer.
// Labels name the reference for bench_main's ratio table: ours against memcpy, and
// wslay against ours (so "0.25x" there means ours is 4x faster).
#include <benchmark/benchmark.h>
#include <wslay/wslay.h>

#include <cstring>
#include <vector>

#include "copy_sink.hpp"
#include "stutter/ws/frame.hpp"
#include "stutter/ws/websocket.hpp"

using namespace stutter;

namespace {

constexpr std::size_t message_size = 64 * 1024;

std::vector<byte> message() {
  std::vector<byte> m(message_size);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<byte>(i * 131 + 7);
  return m;
}

// One masked client frame carrying `payload`.
std::vector<byte> masked_frame(const std::vector<byte>& payload) {
  ws::frame_header h;
  h.opcode = 2;
  h.masked = true;
  h.key = {0x12, 0x34, 0x56, 0x78};
  h.length = payload.size();
  std::vector<byte> wire(ws::max_header_size + payload.size());
  const std::size_t n = ws::encode_header(h, wire.data());
  ws::apply_mask(payload.data(), wire.data() + n, payload.size(), h.key, 0);
  wire.resize(n + payload.size());
  return wire;
}

// Serves the same wire bytes forever, copying them out like a socket read.
class replay_source final : public byte_stream {
 public:
  explicit replay_source(std::vector<byte> wire) : wire_(std::move(wire)) {}
  io_result read_some(mutable_bytes buf) override {
    const std::size_t n = std::min(buf.size(), wire_.size() - pos_);
    std::memcpy(buf.data(), wire_.data() + pos_, n);
    pos_ = pos_ + n == wire_.size() ? 0 : pos_ + n;
    return io_result::done(n);
  }
  io_result write_some(std::span<const const_bytes>) override { return io_result::blocked(); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::done(0); }

 private:
  std::vector<byte> wire_;
  std::size_t pos_ = 0;
};

struct counter_entropy {
  std::uint64_t state = 1;
  std::uint64_t operator()() { return state = state * 6364136223846793005ull + 1442695040888963407ull; }
};

void ws_memcpy_64k(benchmark::State& state) {
  const auto src = message();
  std::vector<byte> dst(message_size);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message_size));
}
BENCHMARK(ws_memcpy_64k);

void ws_decode_masked_64k(benchmark::State& state) {
  replay_source src(masked_frame(message()));
  ws::websocket_stream ws(src, {.side = ws::role::server, .max_message = 1 << 20}, counter_entropy{});
  std::vector<byte> out;
  ws::message_type type{};
  for (auto _ : state) {
    io_result r = ws.read_message(out, type);
    if (!r.ok() || r.n != message_size) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message_size));
  state.SetLabel("ref:ws_memcpy_64k");
}
BENCHMARK(ws_decode_masked_64k);

void ws_encode_masked_64k(benchmark::State& state) {
  const auto msg = message();
  bench::copy_sink sink(message_size + ws::max_header_size);
  ws::websocket_stream ws(sink, {.side = ws::role::client}, counter_entropy{});
  for (auto _ : state) {
    sink.rewind();
    io_result r = ws.write_message(msg, ws::message_type::binary);
    if (!r.ok()) state.SkipWithError("encode failed");
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message_size));
  state.SetLabel("ref:ws_memcpy_64k");
}
BENCHMARK(ws_encode_masked_64k);

// ---- wslay, frame API, same streams ----

struct wslay_io {
  byte_stream* lower;
  counter_entropy entropy;
};

ssize_t wslay_recv(uint8_t* buf, size_t len, int, void* user) {
  io_result r = static_cast<wslay_io*>(user)->lower->read_some({buf, len});
  return r.ok() ? static_cast<ssize_t>(r.n) : -1;
}

ssize_t wslay_send(const uint8_t* data, size_t len, int, void* user) {
  io_result r = static_cast<wslay_io*>(user)->lower->write_some(const_bytes(data, len));
  return r.ok() ? static_cast<ssize_t>(r.n) : -1;
}

int wslay_genmask(uint8_t* buf, size_t len, void* user) {
  const std::uint64_t bits = static_cast<wslay_io*>(user)->entropy();
  std::memcpy(buf, &bits, std::min<size_t>(len, 8));
  return 0;
}

constexpr wslay_frame_callbacks wslay_callbacks{wslay_send, wslay_recv, wslay_genmask};

void wslay_decode_masked_64k(benchmark::State& state) {
  replay_source src(masked_frame(message()));
  wslay_io io{&src, {}};
  wslay_frame_context_ptr ctx = nullptr;
  wslay_frame_context_init(&ctx, &wslay_callbacks, &io);
  std::vector<byte> out(message_size);
  for (auto _ : state) {
    std::size_t got = 0;
    while (got < message_size) {
      wslay_frame_iocb iocb{};
      const ssize_t r = wslay_frame_recv(ctx, &iocb);
      if (r < 0 || got + iocb.data_length > message_size) {
        state.SkipWithError("wslay decode failed");
        break;
      }
      std::memcpy(out.data() + got, iocb.data, iocb.data_length);
      got += iocb.data_length;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  wslay_frame_context_free(ctx);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message_size));
  state.SetLabel("ref:ws_decode_masked_64k");
}
BENCHMARK(wslay_decode_masked_64k);

void wslay_encode_masked_64k(benchmark::State& state) {
  const auto msg = message();
  bench::copy_sink sink(message_size + ws::max_header_size);
  wslay_io io{&sink, {}};
  wslay_frame_context_ptr ctx = nullptr;
  wslay_frame_context_init(&ctx, &wslay_callbacks, &io);
  for (auto _ : state) {
    sink.rewind();
    std::size_t sent = 0;
    while (sent < message_size) {
      wslay_frame_iocb iocb{};
      iocb.fin = 1;
      iocb.opcode = WSLAY_BINARY_FRAME;
      iocb.mask = 1;
      iocb.payload_length = message_size;
      iocb.data = msg.data() + sent;
      iocb.data_length = message_size - sent;
      const ssize_t r = wslay_frame_send(ctx, &iocb);
      if (r < 0) {
        state.SkipWithError("wslay encode failed");
        break;
      }
      sent += static_cast<std::size_t>(r);
    }
    benchmark::ClobberMemory();
  }
  wslay_frame_context_free(ctx);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message_size));
  state.SetLabel("ref:ws_encode_masked_64k");
}
BENCHMARK(wslay_encode_masked_64k);

}  // namespace
