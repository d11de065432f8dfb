// The adapter over the exchange model, under every interleaving of small scripts.
//
// Two duplex_endpoints (client, server), each over an exchange_stream. The application
// feeds each endpoint its script one action at a time whenever its writes are idle: a
// write joins the backlog, a renegotiation is requested on the stream (so its hello goes
// before the next record), and after the last action comes shutdown. At every step either
// endpoint may turn, with the readiness its queues show (readable: inbound bytes or end;
// writable: outbound room); every choice is explored depth first, over states memoised on
// a key that determines all that either adapter and stream will do.
//
// Checked on every schedule: no error; bytes are delivered as the peer wrote them; no
// schedule returns to an earlier state; every complete path ends with both sides at eof
// and the model's expected_observations(); and no deadlock that the adapters cause. With
// small queues the protocol itself can deadlock (both sides owe a flight and both queues
// are full, see exchange.hpp); a state where no adapter turn moves counts as such only if
// no read or write-side call on either stream could move the model either.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "exchange_stream.hpp"
#include "stutter/adapter/duplex_endpoint.hpp"

using namespace stutter;
using namespace stutter::adapter;
using stutter::test::exchange_stream;
namespace models = stutter::models;

namespace {

constexpr std::size_t unlimited = models::unlimited;
constexpr std::size_t read_size = 4;

// The bug the search is for: a stream that reports a result naming the other direction as
// would_block, so that the adapter waits on the operation's own direction.
struct flattening {
  bool read_need_write = false;
  bool write_need_read = false;
  bool any() const { return read_need_write || write_need_read; }
};

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

// "W" writes the next numbered bytes, "R" requests a renegotiation.
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

models::exchange_script make_script(const std::string& client, const std::string& server, std::uint8_t flights) {
  std::uint8_t next = 1;
  models::exchange_script s{{flights, 2}, actions(client, next), {}};
  s.server = actions(server, next);
  return s;
}

struct search_config {
  std::string client_word, server_word;
  std::uint8_t flights = 2;
  std::size_t capacity = unlimited;
  std::size_t max_chunk = unlimited;
  api_style style = api_style::detailed;
  flattening bug{};
};

std::string limit(std::size_t n) { return n == unlimited ? "inf" : std::to_string(n); }

const char* style_name(api_style s) {
  switch (s) {
    case api_style::detailed: return "detailed";
    case api_style::coarse_queries: return "coarse_queries";
    case api_style::coarse_blind: return "coarse_blind";
  }
  return "?";
}

std::string describe(const search_config& c) {
  std::ostringstream out;
  out << "client=" << (c.client_word.empty() ? "-" : c.client_word)
      << " server=" << (c.server_word.empty() ? "-" : c.server_word) << " K=" << int(c.flights)
      << " capacity=" << limit(c.capacity) << " chunk=" << limit(c.max_chunk) << " style=" << style_name(c.style);
  return out.str();
}

// Sums over complete paths (divided by their number: the mean per schedule).
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

cost delta(const adapter_stats& before, const adapter_stats& after) {
  auto d = [](std::uint64_t a, std::uint64_t b) { return static_cast<double>(b - a); };
  return {d(before.op_calls, after.op_calls), d(before.queries, after.queries), d(before.wakeups, after.wakeups),
          d(before.spurious_wakeups, after.spurious_wakeups),
          d(before.reads_done + before.writes_done, after.reads_done + after.writes_done)};
}

struct search_result {
  std::size_t states = 0;
  double paths = 0;                 // complete schedules
  double deadlocked_paths = 0;      // schedules ending where the protocol itself is stuck
  std::size_t model_deadlocks = 0;  // such states
  std::size_t idle_turns = 0;       // turns that called the stream but changed nothing
  cost sums;
  std::optional<std::string> failure;

  void add(const search_result& o) {
    states += o.states;
    paths += o.paths;
    deadlocked_paths += o.deadlocked_paths;
    model_deadlocks += o.model_deadlocks;
    idle_turns += o.idle_turns;
    sums.add(o.sums);
  }
};

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
  static readiness ready(const world& w, bool client);
  static bool done(const world& w);
  void feed(world& w, bool client);
  std::string key(const world& w) const;
  static std::string substance(const world& w);
  node explore(const world& w);
  bool model_can_move(const world& w, bool client);
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
      script_(make_script(c.client_word, c.server_word, c.flights)),
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

// Everything either adapter and stream will act on. The adapter's own state follows from
// what it saw: whether each operation waits, and on what, is a function of the style and of
// the stream's last read and write-side results; its backlog holds the action before pc.
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
  const std::string queues = substance(w);
  return std::string(k.begin(), k.end()) + queues;
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
  const side& s = client ? w.client : w.server;
  const char* name = client ? "client" : "server";
  if (s.app->error()) return fail(std::string(name) + " failed: " + s.app->error().message());
  const models::bytes& want = (client ? expected_.client : expected_.server).app_received;
  const std::vector<byte>& got = s.app->received();
  if (got.size() > want.size() || !std::equal(got.begin(), got.end(), want.begin()))
    fail(std::string(name) + " received bytes the peer did not write there");
}

void explorer::check_final(const world& w) {
  for (const bool client : {true, false}) {
    const side& s = client ? w.client : w.server;
    const models::exchange_observation& o = client ? expected_.client : expected_.server;
    const models::exchange_endpoint& e = s.stream.endpoint;
    const models::exchange_observation seen{models::bytes(s.app->received().begin(), s.app->received().end()),
                                            e.app_bytes_out(), e.handshakes_completed(),
                                            e.renegotiations_completed()};
    const char* name = client ? "client" : "server";
    if (!s.app->eof()) fail(std::string(name) + " finished without eof");
    if (!(seen == o))
      fail(std::string(name) + " observed " + std::to_string(seen.app_received.size()) + " bytes in, " +
           std::to_string(seen.app_bytes_sent) + " out, " + std::to_string(seen.renegotiations_completed) +
           " renegotiations; the model expects " + std::to_string(o.app_received.size()) + ", " +
           std::to_string(o.app_bytes_sent) + ", " + std::to_string(o.renegotiations_completed));
    if (e.renegotiating()) fail(std::string(name) + " still awaits an answer");
  }
  if (!w.c2s.at_end() || !w.s2c.at_end()) fail("a queue was left open or undrained");
}

// Whether a call on the stream, whatever the adapter waits for, would move the model.
bool explorer::model_can_move(const world& w, bool client) {
  const side& s = client ? w.client : w.server;
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
    memo_.emplace(k, here);
    return here;
  }
  on_path_.insert(k);
  bool moved = false;
  for (const bool client : {true, false}) {
    world n = w;
    bind(n);
    duplex_endpoint& app = *side_of(n, client).app;
    const adapter_stats before = app.stats();
    (void)app.turn(ready(n, client));
    if (app.stats().op_calls == before.op_calls) continue;  // nothing was due: not a choice
    const cost edge = delta(before, app.stats());
    path_.push_back(client ? 'c' : 's');
    check_step(n, client);
    feed(n, client);
    if (key(n) == k) {
      ++result_.idle_turns;
    } else {
      moved = true;
      const node child = explore(n);
      here.paths += child.paths;
      here.deadlocked_paths += child.deadlocked_paths;
      here.sums.add(child.sums);
      here.sums.add(edge, child.paths);
    }
    path_.pop_back();
  }
  if (!moved && !result_.failure) {
    for (const bool client : {true, false})
      if (model_can_move(w, client))
        fail(std::string("deadlock: no adapter turn moves, but a call on the ") + (client ? "client" : "server") +
             " stream would");
    ++result_.model_deadlocks;
    here.deadlocked_paths = 1;
  }
  on_path_.erase(k);
  memo_.emplace(k, here);
  return here;
}

search_result explorer::run() {
  const node root = explore(root_);
  result_.states = memo_.size();
  result_.paths = root.paths;
  result_.deadlocked_paths = root.deadlocked_paths;
  result_.sums = root.sums;
  return result_;
}

search_result search(const search_config& c) {
  explorer e(c);
  return e.run();
}

// Client and server scripts: plain data, a hello from either side, crossing hellos (at the
// start and just before close), and a side that only renegotiates.
const std::pair<const char*, const char*> scripts[] = {
    {"WW", "W"}, {"WRW", "W"}, {"W", "RW"}, {"RW", "RW"}, {"WR", "WR"}, {"R", ""},
};

const api_style styles[] = {api_style::detailed, api_style::coarse_queries, api_style::coarse_blind};

std::string per_op(const cost& c) {
  std::ostringstream out;
  out.precision(3);
  out << "per app op: op_calls " << c.op_calls / c.app_ops << ", queries " << c.queries / c.app_ops << ", wakeups "
      << c.wakeups / c.app_ops << ", spurious " << c.spurious / c.app_ops;
  return out.str();
}

std::string counts(const search_result& r) {
  std::ostringstream out;
  out.precision(4);
  out << r.states << " states, " << r.paths << " complete paths, " << r.model_deadlocks << " protocol deadlock states ("
      << r.deadlocked_paths << " paths), " << r.idle_turns << " idle turns";
  return out.str();
}

// Every script under one queue shape and handshake length, for one style and bug.
search_result sweep(std::size_t capacity, std::size_t chunk, std::uint8_t flights, api_style style,
                    flattening bug = {}) {
  search_result total;
  for (const auto& [client, server] : scripts) {
    const search_result r = search({client, server, flights, capacity, chunk, style, bug});
    if (r.failure) {
      total.failure = r.failure;
      return total;
    }
    total.add(r);
  }
  return total;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(adapter_over_exchange_model)
BOOST_AUTO_TEST_CASE(scan) {
  const std::pair<const char*, const char*> ss[] = {{"", ""}, {"W", ""}, {"", "W"}, {"W", "W"}, {"R", ""}, {"", "R"}, {"WW", "W"}};
  for (const auto& [c, sv] : ss)
  for (const std::size_t capacity : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{10}, unlimited})
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, unlimited})
      for (const std::uint8_t flights : {1, 2, 3})
        for (std::size_t i = 0; i < 3; ++i) {
          const search_result r = search({c, sv, flights, capacity, chunk, styles[i], {}});
          if (r.failure) BOOST_TEST_MESSAGE("FAIL " << *r.failure);
        }
}

BOOST_AUTO_TEST_CASE(every_interleaving_matches_the_model) {
  search_result per_style[3];
  for (const std::size_t capacity : {std::size_t{1}, std::size_t{3}, unlimited})
    for (const std::size_t chunk : {std::size_t{1}, unlimited})
      for (const std::uint8_t flights : {1, 2, 3})
        for (std::size_t i = 0; i < 3; ++i) {
          const search_result r = sweep(capacity, chunk, flights, styles[i]);
          BOOST_TEST_REQUIRE(!r.failure.has_value(), r.failure.value_or(""));
          // The protocol deadlocks only when a queue cannot hold a flight (exchange.hpp).
          if (capacity == unlimited) BOOST_TEST(r.model_deadlocks == 0u);
          BOOST_TEST(r.paths > 0);
          BOOST_TEST_MESSAGE("capacity=" << limit(capacity) << " chunk=" << limit(chunk) << " K=" << int(flights)
                                         << " " << style_name(styles[i]) << ": " << counts(r) << "; "
                                         << per_op(r.sums));
          per_style[i].add(r);
        }
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST_MESSAGE(style_name(styles[i]) << " total: " << counts(per_style[i]) << "; " << per_op(per_style[i].sums));
}

// The checks fail on the bug they exist for: a read's need_write reported as would_block
// leaves an answer owed to the peer unsent while the adapter waits for input.
BOOST_AUTO_TEST_CASE(a_stream_that_loses_need_write_is_caught) {
  const search_result r = sweep(unlimited, 1, 1, api_style::detailed, {.read_need_write = true});
  BOOST_TEST_REQUIRE(r.failure.has_value());
  BOOST_TEST_MESSAGE("caught: " << *r.failure);
  BOOST_TEST(r.failure->find("deadlock: no adapter turn moves") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
