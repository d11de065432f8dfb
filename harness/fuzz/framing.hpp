#pragma once
// Line and length framing under the fuzzer: the settings an input chooses, the loops that drive
// a line_reader / length_reader over the scripted stream, and their comparison with the
// reference models (models/line.hpp, models/length.hpp), as framing.records does in the runner.
//
// Line settings (fuzz_line, fuzz_handover), in input order:
//   flags      bit0 strict, bits1-2 separator (0 "\n", 1 "\r\n", 2-3 from the input), bit3 read
//              failures, bit4 a handed-over prefix (fuzz_line only)
//   max_line   two bytes, little endian, 0..1023
//   slack      buffer_capacity = max_line + separator + 16 * slack
//   block      read_block = 1 + block (255: 16 KiB)
//   api        two bits per record, cycling: 0 read_line, 1 next_line, 2-3 next_lines
//   batch      next_lines takes 1 + batch % 8 views
//   [separator: a byte n, then 1 + n % 8 bytes]     when bits1-2 are 2 or 3
//   [prefix: a byte p, the first p stream bytes]     when bit4 is set
// Length settings (fuzz_length, fuzz_handover):
//   flags      bit0 strict, bit1 varint (else u32be), bit2 read failures, bit3 a prefix (fuzz_length)
//   max_record two bytes, little endian: bit15 set -> 1 MiB (the default), else 0..32767
//   capacity   buffer_capacity = 10 + 16 * capacity (255: 64 KiB)
//   block      read_block = 1 + block (255: 16 KiB)
//   api        one bit per record, cycling over 8: 0 read_record, 1 next_record
//   [prefix: a byte p]                               when bit3 is set

#include <algorithm>
#include <array>
#include <optional>

#include "fuzz_common.hpp"
#include "stutter/buffered_reader.hpp"
#include "stutter/length_framing.hpp"
#include "stutter/line_framing.hpp"
#include "stutter_models/length.hpp"
#include "stutter_models/line.hpp"

namespace stutter::fuzz {

struct line_setup {
  bool strict = false;
  bool failures = false;
  bool prefix = false;
  bytes separator{'\n'};
  std::size_t max_line = 0;
  std::size_t capacity = 0;
  std::size_t block = 1;
  std::uint8_t api = 0;
  std::size_t batch = 1;
  std::size_t prefix_len = 0;
};

inline line_setup read_line_setup(input_reader& in, bool allow_prefix) {
  line_setup s;
  const std::uint8_t flags = in.byte();
  s.strict = flags & 1;
  const int sep_kind = (flags >> 1) & 3;
  s.failures = (flags >> 3) & 1;
  s.prefix = allow_prefix && ((flags >> 4) & 1);
  s.max_line = in.u16() % 1024;
  const std::size_t slack = in.byte();
  const std::uint8_t block = in.byte();
  s.block = block == 255 ? 16 * 1024 : 1 + block;
  s.api = in.byte();
  s.batch = 1 + in.byte() % 8;
  if (sep_kind == 1) s.separator = {'\r', '\n'};
  if (sep_kind >= 2) {
    const std::size_t n = 1 + in.byte() % 8;
    auto b = in.take(n);
    s.separator.assign(b.begin(), b.end());
    if (s.separator.empty()) s.separator = {'\n'};
  }
  s.capacity = s.max_line + s.separator.size() + 16 * slack;
  if (s.prefix) s.prefix_len = in.byte();
  return s;
}

struct length_setup {
  bool strict = false;
  bool varint = false;
  bool failures = false;
  bool prefix = false;
  std::size_t max_record = 0;
  std::size_t capacity = 10;
  std::size_t block = 1;
  std::uint8_t api = 0;
  std::size_t prefix_len = 0;
};

inline length_setup read_length_setup(input_reader& in, bool allow_prefix) {
  length_setup s;
  const std::uint8_t flags = in.byte();
  s.strict = flags & 1;
  s.varint = (flags >> 1) & 1;
  s.failures = (flags >> 2) & 1;
  s.prefix = allow_prefix && ((flags >> 3) & 1);
  const std::uint16_t max = in.u16();
  s.max_record = (max & 0x8000) ? 1024 * 1024 : max;  // the default
  const std::uint8_t cap = in.byte();
  s.capacity = cap == 255 ? 64 * 1024 : 10 + 16 * std::size_t{cap};
  const std::uint8_t block = in.byte();
  s.block = block == 255 ? 16 * 1024 : 1 + block;
  s.api = in.byte();
  if (s.prefix) s.prefix_len = in.byte();
  return s;
}

// What a phase delivered before it stopped.
struct phase_outcome {
  std::vector<bytes> records;
  std::error_code error{};
  bool eof = false;
};

inline std::string describe(const phase_outcome& o) {
  std::string s = std::to_string(o.records.size()) + " records, then ";
  if (o.eof) return s + "eof";
  if (o.error) return s + error_name(o.error);
  return s + "nothing";
}

// Strict mode reads nothing past the last record delivered: the bytes the reader holds (a
// handed-over prefix plus what it read from the lower stream) never pass where that record ends
// (relative to the reader's first byte), except for the prefix it was given.
inline void check_no_overread(bool strict, std::size_t prefix_size, std::size_t lower_read, std::size_t record_end) {
  if (!strict) return;
  FUZZ_CHECK(prefix_size + lower_read <= std::max(prefix_size, record_end),
             "strict reader over-read: holds " + std::to_string(prefix_size + lower_read) +
                 " bytes (prefix " + std::to_string(prefix_size) + ") after a record ending at " +
                 std::to_string(record_end));
}

inline void check_bounded(const buffered_reader& in, std::size_t capacity, std::size_t prefix_size) {
  FUZZ_CHECK(in.allocated() <= std::max(capacity, prefix_size),
             "buffer.bounded: " + std::to_string(in.allocated()) + " bytes allocated, capacity " +
                 std::to_string(capacity) + ", prefix " + std::to_string(prefix_size));
}

inline void check_records(const std::vector<bytes>& got, const std::vector<bytes>& model, bool prefix_only) {
  std::size_t k = 0;
  while (k < got.size() && k < model.size() && got[k] == model[k]) ++k;
  const bool ok = prefix_only ? k == got.size() : (k == got.size() && k == model.size());
  if (ok) return;
  std::string what = "delivered " + std::to_string(got.size()) + " records, the model decodes " +
                     std::to_string(model.size()) + "; they differ at record " + std::to_string(k);
  if (k < got.size()) what += "; delivered " + hex(got[k]);
  if (k < model.size()) what += "; model " + hex(model[k]);
  FUZZ_CHECK(false, what);
}

// Drives a line reader until eof, an error, or max_records lines. `ends[i]` is where the model's
// record i ends, relative to the reader's first byte (for the strict no-over-read check).
inline phase_outcome run_lines(line_reader& reader, buffered_reader& in, scripted_stream& s, const line_setup& cfg,
                               std::size_t prefix_size, std::size_t max_records, const std::vector<std::size_t>& ends,
                               progress_guard& guard) {
  phase_outcome out;
  const std::size_t lower_start = s.position();
  while (out.records.size() < max_records) {
    guard.tick();
    const std::size_t blocks = s.read_blocks;
    const int api = (cfg.api >> (2 * (out.records.size() % 4))) & 3;
    auto call = [&]() {
      io_result r;
      if (api == 0) {
        bytes line;
        r = reader.read_line(line);
        if (r.ok()) {
          FUZZ_CHECK(r.n == line.size(), "read_line: ok(n) with n != line size");
          out.records.push_back(std::move(line));
        }
      } else if (api == 1) {
        const_bytes line;
        r = reader.next_line(line);
        if (r.ok()) {
          FUZZ_CHECK(r.n == line.size(), "next_line: ok(n) with n != line size");
          out.records.emplace_back(line.begin(), line.end());
        }
      } else {
        std::array<const_bytes, 8> views{};
        const std::size_t want = std::min(cfg.batch, max_records - out.records.size());
        r = reader.next_lines(std::span<const_bytes>(views.data(), want));
        if (r.ok()) {
          FUZZ_CHECK(r.n >= 1 && r.n <= want,
                     "next_lines: ok(" + std::to_string(r.n) + ") for " + std::to_string(want) + " views");
          for (std::size_t i = 0; i < r.n; ++i) out.records.emplace_back(views[i].begin(), views[i].end());
        }
      }
      return r;
    };
    const io_result r = call();
    check_bounded(in, cfg.capacity, prefix_size);
    if (r.ok()) {
      const std::size_t last = out.records.size() - 1;
      if (last < ends.size()) check_no_overread(cfg.strict, prefix_size, s.position() - lower_start, ends[last]);
      continue;
    }
    if (r.st == status::would_block) {
      FUZZ_CHECK(s.read_blocks > blocks, "status.meaning: would_block without the lower stream blocking");
      continue;
    }
    if (r.st == status::eof) {
      FUZZ_CHECK(s.position() == s.data().size(), "eof before the lower stream ended");
      out.eof = true;
      break;
    }
    FUZZ_CHECK(r.st == status::error, "unexpected status " + std::string(to_string(r.st)));
    out.error = r.ec;
    const io_result retry = call();
    FUZZ_CHECK(retry.st == status::error && retry.ec == r.ec, "the error " + error_name(r.ec) + " is not sticky");
    break;
  }
  return out;
}

// The model's verdict on a line phase that stopped before max_records (eof or an error).
inline void compare_lines(const phase_outcome& o, const std::vector<bytes>& records, models::line_error error,
                          bool tail_empty, bool read_failed) {
  if (o.error == errc::connection_reset && read_failed) {
    check_records(o.records, records, /*prefix_only=*/true);
    return;
  }
  check_records(o.records, records, false);
  if (o.error == errc::line_too_long) {
    // Both report the limit at the byte that makes it certain (no separator can begin within
    // max_line any more).
    FUZZ_CHECK(error == models::line_error::line_too_long, "line_too_long but the model finds no error");
  } else if (o.error == errc::unexpected_eof) {
    FUZZ_CHECK(error == models::line_error::none, "unexpected_eof but the model finds line_too_long");
    FUZZ_CHECK(!tail_empty, "unexpected_eof at a record boundary");
  } else if (o.eof) {
    FUZZ_CHECK(error == models::line_error::none, "eof but the model finds line_too_long");
    FUZZ_CHECK(tail_empty, "eof inside a record");
  } else {
    FUZZ_CHECK(false, "line phase: unexpected " + describe(o));
  }
}

// Where each record the model decoded ends, relative to `from` (lines: payload + separator).
inline std::vector<std::size_t> line_ends(const std::vector<bytes>& records, std::size_t separator) {
  std::vector<std::size_t> ends;
  std::size_t at = 0;
  for (const auto& r : records) ends.push_back(at += r.size() + separator);
  return ends;
}

// Length records: prefix sizes are read back from the bytes (non-minimal varints are allowed).
inline std::vector<std::size_t> length_ends(std::span<const std::uint8_t> data, const std::vector<bytes>& records,
                                            bool varint) {
  std::vector<std::size_t> ends;
  std::size_t at = 0;
  for (const auto& r : records) {
    const std::size_t prefix = varint ? models::decode_varint(data.subspan(at)).size : 4;
    ends.push_back(at += prefix + r.size());
  }
  return ends;
}

// The length a record prefix at the front of `data` declares, if it is complete and well formed.
inline std::optional<std::uint64_t> declared_length(std::span<const std::uint8_t> data, bool varint) {
  if (varint) {
    auto d = models::decode_varint(data);
    if (d.status != models::varint_status::ok) return std::nullopt;
    return d.value;
  }
  if (data.size() < 4) return std::nullopt;
  return (std::uint64_t{data[0]} << 24) | (std::uint64_t{data[1]} << 16) | (std::uint64_t{data[2]} << 8) | data[3];
}

inline bool uses_next_record(const length_setup& cfg, std::size_t index) { return (cfg.api >> (index % 8)) & 1; }

inline phase_outcome run_records(length_reader& reader, buffered_reader& in, scripted_stream& s, const length_setup& cfg,
                                 std::size_t prefix_size, const std::vector<std::size_t>& ends, progress_guard& guard) {
  phase_outcome out;
  const std::size_t lower_start = s.position();
  bytes record;  // read_record's vector: the same one on every retry
  for (;;) {
    guard.tick();
    const std::size_t blocks = s.read_blocks;
    const bool next = uses_next_record(cfg, out.records.size());
    auto call = [&]() {
      io_result r;
      if (next) {
        const_bytes view;
        r = reader.next_record(view);
        if (r.ok()) {
          FUZZ_CHECK(r.n == view.size(), "next_record: ok(n) with n != record size");
          out.records.emplace_back(view.begin(), view.end());
        }
      } else {
        r = reader.read_record(record);
        if (r.ok()) {
          FUZZ_CHECK(r.n == record.size(), "read_record: ok(n) with n != record size");
          out.records.push_back(record);
        }
      }
      return r;
    };
    const io_result r = call();
    check_bounded(in, cfg.capacity, prefix_size);
    if (r.ok()) {
      const std::size_t last = out.records.size() - 1;
      if (last < ends.size()) check_no_overread(cfg.strict, prefix_size, s.position() - lower_start, ends[last]);
      continue;
    }
    if (r.st == status::would_block) {
      FUZZ_CHECK(s.read_blocks > blocks, "status.meaning: would_block without the lower stream blocking");
      continue;
    }
    if (r.st == status::eof) {
      FUZZ_CHECK(s.position() == s.data().size(), "eof before the lower stream ended");
      out.eof = true;
      break;
    }
    FUZZ_CHECK(r.st == status::error, "unexpected status " + std::string(to_string(r.st)));
    out.error = r.ec;
    const io_result retry = call();
    FUZZ_CHECK(retry.st == status::error && retry.ec == r.ec, "the error " + error_name(r.ec) + " is not sticky");
    break;
  }
  return out;
}

// `data` is what the length phase reads (its prefix first); `m` the model's decoding of it.
inline void compare_records(const phase_outcome& o, const models::length_decode_result& m, std::span<const std::uint8_t> data,
                            const length_setup& cfg, bool read_failed) {
  if (o.error == errc::connection_reset && read_failed) {
    check_records(o.records, m.records, /*prefix_only=*/true);
    return;
  }
  using models::length_error;
  if (o.error == errc::buffer_full) {
    // next_record holds a whole record in the buffer: a record longer than the capacity cannot be.
    check_records(o.records, m.records, /*prefix_only=*/true);
    FUZZ_CHECK(uses_next_record(cfg, o.records.size()), "buffer_full from read_record");
    const auto ends = length_ends(data, o.records, cfg.varint);
    const std::size_t at = ends.empty() ? 0 : ends.back();
    const auto declared = declared_length(data.subspan(at), cfg.varint);
    FUZZ_CHECK(declared && *declared > cfg.capacity && *declared <= cfg.max_record,
               "buffer_full for a record that fits the capacity " + std::to_string(cfg.capacity));
    return;
  }
  check_records(o.records, m.records, false);
  const std::string model_error = m.error == length_error::record_too_large   ? "record_too_large"
                                  : m.error == length_error::varint_malformed ? "varint_malformed"
                                                                              : "no error";
  if (o.error == errc::record_too_large) {
    FUZZ_CHECK(m.error == length_error::record_too_large, "record_too_large but the model finds " + model_error);
  } else if (o.error == errc::varint_malformed) {
    FUZZ_CHECK(m.error == length_error::varint_malformed, "varint_malformed but the model finds " + model_error);
  } else if (o.error == errc::unexpected_eof) {
    FUZZ_CHECK(m.error == length_error::none, "unexpected_eof but the model finds " + model_error);
    FUZZ_CHECK(!m.tail.empty(), "unexpected_eof at a record boundary");
  } else if (o.eof) {
    FUZZ_CHECK(m.error == length_error::none, "eof but the model finds " + model_error);
    FUZZ_CHECK(m.tail.empty(), "eof inside a record");
  } else {
    FUZZ_CHECK(false, "length phase: unexpected " + describe(o));
  }
}

inline buffered_reader_options reader_options(std::size_t capacity, std::size_t block, bool strict) {
  return {.capacity = capacity, .block = block, .strict = strict};
}

}  // namespace stutter::fuzz
