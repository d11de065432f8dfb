#include "scenario/save.hpp"

#include <stdexcept>

#include "scenario/format.hpp"
#include "scenario/json_writer.hpp"
#include "scenario/names.hpp"
#include "scenario/payload.hpp"
#include "scenario/utf8.hpp"

namespace stutter::scenario {
namespace {

using json_out::value;

value text(std::string_view field, std::string_view s) {
  if (!utf8::is_valid(s)) throw std::invalid_argument("save_scenario: " + std::string(field) + " is not valid UTF-8");
  return value::string(s);
}

value name(std::string_view n) { return value::string(n); }

value data_form(const std::vector<std::uint8_t>& data) {
  const payload::choice c = payload::choose(data);
  const std::span<const std::uint8_t> bytes(data);
  value body = value::object();
  switch (c.written) {
    case payload::form::text:
      body.add("text", value::string(std::string(data.begin(), data.end())));
      break;
    case payload::form::hex:
      body.add("hex", value::string(payload::to_hex(bytes)));
      break;
    case payload::form::repeat:
      body.add("repeat", value::string(std::string(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(c.period))));
      body.add("size", value::integer(data.size()));
      break;
    case payload::form::repeat_hex:
      body.add("repeat_hex", value::string(payload::to_hex(bytes.first(c.period))));
      body.add("size", value::integer(data.size()));
      break;
  }
  return body;
}

value step_value(const step& s) {
  value body = value::object();
  switch (s.kind) {
    case step_kind::send:
    case step_kind::expect:
      body = data_form(s.data);
      if (s.type != message_type::binary) body.add("type", name(to_string(s.type)));
      break;
    case step_kind::raw:
      body = data_form(s.data);
      break;
    case step_kind::ping:
      if (!s.data.empty()) body = data_form(s.data);
      break;
    case step_kind::close:
      if (s.code != format::default_close_code) body.add("code", value::integer(s.code));
      break;
    case step_kind::expect_error:
      if (s.other_errors.empty()) {
        body.add("error", text("an expect_error step's error", s.error));
      } else {
        value names = value::array();
        names.push(text("an expect_error step's error", s.error));
        for (const auto& e : s.other_errors) names.push(text("an expect_error step's error", e));
        body.add("error", std::move(names));
      }
      if (!s.close_codes.empty()) {
        value codes = value::array();
        for (auto c : s.close_codes) codes.push(value::integer(c));
        body.add("close_codes", std::move(codes));
      }
      break;
    case step_kind::renegotiate:
    case step_kind::key_update:
      if (s.delay != 0) body.add("delay", value::integer(s.delay));
      break;
    case step_kind::switch_phase:
    case step_kind::expect_eof:
      break;
  }
  return value::object().add(to_string(s.kind), std::move(body));
}

value settings_value(const settings& c) {
  const settings d;
  value v = value::object();
  if (c.separator != d.separator) {
    if (utf8::is_valid(c.separator)) {
      v.add("separator", value::string(c.separator));
    } else {
      const std::span bytes(reinterpret_cast<const std::uint8_t*>(c.separator.data()), c.separator.size());
      v.add("separator", value::object().add("hex", value::string(payload::to_hex(bytes))));
    }
  }
  auto u32 = [&](std::string_view key, std::uint32_t now, std::uint32_t def) {
    if (now != def) v.add(key, value::integer(now));
  };
  u32("max_line", c.max_line, d.max_line);
  if (c.length_prefix != d.length_prefix) v.add("length_prefix", text("length_prefix", c.length_prefix));
  u32("max_record", c.max_record, d.max_record);
  if (c.strict != d.strict) v.add("strict", value::boolean(c.strict));
  u32("buffer_capacity", c.buffer_capacity, d.buffer_capacity);
  u32("read_block", c.read_block, d.read_block);
  u32("max_message", c.max_message, d.max_message);
  u32("fragment_size", c.fragment_size, d.fragment_size);
  u32("max_header_bytes", c.max_header_bytes, d.max_header_bytes);
  u32("max_headers", c.max_headers, d.max_headers);
  if (c.tls_version != d.tls_version) v.add("tls_version", text("tls_version", c.tls_version));
  if (c.allow_renegotiation != d.allow_renegotiation) v.add("allow_renegotiation", value::boolean(c.allow_renegotiation));
  return v;
}

value endpoint_value(const endpoint& e) {
  value stack = value::array();
  for (layer l : e.stack) stack.push(name(to_string(l)));
  value workload = value::array();
  for (const step& s : e.workload) workload.push(step_value(s));
  value v = value::object();
  v.add("stack", std::move(stack));
  if (e.config != settings{}) v.add("settings", settings_value(e.config));
  v.add("workload", std::move(workload));
  return v;
}

value faults_value(const faults& f) {
  // Writing one of the two would silently drop the other, and with it the run's replay.
  if (f.explicit_schedule ? !f.swarm.empty() : !f.schedule.empty()) {
    throw std::invalid_argument(f.explicit_schedule ? "save_scenario: an explicit schedule with a swarm profile"
                                                    : "save_scenario: a fault schedule without explicit_schedule");
  }
  if (f.explicit_schedule) {
    value schedule = value::array();
    for (const fault_entry& e : f.schedule) {
      schedule.push(value::object()
                        .add("endpoint", name(to_string(e.endpoint)))
                        .add("dir", name(to_string(e.dir)))
                        .add("op", value::integer(e.op))
                        .add("kind", name(to_string(e.kind)))
                        .add("amount", value::integer(e.amount)));
    }
    return value::object().add("schedule", std::move(schedule));
  }
  value swarm = value::object();
  for (const auto& [kind, rate] : f.swarm) {
    swarm.add(to_string(kind), value::object()
                                   .add("per_mille", value::integer(rate.per_mille))
                                   .add("max_amount", value::integer(rate.max_amount)));
  }
  return value::object().add("swarm", std::move(swarm));
}

}  // namespace

std::string save_scenario(const scenario& s) {
  const scenario d;
  value root = value::object();
  root.add("version", value::signed_integer(s.version));
  root.add("name", text("name", s.name));
  if (!s.description.empty()) root.add("description", text("description", s.description));
  if (!s.category.empty()) root.add("category", text("category", s.category));
  if (!s.rule.empty()) root.add("rule", text("rule", s.rule));
  if (s.peer != d.peer) root.add("peer", text("peer", s.peer));
  if (s.peer_role != d.peer_role) root.add("peer_role", name(to_string(s.peer_role)));
  if (s.peer_identity) {
    root.add("peer_identity", value::object()
                                  .add("name", text("peer_identity.name", s.peer_identity->name))
                                  .add("version", text("peer_identity.version", s.peer_identity->version))
                                  .add("sha256", name(s.peer_identity->sha256)));
  }
  root.add("seed", value::integer(s.seed));
  if (s.max_steps != d.max_steps) root.add("max_steps", value::integer(s.max_steps));
  if (!s.commit.empty()) root.add("commit", text("commit", s.commit));
  if (s.net != d.net) {
    value net = value::object();
    if (s.net.capacity != d.net.capacity) net.add("capacity", value::integer(s.net.capacity));
    if (s.net.latency != d.net.latency) net.add("latency", value::integer(s.net.latency));
    root.add("network", std::move(net));
  }
  if (s.fault.explicit_schedule || !s.fault.swarm.empty() || !s.fault.schedule.empty()) {
    root.add("faults", faults_value(s.fault));
  }
  root.add("client", endpoint_value(s.client));
  root.add("server", endpoint_value(s.server));
  value expect = value::object().add("verdict", name(to_string(s.expect.expected)));
  if (s.expect.invariant) expect.add("invariant", text("expect.invariant", *s.expect.invariant));
  if (s.expect.message) expect.add("message", text("expect.message", *s.expect.message));
  if (s.expect.at) expect.add("at", name(to_string(*s.expect.at)));
  root.add("expect", std::move(expect));
  return render(root) + "\n";
}

}  // namespace stutter::scenario
