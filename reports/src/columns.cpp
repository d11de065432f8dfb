#include "columns.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

namespace stutter::reports::detail {
namespace {

constexpr std::array<std::string_view, 4> roles{"own", "client", "server", "both"};

std::size_t role_order(const std::string& role) {
  return static_cast<std::size_t>(std::find(roles.begin(), roles.end(), role) - roles.begin());
}

std::string with_role(std::string name, const std::string& role) {
  if (role != "own") name += " @ " + role;
  return name;
}

std::string describe(const std::string& implementation, const std::optional<implementation_identity>& identity,
                     const std::string& role) {
  std::string out = implementation + ", role " + role;
  if (identity) out += "; " + identity->name + " " + identity->version + ", sha256 " + identity->sha256;
  return out;
}

}  // namespace

bool is_role(std::string_view role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); }

std::string implementation_label(const std::string& implementation, const std::optional<implementation_identity>& identity,
                                 const std::string& role) {
  return with_role(identity && !identity->name.empty() ? identity->name : implementation, role);
}

std::vector<column> matrix_columns(const std::vector<result_row>& rows) {
  struct entry {
    std::string implementation, role, name;
    const result_row* first;
  };
  // Rows arrive in merge order, so "the first row's identity" is deterministic.
  std::map<std::pair<std::string, std::string>, const result_row*> seen;
  for (const auto& r : rows) seen.try_emplace({r.implementation, r.role}, &r);
  std::vector<entry> entries;
  std::map<std::string, std::vector<std::string>> implementations_named;
  for (const auto& [key, r] : seen) {
    entries.push_back({key.first, key.second, implementation_label(key.first, r->identity, "own"), r});
    auto& list = implementations_named[entries.back().name];
    if (std::find(list.begin(), list.end(), key.first) == list.end()) list.push_back(key.first);
  }
  // Two plug-ins that call themselves by the same name are told apart by what was loaded.
  for (auto& e : entries) {
    if (implementations_named[e.name].size() > 1) e.name = e.implementation;
  }
  auto order = [](const entry& e) { return std::tuple{e.implementation != "stutter", e.name, role_order(e.role), e.implementation}; };
  std::sort(entries.begin(), entries.end(), [&](const entry& a, const entry& b) { return order(a) < order(b); });

  std::vector<column> out;
  for (const auto& e : entries) {
    out.push_back({e.implementation, e.role, with_role(e.name, e.role), describe(e.implementation, e.first->identity, e.role)});
  }
  return out;
}

}  // namespace stutter::reports::detail
