// fuzz_websocket: websocket_stream::read_message (impl/websocket), both roles, over a scripted
// stream, against the WebSocket wire model as the runner's framing.records uses it
// (runner/phase_model.cpp over models/websocket.hpp).
//
// Input, in order:
//   flags       bit0 the reader is the server (reads masked client frames; else the client),
//               bit1 read failures, bit2 write failures, bit3 a handed-over prefix,
//               bits4-5 both set: validate_utf8 off (no model comparison then),
//               bit6 the reader also sends pings of its own (one before every third read)
//   max_message two bytes, little endian: bit15 set -> 1 MiB (the scenario default), else 0..32767
//   prefix      the first p stream bytes go to the constructor (a handshake's handover())
//   entropy     four bytes seeding the mask keys of what the reader writes (pongs, close)
//   read script, write script (fuzz_common.hpp), the stream's bytes: the peer's frames.
// The reader reads messages until eof or an error, answering pings and the close as it goes,
// through a lower stream that blocks, moves a few bytes at a time, or fails as the scripts say.
//
// Checks: the messages delivered equal the model's; the reader ends with eof exactly when the model
// sees a close and nothing after it, with unexpected_eof when the stream ends before, and with the
// model's error otherwise (three known, tolerated differences below); errors and eof are sticky;
// would_block / need_write only when the lower stream blocked that direction; what the reader wrote
// parses as frames of its role without a violation (masked iff client), pongs carry a ping's
// payload, a failure ends with a close frame carrying the error's close code, and the write side is
// shut down after the close.
#include <array>
#include <optional>
#include <set>

#include "fuzz_common.hpp"
#include "runner/phase_model.hpp"
#include "stutter/ws/errors.hpp"
#include "stutter/ws/websocket.hpp"
#include "stutter_models/utf8.hpp"
#include "stutter_models/websocket.hpp"

using namespace stutter;
using namespace stutter::fuzz;

namespace {

struct message {
  ws::message_type type;
  bytes payload;
};

bool header_level(const std::string& e) {
  static const std::set<std::string> names{"reserved_bits",       "reserved_opcode",       "unmasked_frame",
                                           "masked_frame",        "non_minimal_length",    "length_top_bit",
                                           "control_too_long",    "control_fragmented",    "unexpected_continuation",
                                           "expected_continuation", "message_too_big"};
  return names.count(e) != 0;
}

runner::model_decoding model_of(std::span<const std::uint8_t> data, std::size_t max_message,
                                scenario::endpoint_id sender) {
  scenario::settings config;
  config.max_message = static_cast<std::uint32_t>(max_message);
  return *runner::model_decode(scenario::layer::websocket, config, data, SIZE_MAX, sender);
}

// Whether `text` can still begin a valid UTF-8 text: the part before its last character is valid
// and that character can be completed with at most three continuation bytes.
bool utf8_prefix_valid(const bytes& text) {
  // The last character starts at the last byte that is no continuation byte (10xxxxxx), among the
  // last four; four continuation bytes in a row are invalid whatever `cut` is.
  const std::size_t lowest = text.size() >= 4 ? text.size() - 4 : 0;
  std::size_t i = text.size();
  while (i > lowest && (text[i - 1] & 0xc0) == 0x80) --i;
  const std::size_t cut = i > lowest ? i - 1 : lowest;
  if (!models::is_valid_utf8(std::span<const std::uint8_t>(text).first(cut))) return false;
  const bytes last(text.begin() + static_cast<std::ptrdiff_t>(cut), text.end());
  static const std::uint8_t cont[] = {0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf};
  if (models::is_valid_utf8(last)) return true;
  for (std::uint8_t a : cont) {
    bytes t1 = last;
    t1.push_back(a);
    if (models::is_valid_utf8(t1)) return true;
    for (std::uint8_t b : cont) {
      bytes t2 = t1;
      t2.push_back(b);
      if (models::is_valid_utf8(t2)) return true;
      for (std::uint8_t c : cont) {
        bytes t3 = t2;
        t3.push_back(c);
        if (models::is_valid_utf8(t3)) return true;
      }
    }
  }
  return false;
}

// Whether a frame header (RFC 6455 5.2: two bytes, 0, 2 or 8 length bytes, a 4-byte mask key if
// the mask bit is set) is complete at the front of `b`.
bool header_complete(std::span<const std::uint8_t> b) {
  if (b.size() < 2) return false;
  const std::size_t len7 = b[1] & 0x7f;
  return b.size() >= 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b[1] & 0x80) ? 4 : 0);
}

// The size of the frame at the front of `b` (header and payload), once its length is there.
std::optional<std::uint64_t> frame_size(std::span<const std::uint8_t> b) {
  if (b.size() < 2) return std::nullopt;
  const std::size_t len7 = b[1] & 0x7f;
  const std::size_t extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  if (b.size() < 2 + extra) return std::nullopt;
  std::uint64_t length = len7;
  if (extra != 0) {
    length = 0;
    for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | b[2 + i];
  }
  if (length >> 62) return std::nullopt;
  return 2 + extra + ((b[1] & 0x80) ? 4 : 0) + length;
}

// The model's frames of `data` with its last frame, cut short, completed (if that takes at most
// `cap` bytes): `data` padded with 0xff bytes, so that whatever follows that frame reads as a
// header with the top length bit set, where the model stops. Only the bytes before data.size()
// are real.
std::optional<models::ws_parse_result> completed_frames(std::span<const std::uint8_t> data, std::size_t cap,
                                                        models::ws_role sender) {
  const auto whole = models::parse_frames(data, sender);
  if (whole.tail.empty()) return std::nullopt;
  // A header cut short: 14 bytes complete it (then its length tells how much more is needed).
  std::size_t pad = 14;
  if (auto n = frame_size(whole.tail)) {
    if (*n - whole.tail.size() > cap) return std::nullopt;
    pad = static_cast<std::size_t>(*n - whole.tail.size()) + 14;
  }
  bytes padded(data.begin(), data.end());
  padded.resize(data.size() + pad, 0xff);
  auto parsed = models::parse_frames(padded, sender);
  if (parsed.frames.size() <= whole.frames.size()) {
    // The 0xff bytes made the header ask for more; ask again with them in it.
    if (auto n = frame_size(std::span<const std::uint8_t>(padded).subspan(whole.consumed))) {
      if (*n > cap + whole.tail.size()) return std::nullopt;
      padded.resize(whole.consumed + static_cast<std::size_t>(*n) + 14, 0xff);
      parsed = models::parse_frames(padded, sender);
    }
  }
  if (parsed.frames.size() <= whole.frames.size()) return std::nullopt;
  return parsed;
}

// Known difference "utf8-fail-fast": the reader validates text as it arrives and fails as soon as
// the bytes so far cannot start valid text; the model judges a text message when its last fragment
// is complete. The reader's invalid_utf8 is right iff some text message's real bytes stop being a
// valid prefix in a frame j that the model accepts up to (no other error in data up to frame j).
bool utf8_fail_fast_ok(std::span<const std::uint8_t> data, std::size_t max_message, models::ws_role role,
                       scenario::endpoint_id sender) {
  const auto completed = completed_frames(data, std::max<std::size_t>(max_message, 125) + 14, role);
  const auto parsed = completed ? *completed : models::parse_frames(data, role);
  bool in_text = false;
  bytes text;
  for (const auto& f : parsed.frames) {
    if (f.offset + f.header_size > data.size()) break;  // the reader never saw this header whole
    if (models::ws_is_control(f.opcode)) continue;
    if (f.opcode == models::ws_opcode::text) {
      in_text = true;
      text.clear();
    } else if (f.opcode == models::ws_opcode::binary) {
      in_text = false;
    } else if (f.opcode != models::ws_opcode::continuation) {
      break;
    }
    const std::size_t real = std::min<std::size_t>(f.payload.size(), data.size() - (f.offset + f.header_size));
    const std::size_t end = f.offset + f.header_size + real;
    if (in_text) {
      text.insert(text.end(), f.payload.begin(), f.payload.begin() + static_cast<std::ptrdiff_t>(real));
      if (!utf8_prefix_valid(text)) {
        const auto upto = model_of(data.first(end), max_message, sender);
        return upto.error.empty() || upto.error == "invalid_utf8";
      }
    }
    if (f.fin) in_text = false;
  }
  return false;
}

// Known difference "eager-header-checks": the reader judges a frame's header as soon as the header
// is complete; the model lists (and judges) a frame only once its payload is complete too. For the
// last frame, cut short, the model is asked about it completed with zero bytes (cut there); if it
// is too long to complete, its header must fail anyway (message_too_big, control_too_long or a rule
// checked before those).
std::optional<std::string> model_error_of_cut_frame(std::span<const std::uint8_t> data, std::size_t max_message,
                                                    models::ws_role role, scenario::endpoint_id sender,
                                                    bool& header_incomplete, bool& too_long,
                                                    std::optional<models::ws_frame>& completed) {
  header_incomplete = too_long = false;
  const auto whole = models::parse_frames(data, role);
  if (whole.violation || whole.tail.empty()) return std::nullopt;
  if (!header_complete(whole.tail)) {
    header_incomplete = true;
    return std::nullopt;
  }
  const std::size_t n = whole.frames.size();
  const auto parsed = completed_frames(data, std::max<std::size_t>(max_message, 0xffff) + 14, role);
  if (!parsed) {
    too_long = true;
    return std::nullopt;
  }
  const auto& f = parsed->frames[n];
  completed = f;
  bytes cut(data.begin(), data.end());
  cut.resize(f.offset + f.header_size + f.payload.size(), 0);
  return model_of(cut, max_message, sender).error;
}

bool non_minimal(const models::ws_frame& f) {
  return (f.length_encoding == models::ws_length_encoding::len16 && f.payload_length <= 125) ||
         (f.length_encoding == models::ws_length_encoding::len64 && f.payload_length <= 0xffff);
}

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const std::uint8_t flags = in.byte();
  const bool server = flags & 1;
  const bool read_failures = (flags >> 1) & 1;
  const bool write_failures = (flags >> 2) & 1;
  const bool has_prefix = (flags >> 3) & 1;
  const bool validate_utf8 = ((flags >> 4) & 3) != 3;
  const bool own_pings = (flags >> 6) & 1;
  const std::uint16_t max = in.u16();
  const std::size_t max_message = (max & 0x8000) ? 1024 * 1024 : max;
  const std::size_t prefix_len = has_prefix ? in.byte() : 0;
  std::uint64_t seed = in.u32();
  auto reads = in.script();
  auto writes = in.script();
  auto rest = in.rest();
  const bytes all(rest.begin(), rest.end());
  const std::size_t prefix_size = std::min(prefix_len, all.size());

  scripted_stream s(bytes(all.begin() + static_cast<std::ptrdiff_t>(prefix_size), all.end()),
                    script(reads, read_failures), script(writes, write_failures));
  ws::websocket_stream stream(
      s, {.side = server ? ws::role::server : ws::role::client, .max_message = max_message, .validate_utf8 = validate_utf8},
      [seed]() mutable { return splitmix(seed); }, bytes(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(prefix_size)));

  std::vector<message> got;
  bytes out;
  ws::message_type type = ws::message_type::binary;
  io_result end;
  progress_guard guard(size);
  // Own pings between reads: the same buffer on every retry; the payload's size varies.
  static const std::array<std::uint8_t, 125> ping_payload = [] {
    std::array<std::uint8_t, 125> p{};
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>('a' + i % 26);
    return p;
  }();
  std::size_t read_calls = 0;
  bool pinging = own_pings;
  for (;;) {
    guard.tick();
    if (pinging && read_calls++ % 3 == 0) {
      const const_bytes payload(ping_payload.data(), (read_calls * 37) % 126);
      for (;;) {
        guard.tick();
        const std::size_t wb = s.write_blocks;
        const io_result p = stream.ping(payload);
        if (p.ok()) {
          FUZZ_CHECK(p.n == payload.size(), "ping: ok(" + std::to_string(p.n) + ") for " + std::to_string(payload.size()));
          break;
        }
        if (p.st == status::would_block) {
          FUZZ_CHECK(s.write_blocks > wb, "status.meaning: a ping would_block without the lower stream blocking");
          continue;
        }
        FUZZ_CHECK(p.st == status::error, "ping: unexpected status " + std::string(to_string(p.st)));
        pinging = false;  // closed, or the connection failed: the reads say why
        break;
      }
    }
    const std::size_t rb = s.read_blocks, wb = s.write_blocks;
    io_result r = stream.read_message(out, type);
    if (r.ok()) {
      FUZZ_CHECK(r.n == out.size(), "ok(" + std::to_string(r.n) + ") for a message of " + std::to_string(out.size()));
      got.push_back({type, out});
      continue;
    }
    if (r.st == status::would_block) {
      FUZZ_CHECK(s.read_blocks > rb, "status.meaning: would_block without the lower stream blocking a read");
      continue;
    }
    if (r.st == status::need_write) {
      FUZZ_CHECK(s.write_blocks > wb, "status.meaning: need_write without the lower stream blocking a write");
      continue;
    }
    FUZZ_CHECK(r.st == status::eof || r.st == status::error, "unexpected status " + std::string(to_string(r.st)));
    end = r;
    break;
  }
  {
    bytes again;
    const io_result r = stream.read_message(again, type);
    FUZZ_CHECK(r.st == end.st && r.ec == end.ec, "the reader's " + std::string(to_string(end.st)) + " is not sticky");
  }

  const auto sender = server ? scenario::endpoint_id::client : scenario::endpoint_id::server;
  const auto peer_role = server ? models::ws_role::client : models::ws_role::server;
  const auto own_role = server ? models::ws_role::server : models::ws_role::client;
  const auto model = model_of(all, max_message, sender);
  const auto parsed = models::parse_frames(all, peer_role);
  const std::string name = end.st == status::eof ? "eof" : error_name(end.ec);
  if (std::getenv("STUTTER_FUZZ_DEBUG")) {
    std::fprintf(stderr, "%s reader, max_message %zu, prefix %zu, read %zu of %zu bytes; %zu messages, then %s; "
                 "model: %zu messages, error '%s'; wrote %s%s\n",
                 server ? "server" : "client", max_message, prefix_size, s.position(), s.data().size(), got.size(),
                 name.c_str(), model.records.size(), model.error.c_str(), hex(s.written, 200).c_str(),
                 s.shut_down ? " (shut down)" : "");
    std::fprintf(stderr, "stream %s\n", hex(all, 400).c_str());
  }
  std::vector<bytes> delivered;
  for (const auto& m : got) delivered.push_back(m.payload);

  const bool injected = (s.read_failed && end.ec == errc::connection_reset) || (s.write_failed && end.ec == errc::broken_pipe);
  if (validate_utf8) {
    std::size_t k = 0;
    while (k < delivered.size() && k < model.records.size() && delivered[k] == model.records[k]) ++k;
    const bool same = k == delivered.size() && (injected || k == model.records.size());
    FUZZ_CHECK(same, "framing.records: delivered " + std::to_string(delivered.size()) + " messages, the model " +
                         std::to_string(model.records.size()) + "; they differ at " + std::to_string(k) + " (ended with " +
                         name + ", the model finds '" + model.error + "')");
  }
  bool has_close = false;
  for (const auto& f : parsed.frames) has_close |= f.opcode == models::ws_opcode::close;

  if (validate_utf8 && !injected) {
    if (end.st == status::eof) {
      FUZZ_CHECK(model.error.empty() && has_close, "eof, but the model finds '" + model.error + "'" +
                                                       (has_close ? "" : " and no close frame"));
    } else if (name == "unexpected_eof") {
      // Known difference "model-judges-length-early": the model judges a frame's length (length_msb;
      // runner/phase_model's message_too_big) from a header that still lacks its mask key; the
      // reader waits for the whole header, so a stream that ends there is an unexpected_eof to it.
      const bool length_before_key = (model.error == "message_too_big" || model.error == "length_top_bit") &&
                                     !header_complete(parsed.tail) && tolerate("model-judges-length-early");
      FUZZ_CHECK((model.error.empty() || length_before_key) && !has_close,
                 "unexpected_eof, but the model finds '" + model.error + "'" + (has_close ? " and a close frame" : ""));
    } else if (name != model.error) {
      bool ok = false;
      std::string why;
      if (name == "invalid_utf8" && tolerate("utf8-fail-fast")) {
        ok = utf8_fail_fast_ok(all, max_message, peer_role, sender);
        why = " (and no text message turns invalid before it)";
      }
      std::string effective = model.error;
      std::optional<models::ws_frame> frame;
      if (parsed.violation && parsed.violation->frame_index < parsed.frames.size()) {
        frame = parsed.frames[parsed.violation->frame_index];
      }
      if (!ok && header_level(name) && tolerate("eager-header-checks")) {
        bool header_incomplete = false, too_long = false;
        std::optional<models::ws_frame> last;
        auto cut = model_error_of_cut_frame(all, max_message, peer_role, sender, header_incomplete, too_long, last);
        if (too_long) {
          ok = true;
        } else if (cut) {
          effective = *cut;
          ok = *cut == name;
          frame = last;
        }
        why += "; the last frame, completed, gives '" + effective + "'";
      }
      // Known difference "length-checked-first": decode_header rejects a non-minimal length before
      // the RSV bits and the opcode are looked at; the model checks those first.
      if (!ok && name == "non_minimal_length" && (effective == "reserved_bits" || effective == "reserved_opcode") &&
          frame && non_minimal(*frame) && tolerate("length-checked-first")) {
        ok = true;
      }
      // Known difference "after-close-first": any byte after the peer's close frame fails the
      // reader with data_after_close; the model checks the header rules of the frame after the close
      // (RSV, opcode, lengths, mask) before after_close.
      if (!ok && name == "data_after_close" && parsed.violation && tolerate("after-close-first")) {
        for (std::size_t k = 0; k < parsed.violation->frame_index && k < parsed.frames.size(); ++k) {
          ok |= parsed.frames[k].opcode == models::ws_opcode::close;
        }
      }
      FUZZ_CHECK(ok, "the reader fails with " + name + ", the model finds '" + model.error + "'" + why);
    }
  }

  // What the reader wrote: pongs and its close, well formed for its role.
  if (!s.write_failed) {
    const auto mine = models::parse_frames(s.written, own_role);
    FUZZ_CHECK(!mine.violation, "the reader wrote a frame that breaks " + (mine.violation ? mine.violation->id : ""));
    // After an error that sends no close frame (1006, a lower-stream error) nothing more is written,
    // so a pong may stay cut short; otherwise every frame went out whole.
    const std::uint16_t failure_code = end.st == status::error ? ws::close_code_of(end.ec) : 0;
    const bool dead = end.st == status::error && (failure_code == 0 || failure_code == 1006);
    FUZZ_CHECK(mine.tail.empty() || dead, "the reader left a frame written in part: " + hex(mine.tail));
    std::set<bytes> pings;
    for (const auto& f : parsed.frames)
      if (f.opcode == models::ws_opcode::ping) pings.insert(f.payload);
    std::size_t closes = 0;
    for (const auto& f : mine.frames) {
      FUZZ_CHECK(models::ws_is_control(f.opcode), "the reader wrote a data frame");
      if (f.opcode == models::ws_opcode::ping) {
        FUZZ_CHECK(own_pings && std::equal(f.payload.begin(), f.payload.end(), ping_payload.begin()),
                   "a ping nobody sent: " + hex(f.payload));
      }
      if (f.opcode == models::ws_opcode::pong) {
        FUZZ_CHECK(pings.count(f.payload) != 0, "a pong whose payload no ping carried: " + hex(f.payload));
      }
      if (f.opcode == models::ws_opcode::close) ++closes;
    }
    FUZZ_CHECK(closes <= 1, "the reader wrote " + std::to_string(closes) + " close frames");
    const bool wrote_close = closes == 1 && mine.frames.back().opcode == models::ws_opcode::close;
    auto code_of = [](const models::ws_frame& f) -> std::uint16_t {
      return f.payload.size() >= 2 ? static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]) : 1005;
    };
    if (end.st == status::eof) {
      FUZZ_CHECK(wrote_close, "eof without answering the peer's close");
      FUZZ_CHECK(code_of(mine.frames.back()) == stream.close_code(),
                 "the close answer carries " + std::to_string(code_of(mine.frames.back())) + ", the peer's close " +
                     std::to_string(stream.close_code()));
    } else if (failure_code != 0 && failure_code != 1006) {
      FUZZ_CHECK(wrote_close, "failed with " + name + " without a close frame");
      const std::uint16_t code = code_of(mine.frames.back());
      FUZZ_CHECK(code == failure_code || (stream.close_received() && code == stream.close_code()),
                 "failed with " + name + " but the close frame carries " + std::to_string(code));
    } else if (!stream.close_received()) {
      FUZZ_CHECK(closes == 0, "a close frame after " + name);
    }
    if (wrote_close && (end.st == status::eof || failure_code != 0)) {
      FUZZ_CHECK(s.shut_down, "the write side is not shut down after the close frame");
    }
  }
  return 0;
}
