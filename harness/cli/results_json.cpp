#include "results_json.hpp"

#include <cctype>

#include "scenario/names.hpp"
#include "sim/trace.hpp"

namespace stutter::cli {
namespace {

using nlohmann::json;

constexpr std::size_t max_hex_bytes = 4096;
constexpr std::size_t max_timeline = 2000;
constexpr std::size_t max_wire_bytes = 8192;

std::string hex(std::span<const std::uint8_t> data, std::size_t cap = max_hex_bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(cap, data.size());
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string safe(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

// "<scenario>-<seed>" for the reference stack in its own place (the ids runs had before
// foreign implementations); otherwise "<scenario>.<implementation>[.<role>]-<seed>", so the
// same scenario and seed under several implementations and roles stay distinct.
std::string run_id(const scenario::scenario& s) {
  std::string id = safe(s.name);
  if (s.peer != "stutter" || s.peer_role != scenario::placement::own) {
    id += "." + safe(s.peer);
    if (s.peer_role != scenario::placement::own) id += "." + std::string(scenario::to_string(s.peer_role));
  }
  return id + "-" + std::to_string(s.seed);
}

json fault_counts(const std::array<std::uint64_t, sim::fault_kind_count>& counts) {
  json out = json::object();
  for (int k = 0; k < sim::fault_kind_count; ++k) {
    if (counts[static_cast<std::size_t>(k)] != 0) out[std::string(sim::name_of(static_cast<sim::fault_kind>(k)))] = counts[static_cast<std::size_t>(k)];
  }
  return out;
}

}  // namespace

json result_entry(const work_item& item, const work_outcome& outcome) {
  const auto& s = item.scenario;
  const auto& r = outcome.result;
  json stack = json::array();
  for (auto l : s.client.stack) stack.push_back(std::string(scenario::to_string(l)));
  json entry{
      {"id", run_id(s)},
      {"scenario", s.name},
      {"file", item.file},
      {"category", s.category.empty() ? "uncategorised" : s.category},
      {"description", s.description},
      {"rule", s.rule},
      {"implementation", s.peer},
      {"role", std::string(scenario::to_string(s.peer_role))},
      {"stack", stack},
      {"seed", s.seed},
      {"verdict", std::string(scenario::to_string(r.verdict))},
      {"expected_verdict", std::string(scenario::to_string(s.expect.expected))},
      {"invariant", r.invariant ? json(*r.invariant) : json(nullptr)},
      {"message", r.message},
      {"trace_hash", sim::to_hex64(r.trace_hash)},
      {"replayable", r.replayable},
      {"replay", replay_command(item)},
      {"invariants_checked", r.invariants},
      {"stats",
       {{"operations", r.operations},
        {"bytes", r.bytes},
        {"steps", r.steps},
        {"virtual_time", r.virtual_time},
        {"trace_events", r.trace_events},
        {"faults", fault_counts(r.faults)}}},
  };
  if (s.peer_identity) {
    entry["implementation_identity"] = {
        {"name", s.peer_identity->name}, {"version", s.peer_identity->version}, {"sha256", s.peer_identity->sha256}};
  }
  if (!item.expectation_reason.empty()) entry["expectation_reason"] = item.expectation_reason;
  json by_phase = json::object();
  for (std::uint8_t p = 0; p < 4; ++p) by_phase[std::string(runner::phase_name(p))] = fault_counts(r.faults_by_phase[p]);
  entry["faults_by_phase"] = by_phase;

  const bool notable = r.verdict != scenario::verdict::pass;
  if (notable) {
    if (r.detail && (!r.detail->expected.empty() || !r.detail->delivered.empty())) {
      entry["data"] = {{"expected", hex(r.detail->expected)}, {"delivered", hex(r.detail->delivered)}};
    }
    json timeline = json::array();
    for (std::size_t i = 0; i < r.events.size() && i < max_timeline; ++i) {
      const auto& e = r.events[i];
      json ev{{"t", e.time},
              {"endpoint", std::string(scenario::to_string(e.endpoint))},
              {"layer", std::string(e.layer)},
              {"op", std::string(e.op)},
              {"phase", std::string(runner::phase_name(e.phase))},
              {"requested", e.requested},
              {"result", std::string(to_string(e.result))},
              {"n", e.moved}};
      if (e.fault) ev["fault"] = std::string(sim::name_of(*e.fault));
      if (e.error) ev["error"] = e.error.message();
      timeline.push_back(std::move(ev));
    }
    entry["timeline"] = std::move(timeline);
    json wire = json::array();
    wire.push_back({{"t", 0}, {"from", "client"}, {"hex", hex(r.wire[0], max_wire_bytes)}});
    wire.push_back({{"t", 0}, {"from", "server"}, {"hex", hex(r.wire[1], max_wire_bytes)}});
    entry["wire"] = std::move(wire);
  }
  return entry;
}

json results_document(const std::vector<work_item>& items, const std::vector<work_outcome>& outcomes,
                      const run_context& context, const explore_summary* explore) {
  json results = json::array();
  json verdicts = json::object();
  bool deterministic = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    results.push_back(result_entry(items[i], outcomes[i]));
    if (explore != nullptr) results.back()["explore"] = true;
    const std::string v(scenario::to_string(outcomes[i].result.verdict));
    verdicts[v] = verdicts.value(v, 0) + 1;
    deterministic = deterministic && outcomes[i].deterministic;
  }
  json summary{{"runs", items.size()}, {"verdicts", verdicts}};
  if (explore != nullptr) {
    summary = {{"runs", explore->runs()}, {"verdicts", explore->verdicts()}};
    deterministic = deterministic && explore->deterministic();
  }
  summary["determinism"] = deterministic ? "ok" : "mismatch";
  json doc{{"format", "stutter-results"},
           {"version", 1},
           {"tool", {{"name", "stutter"}, {"version", STUTTER_VERSION}, {"commit", STUTTER_COMMIT}}},
           {"run",
            {{"command", context.command},
             {"shard", context.shard},
             {"seeds", context.seeds},
             {"duration_ms", context.duration_ms}}},
           {"summary", std::move(summary)}};
  if (explore != nullptr) doc["explore"] = explore->to_json();
  doc["results"] = std::move(results);
  return doc;
}

}  // namespace stutter::cli
