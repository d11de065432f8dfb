#include "fixtures.hpp"

namespace stutter::reports::testing {

using nlohmann::json;

json make_result(const std::string& scenario, const std::string& implementation, std::uint64_t seed,
                 const std::string& verdict, const std::string& category) {
  return {
      {"id", scenario + "-" + implementation + "-" + std::to_string(seed)},
      {"scenario", scenario},
      {"file", "scenarios/" + category + "/" + scenario + ".json"},
      {"category", category},
      {"description", "Scenario " + scenario},
      {"rule", ""},
      {"implementation", implementation},
      {"stack", {"line", "length"}},
      {"seed", seed},
      {"verdict", verdict},
      {"expected_verdict", "pass"},
      {"invariant", nullptr},
      {"message", ""},
      {"trace_hash", "0123456789abcdef"},
      {"replay", "stutter replay scenarios/" + category + "/" + scenario + ".json --seed " + std::to_string(seed)},
      {"invariants_checked", {"bytes.exact", "framing.records"}},
      {"stats", {{"operations", 120}, {"bytes", 4096}, {"steps", 300}, {"virtual_time", 55},
                 {"faults", {{"eagain_read", 3}, {"short_write", 2}}}}},
      {"faults_by_phase", {{"handshake", {{"eagain_read", 1}}},
                           {"data", {{"eagain_read", 2}, {"short_write", 2}}},
                           {"renegotiation", json::object()},
                           {"close", json::object()}}},
  };
}

json make_failing(json result, std::size_t events) {
  result["verdict"] = "fail";
  result["invariant"] = "handover.exact";
  result["message"] = "over-read 3 bytes past the upgrade response into the WebSocket stream";
  result["data"] = {{"expected", "48656c6c6f2c20776f726c64210a4d6f726520627974657320666f6c6c6f770a"},
                    {"delivered", "48656c6c6f2c20776f726c64210a4d6f7265586279746573"}};
  result["invariants_checked"] = {"bytes.exact",    "framing.records",   "handover.exact", "handover.no_overread",
                                  "buffer.bounded", "retry.same_buffer", "status.meaning"};
  result["faults_by_phase"] = {{"handshake", {{"eagain_read", 2}, {"short_write", 1}}},
                               {"data", {{"partial_read", 4}, {"latency", 3}, {"capacity", 1}, {"eagain_write", 2}}},
                               {"renegotiation", json::object()},
                               {"close", {{"eagain_read", 1}}}};
  static const char* layers[] = {"socket", "line", "length"};
  static const char* results[] = {"ok", "would_block", "ok", "need_read", "ok", "eof"};
  static const char* faults[] = {"eagain_read", "short_write", "partial_read", "latency"};
  json timeline = json::array();
  for (std::size_t i = 0; i < events; ++i) {
    json e = {{"t", i / 3},
              {"endpoint", i % 2 == 0 ? "client" : "server"},
              {"layer", layers[i % 3]},
              {"op", i % 4 < 2 ? "write" : "read"},
              {"requested", 16 + i % 5},
              {"result", results[i % 6]},
              {"n", i % 6 == 0 ? 16 : 0}};
    if (i % 7 == 3) e["fault"] = faults[i % 4];
    if (i % 11 == 0) e["phase"] = i < events / 2 ? "handshake" : "data";
    timeline.push_back(std::move(e));
  }
  result["timeline"] = std::move(timeline);
  result["wire"] = json::array({
      {{"t", 0}, {"from", "client"}, {"hex", "474554202f20485454502f312e310d0a557067726164653a20776562736f636b65740d0a0d0a"}},
      {{"t", 2}, {"from", "server"}, {"hex", "485454502f312e31203130312053776974636869"}},
      {{"t", 3}, {"from", "server"}, {"hex", "6e672050726f746f636f6c730d0a0d0a810548656c6c6f"}},
  });
  return result;
}

json make_document(std::vector<json> results, const std::string& shard) {
  json doc = {{"format", "stutter-results"},
              {"version", 1},
              {"tool", {{"name", "stutter"}, {"version", "0.1.0"}, {"commit", "abc123def456"}}},
              {"run", {{"command", "stutter run scenarios"}, {"shard", shard}, {"seeds", "0..4"}, {"duration_ms", 1234}}},
              {"summary", {{"runs", results.size()}, {"determinism", "ok"}}},
              {"results", json::array()}};
  for (auto& r : results) doc["results"].push_back(std::move(r));
  return doc;
}

json make_explore_summary(const std::string& implementation, const std::string& role, std::uint64_t runs,
                          std::uint64_t first_seed, std::uint64_t failures, std::uint64_t duration_ms) {
  json verdicts = json::object();
  if (runs > failures) verdicts["pass"] = runs - failures;
  if (failures > 0) verdicts["fail"] = failures;
  return {{"stack", "line,length"},
          {"implementation", implementation},
          {"role", role},
          {"runs", runs},
          {"seeds", {{"first", first_seed}, {"last", first_seed + runs - 1}}},
          {"failures", failures},
          {"verdicts", verdicts},
          {"faults", {{"eagain_read", 3 * runs}, {"partial_read", runs / 2}}},
          {"duration_ms", duration_ms},
          {"runs_per_second", duration_ms == 0 ? 0.0 : 1000.0 * static_cast<double>(runs) / static_cast<double>(duration_ms)}};
}

json make_explore_failure(const std::string& implementation, const std::string& role, std::uint64_t seed) {
  const std::string name = "explore-line+length-" + std::to_string(seed);
  json r = make_failing(make_result(name, implementation, seed, "pass", "explore"), 20);
  r["id"] = name + "." + implementation + "-" + std::to_string(seed);
  r["role"] = role;
  r["explore"] = true;
  r["file"] = "stutter-failures/" + name + "-shrunk.json";
  r["replay"] = "stutter replay stutter-failures/" + name + "-shrunk.json";
  return r;
}

json plugin_identity() {
  return {{"name", "cframe"}, {"version", "1.2.0"}, {"sha256", "9f2c4e0d6b8a7c5e3f1d2b4a6c8e0f1a3b5d7f9e1c3a5b7d9f0e2c4a6b8d0f2e"}};
}

json showcase_document() {
  std::vector<json> rows;
  const char* peers[] = {"stutter", "wslay", "gnutls"};
  const char* line_scenarios[] = {"line-eagain", "line-one-byte", "line-long-record", "line-crlf-split"};
  for (const char* s : line_scenarios) {
    for (std::uint64_t seed = 0; seed < 3; ++seed) rows.push_back(make_result(s, "stutter", seed, "pass", "line"));
  }
  rows.push_back(make_result("length-prefix-split", "stutter", 0, "pass", "length"));
  rows.push_back(make_result("length-max-record", "stutter", 0, "non_strict", "length"));
  rows.back()["message"] = "accepted a 2^32-1 length prefix; the limit setter was not consulted";
  rows.push_back(make_result("length-zero-record", "stutter", 0, "xfail", "length"));
  rows.back()["expectation_reason"] = "zero-length records are not framed yet (tracked as issue 12)";

  const char* ws[] = {"ws-upgrade-overread", "ws-close-handshake", "ws-ping-interleave", "ws-fragmented-text"};
  for (const char* s : ws) {
    for (std::size_t p = 0; p < 2; ++p) rows.push_back(make_result(s, peers[p], 0, "pass", "websocket"));
  }
  rows[rows.size() - 8] = make_failing(rows[rows.size() - 8], 260);  // ws-upgrade-overread × stutter
  rows[rows.size() - 8]["rule"] = "RFC 6455 4.1: bytes after the 101 response belong to the WebSocket stream";
  rows[rows.size() - 8]["description"] = "Upgrade response and first frame arrive in one read; the reader must hand over the rest";
  rows[rows.size() - 5]["verdict"] = "informational";
  rows[rows.size() - 3]["verdict"] = "unimplemented";
  // The plug-in at the server end: it crashes in one scenario and never ran ws-fragmented-text.
  for (const char* s : {"ws-upgrade-overread", "ws-close-handshake", "ws-ping-interleave"}) {
    json r = make_result(s, plugin_path, 0, "pass", "websocket");
    r["id"] = std::string(s) + ".cframe.server-0";
    r["role"] = "server";
    r["implementation_identity"] = plugin_identity();
    rows.push_back(std::move(r));
  }
  rows[rows.size() - 2]["verdict"] = "crash";
  rows[rows.size() - 2]["message"] = "the implementation's worker process died: signal 11 (SIGSEGV)";
  rows.push_back(make_result("tls-renegotiate-mid-write", "stutter", 0, "hang", "tls"));
  rows.back()["invariant"] = "liveness.progress";
  rows.back()["message"] = "no progress within 10000 steps: both endpoints wait for read";
  rows.back()["faults_by_phase"]["renegotiation"] = {{"hold", 1}};
  rows.push_back(make_result("tls-renegotiate-mid-write", "gnutls", 0, "pass", "tls"));
  rows.push_back(make_result("tls-key-update", "stutter", 0, "xpass", "tls"));
  rows.push_back(make_result("tls-key-update", "gnutls", 0, "pass", "tls"));

  json evil = make_failing(make_result(script_name, "stutter", 0, "pass", "line"), 12);
  evil["id"] = script_name + "-0";
  evil["description"] = quote_text;
  evil["message"] = quote_text;
  rows.push_back(std::move(evil));
  rows.push_back(make_explore_failure("mutant:drops-handover-bytes", "own", 7));

  json doc = make_document(std::move(rows));
  doc["run"]["seeds"] = "0..2";
  doc["explore"] = {make_explore_summary("stutter", "own", 4000, 0, 0, 1000),
                    make_explore_summary("mutant:drops-handover-bytes", "own", 5000, 0, 1, 2000)};
  return doc;
}

}  // namespace stutter::reports::testing
