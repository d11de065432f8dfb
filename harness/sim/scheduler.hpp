#pragma once
// Runs two endpoints one step at a time over a simulated network, in virtual time.
//
// An actor's step does some work and says what it waits for. The scheduler only steps
// an actor that is runnable or whose socket is really ready in the direction it waits
// on; it picks between two ready actors with its own seeded generator. When nobody is
// ready it jumps the clock to the network's next event. When there is none, or no byte
// has moved through the network for `stall_bound` steps, or the run has taken
// `stall_bound * 64` steps in all, the run is a liveness failure (hang).

#include <cstdint>
#include <string>

#include "sim/network.hpp"
#include "sim/rng.hpp"

namespace stutter::sim {

// wait_write_or_read: waits to write, and is also retried once its socket is readable (a
// protocol such as TLS whose blocked write may need the peer's bytes read first; see
// stutter/tls/tls_stream.hpp).
enum class actor_state : std::uint8_t { runnable, wait_read, wait_write, wait_write_or_read, done };

class actor {
 public:
  virtual ~actor() = default;
  virtual actor_state step() = 0;
};

struct schedule_outcome {
  bool hang = false;
  std::string why;  // for a hang: what each endpoint was waiting for
  std::uint64_t steps = 0;
};

class scheduler {
 public:
  scheduler(network& net, std::uint64_t seed, std::uint64_t stall_bound)
      : net_(net), choose_(seed, /*stream=*/2), stall_bound_(stall_bound) {}

  schedule_outcome run(actor& client, actor& server);

 private:
  network& net_;
  rng choose_;
  std::uint64_t stall_bound_;
};

std::string_view to_string(actor_state s);

}  // namespace stutter::sim
