#include "parse.hpp"

#include <fmt/format.h>

#include "columns.hpp"
#include "stutter_reports/report.hpp"
#include "verdicts.hpp"

namespace stutter::reports::detail {
namespace {

using nlohmann::json;

// Where in which document a value sits; every complaint names both.
struct at {
  const std::string& doc;
  std::string ptr;

  at operator/(std::string_view key) const {
    std::string token;
    for (char c : key) {
      if (c == '~') token += "~0";
      else if (c == '/') token += "~1";
      else token += c;
    }
    return {doc, ptr + "/" + token};
  }
  at operator/(std::size_t i) const { return {doc, ptr + "/" + std::to_string(i)}; }

  [[noreturn]] void fail(const std::string& problem) const { throw report_error(doc, ptr, problem); }
};

const json* member(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string as_string(const json& v, const at& where) {
  if (!v.is_string()) where.fail("expected a string");
  return v.get<std::string>();
}

std::uint64_t as_count(const json& v, const at& where) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  where.fail("expected a non-negative integer");
}

std::string required_string(const json& object, std::string_view key, const at& where, bool allow_empty) {
  const json* v = member(object, key);
  if (v == nullptr) where.fail("required field is missing");
  std::string s = as_string(*v, where);
  if (!allow_empty && s.empty()) where.fail("must not be empty");
  return s;
}

// Absent and null both read as "".
std::string optional_string(const json& object, std::string_view key, const at& where) {
  const json* v = member(object, key);
  if (v == nullptr || v->is_null()) return {};
  return as_string(*v, where);
}

std::optional<std::uint64_t> optional_count(const json& object, std::string_view key, const at& where) {
  const json* v = member(object, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return as_count(*v, where);
}

std::vector<std::string> string_array(const json& v, const at& where) {
  if (!v.is_array()) where.fail("expected an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(as_string(v[i], where / i));
  return out;
}

counts count_map(const json& v, const at& where) {
  if (!v.is_object()) where.fail("expected an object of counts");
  counts out;
  for (const auto& [key, value] : v.items()) out[key] = as_count(value, where / key);
  return out;
}

std::string hex_bytes(const json& v, const at& where) {
  std::string text = as_string(v, where);
  if (text.size() % 2 != 0) where.fail("hex string has an odd number of digits");
  auto digit = [&](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    where.fail("not a hex string");
  };
  std::string out(text.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(digit(text[2 * i]) * 16 + digit(text[2 * i + 1]));
  }
  return out;
}

void parse_stats(const json& row, result_row& r, const at& where) {
  const json* stats = member(row, "stats");
  if (stats == nullptr || stats->is_null()) return;
  at w = where / "stats";
  if (!stats->is_object()) w.fail("expected an object");
  r.operations = optional_count(*stats, "operations", w / "operations");
  r.bytes = optional_count(*stats, "bytes", w / "bytes");
  r.steps = optional_count(*stats, "steps", w / "steps");
  r.virtual_time = optional_count(*stats, "virtual_time", w / "virtual_time");
  if (const json* f = member(*stats, "faults"); f != nullptr && !f->is_null()) r.faults = count_map(*f, w / "faults");
}

void parse_faults_by_phase(const json& row, result_row& r, const at& where) {
  const json* v = member(row, "faults_by_phase");
  if (v == nullptr || v->is_null()) return;
  at w = where / "faults_by_phase";
  if (!v->is_object()) w.fail("expected an object of phases");
  std::map<std::string, counts> phases;
  for (const auto& [phase, kinds] : v->items()) phases[phase] = count_map(kinds, w / phase);
  r.faults_by_phase = std::move(phases);
}

void parse_data(const json& row, result_row& r, const at& where) {
  const json* v = member(row, "data");
  if (v == nullptr || v->is_null()) return;
  at w = where / "data";
  if (!v->is_object()) w.fail("expected an object with expected and delivered hex strings");
  data_pair d;
  if (const json* e = member(*v, "expected"); e != nullptr) d.expected = hex_bytes(*e, w / "expected");
  if (const json* g = member(*v, "delivered"); g != nullptr) d.delivered = hex_bytes(*g, w / "delivered");
  r.data = std::move(d);
}

void parse_timeline(const json& row, result_row& r, const at& where) {
  const json* v = member(row, "timeline");
  if (v == nullptr || v->is_null()) return;
  at w = where / "timeline";
  if (!v->is_array()) w.fail("expected an array of events");
  r.timeline.reserve(v->size());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    at we = w / i;
    if (!e.is_object()) we.fail("expected an event object");
    timeline_event ev;
    const json* t = member(e, "t");
    if (t == nullptr) (we / "t").fail("required field is missing");
    ev.t = as_count(*t, we / "t");
    ev.endpoint = required_string(e, "endpoint", we / "endpoint", false);
    ev.layer = required_string(e, "layer", we / "layer", false);
    ev.op = required_string(e, "op", we / "op", false);
    ev.result = optional_string(e, "result", we / "result");
    ev.fault = optional_string(e, "fault", we / "fault");
    ev.phase = optional_string(e, "phase", we / "phase");
    ev.error = optional_string(e, "error", we / "error");
    ev.requested = optional_count(e, "requested", we / "requested");
    ev.n = optional_count(e, "n", we / "n");
    r.timeline.push_back(std::move(ev));
  }
}

void parse_wire(const json& row, result_row& r, const at& where) {
  const json* v = member(row, "wire");
  if (v == nullptr || v->is_null()) return;
  at w = where / "wire";
  if (!v->is_array()) w.fail("expected an array of chunks");
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& c = (*v)[i];
    at wc = w / i;
    if (!c.is_object()) wc.fail("expected a chunk object");
    wire_chunk chunk;
    chunk.t = optional_count(c, "t", wc / "t").value_or(0);
    chunk.from = required_string(c, "from", wc / "from", false);
    const json* hex = member(c, "hex");
    if (hex == nullptr) (wc / "hex").fail("required field is missing");
    chunk.bytes = hex_bytes(*hex, wc / "hex");
    r.wire.push_back(std::move(chunk));
  }
}

std::string verdict_field(const json& row, std::string_view key, const at& where, bool required) {
  std::string v = required ? required_string(row, key, where, false) : optional_string(row, key, where);
  if ((required || !v.empty()) && !is_verdict(v)) {
    where.fail(fmt::format("unknown verdict \"{}\"", v));
  }
  return v;
}

std::string role_field(const json& object, const at& where) {
  std::string role = optional_string(object, "role", where);
  if (role.empty()) return "own";
  if (!is_role(role)) where.fail(fmt::format("unknown role \"{}\" (own, client, server or both)", role));
  return role;
}

std::optional<implementation_identity> identity_field(const json& object, const at& where) {
  const json* v = member(object, "implementation_identity");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_object()) where.fail("expected an object with name, version and sha256");
  return implementation_identity{optional_string(*v, "name", where / "name"),
                                 optional_string(*v, "version", where / "version"),
                                 optional_string(*v, "sha256", where / "sha256")};
}

counts verdict_counts(const json& v, const at& where) {
  counts out = count_map(v, where);
  for (const auto& [verdict, n] : out) {
    if (!is_verdict(verdict)) (where / verdict).fail(fmt::format("unknown verdict \"{}\"", verdict));
  }
  return out;
}

result_row parse_row(const json& row, const at& where) {
  if (!row.is_object()) where.fail("expected a result object");
  result_row r;
  r.id = required_string(row, "id", where / "id", false);
  r.scenario = required_string(row, "scenario", where / "scenario", false);
  r.category = required_string(row, "category", where / "category", false);
  r.verdict = verdict_field(row, "verdict", where / "verdict", true);
  const json* stack = member(row, "stack");
  if (stack == nullptr) (where / "stack").fail("required field is missing");
  r.stack = string_array(*stack, where / "stack");
  const json* seed = member(row, "seed");
  if (seed == nullptr) (where / "seed").fail("required field is missing");
  r.seed = as_count(*seed, where / "seed");
  r.trace_hash = required_string(row, "trace_hash", where / "trace_hash", true);

  r.file = optional_string(row, "file", where / "file");
  r.description = optional_string(row, "description", where / "description");
  r.rule = optional_string(row, "rule", where / "rule");
  r.implementation = optional_string(row, "implementation", where / "implementation");
  if (r.implementation.empty()) r.implementation = "stutter";
  r.role = role_field(row, where / "role");
  r.identity = identity_field(row, where / "implementation_identity");
  r.expectation_reason = optional_string(row, "expectation_reason", where / "expectation_reason");
  if (const json* e = member(row, "explore"); e != nullptr && !e->is_null()) {
    if (!e->is_boolean()) (where / "explore").fail("expected true or false");
    r.explore = e->get<bool>();
  }
  r.expected_verdict = verdict_field(row, "expected_verdict", where / "expected_verdict", false);
  r.invariant = optional_string(row, "invariant", where / "invariant");
  r.message = optional_string(row, "message", where / "message");
  r.replay = optional_string(row, "replay", where / "replay");
  if (const json* checked = member(row, "invariants_checked"); checked != nullptr && !checked->is_null()) {
    r.invariants_checked = string_array(*checked, where / "invariants_checked");
  }
  parse_stats(row, r, where);
  parse_faults_by_phase(row, r, where);
  parse_data(row, r, where);
  parse_timeline(row, r, where);
  parse_wire(row, r, where);
  return r;
}

explore_totals parse_explore_entry(const json& e, const at& where) {
  if (!e.is_object()) where.fail("expected an explore summary object");
  explore_totals t;
  t.stack = required_string(e, "stack", where / "stack", false);
  t.implementation = optional_string(e, "implementation", where / "implementation");
  if (t.implementation.empty()) t.implementation = "stutter";
  t.role = role_field(e, where / "role");
  t.identity = identity_field(e, where / "implementation_identity");
  const json* runs = member(e, "runs");
  if (runs == nullptr) (where / "runs").fail("required field is missing");
  t.runs = as_count(*runs, where / "runs");
  if (const json* seeds = member(e, "seeds"); seeds != nullptr && !seeds->is_null()) {
    at w = where / "seeds";
    if (!seeds->is_object()) w.fail("expected an object with first and last");
    auto first = optional_count(*seeds, "first", w / "first");
    auto last = optional_count(*seeds, "last", w / "last");
    if (!first) (w / "first").fail("required field is missing");
    if (!last) (w / "last").fail("required field is missing");
    if (*first > *last) w.fail(fmt::format("first seed {} is after last seed {}", *first, *last));
    t.seeds = std::pair{*first, *last};
  }
  const json* verdicts = member(e, "verdicts");
  if (verdicts == nullptr) (where / "verdicts").fail("required field is missing");
  t.verdicts = verdict_counts(*verdicts, where / "verdicts");
  std::uint64_t sum = 0, failing = 0;
  for (const auto& [v, n] : t.verdicts) {
    sum += n;
    failing += fails_gate(v) ? n : 0;
  }
  if (sum != t.runs) (where / "verdicts").fail(fmt::format("verdicts add up to {} runs, \"runs\" says {}", sum, t.runs));
  t.failures = optional_count(e, "failures", where / "failures").value_or(failing);
  if (t.failures > t.runs) (where / "failures").fail(fmt::format("{} failures in {} runs", t.failures, t.runs));
  if (const json* f = member(e, "faults"); f != nullptr && !f->is_null()) t.faults = count_map(*f, where / "faults");
  t.duration_ms = optional_count(e, "duration_ms", where / "duration_ms");
  return t;
}

std::vector<explore_totals> parse_explore(const json& doc, const at& where) {
  const json* v = member(doc, "explore");
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_array()) where.fail("expected an array of explore summaries");
  std::vector<explore_totals> out;
  for (std::size_t i = 0; i < v->size(); ++i) out.push_back(parse_explore_entry((*v)[i], where / i));
  return out;
}

void parse_meta(const json& doc, document_meta& m, const at& where) {
  if (const json* tool = member(doc, "tool"); tool != nullptr && !tool->is_null()) {
    at w = where / "tool";
    if (!tool->is_object()) w.fail("expected an object");
    m.tool_name = optional_string(*tool, "name", w / "name");
    m.tool_version = optional_string(*tool, "version", w / "version");
    m.commit = optional_string(*tool, "commit", w / "commit");
  }
  if (const json* run = member(doc, "run"); run != nullptr && !run->is_null()) {
    at w = where / "run";
    if (!run->is_object()) w.fail("expected an object");
    m.command = optional_string(*run, "command", w / "command");
    m.shard = optional_string(*run, "shard", w / "shard");
    m.seeds = optional_string(*run, "seeds", w / "seeds");
    m.duration_ms = optional_count(*run, "duration_ms", w / "duration_ms");
  }
  if (const json* summary = member(doc, "summary"); summary != nullptr && !summary->is_null()) {
    at w = where / "summary";
    if (!summary->is_object()) w.fail("expected an object");
    m.determinism = optional_string(*summary, "determinism", w / "determinism");
  }
}

}  // namespace

parsed_document parse_document(const json& document, const std::string& name, std::size_t ordinal) {
  at root{name, ""};
  if (!document.is_object()) root.fail("expected a results object");
  const json* format = member(document, "format");
  if (format == nullptr || !format->is_string() || format->get<std::string>() != "stutter-results") {
    (root / "format").fail("expected \"stutter-results\"");
  }
  const json* version = member(document, "version");
  if (version == nullptr || !version->is_number_integer() || version->get<std::int64_t>() != 1) {
    (root / "version").fail("unsupported version (this renderer reads version 1)");
  }

  parsed_document out;
  out.meta.name = name;
  parse_meta(document, out.meta, root);

  out.explore = parse_explore(document, root / "explore");
  for (std::size_t i = 0; i < out.explore.size(); ++i) {
    out.explore[i].document = ordinal;
    out.explore[i].index = i;
  }

  const json* results = member(document, "results");
  if (results == nullptr) (root / "results").fail("required field is missing");
  if (!results->is_array()) (root / "results").fail("expected an array");
  out.rows.reserve(results->size());
  for (std::size_t i = 0; i < results->size(); ++i) {
    result_row r = parse_row((*results)[i], root / "results" / i);
    r.document = ordinal;
    r.index = i;
    out.rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace stutter::reports::detail
