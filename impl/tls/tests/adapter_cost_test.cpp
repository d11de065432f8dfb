// The optimistic adapter over tls_stream, and what the seed's coarse API style costs: the
// same workloads run with detailed results, with "not ready" plus read_pending() /
// write_pending() queries, and with "not ready" alone (wait for either direction).
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <deque>

#include "exchange.hpp"
#include "stutter/adapter/duplex_endpoint.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;
using namespace stutter::adapter;

namespace {

struct workload {
  const char* name;
  const char* version;
  knobs k;
  std::size_t bytes_each_way;
  bool client_renegotiates;
  bool server_key_update;
  std::uint64_t latency = 3;  // turns
};

struct figures {
  bool completed = false;
  std::uint64_t op_calls = 0, queries = 0, wakeups = 0, spurious = 0, app_ops = 0, lower_calls = 0;
};

// One direction of a link with latency: bytes written in turn t can be read from turn t + delay.
struct latency_link {
  std::deque<std::pair<std::uint64_t, std::size_t>> in_flight;  // (turn written, bytes)
  std::size_t visible = 0;
  void advance(std::uint64_t now, std::uint64_t delay) {
    while (!in_flight.empty() && in_flight.front().first + delay <= now) {
      visible += in_flight.front().second;
      in_flight.pop_front();
    }
  }
};

// A memory endpoint seen through latency links, so that waiting has a cost: a wake-up on
// the wrong direction happens while the right one is still in flight.
class delayed_endpoint final : public byte_stream {
 public:
  delayed_endpoint(memory_endpoint& e, latency_link& in, latency_link& out, const std::uint64_t& now)
      : e_(e), in_(in), out_(out), now_(now) {}
  io_result read_some(mutable_bytes buf) override {
    if (in_.visible == 0) return eof_visible() ? io_result::end() : io_result::blocked();
    io_result r = e_.read_some(buf.first(std::min(buf.size(), in_.visible)));
    if (r.ok()) in_.visible -= r.n;
    return r;
  }
  io_result write_some(std::span<const const_bytes> bufs) override {
    io_result r = e_.write_some(bufs);
    if (r.ok() && r.n > 0) out_.in_flight.emplace_back(now_, r.n);
    return r;
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return e_.shutdown_write(); }
  bool eof_visible() const { return in_.visible == 0 && in_.in_flight.empty() && e_.input().closed; }
  readiness ready() const {
    const bool writable = e_.output().capacity == 0 || e_.output().bytes.size() < e_.output().capacity;
    return {in_.visible > 0 || eof_visible(), writable};
  }

 private:
  memory_endpoint& e_;
  latency_link& in_;
  latency_link& out_;
  const std::uint64_t& now_;
};

figures measure(const workload& w, api_style style) {
  auto ctx = tls_context::create(5);
  auto [cl, sl] = memory_pair();
  for (memory_endpoint* e : {cl.get(), sl.get()}) {
    e->read_chunk = w.k.read_chunk;
    e->write_chunk = w.k.write_chunk;
    e->block_every = w.k.block_every;
    e->output().capacity = w.k.capacity;
  }
  std::uint64_t now = 0;
  latency_link c_to_s, s_to_c;
  delayed_endpoint cd(*cl, s_to_c, c_to_s, now), sd(*sl, c_to_s, s_to_c, now);
  tls_stream ct(ctx, client_config(w.version), cd);
  tls_stream st(ctx, server_config(w.version), sd);
  duplex_endpoint c(ct, style, {[&] { return ct.read_pending(); }, [&] { return ct.write_pending(); }});
  duplex_endpoint s(st, style, {[&] { return st.read_pending(); }, [&] { return st.write_pending(); }});
  const std::size_t chunk = 16 * 1024;
  for (std::size_t at = 0; at < w.bytes_each_way; at += chunk) {
    c.write(pattern(std::min(chunk, w.bytes_each_way - at), static_cast<std::uint32_t>(at)));
    s.write(pattern(std::min(chunk, w.bytes_each_way - at), static_cast<std::uint32_t>(at + 1)));
  }
  c.shutdown();
  s.shutdown();
  bool requested = false;
  for (; now < 100000; ++now) {
    if (c.writes_idle() && s.writes_idle() && c.read_finished() && s.read_finished()) break;
    c_to_s.advance(now, w.latency);
    s_to_c.advance(now, w.latency);
    if (!requested && ct.established() && st.established() && c.stats().writes_done >= 1) {
      if (w.client_renegotiates) BOOST_TEST(!ct.request_renegotiation());
      if (w.server_key_update) BOOST_TEST(!st.request_key_update(true));
      requested = true;
    }
    (void)c.turn(cd.ready());
    (void)s.turn(sd.ready());
  }
  figures f;
  f.completed = c.eof() && s.eof() && !c.error() && !s.error() && c.received().size() == w.bytes_each_way &&
                s.received().size() == w.bytes_each_way;
  for (const duplex_endpoint* e : {&c, &s}) {
    f.op_calls += e->stats().op_calls;
    f.queries += e->stats().queries;
    f.wakeups += e->stats().wakeups;
    f.spurious += e->stats().spurious_wakeups;
    f.app_ops += e->stats().reads_done + e->stats().writes_done;
  }
  f.lower_calls = cl->calls() + sl->calls();
  return f;
}

const workload workloads[] = {
    {"tls13 64KiB each way, plain pipes", "1.3", {}, 64 * 1024, false, false},
    {"tls12 64KiB + client renegotiation, 4KiB pipes", "1.2", {.read_chunk = 1000, .capacity = 4096}, 64 * 1024, true, false},
    {"tls13 64KiB + requested key update, 1KB pipes, 700-byte reads", "1.3", {.read_chunk = 700, .capacity = 1000}, 64 * 1024, false, true},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_tls_adapter)

BOOST_AUTO_TEST_CASE(coarse_api_costs_calls_and_wakeups) {
  for (const workload& w : workloads) {
    const figures d = measure(w, api_style::detailed);
    const figures q = measure(w, api_style::coarse_queries);
    const figures b = measure(w, api_style::coarse_blind);
    BOOST_TEST_CONTEXT(w.name) {
      BOOST_TEST(d.completed);
      BOOST_TEST(q.completed);
      BOOST_TEST(b.completed);
      // The queries are extra calls; guessing blind costs wake-ups.
      BOOST_TEST(d.op_calls + d.queries <= q.op_calls + q.queries);
      BOOST_TEST(d.wakeups <= b.wakeups);
    }
    auto line = [&](const char* style, const figures& f) {
      const double ops = static_cast<double>(f.app_ops);
      std::printf("  %-15s app_ops=%4llu calls=%5llu (%.2f/op) queries=%4llu (%.2f/op) wakeups=%5llu (%.2f/op, %llu spurious) lower=%llu\n",
                  style, static_cast<unsigned long long>(f.app_ops), static_cast<unsigned long long>(f.op_calls),
                  f.op_calls / ops, static_cast<unsigned long long>(f.queries), f.queries / ops,
                  static_cast<unsigned long long>(f.wakeups), f.wakeups / ops, static_cast<unsigned long long>(f.spurious),
                  static_cast<unsigned long long>(f.lower_calls));
    };
    if (std::getenv("STUTTER_PRINT_FIGURES") != nullptr) {
      std::printf("%s\n", w.name);
      line("detailed", d);
      line("coarse+queries", q);
      line("coarse blind", b);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
