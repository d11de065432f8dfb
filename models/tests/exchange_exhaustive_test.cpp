// Every interleaving of small scripts, explored as a state graph, under the
// fair driver of exchange_driver.hpp: a task that returned a waiting status
// is parked until the direction it named is ready or its sibling changed the
// shared endpoint; other tasks may run in any order. Each side reads either
// alongside its writes or only after them.
//
// A state is the world's substance (endpoints, queues, each task's place in
// its script) plus which tasks are parked, and on what. In each state every
// runnable task is tried: it either changes the world (a move, explored
// further) or is blocked, returning a waiting status with no effect (then
// parking it changes nothing, so it stays runnable). Checked:
//  - no deadlock: some task can move in every unfinished state;
//  - no livelock: no schedule returns to a state it has been in;
//  - final states have the expected observations (and every delivered byte
//    was checked on arrival);
//  - status meaning: a blocked task's named direction is not ready; and when
//    a move of the *other* side unblocks a task, or changes the status it
//    would return, the direction it had named became ready. Together with the
//    parking this is what lets a driver sleep on the direction a result names
//    and never miss a wake-up.
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "exchange_driver.hpp"

using namespace stutter::models;
using namespace stutter::models::testing;

namespace {

// Which tasks can move in a state, and what the blocked ones return.
struct outcome {
  std::array<bool, task_count> moves{};
  std::array<bool, task_count> blocked{};
  std::array<exchange_status, task_count> status{};
};

// Unparks every task the driver would retry now (its direction is ready, or
// its sibling changed the endpoint), so that equal situations are equal states.
void normalize(world& w) {
  for (int t = 0; t < task_count; ++t) {
    task_state& s = exchange_driver::state(w, t);
    if (s.waiting && (s.woken || exchange_driver::direction_ready(w, t))) {
      s.waiting = false;
      s.last = exchange_status::ok;
    }
    s.woken = false;
  }
}

struct explorer {
  const exchange_driver& driver;
  // States by fingerprint (a 64-bit hash: with a few million states the
  // chance of a collision hiding a state is below one in a million).
  std::unordered_map<std::uint64_t, outcome> finished;
  std::unordered_set<std::uint64_t> on_path;
  std::vector<int> path;
  std::optional<std::string> failure;

  void fail(const std::string& why) {
    if (failure) return;
    std::ostringstream out;
    out << why << " after schedule [";
    for (int t : path) out << ' ' << task_name(t);
    out << " ]";
    failure = out.str();
  }

  // The edge parent --mover--> w, against the statuses the parent's blocked tasks named.
  void check_edge(const outcome* parent, int mover, const world& w, const outcome& here) {
    if (parent == nullptr) return;
    for (int t = 0; t < task_count; ++t) {
      if (!parent->blocked[t] || exchange_driver::is_client(t) == exchange_driver::is_client(mover)) continue;
      const bool changed = here.moves[t] || (here.blocked[t] && here.status[t] != parent->status[t]);
      if (changed && !exchange_driver::direction_ready(w, t, parent->status[t]))
        fail(std::string("status meaning: ") + task_name(t) + " returned " + status_name(parent->status[t]) +
             " but a move of " + task_name(mover) + " changed its result without readying that direction");
    }
  }

  void explore(const world& w, const outcome* parent, int mover) {
    if (failure) return;
    const std::uint64_t id = exchange_driver::fingerprint(w);
    if (on_path.count(id)) return fail("livelock: the schedule can cycle");
    if (const auto it = finished.find(id); it != finished.end()) {
      check_edge(parent, mover, w, it->second);
      return;
    }
    if (exchange_driver::done(w)) {
      if (auto why = driver.check_final(w)) fail(*why);
      finished.emplace(id, outcome{});
      return;
    }

    outcome here;
    std::array<std::optional<world>, task_count> next;
    for (int t = 0; t < task_count && !failure; ++t) {
      const task_state& ts = exchange_driver::state(w, t);
      if (ts.done || ts.waiting || !driver.started(w, t)) continue;  // finished, parked or not begun
      world n = w;
      path.push_back(t);
      if (auto why = driver.step(n, t)) fail(*why);
      path.pop_back();
      if (exchange_driver::same_substance(w, n)) {
        here.blocked[t] = true;
        here.status[t] = exchange_driver::state(n, t).last;
        if (exchange_driver::direction_ready(w, t, here.status[t]))
          fail(std::string("status meaning: ") + task_name(t) + " returned " + status_name(here.status[t]) +
               " and did nothing although that direction is ready");
      } else {
        here.moves[t] = true;
        normalize(n);
        next[t] = std::move(n);
      }
    }
    check_edge(parent, mover, w, here);
    if (failure) return;
    if (std::none_of(here.moves.begin(), here.moves.end(), [](bool m) { return m; }))
      return fail("deadlock: every unfinished task is blocked or parked");

    on_path.insert(id);
    for (int t = 0; t < task_count && !failure; ++t) {
      if (!next[t]) continue;
      path.push_back(t);
      explore(*next[t], &here, t);
      path.pop_back();
    }
    on_path.erase(id);
    finished.emplace(id, here);
  }
};

// All action sequences with exactly `writes` writes and `renegs` renegotiations.
void words(std::size_t writes, std::size_t renegs, std::vector<exchange_action>& prefix,
           std::vector<std::vector<exchange_action>>& out) {
  if (writes == 0 && renegs == 0) {
    out.push_back(prefix);
    return;
  }
  if (writes > 0) {
    prefix.push_back({exchange_action::kind::write, {}});
    words(writes - 1, renegs, prefix, out);
    prefix.pop_back();
  }
  if (renegs > 0) {
    prefix.push_back({exchange_action::kind::renegotiate, {}});
    words(writes, renegs - 1, prefix, out);
    prefix.pop_back();
  }
}

std::vector<std::vector<exchange_action>> words(std::size_t writes, std::size_t renegs) {
  std::vector<std::vector<exchange_action>> out;
  std::vector<exchange_action> prefix;
  words(writes, renegs, prefix, out);
  return out;
}

// Gives each write distinct bytes (1 or 2 of them) so that loss or reordering shows.
void number_writes(std::vector<exchange_action>& actions, std::uint8_t& next) {
  for (exchange_action& a : actions)
    if (a.kind == exchange_action::kind::write) {
      a.data = {next};
      if (next % 2 == 0) a.data.push_back(static_cast<std::uint8_t>(next + 100));
      ++next;
    }
}

// Every split of up to `max_writes` writes and `max_renegs` renegotiations between two sides, in every order.
std::vector<exchange_script> scripts(std::size_t max_writes, std::size_t max_renegs, exchange_config config) {
  std::vector<exchange_script> out;
  for (std::size_t cw = 0; cw <= max_writes; ++cw)
    for (std::size_t sw = 0; cw + sw <= max_writes; ++sw)
      for (std::size_t cr = 0; cr <= max_renegs; ++cr)
        for (std::size_t sr = 0; cr + sr <= max_renegs; ++sr)
          for (const auto& client : words(cw, cr))
            for (const auto& server : words(sw, sr)) {
              exchange_script s{config, client, server};
              std::uint8_t next = 1;
              number_writes(s.client, next);
              number_writes(s.server, next);
              out.push_back(std::move(s));
            }
  return out;
}

std::string describe(const exchange_script& s, std::size_t chunk_c2s, std::size_t chunk_s2c, std::size_t read_size) {
  std::ostringstream out;
  auto side = [&](const std::vector<exchange_action>& actions) {
    for (const exchange_action& a : actions) out << (a.kind == exchange_action::kind::write ? 'W' : 'R');
  };
  out << "K=" << int(s.config.handshake_flights) << " client=";
  side(s.client);
  out << " server=";
  side(s.server);
  out << " chunks=" << chunk_c2s << "/" << chunk_s2c << " read_size=" << read_size;
  return out.str();
}

struct scope {
  std::size_t max_writes = 0;
  std::size_t max_renegotiations = 0;
  std::vector<std::uint8_t> handshake_flights;
  std::vector<std::pair<std::size_t, std::size_t>> chunks;  // client->server, server->client
  std::vector<std::size_t> read_sizes;
  bool sequential_readers = false;  // also explore sides that read only after writing
  std::size_t capacity = unlimited;  // of each queue
};

std::vector<std::pair<std::size_t, std::size_t>> all_chunks(std::size_t max) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t a = 1; a <= max; ++a)
    for (std::size_t b = 1; b <= max; ++b) out.emplace_back(a, b);
  return out;
}

// Explores every script of the scope under every chunking; returns the number of states.
std::size_t run(const scope& sc) {
  std::size_t states = 0;
  for (const std::uint8_t k : sc.handshake_flights)
    for (const exchange_script& script : scripts(sc.max_writes, sc.max_renegotiations, {k, 2}))
      for (const auto& [c2s, s2c] : sc.chunks)
        for (const std::size_t read_size : sc.read_sizes)
          for (int mode = 0; mode < (sc.sequential_readers ? 4 : 1); ++mode) {
            exchange_driver driver{script, read_size};
            driver.client_reads_after_writing = (mode & 1) != 0;
            driver.server_reads_after_writing = (mode & 2) != 0;
            explorer e{driver, {}, {}, {}, {}};
            e.explore(driver.initial(c2s, s2c, sc.capacity), nullptr, 0);
            BOOST_TEST_REQUIRE(!e.failure.has_value(), describe(script, c2s, s2c, read_size)
                                                           << " capacity="
                                                           << (sc.capacity == unlimited ? std::string("unlimited") : std::to_string(sc.capacity))
                                                           << " sequential readers=" << mode << ": "
                                                           << e.failure.value_or(""));
            states += e.finished.size();
          }
  BOOST_TEST_MESSAGE("explored " << states << " states");
  return states;
}

// STUTTER_MODELS_EXHAUSTIVE=full widens every scope to 3 records and 2
// renegotiations under every chunking, with handshakes of 1 to 4 flights
// (about 10^8 states: minutes in a Release build; the default scopes keep a
// Debug run around 20 seconds).
bool full() {
  const char* v = std::getenv("STUTTER_MODELS_EXHAUSTIVE");
  return v != nullptr && std::string(v) == "full";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exchange_exhaustive)

BOOST_AUTO_TEST_CASE(up_to_3_records_and_2_renegotiations) {
  scope sc{3, 2, {2}, {{3, 3}}, {1}, true};
  if (full()) sc = {3, 2, {2}, all_chunks(3), {1, 2}, true};
  BOOST_TEST(run(sc) > 0u);
}

BOOST_AUTO_TEST_CASE(every_chunk_size_1_to_3_in_each_direction) {
  scope sc{2, 1, {2}, all_chunks(3), {2}, false};
  if (full()) sc = {3, 2, {2}, all_chunks(4), {3}, true};
  BOOST_TEST(run(sc) > 0u);
}

BOOST_AUTO_TEST_CASE(one_byte_chunks_with_2_renegotiations) {
  scope sc{1, 2, {2}, {{1, 1}}, {1}, true};
  if (full()) sc = {3, 2, {2}, {{1, 1}}, {3}, true};
  BOOST_TEST(run(sc) > 0u);
}

// Full queues make writes return would_block and flights wait for room.
// Below about one flight plus one record of room in each direction, sides
// that both owe a flight can deadlock (see exchange.hpp).
BOOST_AUTO_TEST_CASE(backpressure_with_10_byte_queues) {
  scope sc{2, 1, {2}, {{1, 1}, {3, 2}}, {1}, true, 10};
  if (full()) sc = {3, 2, {2}, all_chunks(3), {1, 2}, true, 10};
  BOOST_TEST(run(sc) > 0u);
}

BOOST_AUTO_TEST_CASE(other_handshake_lengths) {
  scope sc{2, 1, {1, 3}, {{1, 1}, {3, 2}}, {2}, true};
  if (full()) sc = {3, 2, {1, 3, 4}, all_chunks(3), {1, 2}, true};
  BOOST_TEST(run(sc) > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
