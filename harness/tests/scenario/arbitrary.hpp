#pragma once
// RapidCheck generators of valid scenario values: every value they produce loads back from its
// saved form (the validity rules are in scenarios/README.md). They explore the format, not
// behaviour: workloads are arbitrary sequences of steps, not conversations that make sense.
// rc::Arbitrary<scenario> uses stutter::scenario::gen::any_scenario(); showValue prints the JSON.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "scenario/format.hpp"
#include "scenario/names.hpp"
#include "scenario/save.hpp"
#include "scenario/scenario.hpp"
#include "scenario/utf8.hpp"

namespace stutter::scenario::gen {

// Valid UTF-8, mostly printable ASCII, with control characters and 2-, 3- and 4-byte sequences.
inline rc::Gen<std::string> utf8_string() {
  const auto scalar = rc::gen::weightedOneOf<char32_t>({
      {12, rc::gen::inRange<char32_t>(0x20, 0x7f)},
      {1, rc::gen::inRange<char32_t>(0x00, 0x20)},
      {1, rc::gen::inRange<char32_t>(0x80, 0x800)},
      {1, rc::gen::inRange<char32_t>(0x800, 0xd800)},
      {1, rc::gen::inRange<char32_t>(0xe000, 0x10000)},
      {1, rc::gen::inRange<char32_t>(0x10000, 0x110000)},
  });
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(scalar), [](const std::vector<char32_t>& cs) {
    std::string s;
    for (char32_t c : cs) utf8::append(s, c);
    return s;
  });
}

inline rc::Gen<std::string> nonempty_utf8_string() {
  return rc::gen::suchThat(utf8_string(), [](const std::string& s) { return !s.empty(); });
}

// Lowercase ASCII from `alphabet` after a first character from `first`, up to max_len bytes.
inline rc::Gen<std::string> word(std::string first, std::string alphabet, std::size_t max_len) {
  return rc::gen::exec([=] {
    const auto len = *rc::gen::inRange<std::size_t>(0, max_len);
    std::string s(1, *rc::gen::elementOf(first));
    for (std::size_t i = 0; i < len; ++i) s += *rc::gen::elementOf(alphabet);
    return s;
  });
}

inline rc::Gen<std::string> error_name() {
  return rc::gen::oneOf(rc::gen::element<std::string>("line_too_long", "record_too_large", "connection_reset",
                                                       "unexpected_eof", "data_limit"),
                        word("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz0123456789_",
                             format::max_error_name_bytes - 1));
}

inline rc::Gen<std::string> invariant_id() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("bytes.exact", "framing.records", "chunking.invariance", "handover.exact",
                                    "handover.no_overread", "buffer.bounded", "retry.same_buffer",
                                    "status.meaning", "liveness.progress", "reneg.complete", "close.orderly",
                                    "ws.rfc6455.*", "ws.rfc6455.masking", "determinism.trace"),
      word("abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz0123456789_.*-",
           format::max_invariant_bytes - 1));
}

inline rc::Gen<std::uint8_t> text_byte() {
  return rc::gen::weightedOneOf<std::uint8_t>({{20, rc::gen::inRange<std::uint8_t>(0x20, 0x7f)},
                                               {1, rc::gen::element<std::uint8_t>('\t', '\n', '\r')}});
}

// Step data in every shape save distinguishes: any bytes, printable text, short-period repetitions
// (around the 16-byte period and 33-byte length thresholds) and text around the 4096-byte limit.
inline rc::Gen<std::vector<std::uint8_t>> data() {
  using bytes = std::vector<std::uint8_t>;
  return rc::gen::weightedOneOf<bytes>({
      {4, rc::gen::arbitrary<bytes>()},
      {4, rc::gen::container<bytes>(text_byte())},
      {3, rc::gen::exec([] {
         const bool textual = *rc::gen::arbitrary<bool>();
         const auto period = *rc::gen::inRange<std::size_t>(1, format::max_repeat_period + 4);
         const bytes pattern = textual ? *rc::gen::container<bytes>(period, text_byte())
                                       : *rc::gen::container<bytes>(period, rc::gen::arbitrary<std::uint8_t>());
         const auto size = *rc::gen::inRange<std::size_t>(0, 3000);
         bytes out(size);
         for (std::size_t i = 0; i < size; ++i) out[i] = pattern[i % period];
         return out;
       })},
      {1, rc::gen::exec([] {
         const auto size = *rc::gen::inRange<std::size_t>(format::max_text_payload_bytes - 2,
                                                          format::max_text_payload_bytes + 3);
         return *rc::gen::container<bytes>(size, text_byte());
       })},
  });
}

inline rc::Gen<step> any_step() {
  return rc::gen::exec([] {
    step s;
    s.kind = *rc::gen::element(step_kind::send, step_kind::expect, step_kind::switch_phase, step_kind::close,
                               step_kind::expect_eof, step_kind::raw, step_kind::expect_error,
                               step_kind::renegotiate, step_kind::key_update, step_kind::ping);
    switch (s.kind) {
      case step_kind::send:
      case step_kind::expect:
        s.data = *data();
        s.type = *rc::gen::element(message_type::binary, message_type::text);
        break;
      case step_kind::raw:
      case step_kind::ping:
        s.data = *data();
        break;
      case step_kind::close:
        s.code = *rc::gen::weightedOneOf<std::uint16_t>(
            {{1, rc::gen::just(format::default_close_code)},
             {3, rc::gen::inRange<std::uint16_t>(format::min_close_code, format::max_close_code + 1)}});
        break;
      case step_kind::expect_error:
        s.error = *error_name();
        if (*rc::gen::inRange(0, 4) == 0) {
          s.other_errors = *rc::gen::container<std::vector<std::string>>(
              *rc::gen::inRange<std::size_t>(1, format::max_error_names), error_name());
        }
        if (*rc::gen::arbitrary<bool>()) {
          s.close_codes = *rc::gen::container<std::vector<std::uint16_t>>(
              *rc::gen::inRange<std::size_t>(1, format::max_close_codes + 1),
              rc::gen::inRange<std::uint16_t>(format::min_close_code, format::max_close_code + 1));
        }
        break;
      case step_kind::renegotiate:
      case step_kind::key_update:
        s.delay = *rc::gen::weightedOneOf<std::uint32_t>(
            {{2, rc::gen::just(std::uint32_t{0})}, {1, rc::gen::inRange<std::uint32_t>(0, format::max_request_delay + 1)}});
        break;
      default:
        break;
    }
    return s;
  });
}

inline rc::Gen<std::vector<layer>> stack() {
  return rc::gen::exec([] {
    std::vector<layer> s;
    if (*rc::gen::arbitrary<bool>()) s.push_back(layer::tls);
    const auto phases = *rc::gen::inRange<std::size_t>(s.empty() ? 1 : 0, 7);
    for (std::size_t i = 0; i < phases; ++i) {
      s.push_back(*rc::gen::element(layer::line, layer::length, layer::http_upgrade, layer::websocket));
    }
    return s;
  });
}

// Each field keeps its default about half the time, so both "written" and "omitted" are covered.
template <typename T>
T maybe_default(const T& def, const rc::Gen<T>& other) {
  return *rc::gen::arbitrary<bool>() ? def : *other;
}

inline rc::Gen<std::uint32_t> any_u32() {
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{4, rc::gen::arbitrary<std::uint32_t>()},
       {1, rc::gen::element<std::uint32_t>(0, 1, std::numeric_limits<std::uint32_t>::max())}});
}

inline rc::Gen<std::uint64_t> any_u64() {
  return rc::gen::weightedOneOf<std::uint64_t>(
      {{4, rc::gen::arbitrary<std::uint64_t>()},
       {1, rc::gen::element<std::uint64_t>(0, 1, std::numeric_limits<std::uint64_t>::max())}});
}

inline rc::Gen<settings> any_settings() {
  return rc::gen::exec([] {
    const settings d;
    settings c;
    c.separator = maybe_default(d.separator, rc::gen::map(rc::gen::container<std::vector<char>>(
                                                              rc::gen::arbitrary<char>()),
                                                          [](const std::vector<char>& v) {
                                                            std::string s(v.begin(), v.end());
                                                            s.resize(std::clamp<std::size_t>(s.size(), 1, 8), 'x');
                                                            return s;
                                                          }));
    c.max_line = maybe_default(d.max_line, any_u32());
    c.length_prefix = maybe_default(d.length_prefix, rc::gen::element<std::string>("u32be", "varint"));
    c.max_record = maybe_default(d.max_record, any_u32());
    c.strict = *rc::gen::arbitrary<bool>();
    c.buffer_capacity = maybe_default(d.buffer_capacity, any_u32());
    c.read_block = maybe_default(d.read_block, any_u32());
    c.max_message = maybe_default(d.max_message, any_u32());
    c.fragment_size = maybe_default(d.fragment_size, any_u32());
    c.max_header_bytes = maybe_default(d.max_header_bytes, any_u32());
    c.max_headers = maybe_default(d.max_headers, any_u32());
    c.tls_version = maybe_default(d.tls_version, rc::gen::element<std::string>("1.2", "1.3"));
    c.allow_renegotiation = *rc::gen::arbitrary<bool>();
    return c;
  });
}

inline rc::Gen<endpoint> any_endpoint() {
  return rc::gen::exec([] {
    endpoint e;
    e.stack = *stack();
    e.config = *rc::gen::oneOf(rc::gen::just(settings{}), any_settings());
    const auto steps = *rc::gen::inRange<std::size_t>(0, 12);
    e.workload = *rc::gen::container<std::vector<step>>(steps, any_step());
    // A line of max_line bytes and its separator must fit the buffer (the loader says so).
    const bool has_line = std::find(e.stack.begin(), e.stack.end(), layer::line) != e.stack.end();
    const std::uint64_t longest = std::uint64_t{e.config.max_line} + e.config.separator.size();
    if (has_line && longest > e.config.buffer_capacity) {
      if (longest <= std::numeric_limits<std::uint32_t>::max()) {
        e.config.buffer_capacity = static_cast<std::uint32_t>(longest);
      } else {
        e.config.max_line = e.config.buffer_capacity - static_cast<std::uint32_t>(e.config.separator.size());
      }
    }
    // The loader's other fits: a line layer in buffered mode reads at least a byte at a time;
    // a length prefix fits the buffer (10 bytes hold any varint).
    if (has_line && !e.config.strict && e.config.read_block == 0) e.config.read_block = 1;
    const bool has_length = std::find(e.stack.begin(), e.stack.end(), layer::length) != e.stack.end();
    if (has_length && e.config.buffer_capacity < 10) e.config.buffer_capacity = 10;
    return e;
  });
}

inline rc::Gen<fault_kind> any_fault_kind() {
  return rc::gen::map(rc::gen::inRange(0, fault_kind_count), [](int k) { return static_cast<fault_kind>(k); });
}

inline rc::Gen<faults> any_faults() {
  return rc::gen::exec([] {
    faults f;
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        break;  // none
      case 1: {
        const auto kinds = *rc::gen::container<std::vector<fault_kind>>(any_fault_kind());
        for (fault_kind k : kinds) {
          f.swarm[k] = fault_rate{*rc::gen::inRange<std::uint32_t>(0, format::max_per_mille + 1),
                                  *rc::gen::oneOf(rc::gen::just<std::uint32_t>(1),
                                                  rc::gen::inRange<std::uint32_t>(
                                                      1, std::numeric_limits<std::uint32_t>::max()))};
        }
        break;
      }
      default: {
        f.explicit_schedule = true;
        const auto entries = *rc::gen::inRange<std::size_t>(0, 20);
        for (std::size_t i = 0; i < entries; ++i) {
          fault_entry e;
          e.endpoint = *rc::gen::element(endpoint_id::client, endpoint_id::server);
          e.dir = *rc::gen::element(direction::read, direction::write);
          e.op = *any_u64();
          e.kind = *rc::gen::suchThat(any_fault_kind(), [&](fault_kind k) { return applies_to(k, e.dir); });
          e.amount = *any_u32();
          if ((e.kind == fault_kind::partial_read || e.kind == fault_kind::short_write) && e.amount == 0) e.amount = 1;
          f.schedule.push_back(e);
        }
      }
    }
    return f;
  });
}

inline rc::Gen<expectation> any_expectation() {
  return rc::gen::exec([] {
    expectation e;
    e.expected = *rc::gen::element(verdict::pass, verdict::fail, verdict::hang, verdict::non_strict,
                                   verdict::unimplemented, verdict::informational);
    if (e.expected != verdict::pass && *rc::gen::arbitrary<bool>()) e.invariant = *invariant_id();
    if (e.expected != verdict::pass && *rc::gen::arbitrary<bool>()) e.message = *utf8_string();
    if (e.expected != verdict::pass && *rc::gen::arbitrary<bool>()) {
      e.at = *rc::gen::element(endpoint_id::client, endpoint_id::server);
    }
    return e;
  });
}

inline rc::Gen<scenario> any_scenario() {
  return rc::gen::exec([] {
    const scenario d;
    scenario s;
    s.name = *nonempty_utf8_string();
    s.description = *utf8_string();
    s.category = maybe_default(d.category, utf8_string());
    s.rule = maybe_default(d.rule, utf8_string());
    s.peer = *rc::gen::element<std::string>("stutter", "wslay", "gnutls", "plugin:./libx.so");
    s.peer_role = *rc::gen::element(placement::own, placement::client, placement::server, placement::both);
    if (*rc::gen::arbitrary<bool>()) {
      s.peer_identity = implementation_identity{*utf8_string(), *utf8_string(), std::string(64, 'a')};
    }
    s.seed = *any_u64();
    s.max_steps = maybe_default(d.max_steps, rc::gen::map(any_u64(), [](std::uint64_t v) {
                                  return v == 0 ? std::uint64_t{1} : v;
                                }));
    s.commit = maybe_default(d.commit, utf8_string());
    s.net.capacity = maybe_default(d.net.capacity, rc::gen::map(any_u32(), [](std::uint32_t v) {
                                     return v == 0 ? std::uint32_t{1} : v;
                                   }));
    s.net.latency = maybe_default(d.net.latency, any_u32());
    s.fault = *any_faults();
    s.client = *any_endpoint();
    s.server = *any_endpoint();
    s.expect = *any_expectation();
    return s;
  });
}

}  // namespace stutter::scenario::gen

namespace stutter::scenario {

inline void showValue(const scenario& s, std::ostream& os) {
  try {
    os << save_scenario(s);
  } catch (const std::exception& e) {
    os << "<scenario that save_scenario rejects: " << e.what() << ">";
  }
}

}  // namespace stutter::scenario

namespace rc {

template <>
struct Arbitrary<stutter::scenario::scenario> {
  static Gen<stutter::scenario::scenario> arbitrary() { return stutter::scenario::gen::any_scenario(); }
};

}  // namespace rc
