#include "runner/generate.hpp"

#include <algorithm>
#include <string>

#include "runner/generate_tls.hpp"
#include "scenario/names.hpp"
#include "sim/rng.hpp"
#include "stutter_models/base64.hpp"
#include "stutter_models/websocket.hpp"

namespace stutter::runner {

using scenario::layer;
using scenario::step;
using scenario::step_kind;

namespace {

template <typename T, std::size_t N>
T pick(sim::rng& g, const T (&choices)[N]) {
  return choices[g.below(N)];
}

// A size drawn to hit the edges: 0, 1, the limit and its neighbours, or anything.
std::size_t edgy_size(sim::rng& g, std::size_t limit) {
  switch (g.below(6)) {
    case 0: return 0;
    case 1: return std::min<std::size_t>(1, limit);
    case 2: return limit;
    case 3: return limit == 0 ? 0 : limit - 1;
    default: return g.below(limit + 1);
  }
}

std::vector<std::uint8_t> payload(sim::rng& g, std::size_t size, bool line_safe) {
  std::vector<std::uint8_t> out(size);
  for (auto& b : out) {
    // Line payloads avoid CR and LF so they never contain (part of) a separator.
    b = line_safe ? static_cast<std::uint8_t>(0x20 + g.below(0x5f)) : static_cast<std::uint8_t>(g.next());
  }
  return out;
}

std::size_t record_limit(layer l, const scenario::settings& cfg) {
  return l == layer::line ? cfg.max_line : cfg.max_record;
}

void draw_swarm(sim::rng& g, scenario::faults& out, bool destructive) {
  using sim::fault_kind;
  struct profile {
    fault_kind kind;
    std::uint32_t max_per_mille;
    std::uint32_t max_amount;
  };
  static constexpr profile gentle[] = {
      {fault_kind::eagain_read, 500, 1}, {fault_kind::eagain_write, 500, 1}, {fault_kind::partial_read, 700, 64},
      {fault_kind::short_write, 700, 64}, {fault_kind::capacity, 20, 4096}, {fault_kind::latency, 300, 20},
      {fault_kind::hold, 50, 40},         {fault_kind::one_byte, 300, 1}};
  static constexpr profile harsh[] = {{fault_kind::half_close, 5, 1},
                                      {fault_kind::reset, 3, 1},
                                      {fault_kind::limit_data, 5, 4096},
                                      {fault_kind::fail_at, 5, 1}};
  for (const auto& p : gentle) {
    if (g.below(2) == 0) continue;
    out.swarm[p.kind] = {static_cast<std::uint32_t>(g.between(1, p.max_per_mille)),
                         static_cast<std::uint32_t>(g.between(1, p.max_amount))};
  }
  if (destructive) {
    const auto& p = harsh[g.below(4)];
    out.swarm[p.kind] = {static_cast<std::uint32_t>(g.between(1, p.max_per_mille)),
                         static_cast<std::uint32_t>(g.between(1, p.max_amount))};
  }
}


// ---------------------------------------------------------------- websocket

using bytes = std::vector<std::uint8_t>;

// A message size around the RFC 6455 length encodings (125 | 126, 65535 | 65536) or
// anything; at most one large message per scenario, and only where `big` allows.
std::size_t ws_size(sim::rng& g, bool& big) {
  switch (g.below(10)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 125;
    case 3: return 126;
    case 4: return 127;
    case 5:
      if (big) {
        big = false;
        return g.below(2) == 0 ? 65535 : 65536;
      }
      return g.below(300);
    case 6:
    case 7: return g.below(300);
    case 8: return g.below(4096);
    default: return g.between(128, 1024);
  }
}

void put_utf8(bytes& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<std::uint8_t>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<std::uint8_t>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<std::uint8_t>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3f)));
  }
}

// Valid UTF-8 of exactly `size` bytes, with characters of every length (so that frame
// boundaries fall inside characters).
bytes utf8_text(sim::rng& g, std::size_t size) {
  bytes out;
  out.reserve(size);
  while (out.size() < size) {
    const std::size_t room = size - out.size();
    const std::size_t len = g.between(1, std::min<std::size_t>(4, room));
    std::uint32_t cp = 0;
    switch (len) {
      case 1: cp = static_cast<std::uint32_t>(g.between(0x20, 0x7e)); break;
      case 2: cp = static_cast<std::uint32_t>(g.between(0x80, 0x7ff)); break;
      case 3:
        cp = static_cast<std::uint32_t>(g.between(0x800, 0xffff - 0x800));
        if (cp >= 0xd800) cp += 0x800;  // no surrogates
        break;
      default: cp = static_cast<std::uint32_t>(g.between(0x10000, 0x10ffff)); break;
    }
    put_utf8(out, cp);
  }
  return out;
}

struct ws_message {
  scenario::message_type type = scenario::message_type::binary;
  bytes data;
};

ws_message draw_message(sim::rng& g, bool& big) {
  const std::size_t size = ws_size(g, big);
  if (g.below(2) == 0) return {scenario::message_type::text, utf8_text(g, size)};
  return {scenario::message_type::binary, payload(g, size, false)};
}

bytes ping_data(sim::rng& g) {
  switch (g.below(4)) {
    case 0: return {};
    case 1: return payload(g, 125, false);
    default: return payload(g, g.below(126), false);
  }
}

std::uint16_t close_code(sim::rng& g) {
  static constexpr std::uint16_t codes[] = {1000, 1000, 1001, 1003, 1008, 1011, 3000, 4000, 4999};
  return pick(g, codes);
}

step send_step(const ws_message& m) { return {.kind = step_kind::send, .data = m.data, .type = m.type}; }
step expect_step(const ws_message& m) { return {.kind = step_kind::expect, .data = m.data, .type = m.type}; }
step close_step(std::uint16_t code) { return {.kind = step_kind::close, .code = code}; }

// A client that pipelines: its request and its masked frames go out as raw bytes, without
// waiting for the 101 (RFC 6455 4.1 says a client must wait; a server must still not lose
// the bytes). The server's handshake reads them with the request head: what it hands over
// is what handover.exact judges. The client's own stack is a line phase it never reads from.
void add_pipelined_client(sim::rng& g, scenario::scenario& s, std::size_t count) {
  s.net.capacity = 65536;                 // the client never reads what the server writes
  s.fault.swarm.erase(sim::fault_kind::capacity);
  s.client.stack = {layer::line};
  s.description += " The client pipelines its frames behind its upgrade request, as raw bytes.";
  bytes nonce = payload(g, 16, false);
  std::string request = "GET /pipelined HTTP/1.1\r\nHost: stutter.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: " + models::base64_encode(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  bytes wire(request.begin(), request.end());
  auto key = [&g] {
    const std::uint64_t bits = g.next();
    return models::ws_mask_key{static_cast<std::uint8_t>(bits), static_cast<std::uint8_t>(bits >> 8),
                               static_cast<std::uint8_t>(bits >> 16), static_cast<std::uint8_t>(bits >> 24)};
  };
  auto append = [&wire](const bytes& frame) { wire.insert(wire.end(), frame.begin(), frame.end()); };
  static constexpr std::size_t fragments[] = {0, 0, 1, 7, 125};
  const std::size_t fragment = pick(g, fragments);
  bool big = false;
  for (std::size_t i = 0; i < count; ++i) {
    if (g.below(4) == 0) append(models::encode_frame(true, models::ws_opcode::ping, ping_data(g), key()));
    ws_message m = draw_message(g, big);
    const std::uint8_t opcode =
        m.type == scenario::message_type::text ? models::ws_opcode::text : models::ws_opcode::binary;
    std::size_t at = 0;
    do {
      const std::size_t n = fragment == 0 ? m.data.size() - at : std::min(fragment, m.data.size() - at);
      const bytes part(m.data.begin() + static_cast<std::ptrdiff_t>(at),
                       m.data.begin() + static_cast<std::ptrdiff_t>(at + n));
      append(models::encode_frame(at + n == m.data.size(), at == 0 ? opcode : models::ws_opcode::continuation, part,
                                  key()));
      at += n;
    } while (at < m.data.size());
    s.server.workload.push_back(expect_step(m));
  }
  const std::uint16_t code = close_code(g);
  append(models::encode_frame(true, models::ws_opcode::close, models::ws_close_payload(code), key()));
  s.server.workload.push_back({.kind = step_kind::expect_eof});
  s.server.workload.push_back(close_step(close_code(g)));
  // One to three raw writes, split anywhere (the first often right behind the head).
  std::vector<std::size_t> cuts{0, wire.size()};
  const std::size_t extra = g.below(3);
  for (std::size_t i = 0; i < extra; ++i) cuts.push_back(i == 0 && g.below(2) == 0 ? request.size() : g.below(wire.size()));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    s.client.workload.push_back(
        {.kind = step_kind::raw,
         .data = bytes(wire.begin() + static_cast<std::ptrdiff_t>(cuts[i]), wire.begin() + static_cast<std::ptrdiff_t>(cuts[i + 1]))});
  }
  s.client.workload.push_back({.kind = step_kind::close});
}

// Messages over ["http-upgrade", "websocket"] (or a websocket phase alone): sizes around
// the length encodings, text (valid UTF-8) and binary, pings between messages, fragmented
// writes, max_message at or above the largest message, and a close with a code at the end,
// by either side first.
void add_websocket_workload(sim::rng& g, scenario::scenario& s, bool handshake, bool tls) {
  static constexpr std::uint32_t fragment_sizes[] = {0, 0, 0, 1, 7, 125, 126, 4096};
  s.client.config.fragment_size = pick(g, fragment_sizes);
  s.server.config.fragment_size = pick(g, fragment_sizes);
  const bool small_fragments = (s.client.config.fragment_size != 0 && s.client.config.fragment_size < 125) ||
                               (s.server.config.fragment_size != 0 && s.server.config.fragment_size < 125);
  bool big = s.net.capacity >= 1500 && !small_fragments;

  std::vector<ws_message> all;
  const std::size_t count = g.below(6);
  if (handshake && !tls && g.below(4) == 0) {
    add_pipelined_client(g, s, count);
    for (const auto& st : s.server.workload) {
      if (st.kind == step_kind::expect) all.push_back({st.type, st.data});
    }
  } else {
    auto& c = s.client.workload;
    auto& v = s.server.workload;
    // The server may speak first: its message then arrives with the 101 and the client's
    // handshake reads it ahead (the handover).
    if (g.below(3) == 0) {
      all.push_back(draw_message(g, big));
      v.push_back(send_step(all.back()));
      c.push_back(expect_step(all.back()));
    }
    // Pings anywhere, over any pipe: an end that pings and goes on writing reads nothing
    // meanwhile, so the other end's read must not stop for a pong it cannot send yet.
    for (std::size_t i = 0; i < count; ++i) {
      if (g.below(4) == 0) c.push_back({.kind = step_kind::ping, .data = ping_data(g)});
      all.push_back(draw_message(g, big));
      c.push_back(send_step(all.back()));
      v.push_back(expect_step(all.back()));
    }
    if (g.below(4) == 0) v.push_back({.kind = step_kind::ping, .data = ping_data(g)});
    all.push_back(draw_message(g, big));
    v.push_back(send_step(all.back()));
    c.push_back(expect_step(all.back()));
    const std::uint16_t client_code = close_code(g);
    const std::uint16_t server_code = close_code(g);
    if (g.below(4) != 0) {
      c.push_back(close_step(client_code));
      v.push_back({.kind = step_kind::expect_eof});
      v.push_back(close_step(server_code));
      c.push_back({.kind = step_kind::expect_eof});
    } else {
      v.push_back(close_step(server_code));
      c.push_back({.kind = step_kind::expect_eof});
      c.push_back(close_step(client_code));
      v.push_back({.kind = step_kind::expect_eof});
    }
  }
  std::size_t largest = 0;
  for (const auto& m : all) largest = std::max(largest, m.data.size());
  static constexpr std::uint32_t limits[] = {65536, 1u << 20};
  const std::uint32_t max_message =
      g.below(3) == 0 ? static_cast<std::uint32_t>(largest)
                      : std::max(static_cast<std::uint32_t>(largest), pick(g, limits));
  s.client.config.max_message = s.server.config.max_message = max_message;
}

}  // namespace

scenario::scenario generate_scenario(const std::vector<layer>& stack, std::uint64_t seed,
                                     const generate_options& options) {
  sim::rng g(seed, /*stream=*/7);
  scenario::scenario s;
  s.seed = seed;
  s.category = "explore";
  std::string stack_name;
  for (layer l : stack) stack_name += (stack_name.empty() ? "" : "+") + std::string(scenario::to_string(l));
  s.name = "explore-" + stack_name + "-" + std::to_string(seed);
  s.description = "Generated from seed " + std::to_string(seed) + " for stack " + stack_name + ".";

  static constexpr std::uint32_t capacities[] = {1, 3, 64, 1500, 65536, 65536};
  static constexpr std::uint32_t latencies[] = {0, 0, 0, 1, 5};
  s.net.capacity = pick(g, capacities);
  s.net.latency = pick(g, latencies);

  scenario::settings cfg;
  static constexpr const char* separators[] = {"\n", "\r\n"};
  static constexpr std::uint32_t max_lines[] = {1, 8, 16, 80, 1024};
  static constexpr std::uint32_t max_records[] = {0, 16, 300, 4096};
  static constexpr std::uint32_t blocks[] = {1, 7, 64, 4096, 16384};
  cfg.separator = pick(g, separators);
  cfg.max_line = pick(g, max_lines);
  cfg.length_prefix = g.below(2) == 0 ? "u32be" : "varint";
  cfg.max_record = pick(g, max_records);
  cfg.strict = g.below(2) == 0;
  cfg.read_block = pick(g, blocks);
  cfg.buffer_capacity = std::max<std::uint32_t>({cfg.max_line + 8, cfg.read_block, 64});
  s.client.config = cfg;
  s.server.config = cfg;
  s.client.stack = stack;
  s.server.stack = stack;

  if (options.faults) draw_swarm(g, s.fault, options.destructive);
  const bool tls = !stack.empty() && stack.front() == layer::tls;

  std::vector<layer> phases;
  for (layer l : stack) {
    if (l != layer::tls) phases.push_back(l);
  }
  if (!phases.empty() && phases.back() == layer::websocket &&
      (phases.size() == 1 || (phases.size() == 2 && phases[0] == layer::http_upgrade))) {
    add_websocket_workload(g, s, phases.size() == 2, tls);
    if (tls) add_tls_workload(g, s);
    return s;
  }
  for (std::size_t p = 0; p < phases.size(); ++p) {
    if (p > 0) {
      s.client.workload.push_back({.kind = step_kind::switch_phase});
      s.server.workload.push_back({.kind = step_kind::switch_phase});
    }
    const std::size_t count = g.below(6);
    for (std::size_t i = 0; i < count; ++i) {
      auto data = payload(g, edgy_size(g, record_limit(phases[p], cfg)), phases[p] == layer::line);
      s.client.workload.push_back({.kind = step_kind::send, .data = data});
      s.server.workload.push_back({.kind = step_kind::expect, .data = std::move(data)});
    }
  }
  // The answer keeps the connection open until the server has read everything: a reader
  // that waits on the socket while its own buffer holds a record hangs here.
  const layer last = phases.empty() ? layer::length : phases.back();
  auto answer = payload(g, edgy_size(g, record_limit(last, cfg)), last == layer::line);
  s.server.workload.push_back({.kind = step_kind::send, .data = answer});
  s.client.workload.push_back({.kind = step_kind::expect, .data = std::move(answer)});
  s.client.workload.push_back({.kind = step_kind::close});
  s.server.workload.push_back({.kind = step_kind::expect_eof});
  s.server.workload.push_back({.kind = step_kind::close});
  s.client.workload.push_back({.kind = step_kind::expect_eof});
  if (tls) add_tls_workload(g, s);
  return s;
}

}  // namespace stutter::runner
