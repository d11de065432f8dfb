// fuzz_handover: a line phase, then a length phase over the same stream (the line,length stack),
// against models::decode_phases. Input: a line-count byte (0..7), line settings, length settings
// (framing.hpp), a read script (fuzz_common.hpp), the stream's bytes. After the line-count-th
// line the line reader's buffered_reader hands its unconsumed bytes to the length phase's reader
// as its prefix. Checks: both phases' records and verdicts equal the model's (framing.records),
// the next phase starts exactly where the model says (handover.exact), a strict line phase hands
// over nothing it read from the lower stream (handover.no_overread), and the per-phase checks
// of fuzz_line and fuzz_length.
#include "framing.hpp"

using namespace stutter;
using namespace stutter::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const std::size_t line_count = in.byte() % 8;
  const line_setup lines = read_line_setup(in, /*allow_prefix=*/false);
  const length_setup records = read_length_setup(in, /*allow_prefix=*/false);
  auto reads = in.script();
  auto rest = in.rest();
  const bytes all(rest.begin(), rest.end());
  scripted_stream s(all, script(reads, lines.failures || records.failures), script({}, false));

  const auto kind = records.varint ? models::length_prefix::varint : models::length_prefix::u32be;
  const auto m = models::decode_phases(all, lines.separator, kind, line_count, lines.max_line, records.max_record);
  const auto ends = line_ends(m.line_records, lines.separator.size());
  progress_guard guard(size);

  buffered_reader first(s, reader_options(lines.capacity, lines.block, lines.strict));
  line_reader line_phase(first, {.separator = lines.separator, .max_line = lines.max_line});
  const phase_outcome one = run_lines(line_phase, first, s, lines, 0, line_count, ends, guard);
  if (one.records.size() < line_count) {
    // Phase one ended early: the model's tail is everything after its last line record.
    compare_lines(one, m.line_records, m.phase_one_error, m.length.tail.empty(), s.read_failed);
    return 0;
  }
  FUZZ_CHECK(m.handover.has_value(), "the line phase read " + std::to_string(line_count) +
                                         " lines but the model's phase one is incomplete");
  check_records(one.records, m.line_records, false);

  line_phase.release();
  const std::size_t lower_at_switch = s.position();
  bytes handed = first.handover();
  const std::size_t starts = lower_at_switch - handed.size();
  FUZZ_CHECK(starts == *m.handover, "handover.exact: the length phase starts at byte " + std::to_string(starts) +
                                        ", the model says " + std::to_string(*m.handover));
  if (lines.strict) FUZZ_CHECK(handed.empty(), "handover.no_overread: a strict line phase handed over " +
                                                   std::to_string(handed.size()) + " bytes");
  FUZZ_CHECK(first.allocated() == 0, "handover() kept its buffer");

  const std::span<const std::uint8_t> second_bytes = std::span<const std::uint8_t>(all).subspan(*m.handover);
  // The model's length phase, relative to the handover point.
  models::length_decode_result two_model = m.length;
  const auto two_ends = length_ends(second_bytes, two_model.records, records.varint);
  const std::size_t handed_size = handed.size();
  buffered_reader second(s, reader_options(records.capacity, records.block, records.strict), std::move(handed));
  length_reader length_phase(second, {.prefix = records.varint ? length_prefix::varint : length_prefix::u32be,
                                      .max_record = records.max_record});
  const phase_outcome two = run_records(length_phase, second, s, records, handed_size, two_ends, guard);
  compare_records(two, two_model, second_bytes, records, s.read_failed);
  return 0;
}
