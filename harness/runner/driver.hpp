#pragma once
// Drives one endpoint's workload through its stack as the scheduler's actor, the way an
// optimistic async application would: try the operation first; on a waiting result, wait
// for the direction it names (would_block: the operation's own; need_read / need_write:
// the one named; over TLS or WebSocket a wait to write also ends when the socket turns
// readable) and retry with the same arguments.

#include <cstddef>
#include <vector>

#include "runner/observations.hpp"
#include "runner/stack.hpp"
#include "sim/network.hpp"
#include "sim/scheduler.hpp"

namespace stutter::runner {

// Phase indices recorded in the trace and used to count faults by phase.
enum class protocol_phase : std::uint8_t { handshake, data, renegotiation, close };
std::string_view to_string(protocol_phase p);

class endpoint_driver final : public sim::actor {
 public:
  endpoint_driver(scenario::endpoint_id self, const scenario::endpoint& spec, stack& layers, sim::network& net,
                  endpoint_observations& seen);

  sim::actor_state step() override;

 private:
  enum class op_dir : std::uint8_t { read, write };

  sim::actor_state run_step(const scenario::step& s);
  sim::actor_state wait_for(const io_result& r, op_dir dir, std::uint64_t waits_before);
  sim::actor_state advance();
  sim::actor_state fail(const io_result& r, std::string what);
  sim::actor_state end_after_expected_error();
  void app_event(std::string_view op, std::uint64_t requested, const io_result& r);
  void set_phase(protocol_phase p);

  scenario::endpoint_id self_;
  const scenario::endpoint& spec_;
  stack& layers_;
  sim::network& net_;
  endpoint_observations& seen_;
  std::size_t step_ = 0;
  std::size_t raw_sent_ = 0;
  std::vector<std::uint8_t> inbox_;
  bool done_ = false;
  bool lingering_ = false;  // after an expected error: retrying the cleanup call
  // A TLS or WebSocket stack: its waits to write are also retried on readable.
  bool duplex_protocol_ = false;
  std::size_t linger_retries_ = 0;
  static constexpr std::size_t max_linger_retries = 64;
};

}  // namespace stutter::runner
