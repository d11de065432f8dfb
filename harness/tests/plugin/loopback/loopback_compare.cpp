// Compares stutter results documents for loopback_test.sh, run by run (scenario and seed).
//
//   loopback_compare own REFERENCE.json PLACED.json
//       Every run of REFERENCE (the bundled corpus as is) whose implementation is the
//       reference in its own place ("stutter", role own) has the same observed outcome
//       (verdict before expectations, invariant) and trace hash in PLACED (the corpus under
//       --implementation stutter@END): placing the reference at one end changes nothing.
//   loopback_compare same KNOWN.json PLACED.json PLUGIN.json NAME [--min-runs N] [--category C:N]... [--only C]...
//       Every run of PLACED (the reference at END) has the same verdict and invariant in
//       PLUGIN (the plug-in NAME at END); both had their expectations replaced the same way
//       (pass, informational kept), so verdicts compare directly. A difference passes only
//       if an entry of KNOWN (host-adapter bugs) describes it, and every entry of KNOWN that
//       applies to NAME must describe at least one difference (else it was fixed: remove it).
//       At least N runs compared, at least the given number per category; --only compares
//       the runs of the categories named (PLUGIN ran only those).
//   loopback_compare caught KNOWN.json PLUGIN.json NAME INVARIANT SCENARIO...
//       A broken build NAME fails each SCENARIO with INVARIANT, as the reference's own broken
//       variant does, unless KNOWN describes the miss as a host-adapter bug (an entry whose
//       reference_verdict is fail); every entry of KNOWN for NAME must still occur.
//   loopback_compare isolated NOT_ISOLATED.json ISOLATED.json
//       Every run of ISOLATED has the same verdict, invariant and trace hash in NOT_ISOLATED.
//   loopback_compare broken PLUGIN.json C:SHARE...
//       The deliberately broken build: in each category C at least SHARE of the runs do not
//       pass (so the plug-in's code is what ran there).
// Exit status 0 when everything holds, 1 otherwise (each problem printed), 2 on bad input.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

using run_key = std::pair<std::string, std::uint64_t>;  // scenario, seed

struct document {
  std::string file;
  std::map<run_key, json> runs;
};

[[noreturn]] void bad_input(const std::string& why) {
  std::cerr << "loopback_compare: " << why << "\n";
  std::exit(2);
}

int problems = 0;

void problem(const std::string& what) {
  ++problems;
  std::cout << "DIFF  " << what << "\n";
}

document load(const std::string& file) {
  std::ifstream in(file);
  if (!in) bad_input("cannot read " + file);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const std::exception& e) {
    bad_input(file + ": " + e.what());
  }
  if (doc.value("format", "") != "stutter-results") bad_input(file + ": not a stutter results document");
  if (doc["summary"].value("determinism", "") != "ok") problem(file + ": determinism " + doc["summary"].value("determinism", "?"));
  document d{file, {}};
  for (const auto& r : doc["results"]) {
    run_key k{r.at("scenario").get<std::string>(), r.at("seed").get<std::uint64_t>()};
    if (!d.runs.emplace(k, r).second) bad_input(file + ": two runs of " + k.first + " seed " + std::to_string(k.second));
  }
  if (d.runs.empty()) bad_input(file + ": no runs");
  return d;
}

std::string text(const json& r, const char* key) {
  const auto it = r.find(key);
  return it == r.end() || it->is_null() ? std::string("-") : it->get<std::string>();
}

std::string label(const run_key& k) { return k.first + " [seed " + std::to_string(k.second) + "]"; }

// The verdict the run had before the scenario's expectation was applied.
std::string observed(const json& r) {
  const std::string v = text(r, "verdict");
  const std::string expected = text(r, "expected_verdict");
  if (v == "xfail") return text(r, "invariant") == "liveness.progress" ? "hang" : expected == "crash" ? "crash" : "fail";
  if (v == "xpass") return "pass";
  if ((v == "non_strict" || v == "informational") && v == expected) return "pass";
  return v;
}

std::string outcome(const json& r) { return text(r, "verdict") + " " + text(r, "invariant"); }

const json* find(const document& d, const run_key& k) {
  const auto it = d.runs.find(k);
  return it == d.runs.end() ? nullptr : &it->second;
}

int cmd_own(const document& reference, const document& placed) {
  std::size_t compared = 0;
  for (const auto& [k, r] : reference.runs) {
    if (text(r, "implementation") != "stutter" || text(r, "role") != "own") continue;
    const json* p = find(placed, k);
    if (p == nullptr) {
      problem(label(k) + ": not in " + placed.file);
      continue;
    }
    ++compared;
    const std::string a = observed(r) + " " + text(r, "invariant");
    const std::string b = observed(*p) + " " + text(*p, "invariant");
    if (a != b) problem(label(k) + ": the reference in its own place observed " + a + ", placed at the " + text(*p, "role") + " end " + b);
    if (text(r, "trace_hash") != text(*p, "trace_hash")) {
      problem(label(k) + ": trace " + text(r, "trace_hash") + " in its own place, " + text(*p, "trace_hash") + " placed");
    }
  }
  std::cout << "own: " << compared << " runs of the reference in its own place compared with " << placed.file << "\n";
  if (compared < 100) problem("only " + std::to_string(compared) + " runs compared (at least 100 wanted)");
  return problems == 0 ? 0 : 1;
}

// One known host-adapter bug and the differences it causes.
struct known_difference {
  std::string bug;
  std::string host;  // what is wrong in the host, for the message
  std::set<std::string> implementations;
  std::set<std::string> roles;
  std::string category;  // "" any
  std::string scenario;  // "" any
  std::string reference_verdict;  // the reference's verdict of the run
  std::string verdict;            // the plug-in's
  std::string invariant;
  std::string message;  // a substring of the plug-in run's message
  std::size_t seen = 0;

  bool describes(const json& base, const json& plugin, const std::string& impl) const {
    return reference_verdict == text(base, "verdict") && implementations.count(impl) != 0 && roles.count(text(plugin, "role")) != 0 &&
           (category.empty() || category == text(plugin, "category")) &&
           (scenario.empty() || scenario == text(plugin, "scenario")) && verdict == text(plugin, "verdict") &&
           invariant == text(plugin, "invariant") && text(plugin, "message").find(message) != std::string::npos;
  }
};

std::vector<known_difference> load_known(const std::string& file) {
  std::ifstream in(file);
  if (!in) bad_input("cannot read " + file);
  std::vector<known_difference> out;
  try {
    const json doc = json::parse(in, nullptr, true, /*ignore_comments=*/true);
    for (const auto& e : doc.at("differences")) {
      known_difference k;
      k.bug = e.at("bug").get<std::string>();
      k.host = e.at("host").get<std::string>();
      for (const auto& i : e.at("implementations")) k.implementations.insert(i.get<std::string>());
      for (const auto& r : e.at("roles")) k.roles.insert(r.get<std::string>());
      k.category = e.value("category", "");
      k.scenario = e.value("scenario", "");
      k.reference_verdict = e.at("reference_verdict").get<std::string>();
      k.verdict = e.at("verdict").get<std::string>();
      k.invariant = e.at("invariant").get<std::string>();
      k.message = e.at("message").get<std::string>();
      out.push_back(std::move(k));
    }
  } catch (const std::exception& e) {
    bad_input(file + ": " + e.what());
  }
  return out;
}

int cmd_same(std::vector<known_difference> known, const document& placed, const document& plugin, const std::string& name,
             std::size_t min_runs, const std::map<std::string, std::size_t>& min_per_category,
             const std::set<std::string>& only) {
  std::map<std::string, std::size_t> per_category;
  std::size_t compared = 0;
  std::size_t passed = 0;
  std::size_t excused = 0;
  std::set<std::string> roles;
  for (const auto& [k, base] : placed.runs) {
    if (!only.empty() && only.count(text(base, "category")) == 0) continue;
    const json* p = find(plugin, k);
    if (p == nullptr) {
      problem(label(k) + ": not in " + plugin.file);
      continue;
    }
    // The plug-in really is what ran, at the end the reference was placed at.
    const std::string impl = p->contains("implementation_identity") ? text((*p)["implementation_identity"], "name") : "-";
    if (text(*p, "implementation").rfind("plugin:", 0) != 0 || impl != name) {
      problem(label(k) + ": " + plugin.file + " ran " + text(*p, "implementation") + " (identity " + impl + "), not the plug-in " + name);
      continue;
    }
    if (text(*p, "role") != text(base, "role") || text(base, "implementation") != "stutter") {
      problem(label(k) + ": the reference run is " + text(base, "implementation") + "@" + text(base, "role") +
              ", the plug-in's @" + text(*p, "role"));
      continue;
    }
    roles.insert(text(*p, "role"));
    ++compared;
    ++per_category[text(base, "category")];
    if (text(base, "verdict") == "pass") ++passed;
    if (outcome(base) == outcome(*p)) continue;
    bool explained = false;
    for (auto& kd : known) {
      if (kd.describes(base, *p, name)) {
        ++kd.seen;
        explained = true;
        ++excused;
        std::cout << "known " << kd.bug << ": " << label(k) << " @" << text(*p, "role") << ": reference " << outcome(base)
                  << ", " << name << " " << outcome(*p) << "\n";
        break;
      }
    }
    if (!explained) {
      problem(label(k) + " @" + text(*p, "role") + " (" + text(base, "category") + "): the reference gets " + outcome(base) +
              ", " + name + " gets " + outcome(*p) + ": " + text(*p, "message"));
    }
  }
  for (const auto& kd : known) {
    if (kd.implementations.count(name) == 0) continue;
    bool role_here = false;
    for (const auto& r : roles) role_here = role_here || kd.roles.count(r) != 0;
    if (role_here && kd.seen == 0) {
      problem("known difference " + kd.bug + " (" + kd.host + ") no longer occurs for " + name +
              ": fixed? remove it from the known differences");
    }
  }
  std::cout << "same: " << compared << " runs of " << name << " compared (" << passed << " passing in the reference, "
            << excused << " known host-adapter differences):";
  for (const auto& [c, n] : per_category) std::cout << " " << c << "=" << n;
  std::cout << "\n";
  if (compared < min_runs) problem("only " + std::to_string(compared) + " runs compared (at least " + std::to_string(min_runs) + " wanted)");
  for (const auto& [c, n] : min_per_category) {
    const auto it = per_category.find(c);
    const std::size_t got = it == per_category.end() ? 0 : it->second;
    if (got < n) problem("category " + c + ": " + std::to_string(got) + " runs compared (at least " + std::to_string(n) + " wanted)");
  }
  return problems == 0 ? 0 : 1;
}

int cmd_caught(std::vector<known_difference> known, const document& plugin, const std::string& name,
               const std::string& invariant, const std::vector<std::string>& scenarios) {
  std::size_t caught = 0;
  for (const auto& scenario : scenarios) {
    const json* r = nullptr;
    for (const auto& [k, run] : plugin.runs) {
      if (k.first == scenario) r = &run;
    }
    if (r == nullptr) {
      problem(scenario + ": not in " + plugin.file);
      continue;
    }
    if (text(*r, "verdict") == "fail" && text(*r, "invariant") == invariant) {
      ++caught;
      continue;
    }
    // What the reference's own broken variant gets: fail with `invariant`.
    json as_reference = {{"verdict", "fail"}, {"invariant", invariant}};
    bool explained = false;
    for (auto& kd : known) {
      if (kd.describes(as_reference, *r, name)) {
        ++kd.seen;
        explained = true;
        std::cout << "known " << kd.bug << ": " << scenario << " @" << text(*r, "role") << ": " << name << " gets "
                  << outcome(*r) << ", not fail " << invariant << "\n";
        break;
      }
    }
    if (!explained) problem(scenario + ": " + name + " gets " + outcome(*r) + ", not fail " + invariant + ": " + text(*r, "message"));
  }
  for (const auto& kd : known) {
    if (kd.implementations.count(name) != 0 && kd.seen == 0) {
      problem("known difference " + kd.bug + " (" + kd.host + ") no longer occurs for " + name +
              ": fixed? remove it from the known differences");
    }
  }
  std::cout << "caught: " << caught << " of " << scenarios.size() << " runs of " << name << " fail " << invariant << "\n";
  return problems == 0 ? 0 : 1;
}

int cmd_isolated(const document& in_process, const document& isolated) {
  std::size_t compared = 0;
  for (const auto& [k, r] : isolated.runs) {
    const json* p = find(in_process, k);
    if (p == nullptr) {
      problem(label(k) + ": not in " + in_process.file);
      continue;
    }
    ++compared;
    const std::string a = outcome(r) + " " + text(r, "trace_hash");
    const std::string b = outcome(*p) + " " + text(*p, "trace_hash");
    if (a != b) problem(label(k) + ": isolated " + a + ", in process " + b);
  }
  std::cout << "isolated: " << compared << " isolated runs compared with the same runs in process\n";
  if (compared < 50) problem("only " + std::to_string(compared) + " isolated runs compared (at least 50 wanted)");
  return problems == 0 ? 0 : 1;
}

int cmd_broken(const document& plugin, const std::map<std::string, double>& shares) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> seen;  // category: runs, not passing
  for (const auto& [k, r] : plugin.runs) {
    auto& s = seen[text(r, "category")];
    ++s.first;
    if (text(r, "verdict") != "pass" && text(r, "verdict") != "informational") ++s.second;
  }
  for (const auto& [c, share] : shares) {
    const auto [runs, broken] = seen[c];
    std::cout << "broken: " << c << ": " << broken << " of " << runs << " runs do not pass\n";
    if (runs == 0 || static_cast<double>(broken) < share * static_cast<double>(runs)) {
      problem("the broken build passes too often in category " + c + " (" + std::to_string(broken) + " of " +
              std::to_string(runs) + " runs broke): is the plug-in's code what runs there?");
    }
  }
  return problems == 0 ? 0 : 1;
}

std::pair<std::string, std::string> split(const std::string& arg) {
  const auto colon = arg.rfind(':');
  if (colon == std::string::npos) bad_input("expected CATEGORY:NUMBER, got " + arg);
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 3 && a[0] == "own") return cmd_own(load(a[1]), load(a[2]));
  if (a.size() == 3 && a[0] == "isolated") return cmd_isolated(load(a[1]), load(a[2]));
  if (a.size() >= 3 && a[0] == "broken") {
    std::map<std::string, double> shares;
    for (std::size_t i = 2; i < a.size(); ++i) {
      const auto [c, s] = split(a[i]);
      shares[c] = std::atof(s.c_str());
    }
    return cmd_broken(load(a[1]), shares);
  }
  if (a.size() >= 6 && a[0] == "caught") {
    return cmd_caught(load_known(a[1]), load(a[2]), a[3], a[4], std::vector<std::string>(a.begin() + 5, a.end()));
  }
  if (a.size() >= 5 && a[0] == "same") {
    std::size_t min_runs = 0;
    std::map<std::string, std::size_t> per_category;
    std::set<std::string> only;
    for (std::size_t i = 5; i < a.size(); ++i) {
      if (a[i] == "--min-runs" && i + 1 < a.size()) {
        min_runs = std::stoul(a[++i]);
      } else if (a[i] == "--category" && i + 1 < a.size()) {
        const auto [c, n] = split(a[++i]);
        per_category[c] = std::stoul(n);
      } else if (a[i] == "--only" && i + 1 < a.size()) {
        only.insert(a[++i]);
      } else {
        bad_input("unknown argument " + a[i]);
      }
    }
    return cmd_same(load_known(a[1]), load(a[2]), load(a[3]), a[4], min_runs, per_category, only);
  }
  bad_input("usage: see the comment at the top of loopback_compare.cpp");
}
