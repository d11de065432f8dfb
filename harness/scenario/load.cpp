#include "scenario/load.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <map>
#include <optional>
#include <system_error>

#include "scenario/display.hpp"
#include "scenario/fields.hpp"
#include "scenario/format.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/names.hpp"
#include "scenario/payload.hpp"

namespace stutter::scenario {
namespace {

using fields::read_bool;
using fields::read_choice;
using fields::read_object;
using fields::read_string;
using fields::read_uint;

constexpr std::uint64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

std::string size_limit(std::size_t bytes) {
  return std::to_string(bytes) + " bytes (" + std::to_string(bytes >> 20) + " MiB)";
}

bool has(std::uint64_t seen, std::size_t key) { return (seen >> key & 1u) != 0; }

// Fails at the object the reader just closed if a required key is absent.
void require(json_reader& r, std::uint64_t seen, std::span<const std::string_view> keys,
             std::initializer_list<std::size_t> required) {
  for (std::size_t k : required) {
    if (!has(seen, k)) r.fail("missing required key " + display::quoted(keys[k]));
  }
}

template <typename Enum, std::size_t N>
std::array<std::string_view, N> names_of(const std::array<Enum, N>& values) {
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = to_string(values[i]);
  return out;
}

const auto endpoint_names = names_of(std::array{endpoint_id::client, endpoint_id::server});
const auto direction_names = names_of(std::array{direction::read, direction::write});
const auto message_type_names = names_of(std::array{message_type::binary, message_type::text});

constexpr std::array<std::string_view, 17> top_keys{
    "$schema",   "version", "name",    "description", "category", "rule",   "peer",  "peer_role", "peer_identity",
    "seed",      "max_steps", "commit", "network",    "faults",   "client", "server", "expect"};
enum : std::size_t {
  t_schema, t_version, t_name, t_description, t_category, t_rule, t_peer, t_peer_role, t_peer_identity,
  t_seed, t_max_steps, t_commit, t_network, t_faults, t_client, t_server, t_expect
};

constexpr std::array<std::string_view, 13> settings_keys{
    "separator",      "max_line",         "length_prefix", "max_record",   "strict",
    "buffer_capacity", "read_block",      "max_message",   "fragment_size", "max_header_bytes",
    "max_headers",    "tls_version",      "allow_renegotiation"};

// Payload keys; raw and ping take all but the last.
constexpr std::array<std::string_view, 6> payload_keys{"text", "hex", "repeat", "repeat_hex", "size", "type"};
enum : std::size_t { p_text, p_hex, p_repeat, p_repeat_hex, p_size, p_type };

// The version decides how to read everything else, so it is checked before anything else.
void check_version(std::string_view text, std::string_view label) {
  json_reader r(text, label);
  r.begin_object();
  bool seen = false;
  while (const auto key = r.next_key()) {
    if (*key != "version") {
      r.skip_value();
      continue;
    }
    seen = true;
    if (r.peek() != json_kind::number) r.fail("expected the integer " + std::to_string(format::current_version) +
                                              ", got " + r.describe_next());
    const json_number n = r.read_number();
    const std::string shown = display::printable(n.lexeme, 40);
    if (!n.integral) r.fail("expected the integer " + std::to_string(format::current_version) + ", got " + shown);
    if (n.negative || n.magnitude != static_cast<std::uint64_t>(format::current_version)) {
      r.fail("unsupported version " + shown + "; this build reads version " + std::to_string(format::current_version));
    }
  }
  if (!seen) r.fail("missing required key \"version\"");
}

class loader {
 public:
  explicit loader(json_reader& r) : r_(r) {}

  scenario read_scenario() {
    scenario s;
    const std::uint64_t seen = read_object(r_, top_keys, [&](std::size_t key) {
      switch (key) {
        case t_schema: read_string(r_); break;  // for editors only; not part of the value
        case t_version: read_uint(r_, 1, 1); break;  // check_version has vetted it
        case t_name:
          s.name = read_string(r_);
          if (s.name.empty()) r_.fail("the name must not be empty");
          break;
        case t_description: s.description = read_string(r_); break;
        case t_category: s.category = read_string(r_); break;
        case t_rule: s.rule = read_string(r_); break;
        case t_peer: s.peer = read_peer(); break;
        case t_peer_role:
          s.peer_role = static_cast<placement>(read_choice(r_, "peer role", all_placement_names()));
          break;
        case t_peer_identity: s.peer_identity = read_identity(); break;
        case t_seed: s.seed = read_uint(r_, 0, u64_max); break;
        case t_max_steps: s.max_steps = read_uint(r_, 1, u64_max); break;
        case t_commit: s.commit = read_string(r_); break;
        case t_network: s.net = read_network(); break;
        case t_faults: s.fault = read_faults(); break;
        case t_client: s.client = read_endpoint(); break;
        case t_server: s.server = read_endpoint(); break;
        case t_expect: s.expect = read_expectation(); break;
      }
    });
    require(r_, seen, top_keys, {t_version, t_name, t_client, t_server});
    return s;
  }

 private:
  // An implementation's name (the registry is the command line's to check) or plugin:PATH.
  std::string read_peer() {
    std::string name = read_string(r_);
    if (!format::is_implementation_name(name)) {
      r_.fail("invalid implementation name " + display::quoted(name) +
              "; expected plugin:PATH or a name like \"stutter\" or \"mutant:corrupts-records\" (see `stutter list`)");
    }
    return name;
  }

  implementation_identity read_identity() {
    static constexpr std::array<std::string_view, 3> keys{"name", "version", "sha256"};
    implementation_identity id;
    const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
      if (key == 0) id.name = read_string(r_);
      if (key == 1) id.version = read_string(r_);
      if (key == 2) {
        id.sha256 = read_string(r_);
        if (!format::is_sha256_hex(id.sha256)) r_.fail("expected 64 lower-case hex digits (a SHA-256)");
      }
    });
    require(r_, seen, keys, {0, 1, 2});
    return id;
  }

  network read_network() {
    static constexpr std::array<std::string_view, 2> keys{"capacity", "latency"};
    network n;
    read_object(r_, keys, [&](std::size_t key) {
      if (key == 0) n.capacity = static_cast<std::uint32_t>(read_uint(r_, 1, u32_max));
      if (key == 1) n.latency = static_cast<std::uint32_t>(read_uint(r_, 0, u32_max));
    });
    return n;
  }

  faults read_faults() {
    static constexpr std::array<std::string_view, 2> keys{"swarm", "schedule"};
    faults f;
    std::uint64_t given = 0;
    read_object(r_, keys, [&](std::size_t key) {
      if (given != 0) r_.fail("\"swarm\" and \"schedule\" exclude each other; give one of them");
      given |= std::uint64_t{1} << key;
      if (key == 0) {
        f.swarm = read_swarm();
      } else {
        f.explicit_schedule = true;
        f.schedule = read_schedule();
      }
    });
    return f;
  }

  std::map<fault_kind, fault_rate> read_swarm() {
    std::map<fault_kind, fault_rate> swarm;
    r_.begin_object();
    while (const auto key = r_.next_key()) {
      const auto kind = parse_fault_kind(*key);
      if (!kind) {
        r_.fail("unknown fault kind " + display::quoted(*key) + "; expected one of: " +
                display::list(all_fault_kind_names()));
      }
      swarm[*kind] = read_rate();
    }
    return swarm;
  }

  fault_rate read_rate() {
    static constexpr std::array<std::string_view, 2> keys{"per_mille", "max_amount"};
    fault_rate rate;
    const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
      if (key == 0) rate.per_mille = static_cast<std::uint32_t>(read_uint(r_, 0, format::max_per_mille));
      if (key == 1) rate.max_amount = static_cast<std::uint32_t>(read_uint(r_, 1, u32_max));
    });
    require(r_, seen, keys, {0});
    return rate;
  }

  std::vector<fault_entry> read_schedule() {
    std::vector<fault_entry> schedule;
    r_.begin_array();
    while (r_.next_item()) {
      if (schedule.size() == format::max_schedule_entries) {
        r_.fail("more than " + std::to_string(format::max_schedule_entries) + " schedule entries");
      }
      schedule.push_back(read_fault_entry());
    }
    return schedule;
  }

  fault_entry read_fault_entry() {
    static constexpr std::array<std::string_view, 5> keys{"endpoint", "dir", "op", "kind", "amount"};
    fault_entry e;
    const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
      switch (key) {
        case 0: e.endpoint = static_cast<endpoint_id>(read_choice(r_, "endpoint", endpoint_names)); break;
        case 1: e.dir = static_cast<direction>(read_choice(r_, "direction", direction_names)); break;
        case 2: e.op = read_uint(r_, 0, u64_max); break;
        case 3: e.kind = static_cast<fault_kind>(read_choice(r_, "fault kind", all_fault_kind_names())); break;
        case 4: e.amount = static_cast<std::uint32_t>(read_uint(r_, 0, u32_max)); break;
      }
    });
    require(r_, seen, keys, {0, 1, 2, 3});
    if (!applies_to(e.kind, e.dir)) {
      r_.fail(std::string(to_string(e.kind)) + " does not apply to " + std::string(to_string(e.dir)) + " operations");
    }
    if ((e.kind == fault_kind::partial_read || e.kind == fault_kind::short_write) && e.amount == 0) {
      r_.fail(std::string(to_string(e.kind)) + " needs an amount of at least 1 (byte)");
    }
    return e;
  }

  endpoint read_endpoint() {
    static constexpr std::array<std::string_view, 3> keys{"stack", "settings", "workload"};
    endpoint e;
    const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
      switch (key) {
        case 0: e.stack = read_stack(); break;
        case 1: e.config = read_settings(); break;
        case 2: e.workload = read_workload(); break;
      }
    });
    require(r_, seen, keys, {0});
    check_settings_fit(e);
    return e;
  }

  // Settings that cannot work together are rejected here, not at run time (each is an
  // error the layer would return on the first record; scenarios/README.md lists them).
  void check_settings_fit(const endpoint& e) {
    const settings& c = e.config;
    auto has = [&](layer l) { return std::find(e.stack.begin(), e.stack.end(), l) != e.stack.end(); };
    const std::string at = r_.pointer() + "/settings/";
    // line: read_until holds the whole line and its separator in the buffer.
    const std::uint64_t longest = std::uint64_t{c.max_line} + c.separator.size();
    if (has(layer::line) && longest > c.buffer_capacity) {
      r_.fail_at(at + "max_line",
                 "a line of max_line " + std::to_string(c.max_line) + " payload bytes and its " +
                     std::to_string(c.separator.size()) + "-byte separator cannot fit the " +
                     std::to_string(c.buffer_capacity) + "-byte buffer_capacity; raise buffer_capacity or lower max_line");
    }
    // line, buffered mode: read_until asks the lower stream for read_block bytes at a time.
    if (has(layer::line) && !c.strict && c.read_block == 0) {
      r_.fail_at(at + "read_block",
                 "read_block 0 with a line layer in buffered mode: the reader could never read a byte of a line; "
                 "give read_block at least 1 or set strict");
    }
    // length: the prefix is read through the buffer (the payload is not).
    if (has(layer::length)) {
      const std::uint64_t prefix = c.length_prefix == "varint" ? varint_bytes(c.max_record) : 4;
      if (prefix > c.buffer_capacity) {
        r_.fail_at(at + "buffer_capacity",
                   "the " + std::to_string(c.buffer_capacity) + "-byte buffer_capacity cannot hold a " +
                       std::to_string(prefix) + "-byte " + c.length_prefix + " length prefix" +
                       (c.length_prefix == "varint" ? " (of max_record " + std::to_string(c.max_record) + ")" : "") +
                       "; raise buffer_capacity to at least " + std::to_string(prefix));
      }
    }
  }

  // Bytes of the shortest varint that encodes n.
  static std::uint64_t varint_bytes(std::uint64_t n) {
    std::uint64_t bytes = 1;
    for (; n >= 0x80; n >>= 7) ++bytes;
    return bytes;
  }

  // "error": a name, or a list of 1..max_error_names names any of which meets the step.
  void read_error_names(step& s) {
    auto one = [&] {
      std::string name = read_string(r_);
      if (!format::is_error_name(name)) {
        r_.fail("invalid error name " + display::quoted(name) +
                "; error names are lowercase words joined by '_' (at most " +
                std::to_string(format::max_error_name_bytes) + " bytes), like \"line_too_long\"");
      }
      return name;
    };
    if (r_.peek() != json_kind::array) {
      s.error = one();
      return;
    }
    std::vector<std::string> names;
    r_.begin_array();
    while (r_.next_item()) {
      if (names.size() == format::max_error_names) {
        r_.fail("more than " + std::to_string(format::max_error_names) + " error names");
      }
      names.push_back(one());
    }
    if (names.empty()) r_.fail("give at least one error name");
    s.error = names.front();
    s.other_errors.assign(names.begin() + 1, names.end());
  }

  std::vector<std::uint16_t> read_close_codes() {
    std::vector<std::uint16_t> codes;
    r_.begin_array();
    while (r_.next_item()) {
      if (codes.size() == format::max_close_codes) {
        r_.fail("more than " + std::to_string(format::max_close_codes) + " close codes");
      }
      codes.push_back(static_cast<std::uint16_t>(read_uint(r_, format::min_close_code, format::max_close_code)));
    }
    if (codes.empty()) r_.fail("give at least one close code, or leave \"close_codes\" out");
    return codes;
  }

  std::vector<layer> read_stack() {
    std::vector<layer> stack;
    r_.begin_array();
    while (r_.next_item()) {
      if (stack.size() == format::max_stack_layers) {
        r_.fail("more than " + std::to_string(format::max_stack_layers) + " layers");
      }
      const auto l = static_cast<layer>(read_choice(r_, "layer", all_layer_names()));
      if (l == layer::tls && !stack.empty()) r_.fail("tls must be the bottom layer, the first in the stack");
      stack.push_back(l);
    }
    if (stack.empty()) r_.fail("the stack needs at least one layer");
    return stack;
  }

  settings read_settings() {
    settings c;
    auto u32 = [&] { return static_cast<std::uint32_t>(read_uint(r_, 0, u32_max)); };
    read_object(r_, settings_keys, [&](std::size_t key) {
      switch (key) {
        case 0: c.separator = read_separator(); break;
        case 1: c.max_line = u32(); break;
        case 2: c.length_prefix = format::length_prefixes[read_choice(r_, "length prefix", format::length_prefixes)]; break;
        case 3: c.max_record = u32(); break;
        case 4: c.strict = read_bool(r_); break;
        case 5: c.buffer_capacity = u32(); break;
        case 6: c.read_block = u32(); break;
        case 7: c.max_message = u32(); break;
        case 8: c.fragment_size = u32(); break;
        case 9: c.max_header_bytes = u32(); break;
        case 10: c.max_headers = u32(); break;
        case 11: c.tls_version = format::tls_versions[read_choice(r_, "TLS version", format::tls_versions)]; break;
        case 12: c.allow_renegotiation = read_bool(r_); break;
      }
    });
    return c;
  }

  // A string (its UTF-8 bytes) or {"hex": "..."} for bytes that are not UTF-8.
  std::string read_separator() {
    std::string sep;
    if (r_.peek() == json_kind::string) {
      sep = r_.read_string();
    } else if (r_.peek() == json_kind::object) {
      static constexpr std::array<std::string_view, 1> keys{"hex"};
      const std::uint64_t seen = read_object(r_, keys, [&](std::size_t) {
        const std::vector<std::uint8_t> bytes = read_hex();
        sep.assign(bytes.begin(), bytes.end());
      });
      require(r_, seen, keys, {0});
    } else {
      r_.fail("expected a string or {\"hex\": \"...\"}, got " + r_.describe_next());
    }
    if (sep.size() < format::min_separator_bytes || sep.size() > format::max_separator_bytes) {
      r_.fail("the separator must be " + std::to_string(format::min_separator_bytes) + ".." +
              std::to_string(format::max_separator_bytes) + " bytes, got " + std::to_string(sep.size()));
    }
    return sep;
  }

  std::vector<std::uint8_t> read_hex() {
    const std::string hex = read_string(r_);
    std::vector<std::uint8_t> bytes;
    std::string error;
    if (!payload::from_hex(hex, bytes, error)) r_.fail("invalid hex: " + error);
    return bytes;
  }

  std::vector<step> read_workload() {
    std::vector<step> workload;
    r_.begin_array();
    while (r_.next_item()) {
      if (workload.size() == format::max_workload_steps) {
        r_.fail("more than " + std::to_string(format::max_workload_steps) + " steps");
      }
      workload.push_back(read_step());
    }
    return workload;
  }

  step read_step() {
    if (r_.peek() != json_kind::object) {
      r_.fail("expected a step, an object with one key, its kind (like {\"send\": {\"text\": \"hi\"}}), got " +
              r_.describe_next());
    }
    r_.begin_object();
    const auto first = r_.next_key();
    if (!first) r_.fail("an empty step; a step has one key, its kind: " + display::list(all_step_kind_names()));
    const auto kind = parse_step_kind(*first);
    if (!kind) {
      r_.fail("unknown step kind " + display::quoted(*first) + "; expected one of: " +
              display::list(all_step_kind_names()));
    }
    step s;
    s.kind = *kind;
    read_step_body(s);
    if (const auto second = r_.next_key()) {
      r_.fail("a step has exactly one key, its kind; " + display::quoted(*second) + " follows " +
              display::quoted(*first));
    }
    return s;
  }

  void read_step_body(step& s) {
    switch (s.kind) {
      case step_kind::send:
      case step_kind::expect:
        read_payload(s, payload_keys, false);
        break;
      case step_kind::raw:
        read_payload(s, std::span(payload_keys).first(p_type), false);
        break;
      case step_kind::ping:
        read_payload(s, std::span(payload_keys).first(p_type), true);
        break;
      case step_kind::close: {
        static constexpr std::array<std::string_view, 1> keys{"code"};
        read_object(r_, keys, [&](std::size_t) {
          s.code = static_cast<std::uint16_t>(read_uint(r_, format::min_close_code, format::max_close_code));
        });
        break;
      }
      case step_kind::expect_error: {
        static constexpr std::array<std::string_view, 2> keys{"error", "close_codes"};
        const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
          if (key == 1) {
            s.close_codes = read_close_codes();
            return;
          }
          read_error_names(s);
        });
        require(r_, seen, keys, {0});
        break;
      }
      case step_kind::renegotiate:
      case step_kind::key_update: {
        static constexpr std::array<std::string_view, 1> keys{"delay"};
        read_object(r_, keys, [&](std::size_t) {
          s.delay = static_cast<std::uint32_t>(read_uint(r_, 0, format::max_request_delay));
        });
        break;
      }
      case step_kind::switch_phase:
      case step_kind::expect_eof:
        read_object(r_, {}, [](std::size_t) {});
        break;
    }
  }

  // Exactly one of text, hex, repeat + size, repeat_hex + size (none for an empty ping).
  void read_payload(step& s, std::span<const std::string_view> keys, bool may_be_empty) {
    std::optional<std::size_t> source;
    std::string pattern;
    std::optional<std::uint64_t> size;
    read_object(r_, keys, [&](std::size_t key) {
      if (key == p_size) {
        size = read_uint(r_, 0, format::max_payload_bytes);
        return;
      }
      if (key == p_type) {
        s.type = static_cast<message_type>(read_choice(r_, "message type", message_type_names));
        return;
      }
      if (source) {
        r_.fail(display::quoted(payload_keys[key]) + " and " + display::quoted(payload_keys[*source]) +
                " exclude each other; give one of text, hex, repeat or repeat_hex");
      }
      source = key;
      switch (key) {
        case p_text: {
          const std::string text = read_string(r_);
          s.data.assign(text.begin(), text.end());
          break;
        }
        case p_hex: s.data = read_hex(); break;
        case p_repeat: pattern = read_string(r_); break;
        case p_repeat_hex: {
          const std::vector<std::uint8_t> bytes = read_hex();
          pattern.assign(bytes.begin(), bytes.end());
          break;
        }
      }
      if ((key == p_repeat || key == p_repeat_hex) && pattern.empty()) r_.fail("the repeat pattern must not be empty");
    });
    const bool repeats = source == p_repeat || source == p_repeat_hex;
    if (!repeats && size) r_.fail("\"size\" goes only with \"repeat\" or \"repeat_hex\"");
    if (!source && !may_be_empty) {
      r_.fail("missing the data; give one of text, hex, repeat with size, or repeat_hex with size");
    }
    if (repeats && !size) {
      r_.fail(display::quoted(payload_keys[*source]) + " needs \"size\", the length of the data in bytes");
    }
    const std::uint64_t bytes = repeats ? *size : s.data.size();
    if (bytes > format::max_payload_bytes) {
      r_.fail("the data is " + std::to_string(bytes) + " bytes; the limit is " + size_limit(format::max_payload_bytes));
    }
    payload_total_ += bytes;
    if (payload_total_ > format::max_total_payload_bytes) {
      r_.fail("the steps' data exceeds " + size_limit(format::max_total_payload_bytes) + " in total");
    }
    if (repeats) s.data = payload::repeat(pattern, static_cast<std::size_t>(*size));
  }

  expectation read_expectation() {
    static constexpr std::array<std::string_view, 4> keys{"verdict", "invariant", "message", "at"};
    static constexpr std::array<std::string_view, 7> expectable{"pass",          "fail",          "hang",
                                                                "non_strict",    "unimplemented", "informational",
                                                                "crash"};
    expectation e;
    const std::uint64_t seen = read_object(r_, keys, [&](std::size_t key) {
      if (key == 0) {
        const std::string v = read_string(r_);
        const auto parsed = parse_verdict(v);
        if (parsed == verdict::xfail || parsed == verdict::xpass) {
          r_.fail(display::quoted(v) + " is a result, not an expectation; expected one of: " + display::list(expectable));
        }
        if (!parsed) r_.fail("unknown verdict " + display::quoted(v) + "; expected one of: " + display::list(expectable));
        e.expected = *parsed;
      } else if (key == 2) {
        e.message = read_string(r_);
      } else if (key == 3) {
        e.at = static_cast<endpoint_id>(read_choice(r_, "endpoint", endpoint_names));
      } else {
        e.invariant = read_string(r_);
        if (!format::is_invariant_id(*e.invariant)) {
          r_.fail("invalid invariant id " + display::quoted(*e.invariant) +
                  "; ids are lowercase, digits and '_' '-' '.' '*', like \"handover.exact\"");
        }
      }
    });
    require(r_, seen, keys, {0});
    if (e.expected == verdict::pass && e.invariant) {
      r_.fail_at(r_.pointer() + "/invariant", "an expected pass breaks no invariant; drop \"invariant\"");
    }
    if (e.expected == verdict::pass && e.at) {
      r_.fail_at(r_.pointer() + "/at", "an expected pass is expected of no end; drop \"at\"");
    }
    if (e.expected == verdict::pass && e.message) {
      r_.fail_at(r_.pointer() + "/message", "an expected pass has no failure message; drop \"message\"");
    }
    return e;
  }

  json_reader& r_;
  std::uint64_t payload_total_ = 0;
};

}  // namespace

scenario parse_scenario(std::string_view text, std::string_view file_label) {
  if (text.size() > format::max_file_bytes) {
    throw load_error(std::string(file_label), "",
                     "the input is " + std::to_string(text.size()) + " bytes; the limit is " +
                         size_limit(format::max_file_bytes));
  }
  check_json(text, file_label);  // syntax problems first, wherever they are
  check_version(text, file_label);
  json_reader r(text, file_label);
  scenario s = loader(r).read_scenario();
  r.finish();
  return s;
}

scenario load_scenario_file(const std::filesystem::path& path) {
  const std::string label = path.string();
  auto failure = [&](const std::string& reason) { return load_error(label, "", reason); };
  auto system_message = [](int err) { return std::generic_category().message(err); };

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open the file: " + system_message(errno));
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_on_exit{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) throw failure("cannot read the file: " + system_message(errno));
  if (!S_ISREG(st.st_mode)) throw failure("not a regular file");
  auto too_large = [&](std::uint64_t bytes) {
    return failure("the file is " + std::to_string(bytes) + " bytes; the limit is " + size_limit(format::max_file_bytes));
  };
  if (static_cast<std::uint64_t>(st.st_size) > format::max_file_bytes) throw too_large(static_cast<std::uint64_t>(st.st_size));

  // Read to the end rather than trusting st_size: the file may change while it is read.
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() > format::max_file_bytes) throw too_large(text.size());
      text.resize(std::min(format::max_file_bytes + 1, std::max<std::size_t>(4096, text.size() * 2)));
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw failure("cannot read the file: " + system_message(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  text.resize(used);
  return parse_scenario(text, label);
}

}  // namespace stutter::scenario
