#pragma once
// The adapter over the exchange model, under every interleaving of small scripts: the search
// behind exchange_adapter_test.cpp.
//
// Two duplex_endpoints (client, server), each over an exchange_stream. The application
// feeds each endpoint its script one action at a time whenever its writes are idle: a
// write joins the backlog, a renegotiation is requested on the stream (its hello goes before
// the next record), and after the last action comes shutdown. At every step either endpoint
// may turn, with the readiness its queues show (readable: inbound bytes or end; writable:
// outbound room), if that turn calls the stream at all. Every choice is explored depth
// first, over states memoised on a key that determines all either adapter and stream do.
//
// Checked on every schedule: no error; bytes arrive as the peer wrote them; no schedule
// returns to an earlier state; every complete schedule ends with both sides at eof and the
// observations of the model's expected_observations(); with detailed results (or the
// queries), a turn woken by the direction a result named always moves something; and no
// deadlock that the adapters cause. With small queues the protocol itself can deadlock
// (both sides owe a flight and both queues are full, see exchange.hpp): a state where no
// turn moves is that only if no read or write-side call on either stream could move the
// model either, and only where both sides renegotiate.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "stutter/adapter/duplex_endpoint.hpp"
#include "stutter_models/exchange.hpp"

namespace stutter::test {

inline constexpr std::size_t unlimited = models::unlimited;

// The bugs the checks are for: a stream that reports a result naming the other direction as
// would_block, so that the adapter waits on the operation's own direction.
struct flattening {
  bool read_need_write = false;
  bool write_need_read = false;
  bool any() const { return read_need_write || write_need_read; }
};

// One search: a pair of scripts ("W" writes the next numbered bytes, "R" requests a
// renegotiation) under one queue shape, handshake length and API style.
struct search_config {
  std::string client_word, server_word;
  std::uint8_t flights = 2;
  std::size_t capacity = unlimited;
  std::size_t max_chunk = unlimited;
  adapter::api_style style = adapter::api_style::detailed;
  flattening bug{};
  bool memoise = true;  // off: a plain tree search, to check the memo key
};

// Calls and wake-ups of both adapters (app_ops: reads that returned data plus completed writes).
struct cost {
  double op_calls = 0, queries = 0, wakeups = 0, spurious = 0, app_ops = 0;
  void add(const cost& o, double times = 1) {
    op_calls += o.op_calls * times;
    queries += o.queries * times;
    wakeups += o.wakeups * times;
    spurious += o.spurious * times;
    app_ops += o.app_ops * times;
  }
};

struct search_result {
  std::size_t states = 0;           // expanded (with memoisation: distinct)
  double paths = 0;                 // complete schedules
  double deadlocked_paths = 0;      // schedules ending where the protocol itself is stuck
  std::size_t model_deadlocks = 0;  // such states
  std::size_t idle_turns = 0;       // turns that called the stream and changed nothing
  cost path_sums;                   // over complete schedules
  cost round_robin;                 // one fair schedule, spins included
  std::size_t round_robin_stuck = 0;  // fair schedules that ran into a protocol deadlock
  std::optional<std::string> failure;

  void add(const search_result& o) {
    states += o.states;
    paths += o.paths;
    deadlocked_paths += o.deadlocked_paths;
    model_deadlocks += o.model_deadlocks;
    idle_turns += o.idle_turns;
    path_sums.add(o.path_sums);
    round_robin.add(o.round_robin);
    round_robin_stuck += o.round_robin_stuck;
  }
};

search_result search(const search_config& c);
// search() over every script pair of the suite (handshake only, plain data, a hello from
// either side, crossing hellos, a side that only renegotiates), summed; the first failure.
search_result sweep(search_config c);
search_config shape(std::size_t capacity, std::size_t chunk, std::uint8_t flights, adapter::api_style style);

std::string summary(const search_result& r);
const char* style_name(adapter::api_style s);
std::string limit(std::size_t n);  // "inf" for unlimited

inline constexpr adapter::api_style styles[] = {adapter::api_style::detailed, adapter::api_style::coarse_queries,
                                                adapter::api_style::coarse_blind};
inline constexpr std::size_t capacities[] = {1, 3, unlimited};
inline constexpr std::size_t chunks[] = {1, unlimited};
inline constexpr std::uint8_t flight_counts[] = {1, 2, 3};

}  // namespace stutter::test
