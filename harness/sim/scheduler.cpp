#include "sim/scheduler.hpp"

#include <array>

namespace stutter::sim {

std::string_view to_string(actor_state s) {
  switch (s) {
    case actor_state::runnable: return "runnable";
    case actor_state::wait_read: return "waiting to read";
    case actor_state::wait_write: return "waiting to write";
    case actor_state::wait_write_or_read: return "waiting to write (or read)";
    case actor_state::done: return "done";
  }
  return "unknown";
}

schedule_outcome scheduler::run(actor& client, actor& server) {
  std::array<actor*, 2> actors{&client, &server};
  std::array<actor_state, 2> state{actor_state::runnable, actor_state::runnable};
  std::array<endpoint_id, 2> ids{endpoint_id::client, endpoint_id::server};
  schedule_outcome out;
  std::uint64_t last_moved = 0;
  std::uint64_t last_progress = 0;

  auto ready = [&](std::size_t i) {
    switch (state[i]) {
      case actor_state::runnable: return true;
      case actor_state::wait_read: return net_.socket(ids[i]).readable();
      case actor_state::wait_write: return net_.socket(ids[i]).writable();
      case actor_state::wait_write_or_read: return net_.socket(ids[i]).writable() || net_.socket(ids[i]).readable();
      case actor_state::done: return false;
    }
    return false;
  };
  auto describe = [&] {
    return "client " + std::string(to_string(state[0])) + ", server " + std::string(to_string(state[1]));
  };

  for (;;) {
    std::array<std::size_t, 2> candidates{};
    std::size_t count = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      if (ready(i)) candidates[count++] = i;
    }
    if (count == 0) {
      if (state[0] == actor_state::done && state[1] == actor_state::done) return out;
      auto next = net_.next_event();
      if (!next) {
        out.hang = true;
        out.why = "no progress possible: " + describe() + ", nothing in flight";
        return out;
      }
      net_.advance(*next - net_.now());
      continue;
    }
    const std::uint64_t moved = net_.stats().bytes + net_.stats().accepted;
    if (moved != last_moved) {
      last_moved = moved;
      last_progress = out.steps;
    }
    if (out.steps - last_progress >= stall_bound_) {
      out.hang = true;
      out.why = "no byte moved for " + std::to_string(stall_bound_) + " steps: " + describe();
      return out;
    }
    if (out.steps >= stall_bound_ * 64) {
      out.hang = true;
      out.why = "step limit " + std::to_string(stall_bound_ * 64) + " reached: " + describe();
      return out;
    }
    const std::size_t pick = count == 1 ? candidates[0] : candidates[choose_.below(count)];
    state[pick] = actors[pick]->step();
    ++out.steps;
    net_.advance(1);
  }
}

}  // namespace stutter::sim
