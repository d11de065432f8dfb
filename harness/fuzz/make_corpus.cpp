// make_corpus: writes the seed corpora of the fuzz targets from the bundled scenarios.
//
//   make_corpus OUT_DIR FILE_OR_DIR...
//
// Every *.json under the arguments (recursively) and every *.json.bad:
// - a file the scenario loader accepts, or a scenario file it rejects (*.bad under a folder named
//   malformed*), seeds fuzz_scenario as it is; one load_expectations accepts, or a *.bad beside
//   malformed expectations, seeds fuzz_expectations;
// - for a scenario without tls, the bytes each endpoint's peer puts on the wire (its sends encoded
//   by the models' encoders for the peer's phase, its raw steps as they are, its pings and close as
//   WebSocket frames, the HTTP Upgrade request or 101 response for an http-upgrade phase) become a
//   seed of the target that reads them, with the receiving endpoint's settings, once read whole
//   and once through a stuttering read script (and write script): fuzz_line, fuzz_length,
//   fuzz_handover for line / length stacks, fuzz_http and fuzz_websocket for
//   http-upgrade,websocket.
// fuzz_results gets the reports tests' documents (reports/tests/fixtures.cpp).
// The layouts written are the ones documented in framing.hpp, fuzz_websocket.cpp and fuzz_http.cpp.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "scenario/expectations.hpp"
#include "scenario/load.hpp"
#include "stutter_models/length.hpp"
#include "stutter_models/line.hpp"
#include "stutter_models/websocket.hpp"

namespace fs = std::filesystem;
using namespace stutter;
using scenario::layer;
using scenario::step_kind;
using bytes = std::vector<std::uint8_t>;

namespace {

fs::path out_dir;
std::map<std::string, std::size_t> written;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string safe(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') c = '_';
  return s;
}

void emit(const std::string& target, const std::string& name, const bytes& input) {
  const fs::path dir = out_dir / target;
  fs::create_directories(dir);
  std::ofstream(dir / safe(name), std::ios::binary).write(reinterpret_cast<const char*>(input.data()),
                                                          static_cast<std::streamsize>(input.size()));
  ++written[target];
}

void emit_text(const std::string& target, const std::string& name, const std::string& text) {
  emit(target, name, bytes(text.begin(), text.end()));
}

struct writer {
  bytes b;
  void byte(std::uint8_t v) { b.push_back(v); }
  void u16(std::uint16_t v) {
    byte(static_cast<std::uint8_t>(v));
    byte(static_cast<std::uint8_t>(v >> 8));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v));
    u16(static_cast<std::uint16_t>(v >> 16));
  }
  void script(const bytes& s) {
    byte(static_cast<std::uint8_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  }
  void rest(const bytes& data) { b.insert(b.end(), data.begin(), data.end()); }
};

// Two ways to read each seed: whole, and stuttering (blocks, 1-byte and short reads).
struct variant {
  const char* name;
  bytes reads;
  bytes writes;
  std::uint8_t api;  // which reader calls (framing.hpp): one at a time, or all of them in turn
};
const variant variants[] = {{"whole", {}, {}, 0x00}, {"stutter", {3, 0, 1, 17, 0, 64, 2}, {5, 0, 2, 1}, 0xe4}};

// framing.hpp: line settings.
void line_setup(writer& w, const scenario::settings& c, std::uint8_t api) {
  const bytes sep(c.separator.begin(), c.separator.end());
  const int kind = sep == bytes{'\n'} ? 0 : sep == bytes{'\r', '\n'} ? 1 : 2;
  w.byte(static_cast<std::uint8_t>((c.strict ? 1 : 0) | (kind << 1)));
  const std::size_t max_line = std::min<std::size_t>(c.max_line, 1023);
  w.u16(static_cast<std::uint16_t>(max_line));
  const std::size_t room = c.buffer_capacity > max_line + sep.size() ? c.buffer_capacity - max_line - sep.size() : 0;
  w.byte(static_cast<std::uint8_t>(std::min<std::size_t>(room / 16, 254)));
  w.byte(c.read_block >= 256 ? 255 : static_cast<std::uint8_t>(std::max<std::uint32_t>(c.read_block, 1) - 1));
  w.byte(api);
  w.byte(7);  // next_lines: 8 views
  if (kind == 2) {
    w.byte(static_cast<std::uint8_t>(sep.size() - 1));
    w.rest(sep);
  }
}

// framing.hpp: length settings.
void length_setup(writer& w, const scenario::settings& c, std::uint8_t api) {
  w.byte(static_cast<std::uint8_t>((c.strict ? 1 : 0) | (c.length_prefix == "varint" ? 2 : 0)));
  w.u16(c.max_record <= 0x7fff ? static_cast<std::uint16_t>(c.max_record) : 0x8000);
  w.byte(c.buffer_capacity >= 64 * 1024 ? 255 : static_cast<std::uint8_t>(std::min<std::size_t>((c.buffer_capacity - 10) / 16, 254)));
  w.byte(c.read_block >= 256 ? 255 : static_cast<std::uint8_t>(std::max<std::uint32_t>(c.read_block, 1) - 1));
  w.byte(api == 0 ? 0 : 0xaa);
}

const char* request =
    "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const char* response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: $ACCEPT\r\n\r\n";

// What `sender` writes, and where its second phase begins (SIZE_MAX if it never switches).
struct wire {
  bytes data;
  std::size_t switched_at = SIZE_MAX;
};

wire wire_of(const scenario::endpoint& sender, bool sender_is_client) {
  wire w;
  std::size_t phase = 0;
  auto append = [&](const bytes& b) { w.data.insert(w.data.end(), b.begin(), b.end()); };
  auto active = [&]() { return phase < sender.stack.size() ? sender.stack[phase] : sender.stack.back(); };
  if (active() == layer::http_upgrade) {
    const std::string head = sender_is_client ? request : response;
    append(bytes(head.begin(), head.end()));
    ++phase;  // the handshake switches to the next phase by itself
    w.switched_at = w.data.size();
  }
  const bytes sep(sender.config.separator.begin(), sender.config.separator.end());
  const auto prefix = sender.config.length_prefix == "varint" ? models::length_prefix::varint : models::length_prefix::u32be;
  std::optional<models::ws_mask_key> key;
  if (sender_is_client) key = models::ws_mask_key{0x37, 0xfa, 0x21, 0x3d};
  for (const auto& step : sender.workload) {
    try {
      switch (step.kind) {
        case step_kind::send:
          if (active() == layer::line) append(models::encode_lines({step.data}, sep));
          if (active() == layer::length) append(models::encode_records({step.data}, prefix));
          if (active() == layer::websocket) {
            const auto op = step.type == scenario::message_type::text ? models::ws_opcode::text : models::ws_opcode::binary;
            append(models::encode_frame(true, op, step.data, key));
          }
          break;
        case step_kind::raw: append(step.data); break;
        case step_kind::ping:
          if (active() == layer::websocket) append(models::encode_frame(true, models::ws_opcode::ping, step.data, key));
          break;
        case step_kind::close:
          if (active() == layer::websocket) {
            append(models::encode_frame(true, models::ws_opcode::close,
                                        step.code == 0 ? bytes{} : models::ws_close_payload(step.code), key));
          }
          break;
        case step_kind::switch_phase:
          ++phase;
          if (w.switched_at == SIZE_MAX) w.switched_at = w.data.size();
          break;
        default: break;
      }
    } catch (const std::exception&) {
      // A payload the model's encoder refuses (a line holding its separator): not a seed.
    }
  }
  return w;
}

bool has(const std::vector<layer>& stack, layer l) { return std::find(stack.begin(), stack.end(), l) != stack.end(); }

// Seeds stay small (a 1 MiB message teaches the fuzzer nothing its first bytes do not, and slows
// every mutation of it): ci/fuzz runs with -max_len=65536.
constexpr std::size_t max_stream_bytes = 32 * 1024;

void protocol_seeds(const scenario::scenario& s) {
  for (int e = 0; e < 2; ++e) {
    const bool receiver_is_client = e == 0;
    const auto& receiver = receiver_is_client ? s.client : s.server;
    const auto& sender = receiver_is_client ? s.server : s.client;
    if (receiver.stack.empty() || sender.stack.empty() || has(receiver.stack, layer::tls) || has(sender.stack, layer::tls)) continue;
    wire w = wire_of(sender, !receiver_is_client);
    if (w.data.size() > max_stream_bytes) w.data.resize(max_stream_bytes);
    const auto& c = receiver.config;
    const std::string base = s.name + (receiver_is_client ? ".client" : ".server");
    std::size_t lines_before_switch = 0;
    for (const auto& step : receiver.workload) {
      if (step.kind == step_kind::switch_phase) break;
      if (step.kind == step_kind::expect || step.kind == step_kind::expect_error) ++lines_before_switch;
    }
    for (const auto& v : variants) {
      const std::string name = base + "." + v.name;
      const layer first = receiver.stack[0];
      if (first == layer::line) {
        writer wl;
        line_setup(wl, c, v.api);
        wl.script(v.reads);
        wl.rest(w.data);
        emit("fuzz_line", name, wl.b);
      }
      if (first == layer::length || (first == layer::line && receiver.stack.size() > 1 && receiver.stack[1] == layer::length)) {
        bytes records = w.data;
        if (first == layer::line) {
          if (w.switched_at == SIZE_MAX) continue;
          records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(std::min(w.switched_at, records.size())));
        }
        writer wr;
        length_setup(wr, c, v.api);
        wr.script(v.reads);
        wr.rest(records);
        emit("fuzz_length", name, wr.b);
      }
      if (first == layer::line && receiver.stack.size() > 1 && receiver.stack[1] == layer::length) {
        writer wh;
        wh.byte(static_cast<std::uint8_t>(std::min<std::size_t>(lines_before_switch, 7)));
        line_setup(wh, c, v.api);
        length_setup(wh, c, v.api);
        wh.script(v.reads);
        wh.rest(w.data);
        emit("fuzz_handover", name, wh.b);
      }
      if (first == layer::http_upgrade) {
        // fuzz_http.cpp: the receiver's handshake reads the peer's head and what follows it.
        writer wh;
        wh.byte(static_cast<std::uint8_t>((receiver_is_client ? 1 : 0) | (c.strict ? 2 : 0)));
        wh.byte(0);  // max_line: the default, as in the runner
        wh.byte(static_cast<std::uint8_t>(std::min<std::uint32_t>(c.max_headers, 253) + 1));
        wh.u16(static_cast<std::uint16_t>(std::min<std::uint32_t>(c.max_header_bytes, 0xffff)));
        wh.byte(static_cast<std::uint8_t>(std::min<std::uint32_t>(c.read_block, 255)));
        wh.u32(static_cast<std::uint32_t>(s.seed));
        wh.script(v.reads);
        wh.script(v.writes);
        wh.rest(w.data);
        emit("fuzz_http", name, wh.b);
      }
      if (has(receiver.stack, layer::websocket)) {
        // fuzz_websocket.cpp: the frames after the head.
        static const std::string blank = "\r\n\r\n";
        auto at = std::search(w.data.begin(), w.data.end(), blank.begin(), blank.end());
        const bytes frames(at == w.data.end() ? w.data.begin() : at + 4, w.data.end());
        writer ww;
        ww.byte(static_cast<std::uint8_t>((receiver_is_client ? 0 : 1) | (v.api != 0 ? 0x40 : 0)));  // stuttering: own pings too
        ww.u16(c.max_message <= 0x7fff ? static_cast<std::uint16_t>(c.max_message) : 0x8000);
        ww.u32(static_cast<std::uint32_t>(s.seed));
        ww.script(v.reads);
        ww.script(v.writes);
        ww.rest(frames);
        emit("fuzz_websocket", name, ww.b);
      }
    }
  }
}

void take(const fs::path& p) {
  const std::string text = read_text(p);
  const std::string name = p.parent_path().filename().string() + "." + p.filename().string();
  const std::string folder = p.parent_path().filename().string();
  if (p.extension() == ".bad") {
    emit_text(folder.find("expectations") != std::string::npos ? "fuzz_expectations" : "fuzz_scenario", name, text);
    return;
  }
  try {
    const auto s = scenario::parse_scenario(text, p.string());
    emit_text("fuzz_scenario", name, text);
    protocol_seeds(s);
    return;
  } catch (const scenario::load_error&) {
  }
  try {
    (void)scenario::load_expectations(text, p.string());
    emit_text("fuzz_expectations", name, text);
  } catch (const scenario::load_error&) {
  }
}

void results_seeds() {
  namespace t = reports::testing;
  // The showcase cut down to a few runs with short timelines: every field, without the bulk.
  auto showcase = t::showcase_document();
  auto& rows = showcase["results"];
  if (rows.size() > 8) rows.erase(rows.begin() + 8, rows.end());
  for (auto& row : rows) {
    if (row.contains("timeline") && row["timeline"].size() > 12) row["timeline"].erase(row["timeline"].begin() + 12, row["timeline"].end());
  }
  emit_text("fuzz_results", "showcase.json", showcase.dump(1));
  emit_text("fuzz_results", "one-pass.json", t::make_document({t::make_result("line-basic", "stutter", 0)}).dump());
  emit_text("fuzz_results", "failing.json",
            t::make_document({t::make_failing(t::make_result("ws-close", "wslay", 3, "fail", "websocket"), 12),
                              t::make_result("tls-data", "gnutls", 1, "informational", "tls")},
                             "2/3")
                .dump(1));
  auto explore = t::make_document({t::make_explore_failure("stutter", "own", 7)});
  explore["explore"] = nlohmann::json::array({t::make_explore_summary("stutter", "own", 1000, 0, 1, 2000)});
  emit_text("fuzz_results", "explore.json", explore.dump());
}

// fuzz_tls.cpp: a config byte, a read and a write script, then the peer's program. Each seed
// reaches one path: data and close_notify, a renegotiation or key update from the peer (either
// side under test), a truncation, a refused renegotiation, a flipped byte, injected bytes, and
// scripted short reads and writes with small limits.
void tls_seeds() {
  const std::vector<std::pair<std::string, bytes>> seeds{
      {"client-12-close", {0x00, 0, 0, 0, 9, 4}},
      {"client-13-key-update-truncated", {0x01, 0, 0, 0, 199, 1, 0, 4, 5}},
      {"client-12-renegotiation", {0x00, 0, 0, 0, 50, 1, 0, 50, 4}},
      {"server-12-renegotiation", {0x02, 0, 0, 0, 50, 1, 0, 50, 4}},
      {"server-13-key-updates", {0x03, 0, 0, 0, 50, 1, 0, 50, 1, 1, 0, 9, 4}},
      {"client-12-refuses-renegotiation", {0x04, 0, 0, 0, 20, 1, 0, 20, 4}},
      {"client-12-flipped-byte", {0x00, 0, 0, 0, 50, 2, 10, 0x55, 4}},
      {"client-13-injected", {0x01, 0, 0, 0, 50, 3, 5, 1, 2, 3, 4, 5, 4}},
      {"client-13-scripted", {0x51, 3, 1, 0, 7, 2, 0, 3, 0, 255, 0, 255, 1, 6, 3, 0, 100, 4}},
      {"client-12-scripted-truncated", {0xa0, 3, 1, 0, 7, 2, 0, 3, 0, 255, 1, 0, 255, 6, 3, 0, 100, 1, 0, 10, 5}},
      // Writes of 3 bytes with a block between: the renegotiation's handshake messages make
      // reads return need_write (what fuzz_tls_broken gets wrong).
      {"client-12-renegotiation-slow-writes", {0x00, 0, 2, 0, 3, 0, 9, 1}},
      {"server-12-renegotiation-slow-writes", {0x02, 0, 2, 0, 3, 0, 9, 1}},
      {"client-13-key-update-slow-writes", {0x01, 0, 2, 0, 3, 0, 9, 1}},
  };
  for (const auto& [name, input] : seeds) emit("fuzz_tls", name, input);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_corpus OUT_DIR FILE_OR_DIR...\n";
    return 2;
  }
  out_dir = argv[1];
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        const auto name = e.path().filename().string();
        if (e.is_regular_file() && (name.ends_with(".json") || name.ends_with(".json.bad"))) files.push_back(e.path());
      }
    } else if (fs::exists(p)) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) take(f);
  results_seeds();
  tls_seeds();
  for (const auto& [target, n] : written) std::cout << "make_corpus: " << n << " seeds for " << target << "\n";
  return 0;
}
