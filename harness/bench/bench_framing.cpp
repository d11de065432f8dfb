// Framing throughput against memcpy of the same bytes, measured in the same run.
#include <benchmark/benchmark.h>

#include <array>
#include <cstring>
#include <vector>

#include "stutter/length_framing.hpp"
#include "stutter/line_framing.hpp"
#include "stutter/memory_stream.hpp"
#include "copy_sink.hpp"

using namespace stutter;

namespace {

constexpr std::size_t total_bytes = 4 * 1024 * 1024;

std::vector<byte> length_wire(std::size_t record, std::vector<std::vector<byte>>* records = nullptr) {
  std::vector<byte> wire;
  for (std::size_t sent = 0; sent < total_bytes; sent += record) {
    byte header[10];
    std::size_t n = encode_length_prefix(length_prefix::u32be, record, header);
    wire.insert(wire.end(), header, header + n);
    std::vector<byte> payload(record, static_cast<byte>(sent));
    wire.insert(wire.end(), payload.begin(), payload.end());
    if (records) records->push_back(std::move(payload));
  }
  return wire;
}

std::vector<byte> line_wire(std::size_t line) {
  std::vector<byte> wire;
  for (std::size_t sent = 0; sent < total_bytes; sent += line + 1) {
    wire.insert(wire.end(), line, 'x');
    wire.push_back('\n');
  }
  return wire;
}

void memcpy_reference(benchmark::State& state) {
  std::vector<byte> src(total_bytes, 7), dst(total_bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes));
}
BENCHMARK(memcpy_reference)->Name("memcpy");

void length_decode(benchmark::State& state) {
  const auto record = static_cast<std::size_t>(state.range(0));
  const auto wire = length_wire(record);
  std::vector<byte> out;
  memory_source src(wire);
  for (auto _ : state) {
    src.rewind();
    buffered_reader in(src, {.capacity = 1 << 17, .block = 1 << 16});
    length_reader reader(in, {.max_record = 1 << 20});
    while (reader.read_record(out).ok()) benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
  state.SetLabel("ref:memcpy");
}
BENCHMARK(length_decode)->Arg(64 * 1024)->Arg(80);

// The zero-copy decode: each record viewed in the reader's buffer (next_record), which holds
// two records' worth, so the only copy is the one into the buffer.
void length_decode_in_place(benchmark::State& state) {
  const auto record = static_cast<std::size_t>(state.range(0));
  const auto wire = length_wire(record);
  memory_source src(wire);
  for (auto _ : state) {
    src.rewind();
    buffered_reader in(src, {.capacity = 2 * (record + 16) + (1 << 16), .block = 1 << 16});
    length_reader reader(in, {.max_record = 1 << 20});
    const_bytes view;
    while (reader.next_record(view).ok()) benchmark::DoNotOptimize(view.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
  state.SetLabel("ref:memcpy");
}
BENCHMARK(length_decode_in_place)->Arg(64 * 1024)->Arg(80);

void line_split(benchmark::State& state) {
  const auto wire = line_wire(static_cast<std::size_t>(state.range(0)));
  memory_source src(wire);
  for (auto _ : state) {
    src.rewind();
    buffered_reader in(src, {.capacity = 1 << 17, .block = 1 << 16});
    line_reader reader(in, {});
    const_bytes line;
    while (reader.next_line(line).ok()) benchmark::DoNotOptimize(line.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
  state.SetLabel("ref:memcpy");
}
BENCHMARK(line_split)->Arg(79);

// The same with next_lines: up to 64 line views per call.
void line_split_batched(benchmark::State& state) {
  const auto wire = line_wire(static_cast<std::size_t>(state.range(0)));
  memory_source src(wire);
  std::array<const_bytes, 64> lines;
  for (auto _ : state) {
    src.rewind();
    buffered_reader in(src, {.capacity = 1 << 17, .block = 1 << 16});
    line_reader reader(in, {});
    for (io_result r = reader.next_lines(lines); r.ok(); r = reader.next_lines(lines)) {
      for (std::size_t i = 0; i < r.n; ++i) benchmark::DoNotOptimize(lines[i].data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
  state.SetLabel("ref:memcpy");
}
BENCHMARK(line_split_batched)->Arg(79);

void length_encode(benchmark::State& state) {
  const auto record = static_cast<std::size_t>(state.range(0));
  std::vector<byte> payload(record, 1);
  bench::copy_sink sink(total_bytes + 4096);
  for (auto _ : state) {
    sink.rewind();
    length_writer writer(sink, {.max_record = 1 << 20});
    for (std::size_t sent = 0; sent < total_bytes; sent += record) (void)writer.write_record(payload);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes));
  state.SetLabel("ref:memcpy");
}
BENCHMARK(length_encode)->Arg(64 * 1024);

}  // namespace
