// fuzz_line: line_reader (impl/core) over a scripted stream, against models::decode_lines.
// Input: line settings (framing.hpp), a read script (fuzz_common.hpp), the stream's bytes.
// Strict and buffered readers, "\n", "\r\n" and any 1..8-byte separator, read_line, next_line
// and next_lines mixed, an optional handed-over prefix, would_block / partial reads / a read
// error anywhere. Checks: the records and the final eof or error equal the model's decoding
// (framing.records), no over-read in strict mode, memory within the capacity, sticky errors,
// would_block only when the lower stream blocked.
#include "framing.hpp"

using namespace stutter;
using namespace stutter::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const line_setup cfg = read_line_setup(in, /*allow_prefix=*/true);
  auto reads = in.script();
  auto rest = in.rest();
  const bytes all(rest.begin(), rest.end());
  const std::size_t prefix_size = std::min(cfg.prefix_len, all.size());
  bytes prefix(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(prefix_size));
  scripted_stream s(bytes(all.begin() + static_cast<std::ptrdiff_t>(prefix_size), all.end()),
                    script(reads, cfg.failures), script({}, false));

  const auto m = models::decode_lines(all, cfg.separator, cfg.max_line);
  const auto ends = line_ends(m.records, cfg.separator.size());

  buffered_reader br(s, reader_options(cfg.capacity, cfg.block, cfg.strict), std::move(prefix));
  line_reader reader(br, {.separator = cfg.separator, .max_line = cfg.max_line});
  progress_guard guard(size);
  const phase_outcome o = run_lines(reader, br, s, cfg, prefix_size, SIZE_MAX, ends, guard);
  compare_lines(o, m.records, m.error, m.tail.empty(), s.read_failed);
  return 0;
}
