#include "exchange_search.hpp"

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "exchange_stream.hpp"

namespace stutter::test {

using namespace stutter::adapter;

namespace {

constexpr std::size_t read_size = 4;

class flattening_stream final : public byte_stream {
 public:
  flattening_stream(byte_stream& inner, flattening f) : inner_(inner), f_(f) {}
  io_result read_some(mutable_bytes buf) override {
    const io_result r = inner_.read_some(buf);
    return f_.read_need_write && r.st == status::need_write ? io_result::blocked() : r;
  }
  io_result write_some(std::span<const const_bytes> bufs) override { return flatten(inner_.write_some(bufs)); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return flatten(inner_.shutdown_write()); }

 private:
  io_result flatten(const io_result& r) const {
    return f_.write_need_read && r.st == status::need_read ? io_result::blocked() : r;
  }
  byte_stream& inner_;
  flattening f_;
};

// "W" writes the next numbered bytes (1 or 2 of them), "R" requests a renegotiation.
std::vector<models::exchange_action> actions(const std::string& word, std::uint8_t& next) {
  std::vector<models::exchange_action> out;
  for (const char c : word) {
    if (c == 'R') {
      out.push_back({models::exchange_action::kind::renegotiate, {}});
      continue;
    }
    models::bytes data{next};
    if (next % 2 == 0) data.push_back(static_cast<std::uint8_t>(next + 100));
    ++next;
    out.push_back({models::exchange_action::kind::write, data});
  }
  return out;
}

models::exchange_script make_script(const search_config& c) {
  std::uint8_t next = 1;
  models::exchange_script s{{c.flights, 2}, actions(c.client_word, next), {}};
  s.server = actions(c.server_word, next);
  return s;
}

std::string describe(const search_config& c) {
  std::ostringstream out;
  out << "client=" << (c.client_word.empty() ? "-" : c.client_word)
      << " server=" << (c.server_word.empty() ? "-" : c.server_word) << " K=" << int(c.flights)
      << " capacity=" << limit(c.capacity) << " chunk=" << limit(c.max_chunk) << " style=" << style_name(c.style);
  return out.str();
}

cost delta(const adapter_stats& before, const adapter_stats& after) {
  auto d = [](std::uint64_t a, std::uint64_t b) { return static_cast<double>(b - a); };
  return {d(before.op_calls, after.op_calls), d(before.queries, after.queries), d(before.wakeups, after.wakeups),
          d(before.spurious_wakeups, after.spurious_wakeups),
          d(before.reads_done + before.writes_done, after.reads_done + after.writes_done)};
}

struct side {
  exchange_stream::state stream;
  std::size_t pc = 0;  // next script action
  bool shutdown_fed = false;
  std::optional<duplex_endpoint> app;
};

struct world {
  side client, server;
  models::byte_queue c2s, s2c;
};

class explorer {
 public:
  explicit explorer(const search_config& c);
  search_result run();

 private:
  struct node {
    double paths = 0, deadlocked_paths = 0;
    cost sums;
  };

  static world make_root(const search_config& c);
  void bind(world& w) {
    cs_.rebind(w.client.stream, w.s2c, w.c2s);
    ss_.rebind(w.server.stream, w.c2s, w.s2c);
  }
  exchange_stream& stream(bool client) { return client ? cs_ : ss_; }
  const std::vector<models::exchange_action>& script_of(bool client) const {
    return client ? script_.client : script_.server;
  }
  static side& side_of(world& w, bool client) { return client ? w.client : w.server; }
  static const side& side_of(const world& w, bool client) { return client ? w.client : w.server; }
  static readiness ready(const world& w, bool client);
  static bool done(const world& w);
  void feed(world& w, bool client);
  bool turn(world& w, bool client, cost* spent);
  std::string key(const world& w) const;
  static std::string substance(const world& w);
  node explore(const world& w);
  void remember(const std::string& k, const node& n);
  void on_stuck(const world& w);
  bool model_can_move(const world& w, bool client);
  void run_round_robin();
  void check_step(const world& w, bool client);
  void check_final(const world& w);
  void fail(const std::string& why);

  search_config config_;
  models::exchange_script script_;
  models::exchange_expectation expected_;
  world root_;
  exchange_stream cs_, ss_;  // bound to the world being stepped; the adapters refer to these
  flattening_stream cf_, sf_;
  std::unordered_map<std::string, node> memo_;  // lookups only
  std::unordered_set<std::string> on_path_;
  std::string path_;  // 'c' / 's' for each turn taken
  search_result result_;
};

world explorer::make_root(const search_config& c) {
  const models::exchange_config config{c.flights, 2};
  world w{{{models::exchange_endpoint(models::exchange_role::client, config)}},
          {{models::exchange_endpoint(models::exchange_role::server, config)}},
          {},
          {}};
  for (models::byte_queue* q : {&w.c2s, &w.s2c}) {
    q->capacity = c.capacity;
    q->max_chunk = c.max_chunk;
  }
  return w;
}

explorer::explorer(const search_config& c)
    : config_(c),
      script_(make_script(c)),
      expected_(models::expected_observations(script_)),
      root_(make_root(c)),
      cs_(root_.client.stream, root_.s2c, root_.c2s),
      ss_(root_.server.stream, root_.c2s, root_.s2c),
      cf_(cs_, c.bug),
      sf_(ss_, c.bug) {
  for (const bool client : {true, false}) {
    exchange_stream& s = stream(client);
    byte_stream& face = c.bug.any() ? static_cast<byte_stream&>(client ? cf_ : sf_) : s;
    side_of(root_, client)
        .app.emplace(face, c.style, pending_queries{[&s] { return s.read_pending(); }, [&s] { return s.write_pending(); }},
                     read_size);
    feed(root_, client);
  }
}

readiness explorer::ready(const world& w, bool client) {
  const models::byte_queue& in = client ? w.s2c : w.c2s;
  const models::byte_queue& out = client ? w.c2s : w.s2c;
  return {!in.data.empty() || in.closed, out.room() > 0};
}

bool explorer::done(const world& w) {
  for (const side* s : {&w.client, &w.server})
    if (!s->shutdown_fed || !s->app->writes_idle() || !s->app->read_finished()) return false;
  return true;
}

// The application: the next script action once the previous write is done.
void explorer::feed(world& w, bool client) {
  side& s = side_of(w, client);
  if (!s.app->writes_idle() || s.shutdown_fed) return;
  const std::vector<models::exchange_action>& script = script_of(client);
  while (s.pc < script.size()) {
    const models::exchange_action& a = script[s.pc++];
    if (a.kind == models::exchange_action::kind::write) return s.app->write(a.data);
    bind(w);
    stream(client).request_renegotiation();
  }
  s.app->shutdown();
  s.shutdown_fed = true;
}

// One turn of one endpoint, then its application. False if nothing was due (no call made).
bool explorer::turn(world& w, bool client, cost* spent) {
  bind(w);
  duplex_endpoint& app = *side_of(w, client).app;
  const adapter_stats before = app.stats();
  (void)app.turn(ready(w, client));
  if (app.stats().op_calls == before.op_calls) return false;
  if (spent != nullptr) *spent = delta(before, app.stats());
  check_step(w, client);
  feed(w, client);
  return true;
}

// Everything either adapter and stream will act on. Whether each adapter operation waits,
// and on what, follows from the style and the stream's last read and write-side results;
// the backlog holds the action before pc; received bytes are checked as they arrive.
std::string explorer::key(const world& w) const {
  models::bytes k;
  k.reserve(256);
  for (const side* s : {&w.client, &w.server}) {
    s->stream.endpoint.encode_state(k);
    const duplex_endpoint& a = *s->app;
    for (const std::size_t v :
         {std::size_t{s->stream.renegotiations_requested}, std::size_t{s->stream.hello_started},
          std::size_t{s->stream.record_waiting}, static_cast<std::size_t>(s->stream.last_read),
          static_cast<std::size_t>(s->stream.last_write), static_cast<std::size_t>(s->stream.last_wait), s->pc,
          std::size_t{s->shutdown_fed}, std::size_t{a.writes_idle()}, std::size_t{a.read_finished()},
          std::size_t{a.eof()}, std::size_t{static_cast<bool>(a.error())}, std::size_t{a.waiting().readable},
          std::size_t{a.waiting().writable}, a.received().size()})
      k.push_back(static_cast<std::uint8_t>(v));
  }
  return std::string(k.begin(), k.end()) + substance(w);
}

// The model alone: both endpoints and both queues.
std::string explorer::substance(const world& w) {
  models::bytes k;
  w.client.stream.endpoint.encode_state(k);
  w.server.stream.endpoint.encode_state(k);
  for (const models::byte_queue* q : {&w.c2s, &w.s2c}) {
    k.push_back(q->closed);
    k.push_back(static_cast<std::uint8_t>(q->data.size() >> 8));
    k.push_back(static_cast<std::uint8_t>(q->data.size()));
    k.insert(k.end(), q->data.begin(), q->data.end());
  }
  return std::string(k.begin(), k.end());
}

void explorer::fail(const std::string& why) {
  if (!result_.failure) result_.failure = describe(config_) + ": " + why + " after schedule [" + path_ + "]";
}

void explorer::check_step(const world& w, bool client) {
  const side& s = side_of(w, client);
  const char* name = client ? "client" : "server";
  if (s.app->error()) return fail(std::string(name) + " failed: " + s.app->error().message());
  const models::bytes& want = (client ? expected_.client : expected_.server).app_received;
  const std::vector<byte>& got = s.app->received();
  if (got.size() > want.size() || !std::equal(got.begin(), got.end(), want.begin()))
    fail(std::string(name) + " received bytes the peer did not write there");
}

void explorer::check_final(const world& w) {
  for (const bool client : {true, false}) {
    const side& s = side_of(w, client);
    const models::exchange_observation& o = client ? expected_.client : expected_.server;
    const models::exchange_endpoint& e = s.stream.endpoint;
    const models::exchange_observation seen{models::bytes(s.app->received().begin(), s.app->received().end()),
                                            e.app_bytes_out(), e.handshakes_completed(),
                                            e.renegotiations_completed()};
    const std::string name = client ? "client" : "server";
    if (!s.app->eof()) fail(name + " finished without eof");
    if (!(seen == o))
      fail(name + " observed " + std::to_string(seen.app_received.size()) + " bytes in, " +
           std::to_string(seen.app_bytes_sent) + " out, " + std::to_string(seen.handshakes_completed) +
           " handshakes, " + std::to_string(seen.renegotiations_completed) + " renegotiations; the model expects " +
           std::to_string(o.app_received.size()) + ", " + std::to_string(o.app_bytes_sent) + ", " +
           std::to_string(o.handshakes_completed) + ", " + std::to_string(o.renegotiations_completed));
    if (e.renegotiating()) fail(name + " still awaits an answer");
  }
  if (!w.c2s.at_end() || !w.s2c.at_end()) fail("a queue was left open or undrained");
}

// Whether a call on the stream, whatever the adapter waits for, would move the model.
bool explorer::model_can_move(const world& w, bool client) {
  const side& s = side_of(w, client);
  const std::string before = substance(w);
  auto moves = [&](auto call) {
    world n = w;
    bind(n);
    const io_result r = call(stream(client));
    return r.st != status::error && substance(n) != before;
  };
  if (!s.app->read_finished()) {
    std::vector<byte> buf(read_size);
    if (moves([&](exchange_stream& st) { return st.read_some(buf); })) return true;
  }
  if (s.app->writes_idle()) return false;
  if (s.shutdown_fed) return moves([](exchange_stream& st) { return st.shutdown_write(); });
  const models::bytes& data = script_of(client)[s.pc - 1].data;
  return moves([&](exchange_stream& st) { return st.write_some(const_bytes(data)); });
}

// No turn moves in w, which is not done.
void explorer::on_stuck(const world& w) {
  for (const bool client : {true, false})
    if (model_can_move(w, client))
      return fail(std::string("deadlock: no adapter turn moves, but a call on the ") + (client ? "client" : "server") +
                  " stream would");
  const bool both_renegotiate = config_.client_word.find('R') != std::string::npos &&
                                config_.server_word.find('R') != std::string::npos;
  if (!both_renegotiate) fail("deadlock of the protocol itself, although only one side renegotiates");
}

void explorer::remember(const std::string& k, const node& n) {
  ++result_.states;
  if (config_.memoise) memo_.emplace(k, n);
}

explorer::node explorer::explore(const world& w) {
  if (result_.failure) return {};
  const std::string k = key(w);
  if (const auto it = memo_.find(k); it != memo_.end()) return it->second;
  if (on_path_.count(k) != 0) {
    fail("livelock: the schedule returns to a state it has been in");
    return {};
  }
  node here;
  if (done(w)) {
    check_final(w);
    here.paths = 1;
    remember(k, here);
    return here;
  }
  on_path_.insert(k);
  bool moved = false;
  for (const bool client : {true, false}) {
    world n = w;
    path_.push_back(client ? 'c' : 's');
    cost edge;
    if (turn(n, client, &edge)) {
      if (key(n) != k) {
        moved = true;
        const node child = explore(n);
        here.paths += child.paths;
        here.deadlocked_paths += child.deadlocked_paths;
        here.sums.add(child.sums);
        here.sums.add(edge, child.paths);
      } else {
        ++result_.idle_turns;
        // Only the blind style wakes on a direction that no result named.
        if (config_.style != api_style::coarse_blind)
          fail(std::string(client ? "client" : "server") +
               " was woken by the direction its last result named, and nothing moved");
      }
    }
    path_.pop_back();
  }
  if (!moved && !result_.failure) {
    on_stuck(w);
    ++result_.model_deadlocks;
    here.deadlocked_paths = 1;
  }
  on_path_.erase(k);
  remember(k, here);
  return here;
}

// The endpoints take turns, each whenever it has anything due, until both are done or a
// whole round changes nothing; blind wake-ups that find nothing cost calls here too.
void explorer::run_round_robin() {
  world w = root_;
  while (!done(w) && !result_.failure) {
    const std::string before = key(w);
    for (const bool client : {true, false}) (void)turn(w, client, nullptr);
    if (key(w) == before) {
      ++result_.round_robin_stuck;
      return;
    }
  }
  for (const side* s : {&w.client, &w.server}) result_.round_robin.add(delta({}, s->app->stats()));
}

search_result explorer::run() {
  const node root = explore(root_);
  result_.paths = root.paths;
  result_.deadlocked_paths = root.deadlocked_paths;
  result_.path_sums = root.sums;
  path_ = "round robin";
  run_round_robin();
  return result_;
}

}  // namespace

search_result search(const search_config& c) {
  explorer e(c);
  return e.run();
}

namespace {

// Handshake and close only; plain data; a hello from either side; crossing hellos, at the
// start and just before close; a side that only renegotiates.
const std::pair<const char*, const char*> scripts[] = {
    {"", ""}, {"WW", "W"}, {"WRW", "W"}, {"W", "RW"}, {"RW", "RW"}, {"WR", "WR"}, {"R", ""},
};

std::string per_op(const cost& c) {
  std::ostringstream out;
  out.precision(3);
  out << "op_calls " << c.op_calls / c.app_ops << ", queries " << c.queries / c.app_ops << ", wakeups "
      << c.wakeups / c.app_ops << ", spurious " << c.spurious / c.app_ops;
  return out.str();
}

}  // namespace

std::string summary(const search_result& r) {
  std::ostringstream out;
  out.precision(4);
  out << r.states << " states, " << r.paths << " complete schedules, " << r.model_deadlocks
      << " protocol deadlock states (" << r.deadlocked_paths << " schedules), " << r.idle_turns
      << " idle turns; per app op, mean over schedules: " << per_op(r.path_sums)
      << "; round robin: " << per_op(r.round_robin);
  if (r.round_robin_stuck > 0) out << " (" << r.round_robin_stuck << " stuck)";
  return out.str();
}

std::string limit(std::size_t n) { return n == unlimited ? "inf" : std::to_string(n); }

const char* style_name(api_style s) {
  switch (s) {
    case api_style::detailed: return "detailed";
    case api_style::coarse_queries: return "coarse_queries";
    case api_style::coarse_blind: return "coarse_blind";
  }
  return "?";
}

// Every script under one queue shape and handshake length.
search_result sweep(search_config c) {
  search_result total;
  for (const auto& [client, server] : scripts) {
    c.client_word = client;
    c.server_word = server;
    const search_result r = search(c);
    if (r.failure) {
      total.failure = r.failure;
      return total;
    }
    total.add(r);
  }
  return total;
}

search_config shape(std::size_t capacity, std::size_t chunk, std::uint8_t flights, api_style style) {
  search_config c;
  c.flights = flights;
  c.capacity = capacity;
  c.max_chunk = chunk;
  c.style = style;
  return c;
}

}  // namespace stutter::test
