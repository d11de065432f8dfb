#include "runner/shrink.hpp"

#include <algorithm>
#include <functional>

namespace stutter::runner {

using scenario::step_kind;

namespace {

class shrinker {
 public:
  shrinker(const std::string& invariant, const run_options& options, std::size_t max_runs)
      : invariant_(invariant), options_(options), max_runs_(max_runs) {}

  // True (and keeps it) when the candidate still fails the same way.
  bool try_candidate(const scenario::scenario& candidate) {
    if (runs_ >= max_runs_) return false;
    ++runs_;
    run_result r = run_scenario(candidate, options_);
    if (!is_failure(r.verdict) || r.invariant != invariant_) return false;
    // The same failure, not just the same invariant: a hang with the same endpoints waiting
    // the same way (else removing steps turns a deadlock into a conversation merely cut
    // short); a failure with the same message up to its numbers (the same endpoint, operation
    // and error; else a conversation cut short fails some other way).
    if (r.verdict != first_verdict_ || shape(r.message) != shape_) return false;
    if (check_reference_ && !passes_with_reference(candidate)) return false;
    // Pin the candidate to the schedule it took, so what we keep replays exactly.
    best_ = candidate;
    best_result_ = std::move(r);
    return true;
  }

  // Removes chunks of a list, halving the chunk size down to one (ddmin's reduce step).
  template <typename Get>
  void reduce_list(Get get) {
    for (std::size_t chunk = std::max<std::size_t>(1, get(best_).size() / 2);; chunk /= 2) {
      for (std::size_t at = 0; at < get(best_).size();) {
        scenario::scenario candidate = best_;
        auto& list = get(candidate);
        const std::size_t n = std::min(chunk, list.size() - at);
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(at), list.begin() + static_cast<std::ptrdiff_t>(at + n));
        if (!try_candidate(candidate)) at += n;
      }
      if (chunk <= 1) break;
    }
  }

  // Removes a step on one side together with its counterpart on the other (a send and
  // the expect of the same data, a close and the expect_eof, the two switches), so the
  // conversation stays consistent: removing one half alone would make any implementation
  // fail, and the shrunk scenario would blame the wrong thing.
  void reduce_pairs() {
    auto counterpart = [](const scenario::step& a, const scenario::step& b) {
      switch (a.kind) {
        case step_kind::send: return b.kind == step_kind::expect && b.data == a.data && b.type == a.type;
        case step_kind::close: return b.kind == step_kind::expect_eof;
        case step_kind::switch_phase: return b.kind == step_kind::switch_phase;
        default: return false;
      }
    };
    for (int side = 0; side < 2; ++side) {
      for (std::size_t i = 0; i < steps(best_, side).size(); ++i) {
        const scenario::step s = steps(best_, side)[i];
        auto& other = steps(best_, 1 - side);
        for (std::size_t j = 0; j < other.size(); ++j) {
          if (!counterpart(s, other[j])) continue;
          scenario::scenario candidate = best_;
          steps(candidate, side).erase(steps(candidate, side).begin() + static_cast<std::ptrdiff_t>(i));
          steps(candidate, 1 - side).erase(steps(candidate, 1 - side).begin() + static_cast<std::ptrdiff_t>(j));
          if (try_candidate(candidate)) {
            --i;
            break;
          }
        }
      }
    }
  }

  // Halves payloads that travel as a send on one side and an expect on the other.
  void reduce_payloads() {
    bool progress = true;
    while (progress) {
      progress = false;
      for (int side = 0; side < 2; ++side) {
        for (std::size_t i = 0; i < steps(best_, side).size(); ++i) {
          const auto data = steps(best_, side)[i].data;
          if (data.empty() || steps(best_, side)[i].kind != step_kind::send) continue;
          for (std::size_t keep : {std::size_t{0}, data.size() / 2, data.size() - 1}) {
            if (keep >= data.size()) continue;
            scenario::scenario candidate = best_;
            auto shorter = std::vector<std::uint8_t>(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(keep));
            for (int s2 = 0; s2 < 2; ++s2) {
              for (auto& st : steps(candidate, s2)) {
                if ((st.kind == step_kind::send || st.kind == step_kind::expect) && st.data == data) st.data = shorter;
              }
            }
            if (try_candidate(candidate)) {
              progress = true;
              break;
            }
          }
        }
      }
    }
  }

  // True when the reference stack, put in the place of the implementation under test, passes
  // the scenario: only then does the scenario show a bug of that implementation.
  bool passes_with_reference(const scenario::scenario& candidate) {
    ++runs_;
    return !is_failure(run_scenario(as_reference(candidate), options_).verdict);
  }

  static scenario::scenario as_reference(scenario::scenario s) {
    s.peer = "stutter";
    s.peer_role = scenario::placement::own;
    s.peer_identity.reset();
    return s;
  }

  static std::vector<scenario::step>& steps(scenario::scenario& s, int side) {
    return side == 0 ? s.client.workload : s.server.workload;
  }

  scenario::scenario best_;
  run_result best_result_;
  std::size_t runs_ = 0;
  scenario::verdict first_verdict_ = scenario::verdict::fail;
  // Set when another implementation than the reference fails a scenario the reference passes:
  // candidates must then keep passing with the reference, or shrinking drops the steps that
  // make the conversation valid (a renegotiation left no time to finish fails every stack).
  bool check_reference_ = false;
  std::string shape_;  // the original failure's message, digits masked

  static std::string shape(std::string message) {
    for (char& c : message) {
      if (c >= '0' && c <= '9') c = '#';
    }
    return message;
  }

 private:
  const std::string& invariant_;
  const run_options& options_;
  std::size_t max_runs_;
};

}  // namespace

shrink_result shrink(const scenario::scenario& failing, const std::string& invariant, const run_options& options,
                     std::size_t max_runs, bool keep_reference_passing) {
  shrinker sh(invariant, options, max_runs);
  run_result first = run_scenario(failing, options);
  sh.best_ = with_recorded_schedule(failing, first);
  sh.first_verdict_ = first.verdict;
  sh.shape_ = shrinker::shape(first.message);
  sh.best_result_ = std::move(first);
  sh.check_reference_ = keep_reference_passing && options.factory == nullptr && failing.peer != "stutter" &&
                        !is_failure(run_scenario(shrinker::as_reference(failing), options).verdict);
  shrink_result out;
  out.schedule_before = sh.best_.fault.schedule.size();
  out.steps_before = sh.best_.client.workload.size() + sh.best_.server.workload.size();

  if (sh.try_candidate(sh.best_)) {
    std::size_t before = SIZE_MAX;
    // Repeat the passes until none of them removes anything.
    while (true) {
      const std::size_t size = sh.best_.fault.schedule.size() + sh.best_.client.workload.size() +
                               sh.best_.server.workload.size();
      std::size_t bytes = 0;
      for (int side = 0; side < 2; ++side) {
        for (const auto& st : shrinker::steps(sh.best_, side)) bytes += st.data.size();
      }
      if (size + bytes >= before) break;
      before = size + bytes;
      sh.reduce_list([](scenario::scenario& s) -> auto& { return s.fault.schedule; });
      sh.reduce_pairs();
      sh.reduce_payloads();
    }
    // The kept scenario replays its own recorded schedule exactly.
    sh.best_ = with_recorded_schedule(sh.best_, sh.best_result_);
    sh.best_result_ = run_scenario(sh.best_, options);
  }
  out.minimal = sh.best_;
  out.result = sh.best_result_;
  out.runs = sh.runs_;
  return out;
}

}  // namespace stutter::runner
