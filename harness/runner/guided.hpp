#pragma once
// Coverage-guided search (AFL-style): a corpus of scenarios whose runs reached protocol
// states no earlier run had, each mutated into new candidates.
//
// Coverage is protocol-state coverage from the trace: every event is a state (endpoint,
// layer, operation, result, fault kind, error, phase), and a run covers the transitions
// between an endpoint's consecutive states, counted in AFL's hit-count buckets (1, 2, 3,
// 4-7, 8-15, 16-31, 32-127, 128+) in a 64 Ki-entry map. A run that lights a new (entry,
// bucket) pair joins the corpus, pinned to the fault schedule it took.
//
// The first `initial` candidates are explore's generated scenarios of seeds base..base+initial-1;
// after that a candidate is either another generated seed or a corpus entry mutated: its
// workload under a new draw of its swarm profile with the rates moved, or one to four edits of
// its fault schedule (a decision added at an operation the entry's run made, removed, its
// amount changed or moved by a few operations, or the workload and settings replaced by
// another seed's, the schedule kept). Decisions stay within the kinds and amounts of the generator's swarm profile for the
// workload they run with. Workloads are always the generator's, so a failure is never a conversation no stack
// could hold. Everything is drawn from the search's own seed: the same seed and number of
// steps give the same candidates.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "runner/runner.hpp"
#include "sim/rng.hpp"

namespace stutter::runner {

class protocol_coverage {
 public:
  static constexpr std::size_t map_size = 1u << 16;

  // Starts counting one run.
  void begin_run();
  void record(const sim::trace_event& e);
  // Folds the run into what has been seen; true when it reached something new.
  bool end_run();
  // (entry, bucket) pairs seen so far.
  std::uint64_t features() const { return features_; }

 private:
  std::vector<std::uint16_t> hits_ = std::vector<std::uint16_t>(map_size);
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint8_t> seen_ = std::vector<std::uint8_t>(map_size);  // bucket bits per entry
  std::array<std::uint32_t, 2> previous_{};
  std::uint64_t features_ = 0;
};

// The fault kinds (and their largest amounts) a workload may run with.
using allowed_faults = std::map<sim::fault_kind, sim::fault_rate>;

struct guided_options {
  std::vector<scenario::layer> stack;
  std::uint64_t seed = 0;       // base of the generated seeds and of the mutation draws
  std::uint64_t initial = 32;   // generated candidates before mutation starts
  // After that: the chance a candidate is a new generated seed, and the chance a mutation
  // redraws its parent's faults (a new fault seed, each rate halved, doubled or kept) rather
  // than editing its schedule. Measured on line,length and http-upgrade,websocket, schedule
  // edits alone reach about two thirds of the plain swarm's coverage in as many runs; redraws
  // are what beat it.
  std::uint32_t fresh_per_mille = 250;
  std::uint32_t redraw_per_mille = 750;
  // Puts the implementation under test into a generated scenario (explore's placement).
  std::function<void(scenario::scenario&, std::uint64_t seed)> place;
};

class guided_search {
 public:
  explicit guided_search(guided_options options);

  struct step_result {
    scenario::scenario scenario;  // the candidate, with the explicit schedule it ran
    run_result result;
    allowed_faults allowed;  // the swarm profile its decisions were drawn within
    bool new_coverage = false;
  };
  // Makes, runs and judges the next candidate.
  step_result step();

  std::uint64_t steps() const { return steps_; }
  std::size_t corpus_size() const { return corpus_.size(); }
  std::uint64_t features() const { return coverage_.features(); }

 private:
  struct entry {
    scenario::scenario scenario;                // pinned to its recorded schedule
    allowed_faults allowed;                     // the generator's swarm profile for its workload
    std::array<std::uint64_t, 4> operations{};  // socket operations per (endpoint, direction)
  };
  scenario::scenario generated(std::uint64_t seed) const;
  struct candidate {
    scenario::scenario scenario;
    allowed_faults allowed;
  };
  candidate mutate(const entry& parent, sim::rng& g) const;
  candidate redrawn(const entry& parent, sim::rng& g) const;

  guided_options options_;
  protocol_coverage coverage_;
  std::vector<entry> corpus_;
  std::uint64_t steps_ = 0;
};

}  // namespace stutter::runner
