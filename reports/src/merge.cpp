#include "merge.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
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
  using run_key = std::tuple<std::string_view, std::string_view, std::string_view, std::uint64_t>;
  std::map<run_key, const result_row*> runs;
  std::map<std::string_view, const result_row*> ids;
  for (const auto& r : rows) {
    auto [it, fresh] = runs.emplace(run_key{r.scenario, r.implementation, r.role, r.seed}, &r);
    if (!fresh) {
      const result_row& o = *it->second;
      throw report_error(names[r.document], pointer_of(r),
                         fmt::format("duplicate run (scenario \"{}\", implementation \"{}\", role {}, seed {}): already in {} at {}",
                                     r.scenario, r.implementation, r.role, r.seed, names[o.document], pointer_of(o)));
    }
    auto [jt, fresh_id] = ids.emplace(r.id, &r);
    if (!fresh_id) {
      const result_row& o = *jt->second;
      throw report_error(names[r.document], pointer_of(r) + "/id",
                         fmt::format("duplicate id \"{}\": already in {} at {}", r.id, names[o.document], pointer_of(o)));
    }
  }
}

// One implementation name, one build: a plug-in rebuilt between shards gives results that do not compare.
void check_identities(const std::vector<parsed_document>& docs) {
  struct first_seen {
    const implementation_identity* identity;
    std::string where;
  };
  std::map<std::string, first_seen> seen;
  auto check = [&](const std::string& implementation, const std::optional<implementation_identity>& identity,
                   const std::string& doc, const std::string& pointer) {
    if (!identity) return;
    auto [it, fresh] = seen.try_emplace(implementation, first_seen{&*identity, doc + " at " + pointer});
    if (!fresh && !(*it->second.identity == *identity)) {
      throw report_error(doc, pointer + "/implementation_identity",
                         fmt::format("{} {} (sha256 {}) differs from {} {} (sha256 {}) in {}; merge results of one build only",
                                     identity->name, identity->version, identity->sha256, it->second.identity->name,
                                     it->second.identity->version, it->second.identity->sha256, it->second.where));
    }
  };
  for (const auto& d : docs) {
    for (const auto& t : d.explore) check(t.implementation, t.identity, d.meta.name, "/explore/" + std::to_string(t.index));
    for (const auto& r : d.rows) check(r.implementation, r.identity, d.meta.name, pointer_of(r));
  }
}

using explore_key = std::tuple<std::string, std::string, std::string>;

std::map<explore_key, explore_totals> sum_explore(const std::vector<parsed_document>& docs) {
  std::map<explore_key, explore_totals> out;
  for (const auto& d : docs) {
    for (const auto& t : d.explore) {
      auto [it, fresh] = out.try_emplace({t.stack, t.implementation, t.role}, t);
      if (fresh) continue;
      explore_totals& sum = it->second;
      sum.runs += t.runs;
      sum.failures += t.failures;
      if (t.seeds) {
        sum.seeds = sum.seeds ? std::pair{std::min(sum.seeds->first, t.seeds->first), std::max(sum.seeds->second, t.seeds->second)}
                              : *t.seeds;
      }
      for (const auto& [v, n] : t.verdicts) sum.verdicts[v] += n;
      for (const auto& [k, n] : t.faults) sum.faults[k] += n;
      if (t.duration_ms) sum.duration_ms = sum.duration_ms.value_or(0) + *t.duration_ms;
      if (!sum.identity) sum.identity = t.identity;
    }
  }
  return out;
}

// An explore result is one of the runs its summary counts; without the summary it would go uncounted.
void check_explore_rows(const std::vector<result_row>& rows, const std::map<explore_key, explore_totals>& explore,
                        const std::vector<std::string>& names) {
  for (const auto& r : rows) {
    if (r.explore && explore.count({stack_key(r.stack), r.implementation, r.role}) == 0) {
      throw report_error(names[r.document], pointer_of(r) + "/explore",
                         fmt::format("an explore result, but no explore summary has stack \"{}\", implementation \"{}\" "
                                     "and role {}",
                                     stack_key(r.stack), r.implementation, r.role));
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

nlohmann::json explore_json(const explore_totals& t) {
  nlohmann::json out = {{"stack", t.stack},       {"implementation", t.implementation}, {"role", t.role},
                        {"runs", t.runs},         {"failures", t.failures},             {"verdicts", t.verdicts},
                        {"faults", t.faults}};
  if (t.identity) out["implementation_identity"] = {{"name", t.identity->name}, {"version", t.identity->version}, {"sha256", t.identity->sha256}};
  if (t.seeds) out["seeds"] = {{"first", t.seeds->first}, {"last", t.seeds->second}};
  if (t.duration_ms) out["duration_ms"] = *t.duration_ms;
  if (auto rate = runs_per_second(t)) out["runs_per_second"] = *rate;
  return out;
}

}  // namespace

std::optional<double> runs_per_second(const explore_totals& t) {
  if (!t.duration_ms || *t.duration_ms == 0) return std::nullopt;
  return std::round(static_cast<double>(t.runs) * 10000.0 / static_cast<double>(*t.duration_ms)) / 10.0;
}

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

  check_identities(docs);
  const auto explore = sum_explore(docs);
  for (const auto& [key, totals] : explore) run.explore.push_back(totals);

  std::size_t total = 0;
  for (const auto& d : docs) total += d.rows.size();
  run.rows.reserve(total);
  for (auto& d : docs) std::move(d.rows.begin(), d.rows.end(), std::back_inserter(run.rows));
  check_unique(run.rows, run.document_names);
  check_explore_rows(run.rows, explore, run.document_names);
  std::sort(run.rows.begin(), run.rows.end(), [](const result_row& a, const result_row& b) {
    return std::tie(a.category, a.scenario, a.implementation, a.role, a.seed) <
           std::tie(b.category, b.scenario, b.implementation, b.role, b.seed);
  });
  for (const auto& r : run.rows) {
    if (r.explore) continue;  // counted by its summary
    ++run.runs;
    ++run.verdicts[r.verdict];
  }
  for (const auto& t : run.explore) {
    run.runs += t.runs;
    for (const auto& [v, n] : t.verdicts) run.verdicts[v] += n;
  }
  std::erase_if(run.verdicts, [](const auto& entry) { return entry.second == 0; });
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
  nlohmann::json summary = {{"runs", run.runs}, {"verdicts", run.verdicts}};
  if (!run.determinism.empty()) summary["determinism"] = run.determinism;
  doc["summary"] = std::move(summary);
  if (!run.explore.empty()) {
    nlohmann::json explore = nlohmann::json::array();
    for (const auto& t : run.explore) explore.push_back(explore_json(t));
    doc["explore"] = std::move(explore);
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& row : run.rows) results.push_back(originals.at(row.document).at("results").at(row.index));
  doc["results"] = std::move(results);
  return doc;
}

}  // namespace stutter::reports::detail
