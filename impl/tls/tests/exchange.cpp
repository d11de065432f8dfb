#include "exchange.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>

namespace stutter::tls::test {

io_result recording_stream::write_some(std::span<const const_bytes> bufs) {
  io_result r = inner_.write_some(bufs);
  if (r.ok()) {
    std::size_t left = r.n;
    for (auto b : bufs) {
      std::size_t k = std::min(left, b.size());
      written_.insert(written_.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k));
      left -= k;
      if (left == 0) break;
    }
  }
  return r;
}

tls_config client_config(const std::string& version) {
  tls_config c;
  c.role = tls_role::client;
  c.version = version;
  return c;
}

tls_config server_config(const std::string& version) {
  tls_config c;
  c.role = tls_role::server;
  c.version = version;
  return c;
}

namespace {

void build(endpoint& e, std::shared_ptr<tls_context> ctx, const tls_config& cfg, const knobs& k, bool naive,
           std::size_t naive_bio) {
  e.lower->read_chunk = k.read_chunk;
  e.lower->write_chunk = k.write_chunk;
  e.lower->block_every = k.block_every;
  e.lower->output().capacity = k.capacity;
  e.wire = std::make_unique<recording_stream>(*e.lower);
  if (naive) {
    auto s = std::make_unique<naive_tls_stream>(ctx, cfg, *e.wire, naive_bio);
    naive_tls_stream* p = s.get();
    e.control.handshake = [p] { return p->handshake(); };
    e.control.renegotiate = [p] { return p->request_renegotiation(); };
    e.control.key_update = [p](bool) { return p->request_renegotiation(); };
    e.stream = std::move(s);
  } else {
    auto s = std::make_unique<tls_stream>(ctx, cfg, *e.wire);
    tls_stream* p = s.get();
    e.control.handshake = [p] { return p->handshake(); };
    e.control.renegotiate = [p] { return p->request_renegotiation(); };
    e.control.key_update = [p](bool requested) { return p->request_key_update(requested); };
    e.stream = std::move(s);
  }
}

// One side's progress through its script.
struct lane_state {
  const script* plan;
  endpoint* ep;
  side_outcome* out;
  std::size_t next = 0;     // writer lane: current action
  std::size_t offset = 0;   // bytes of the current write already taken
  std::vector<byte> read_buf;
  bool failed = false;
  const char* name = "";
  bool trace = std::getenv("STUTTER_TLS_TRACE") != nullptr;

  void note(const char* lane, const io_result& r) {
    if (trace) std::fprintf(stderr, "%s %s action %zu: %s n=%zu %s\n", name, lane, next, std::string(to_string(r.st)).c_str(), r.n, r.ec ? r.ec.message().c_str() : "");
  }

  bool writer_done() const { return failed || next >= plan->actions.size(); }
  bool reader_done() const {
    if (failed || !plan->reads) return true;
    if (out->got_eof) return true;
    return !plan->read_eof && out->received.size() >= plan->read_bytes;
  }

  bool closing = false;  // after an error: shutdown_write until it stops waiting (lingering close)

  bool step_close() {
    if (!closing) return false;
    io_result r = ep->stream->shutdown_write();
    note("close-after-error", r);
    if (r.waiting()) return false;
    closing = false;
    return true;
  }

  void record_error(const io_result& r) {
    failed = true;
    closing = true;
    out->error = r.ec;
    if (auto* t = dynamic_cast<tls_stream*>(ep->stream.get())) out->detail = t->error_detail();
    if (auto* n = dynamic_cast<naive_tls_stream*>(ep->stream.get())) out->detail = n->error_detail();
  }

  // Returns true when something happened (an operation finished or failed).
  bool step_writer() {
    if (writer_done()) return false;
    const action& a = plan->actions[next];
    switch (a.kind) {
      case action::write: {
        const_bytes rest(a.data.data() + offset, a.data.size() - offset);
        io_result r = ep->stream->write_some(rest);
        note("write", r);
        if (r.ok()) {
          offset += r.n;
          if (offset == a.data.size()) {
            offset = 0;
            ++next;
          }
          return true;
        }
        if (r.st == status::error) {
          record_error(r);
          return true;
        }
        return false;
      }
      case action::renegotiate:
      case action::key_update:
      case action::key_update_requested: {
        std::error_code ec = a.kind == action::renegotiate ? ep->control.renegotiate()
                                                           : ep->control.key_update(a.kind == action::key_update_requested);
        if (ec) out->request_error = ec;
        ++next;
        return true;
      }
      case action::handshake:
      case action::shutdown: {
        io_result r = a.kind == action::handshake ? ep->control.handshake() : ep->stream->shutdown_write();
        note(a.kind == action::handshake ? "handshake" : "shutdown", r);
        if (r.ok()) {
          ++next;
          return true;
        }
        if (r.st == status::error) {
          record_error(r);
          return true;
        }
        return false;
      }
      case action::wait_read:
        if (out->received.size() >= a.until || reader_done()) {
          ++next;
          return true;
        }
        return false;
    }
    return false;
  }

  bool step_reader() {
    if (reader_done() || (plan->reads_after_writes && !writer_done())) return false;
    read_buf.resize(plan->read_size);
    io_result r = ep->stream->read_some(read_buf);
    note("read", r);
    if (r.ok()) {
      out->received.insert(out->received.end(), read_buf.begin(), read_buf.begin() + static_cast<std::ptrdiff_t>(r.n));
      return true;
    }
    if (r.st == status::eof) {
      out->got_eof = true;
      return true;
    }
    if (r.st == status::error) {
      record_error(r);
      return true;
    }
    return false;
  }
};

}  // namespace

tls_pair make_pair(std::uint64_t seed, const tls_config& client, const tls_config& server, knobs k,
                   bool naive_client, bool naive_server, std::size_t naive_bio) {
  tls_pair p;
  p.context = tls_context::create(seed);
  auto [a, b] = memory_pair();
  p.client.lower = std::move(a);
  p.server.lower = std::move(b);
  build(p.client, p.context, client, k, naive_client, naive_bio);
  build(p.server, p.context, server, k, naive_server, naive_bio);
  return p;
}

run_outcome run(tls_pair& pair, const script& client, const script& server, std::size_t stall_rounds,
                std::size_t max_rounds, bool jitter_on) {
  run_outcome out;
  lane_state c{&client, &pair.client, &out.client};
  lane_state s{&server, &pair.server, &out.server};
  c.name = "client";
  s.name = "server";
  std::size_t quiet = 0;
  struct {
    std::uint64_t x = 0x2545f4914f6cdd1dULL;
    std::uint64_t next() {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    }
  } jitter;
  auto fingerprint = [&] {
    return std::make_tuple(pair.client.lower->input().bytes.size(), pair.server.lower->input().bytes.size(),
                           pair.client.wire->written().size(), pair.server.wire->written().size(),
                           pair.client.lower->input().closed, pair.server.lower->input().closed);
  };
  for (out.rounds = 0; out.rounds < max_rounds; ++out.rounds) {
    if (c.writer_done() && c.reader_done() && s.writer_done() && s.reader_done() && !c.closing && !s.closing) break;
    auto before = fingerprint();
    // Lanes skip a step now and then (seeded, so runs repeat): a scheduler with a fixed period
    // could stay in lockstep with block_every and never see the unblocked calls.
    bool moved = false;
    for (lane_state* side : {&c, &s}) {
      if (!jitter_on || jitter.next() % 4 != 0) moved = side->step_writer() || moved;
      if (!jitter_on || jitter.next() % 4 != 0) moved = side->step_reader() || moved;
      moved = side->step_close() || moved;
    }
    quiet = (moved || fingerprint() != before) ? 0 : quiet + 1;
    if (quiet >= stall_rounds) {
      out.hang = true;
      break;
    }
  }
  if (out.rounds == max_rounds) out.hang = true;
  out.client.writer_done = c.next >= client.actions.size();
  out.client.reader_done = c.reader_done() && !c.failed;
  out.server.writer_done = s.next >= server.actions.size();
  out.server.reader_done = s.reader_done() && !s.failed;
  return out;
}

std::vector<byte> pattern(std::size_t n, std::uint32_t tag) {
  std::vector<byte> v(n);
  std::uint32_t x = tag * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v[i] = static_cast<byte>(x);
  }
  return v;
}

std::vector<byte> concat(const std::vector<std::vector<byte>>& parts) {
  std::vector<byte> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace stutter::tls::test
