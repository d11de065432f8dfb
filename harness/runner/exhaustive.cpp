#include "runner/exhaustive.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <tuple>

namespace stutter::runner {

using sim::direction;
using sim::fault_entry;
using sim::fault_kind;

namespace {

struct socket_op {
  sim::endpoint_id endpoint;
  direction dir;
  std::uint64_t index;  // among this endpoint's operations in this direction, as the fault plan counts
  status result;
  std::uint64_t moved;
};

struct observed_run {
  run_result result;
  std::vector<socket_op> ops;  // reads and writes in the order they happened
  std::uint64_t shape = 0;     // hash of the trace without its fault marks
};

class fnv {
 public:
  void add(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h_ ^= (v >> (8 * i)) & 0xffu;
      h_ *= 0x100000001b3ULL;
    }
  }
  void add(std::string_view text) {
    for (char c : text) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 0x100000001b3ULL;
    }
    add(text.size());
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

observed_run run_observed(const scenario::scenario& s) {
  observed_run out;
  std::array<std::uint64_t, 4> counters{};
  fnv shape;
  run_options options;
  options.keep_events = 0;
  options.on_event = [&](const sim::trace_event& e) {
    shape.add(e.time);
    shape.add(static_cast<std::uint64_t>(e.endpoint));
    shape.add(e.layer);
    shape.add(e.op);
    shape.add(e.requested);
    shape.add(static_cast<std::uint64_t>(e.result));
    shape.add(e.moved);
    shape.add(static_cast<std::uint64_t>(e.error.value()));
    shape.add(e.error ? std::string_view(e.error.category().name()) : std::string_view());
    shape.add(e.phase);
    if (e.layer != "socket" || (e.op != "read" && e.op != "write")) return;
    const direction dir = e.op == "read" ? direction::read : direction::write;
    const std::size_t slot = static_cast<std::size_t>(e.endpoint) * 2 + static_cast<std::size_t>(dir);
    out.ops.push_back({e.endpoint, dir, counters[slot]++, e.result, e.moved});
  };
  out.result = run_scenario(s, options);
  out.shape = shape.value();
  return out;
}

// Every decision that can change `op`, in a fixed order.
std::vector<fault_entry> decisions_for(const socket_op& op, const exhaustive_options& options) {
  std::vector<fault_entry> out;
  auto wanted = [&](fault_kind k) {
    return options.kinds.empty() || std::find(options.kinds.begin(), options.kinds.end(), k) != options.kinds.end();
  };
  auto add = [&](fault_kind k, std::uint32_t amount) {
    if (wanted(k)) out.push_back({op.endpoint, op.dir, op.index, k, amount});
  };
  auto amounts_below = [&](fault_kind k, std::uint32_t from) {
    std::uint64_t top = op.moved == 0 ? 0 : op.moved - 1;
    if (options.max_amount != 0) top = std::min<std::uint64_t>(top, options.max_amount);
    for (std::uint64_t a = from; a <= top; ++a) add(k, static_cast<std::uint32_t>(a));
  };
  const bool moved = op.result == status::ok && op.moved > 0;
  const bool ended = op.result == status::eof;
  if (op.dir == direction::read) {
    if (moved || ended) {
      add(fault_kind::eagain_read, 0);
      if (moved) add(fault_kind::one_byte, 0);
      add(fault_kind::hold, 1);
    }
    if (moved) amounts_below(fault_kind::partial_read, 1);
  } else if (moved) {
    add(fault_kind::eagain_write, 0);
    add(fault_kind::one_byte, 0);
    add(fault_kind::hold, 1);
    add(fault_kind::latency, 1);
    amounts_below(fault_kind::short_write, 1);
    amounts_below(fault_kind::capacity, 1);
    amounts_below(fault_kind::limit_data, 0);
    add(fault_kind::half_close, 0);
  }
  if (op.result != status::error) {
    add(fault_kind::reset, 0);
    add(fault_kind::fail_at, 0);
  }
  return out;
}

// The network state a schedule leaves behind that its trace may not show yet.
std::vector<std::uint64_t> lasting_state(const std::vector<fault_entry>& schedule) {
  std::vector<std::uint64_t> out;
  for (const auto& f : schedule) {
    if (f.kind != fault_kind::capacity && f.kind != fault_kind::limit_data) continue;
    out.push_back((static_cast<std::uint64_t>(f.endpoint) << 40) | (static_cast<std::uint64_t>(f.kind) << 32) | f.amount);
  }
  return out;
}

struct node {
  std::vector<fault_entry> schedule;
  std::size_t after = 0;  // children decide at operations from this position of the parent's run on
};

}  // namespace

exhaustive_result explore_exhaustively(const scenario::scenario& s, const exhaustive_options& options,
                                       const std::function<void(const exhaustive_progress&)>& progress) {
  exhaustive_result out;
  std::set<std::tuple<std::uint64_t, std::size_t, std::vector<std::uint64_t>>> extended;
  std::vector<node> level{node{}};
  for (std::size_t depth = 0; depth <= options.depth && !level.empty(); ++depth) {
    out.runs_per_depth.push_back(0);
    std::vector<node> next;
    for (const node& n : level) {
      if (out.runs >= options.max_runs) {
        out.complete = false;
        return out;
      }
      scenario::scenario candidate = s;
      candidate.fault = {};
      candidate.fault.explicit_schedule = true;
      candidate.fault.schedule = n.schedule;
      observed_run run = run_observed(candidate);
      ++out.runs;
      ++out.runs_per_depth.back();
      if (progress && out.runs % 256 == 0) {
        progress({depth, out.runs, next.size(), out.pruned, out.failures.size()});
      }
      if (is_failure(run.result.verdict)) {
        out.failures.push_back({std::move(candidate), std::move(run.result)});
        if (options.stop_at_first_failure) {
          out.complete = false;
          return out;
        }
        continue;  // what follows a failure is not searched
      }
      if (depth == options.depth) continue;
      if (!extended.emplace(run.shape, n.after, lasting_state(n.schedule)).second) {
        ++out.pruned;
        continue;
      }
      for (std::size_t at = n.after; at < run.ops.size(); ++at) {
        for (const fault_entry& f : decisions_for(run.ops[at], options)) {
          node child{n.schedule, at + 1};
          child.schedule.push_back(f);
          next.push_back(std::move(child));
        }
      }
    }
    level = std::move(next);
  }
  if (progress) progress({options.depth, out.runs, 0, out.pruned, out.failures.size()});
  return out;
}

}  // namespace stutter::runner
