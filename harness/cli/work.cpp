#include "work.hpp"

#include "scenario/names.hpp"

#include <atomic>
#include <charconv>
#include <mutex>
#include <thread>

namespace stutter::cli {
namespace {

std::string first_difference(const runner::run_result& a, const runner::run_result& b) {
  const auto& x = a.events;
  const auto& y = b.events;
  const std::size_t n = std::min(x.size(), y.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (sim::to_json_line(x[i], "") != sim::to_json_line(y[i], "")) {
      return "trace differs at event " + std::to_string(i) + ": " + sim::to_json_line(x[i], "") + " vs " +
             sim::to_json_line(y[i], "");
    }
  }
  return "traces differ after event " + std::to_string(n) + " (" + std::to_string(a.trace_events) + " vs " +
         std::to_string(b.trace_events) + " events)";
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

work_outcome execute(const work_item& item, runner::run_options options, const std::function<void(int)>& starting) {
  // Reports draw at most a few thousand events of a run; the hash still covers them all.
  options.keep_events = std::min<std::size_t>(options.keep_events, 4000);
  work_outcome out;
  if (starting) starting(0);
  out.result = runner::run_scenario(item.scenario, options);
  if (!out.result.replayable) return out;
  if (starting) starting(1);
  runner::run_result again = runner::run_scenario(item.scenario, options);
  if (again.trace_hash != out.result.trace_hash || again.verdict != out.result.verdict) {
    out.deterministic = false;
    out.determinism_message = first_difference(out.result, again);
    out.result.verdict = scenario::verdict::fail;
    out.result.invariant = "determinism.trace";
    out.result.message = out.determinism_message;
  }
  return out;
}

std::vector<work_outcome> execute_all(const std::vector<work_item>& items, unsigned jobs,
                                      const std::function<void(std::size_t)>& progress) {
  std::vector<work_outcome> outcomes(items.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex report;
  auto worker = [&] {
    for (std::size_t i = next++; i < items.size(); i = next++) {
      outcomes[i] = execute(items[i]);
      const std::size_t finished = ++done;
      if (progress) {
        std::lock_guard lock(report);
        progress(finished);
      }
    }
  };
  jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, items.size()))));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return outcomes;
}

std::string replay_command(const work_item& item) {
  std::string cmd = "stutter replay " + (item.file.empty() ? std::string("<saved scenario>") : item.file);
  if (item.seed_overridden) cmd += " --seed " + std::to_string(item.scenario.seed);
  if (item.scenario.peer_role != scenario::placement::own) {
    cmd += " --implementation " + item.scenario.peer + "@" + std::string(scenario::to_string(item.scenario.peer_role));
  }
  return cmd;
}

std::string run_label(const work_item& item) {
  const auto& s = item.scenario;
  std::string label = s.name + " [seed " + std::to_string(s.seed) + "]";
  if (s.peer != "stutter" || s.peer_role != scenario::placement::own) {
    label += " [" + (s.peer_identity ? s.peer_identity->name : s.peer);
    if (s.peer_role != scenario::placement::own) label += "@" + std::string(scenario::to_string(s.peer_role));
    label += "]";
  }
  return label;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_seed_range(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos) {
    auto n = parse_u64(text);
    if (!n || *n == 0) return std::nullopt;
    return std::pair{std::uint64_t{0}, *n - 1};
  }
  auto a = parse_u64(std::string_view(text).substr(0, dots));
  auto b = parse_u64(std::string_view(text).substr(dots + 2));
  if (!a || !b || *a > *b) return std::nullopt;
  return std::pair{*a, *b};
}

std::optional<std::pair<std::size_t, std::size_t>> parse_shard(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto k = parse_u64(std::string_view(text).substr(0, slash));
  auto n = parse_u64(std::string_view(text).substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n) return std::nullopt;
  return std::pair{static_cast<std::size_t>(*k), static_cast<std::size_t>(*n)};
}

}  // namespace stutter::cli
