#pragma once
// A fair driver for two exchange endpoints, for the exchange tests.
//
// Each side runs two tasks over one endpoint: a writer (the script's actions,
// then shutdown) and a reader (reads until eof). The reader runs alongside the
// writer, or, for a side that reads sequentially, starts once the writer is
// done (an application that writes everything, then reads). A task that got a waiting
// result is retried only when the direction it named is ready (need_read and
// a read's would_block: inbound data or end; need_write and a write's
// would_block: outbound room), or when its sibling changed the shared
// endpoint (the endpoint may now hold what it waited for: the optimistic
// retry of a wrapper stream).

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "stutter_models/exchange.hpp"

namespace stutter::models::testing {

struct task_state {
  std::size_t pc = 0;  // writer: next action; actions.size() stands for shutdown
  bool done = false;
  bool waiting = false;
  exchange_status last = exchange_status::ok;
  bool woken = false;
  friend auto operator<=>(const task_state&, const task_state&) = default;
};

struct side_state {
  exchange_endpoint endpoint;
  task_state writer, reader;
  friend auto operator<=>(const side_state&, const side_state&) = default;
};

struct world {
  side_state client, server;
  byte_queue c2s, s2c;
  friend auto operator<=>(const world&, const world&) = default;
};

// Tasks: 0 client writer, 1 client reader, 2 server writer, 3 server reader.
inline constexpr int task_count = 4;

inline const char* task_name(int task) {
  static const char* names[] = {"client.writer", "client.reader", "server.writer", "server.reader"};
  return names[task];
}

inline const char* status_name(exchange_status s) {
  switch (s) {
    case exchange_status::ok: return "ok";
    case exchange_status::would_block: return "would_block";
    case exchange_status::need_read: return "need_read";
    case exchange_status::need_write: return "need_write";
    case exchange_status::eof: return "eof";
    case exchange_status::error: return "error";
  }
  return "?";
}

struct exchange_driver {
  const exchange_script& script;
  std::size_t read_size = 1;
  exchange_expectation expected = expected_observations(script);
  bool client_reads_after_writing = false;
  bool server_reads_after_writing = false;

  world initial(std::size_t chunk_c2s, std::size_t chunk_s2c, std::size_t capacity = unlimited) const {
    world w{{exchange_endpoint(exchange_role::client, script.config), {}, {}},
            {exchange_endpoint(exchange_role::server, script.config), {}, {}},
            {},
            {}};
    w.c2s.max_chunk = chunk_c2s;
    w.s2c.max_chunk = chunk_s2c;
    w.c2s.capacity = w.s2c.capacity = capacity;
    return w;
  }

  static bool is_client(int task) { return task < 2; }
  static bool is_writer(int task) { return task % 2 == 0; }

  static task_state& state(world& w, int task) {
    side_state& s = is_client(task) ? w.client : w.server;
    return is_writer(task) ? s.writer : s.reader;
  }
  static const task_state& state(const world& w, int task) { return state(const_cast<world&>(w), task); }

  static bool done(const world& w) {
    for (int t = 0; t < task_count; ++t)
      if (!state(w, t).done) return false;
    return true;
  }

  // The direction that `status`, returned by the task, names is ready.
  static bool direction_ready(const world& w, int task, exchange_status status) {
    const byte_queue& in = is_client(task) ? w.s2c : w.c2s;
    const byte_queue& out = is_client(task) ? w.c2s : w.s2c;
    const bool readable = !in.data.empty() || in.closed;
    const bool writable = out.room() > 0;
    switch (status) {
      case exchange_status::need_read: return readable;
      case exchange_status::need_write: return writable;
      case exchange_status::would_block: return is_writer(task) ? writable : readable;
      default: return false;
    }
  }

  // The direction the task's last result named is ready.
  static bool direction_ready(const world& w, int task) {
    const task_state& t = state(w, task);
    return !t.done && t.waiting && direction_ready(w, task, t.last);
  }

  // A reader of a sequential side waits for its writer to finish.
  bool started(const world& w, int task) const {
    if (is_writer(task)) return true;
    const bool sequential = is_client(task) ? client_reads_after_writing : server_reads_after_writing;
    return !sequential || state(w, task - 1).done;
  }

  bool ready(const world& w, int task) const {
    const task_state& t = state(w, task);
    if (t.done || !started(w, task)) return false;
    return !t.waiting || t.woken || direction_ready(w, task);
  }

  // A retry must change something when the direction named is ready and the
  // sibling has not meanwhile done the work (then a no-op retry is fine).
  static bool must_progress(const world& w, int task) {
    return direction_ready(w, task) && !state(w, task).woken;
  }

  // Everything but the tasks' waiting bookkeeping.
  static bool same_substance(const world& a, const world& b) {
    auto side_same = [](const side_state& x, const side_state& y) {
      return x.endpoint == y.endpoint && x.writer.pc == y.writer.pc &&
             x.writer.done == y.writer.done && x.reader.done == y.reader.done;
    };
    return side_same(a.client, b.client) && side_same(a.server, b.server) && a.c2s == b.c2s && a.s2c == b.s2c;
  }

  // A 64-bit FNV-1a hash of the canonical encoding of the world, for the
  // visited sets of an exhaustive search.
  static std::uint64_t fingerprint(const world& w) {
    std::uint64_t h = 0xcbf29ce484222325u;
    auto mix = [&h](const std::uint8_t* p, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3u;
    };
    bytes enc;
    enc.reserve(512);
    w.client.endpoint.encode_state(enc);
    w.server.endpoint.encode_state(enc);
    mix(enc.data(), enc.size());
    for (const task_state* t : {&w.client.writer, &w.client.reader, &w.server.writer, &w.server.reader}) {
      const std::uint8_t fields[] = {static_cast<std::uint8_t>(t->pc),
                                     static_cast<std::uint8_t>(t->done | t->waiting << 1 | t->woken << 2),
                                     static_cast<std::uint8_t>(t->last)};
      mix(fields, sizeof fields);
    }
    for (const byte_queue* q : {&w.c2s, &w.s2c}) {
      const std::uint8_t fields[] = {q->closed, static_cast<std::uint8_t>(q->data.size() >> 8),
                                     static_cast<std::uint8_t>(q->data.size())};
      mix(fields, sizeof fields);
      mix(q->data.data(), q->data.size());
    }
    return h;
  }

  // Runs one attempt of the task's current operation; returns a failure message.
  std::optional<std::string> step(world& w, int task) const {
    side_state& side = is_client(task) ? w.client : w.server;
    byte_queue& in = is_client(task) ? w.s2c : w.c2s;
    byte_queue& out = is_client(task) ? w.c2s : w.s2c;
    const exchange_io io{in, out};
    const std::vector<exchange_action>& actions = is_client(task) ? script.client : script.server;
    task_state& t = state(w, task);
    task_state& sibling = is_writer(task) ? side.reader : side.writer;
    const exchange_endpoint before = side.endpoint;

    exchange_result r;
    bytes buffer(read_size);
    if (is_writer(task)) {
      if (t.pc < actions.size()) {
        const exchange_action& a = actions[t.pc];
        r = a.kind == exchange_action::kind::write ? side.endpoint.write(io, a.data)
                                                   : side.endpoint.request_renegotiation(io);
      } else {
        r = side.endpoint.shutdown(io);
      }
    } else {
      r = side.endpoint.read(io, buffer);
    }

    // Built only on failure: this runs once per transition of an exhaustive search.
    auto why = [&](const char* what) {
      std::ostringstream out;
      out << task_name(task) << " got " << status_name(r.status) << what;
      if (r.status == exchange_status::error) out << " (error " << static_cast<int>(r.error) << ")";
      return std::optional<std::string>(out.str());
    };
    switch (r.status) {
      case exchange_status::ok:
        t.waiting = false;
        t.woken = false;
        if (is_writer(task)) {
          if (t.pc < actions.size() && actions[t.pc].kind == exchange_action::kind::write &&
              r.n != actions[t.pc].data.size())
            return why(" with a short count");
          if (++t.pc > actions.size()) t.done = true;
        } else {
          if (r.n == 0 || r.n > read_size) return why(" with a bad count");
          // Checked as they arrive, so that the received bytes need not be part of the state.
          const bytes& want = (is_client(task) ? expected.client : expected.server).app_received;
          const std::size_t at = side.endpoint.app_bytes_in() - r.n;
          if (at + r.n > want.size() || !std::equal(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(r.n),
                                                    want.begin() + static_cast<std::ptrdiff_t>(at)))
            return why(" with bytes the peer did not write there");
        }
        break;
      case exchange_status::eof:
        if (is_writer(task)) return why(" from a write operation");
        t.done = true;
        break;
      case exchange_status::need_write:
        if (is_writer(task)) return why(" from a write operation");
        [[fallthrough]];
      case exchange_status::need_read:
        if (r.status == exchange_status::need_read && !is_writer(task)) return why(" from a read");
        [[fallthrough]];
      case exchange_status::would_block:
        t.waiting = true;
        t.last = r.status;
        t.woken = false;
        break;
      case exchange_status::error:
        return why("");
    }
    if (!(side.endpoint == before) && sibling.waiting) sibling.woken = true;
    return std::nullopt;
  }

  std::optional<std::string> check_final(const world& w) const {
    const exchange_expectation& e = expected;
    std::ostringstream why;
    auto check_side = [&](const char* name, const side_state& s, const exchange_observation& o) {
      // Each delivered byte was compared on arrival; here only the count is left.
      if (s.endpoint.app_bytes_in() != o.app_received.size()) why << name << ": app_bytes_in differs; ";
      if (s.endpoint.app_bytes_out() != o.app_bytes_sent) why << name << ": app_bytes_out differs; ";
      if (s.endpoint.handshakes_completed() != o.handshakes_completed) why << name << ": handshakes differ; ";
      if (s.endpoint.renegotiations_completed() != o.renegotiations_completed)
        why << name << ": renegotiations " << s.endpoint.renegotiations_completed() << " != "
            << o.renegotiations_completed << "; ";
      if (s.endpoint.error() != exchange_error::none) why << name << ": error; ";
      if (s.endpoint.renegotiating()) why << name << ": still renegotiating; ";
    };
    check_side("client", w.client, e.client);
    check_side("server", w.server, e.server);
    if (!w.c2s.at_end() || !w.s2c.at_end()) why << "queues not drained and closed; ";
    if (why.str().empty()) return std::nullopt;
    return why.str();
  }
};

}  // namespace stutter::models::testing
