#include "merge.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "html.hpp"
#include "parse.hpp"
#include "stutter_reports/report.hpp"

namespace stutter::reports::detail {
namespace {

std::string pointer_of(const result_row& r) { return "/results/" + std::to_string(r.index); }

// "K/N" sorts by N then K, so 2/12 comes before 10/12; anything else sorts after, as text.
bool shard_less(const std::string& a, const std::string& b) {
  auto parse = [](const std::string& s) -> std::optional<std::pair<unsigned, unsigned>> {
    auto slash = s.find('/');
    if (slash == std::string::npos) return std::nullopt;
    unsigned k = 0, n = 0;
    auto r1 = std::from_chars(s.data(), s.data() + slash, k);
    auto r2 = std::from_chars(s.data() + slash + 1, s.data() + s.size(), n);
    if (r1.ec != std::errc{} || r1.ptr != s.data() + slash || r2.ec != std::errc{} || r2.ptr != s.data() + s.size()) {
      return std::nullopt;
    }
    return std::pair{n, k};
  };
  auto pa = parse(a), pb = parse(b);
  if (pa && pb) return *pa != *pb ? *pa < *pb : a < b;
  if (pa || pb) return pa.has_value();
  return a < b;
}

void add_distinct(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string combine_determinism(const std::vector<parsed_document>& docs) {
  std::set<std::string> values;
  for (const auto& d : docs) {
    if (!d.meta.determinism.empty()) values.insert(d.meta.determinism);
  }
  if (values.empty()) return {};
  if (values.size() == 1) return *values.begin();
  values.erase("ok");
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// Documents must come from one build: their results would not be comparable otherwise.
void take_tool(merged_run& run, const std::vector<parsed_document>& docs) {
  const document_meta* first = nullptr;
  for (const auto& d : docs) {
    if (first == nullptr) {
      first = &d.meta;
      continue;
    }
    if (d.meta.commit != first->commit) {
      throw report_error(d.meta.name, "/tool/commit",
                         fmt::format("commit \"{}\" differs from \"{}\" in {}; merge results of one build only",
                                     d.meta.commit, first->commit, first->name));
    }
    if (d.meta.tool_version != first->tool_version) {
      throw report_error(d.meta.name, "/tool/version",
                         fmt::format("version \"{}\" differs from \"{}\" in {}; merge results of one build only",
                                     d.meta.tool_version, first->tool_version, first->name));
    }
  }
  run.tool_name = first->tool_name;
  run.tool_version = first->tool_version;
  run.commit = first->commit;
}

void check_unique(const std::vector<result_row>& rows, const std::vector<std::string>& names) {
  std::map<std::tuple<std::string_view, std::string_view, std::uint64_t>, const result_row*> runs;
  std::map<std::string_view, const result_row*> ids;
  for (const auto& r : rows) {
    auto [it, fresh] = runs.emplace(std::tuple{std::string_view(r.scenario), std::string_view(r.implementation), r.seed}, &r);
    if (!fresh) {
      const result_row& o = *it->second;
      throw report_error(names[r.document], pointer_of(r),
                         fmt::format("duplicate run (scenario \"{}\", implementation \"{}\", seed {}): already in {} at {}",
                                     r.scenario, r.implementation, r.seed, names[o.document], pointer_of(o)));
    }
    auto [jt, fresh_id] = ids.emplace(r.id, &r);
    if (!fresh_id) {
      const result_row& o = *jt->second;
      throw report_error(names[r.document], pointer_of(r) + "/id",
                         fmt::format("duplicate id \"{}\": already in {} at {}", r.id, names[o.document], pointer_of(o)));
    }
  }
}

std::string lowercase(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Names are compared without case so that the report also unpacks on case-insensitive file systems.
void assign_pages(std::vector<result_row>& rows) {
  std::set<std::string> taken;
  for (auto& r : rows) {
    if (!needs_page(r)) continue;
    std::string base = sanitize_filename(r.id);
    std::string name = base;
    for (int k = 2; taken.count(lowercase(name)) != 0; ++k) name = base + "-" + std::to_string(k);
    taken.insert(lowercase(name));
    r.page = name + ".html";
  }
}

}  // namespace

merged_run merge(std::vector<parsed_document> docs) {
  if (docs.empty()) throw report_error("", "", "no results documents to merge");
  merged_run run;
  for (const auto& d : docs) run.document_names.push_back(d.meta.name);
  take_tool(run, docs);
  for (const auto& d : docs) {
    add_distinct(run.commands, d.meta.command);
    add_distinct(run.shards, d.meta.shard);
    add_distinct(run.seeds, d.meta.seeds);
    if (d.meta.duration_ms) run.duration_ms = run.duration_ms.value_or(0) + *d.meta.duration_ms;
  }
  std::sort(run.commands.begin(), run.commands.end());
  std::sort(run.shards.begin(), run.shards.end(), shard_less);
  std::sort(run.seeds.begin(), run.seeds.end());
  run.determinism = combine_determinism(docs);

  std::size_t total = 0;
  for (const auto& d : docs) total += d.rows.size();
  run.rows.reserve(total);
  for (auto& d : docs) std::move(d.rows.begin(), d.rows.end(), std::back_inserter(run.rows));
  check_unique(run.rows, run.document_names);
  std::sort(run.rows.begin(), run.rows.end(), [](const result_row& a, const result_row& b) {
    return std::tie(a.category, a.scenario, a.implementation, a.seed) <
           std::tie(b.category, b.scenario, b.implementation, b.seed);
  });
  for (const auto& r : run.rows) ++run.verdicts[r.verdict];
  assign_pages(run.rows);
  return run;
}

merged_run parse_and_merge(const std::vector<nlohmann::json>& documents, const std::vector<std::string>& names) {
  std::vector<parsed_document> parsed;
  parsed.reserve(documents.size());
  for (std::size_t i = 0; i < documents.size(); ++i) {
    std::string name = i < names.size() && !names[i].empty() ? names[i] : "document " + std::to_string(i + 1);
    parsed.push_back(parse_document(documents[i], name, i));
  }
  return merge(std::move(parsed));
}

nlohmann::json to_json(const merged_run& run, const std::vector<nlohmann::json>& originals) {
  auto joined = [](const std::vector<std::string>& list, std::string_view sep) {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
  };
  nlohmann::json doc = {{"format", "stutter-results"}, {"version", 1}};
  doc["tool"] = {{"name", run.tool_name}, {"version", run.tool_version}, {"commit", run.commit}};
  nlohmann::json r = {{"command", joined(run.commands, "; ")},
                      {"shard", joined(run.shards, ",")},
                      {"shards", run.shards},
                      {"seeds", joined(run.seeds, ", ")},
                      {"merged_from", run.document_names.size()}};
  if (run.duration_ms) r["duration_ms"] = *run.duration_ms;
  doc["run"] = std::move(r);
  nlohmann::json summary = {{"runs", run.rows.size()}, {"verdicts", run.verdicts}};
  if (!run.determinism.empty()) summary["determinism"] = run.determinism;
  doc["summary"] = std::move(summary);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& row : run.rows) results.push_back(originals.at(row.document).at("results").at(row.index));
  doc["results"] = std::move(results);
  return doc;
}

}  // namespace stutter::reports::detail
