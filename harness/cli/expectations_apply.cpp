#include "expectations_apply.hpp"

#include <map>
#include <tuple>

#include "scenario/display.hpp"
#include "scenario/names.hpp"

namespace stutter::cli {
namespace {

std::string describe(const scenario::expectation_entry& e) {
  std::string out = "scenario " + scenario::display::quoted(e.scenario_glob) + ", implementation " +
                    scenario::display::quoted(e.implementation_glob);
  if (e.role) out += ", role " + std::string(scenario::to_string(*e.role));
  return out;
}

// What entries look at; a scenario run at many seeds is matched once.
using run_key = std::tuple<std::string, std::string, std::string, bool, scenario::placement>;

run_key key_of(const scenario::scenario& s) {
  return {s.name, s.peer, s.peer_identity ? s.peer_identity->name : "", s.peer_identity.has_value(), s.peer_role};
}

}  // namespace

std::vector<std::string> apply_expectations(const scenario::expectations_file& f, std::vector<work_item>& items) {
  const auto& entries = f.entries;
  std::map<run_key, const work_item*> runs;  // each distinct run, as its first item
  std::map<run_key, const scenario::expectation_entry*> covering;
  std::vector<bool> used(entries.size(), false);
  for (auto& item : items) {
    auto [it, fresh] = covering.try_emplace(key_of(item.scenario), nullptr);
    if (fresh) {
      it->second = scenario::find_expectation(f, item.scenario);
      runs.emplace(it->first, &item);
    }
    const scenario::expectation_entry* e = it->second;
    if (!e) continue;
    item.scenario.expect = e->expect;
    item.expectation_reason = e->reason;
    used[static_cast<std::size_t>(e - entries.data())] = true;
  }

  std::vector<std::string> errors;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (used[i]) continue;
    const auto& entry = entries[i];
    const std::string where = f.path + ": " + entry.pointer + ": ";
    // An entry whose runs earlier entries all take is as dead as one that covers none.
    const work_item* taken = nullptr;
    for (const auto& [key, item] : runs) {
      if (scenario::entry_matches(entry, item->scenario)) {
        taken = item;
        break;
      }
    }
    if (!taken) {
      errors.push_back(where + "matches no run (" + describe(entry) + ")");
      continue;
    }
    errors.push_back(where + "matches no run that an earlier entry does not take first (" + describe(entry) + "); " +
                     covering.at(key_of(taken->scenario))->pointer + " takes scenario " +
                     scenario::display::quoted(taken->scenario.name));
  }
  return errors;
}

}  // namespace stutter::cli
