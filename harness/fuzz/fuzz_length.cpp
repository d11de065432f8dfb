// fuzz_length: length_reader (impl/core) over a scripted stream, against models::decode_records.
// Input: length settings (framing.hpp), a read script (fuzz_common.hpp), the stream's bytes.
// Strict and buffered readers, u32be and varint prefixes, read_record and next_record mixed,
// an optional handed-over prefix, would_block / partial reads / a read error anywhere. Checks:
// the records and the final eof or error equal the model's decoding (framing.records; buffer_full
// only from next_record for a record over the capacity), no over-read in strict mode, memory
// within the capacity, sticky errors, would_block only when the lower stream blocked.
#include "framing.hpp"

using namespace stutter;
using namespace stutter::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const length_setup cfg = read_length_setup(in, /*allow_prefix=*/true);
  auto reads = in.script();
  auto rest = in.rest();
  const bytes all(rest.begin(), rest.end());
  const std::size_t prefix_size = std::min(cfg.prefix_len, all.size());
  bytes prefix(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(prefix_size));
  scripted_stream s(bytes(all.begin() + static_cast<std::ptrdiff_t>(prefix_size), all.end()),
                    script(reads, cfg.failures), script({}, false));

  const auto kind = cfg.varint ? models::length_prefix::varint : models::length_prefix::u32be;
  const auto m = models::decode_records(all, kind, cfg.max_record);
  const auto ends = length_ends(all, m.records, cfg.varint);

  buffered_reader br(s, reader_options(cfg.capacity, cfg.block, cfg.strict), std::move(prefix));
  length_reader reader(br, {.prefix = cfg.varint ? length_prefix::varint : length_prefix::u32be,
                            .max_record = cfg.max_record});
  progress_guard guard(size);
  const phase_outcome o = run_records(reader, br, s, cfg, prefix_size, ends, guard);
  compare_records(o, m, all, cfg, s.read_failed);
  return 0;
}
