#include "sim/trace.hpp"

#include <cstdio>

namespace stutter::sim {
namespace {

constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

void mix(std::uint64_t& h, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= fnv_prime;
  }
}

void mix(std::uint64_t& h, std::string_view s) {
  mix(h, s.size());
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= fnv_prime;
  }
}

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
}

}  // namespace

void trace::record(const trace_event& e) {
  mix(hash_, e.time);
  mix(hash_, static_cast<std::uint64_t>(e.endpoint));
  mix(hash_, e.layer);
  mix(hash_, e.op);
  mix(hash_, e.requested);
  mix(hash_, static_cast<std::uint64_t>(e.result));
  mix(hash_, e.moved);
  mix(hash_, e.fault ? static_cast<std::uint64_t>(*e.fault) + 1 : 0);
  mix(hash_, e.fault_amount);
  // Error codes hash by category name and value: stable across processes.
  mix(hash_, e.error ? std::string_view(e.error.category().name()) : std::string_view());
  mix(hash_, static_cast<std::uint64_t>(e.error.value()));
  mix(hash_, e.phase);
  ++count_;
  if (events_.size() < keep_) events_.push_back(e);
  if (sink_) sink_(e);
}

std::string to_hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string trace::hash_hex() const { return to_hex64(hash_); }

std::string to_json_line(const trace_event& e, std::string_view phase_name) {
  std::string out = "{\"t\":" + std::to_string(e.time) + ",\"endpoint\":\"";
  out += e.endpoint == endpoint_id::client ? "client" : "server";
  out += "\",\"layer\":\"";
  append_escaped(out, e.layer);
  out += "\",\"op\":\"";
  append_escaped(out, e.op);
  out += "\",\"phase\":\"";
  append_escaped(out, phase_name);
  out += "\",\"requested\":" + std::to_string(e.requested) + ",\"result\":\"";
  out += to_string(e.result);
  out += "\",\"n\":" + std::to_string(e.moved);
  if (e.fault) {
    out += ",\"fault\":\"";
    out += name_of(*e.fault);
    out += "\",\"amount\":" + std::to_string(e.fault_amount);
  }
  if (e.error) {
    out += ",\"error\":\"";
    append_escaped(out, e.error.message());
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace stutter::sim
