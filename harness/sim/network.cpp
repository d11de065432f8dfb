#include "sim/network.hpp"

#include <algorithm>
#include <cstring>

namespace stutter::sim {

network::network(network_config config, fault_plan plan, trace& log)
    : config_(config), plan_(std::move(plan)), log_(log) {
  for (auto& p : pipes_) p.capacity = std::max<std::uint32_t>(1, config_.capacity);
  sockets_[0] = std::make_unique<sim_socket>(*this, endpoint_id::client);
  sockets_[1] = std::make_unique<sim_socket>(*this, endpoint_id::server);
}

io_result sim_socket::read_some(mutable_bytes buf) { return net_.read(self_, buf); }
io_result sim_socket::write_some(std::span<const const_bytes> bufs) { return net_.write(self_, bufs); }
io_result sim_socket::shutdown_write() { return net_.shutdown(self_); }
bool sim_socket::readable() const { return net_.readable(self_); }
bool sim_socket::writable() const { return net_.writable(self_); }

std::size_t network::deliverable(const pipe& p) const {
  if (now_ < p.held_until) return 0;
  std::uint64_t ready_end = p.base + p.head;
  for (const mark& m : p.marks) {
    if (m.ready_at > now_) break;
    ready_end = m.end;
  }
  return static_cast<std::size_t>(ready_end - (p.base + p.head));
}

void network::note_fault(endpoint_id e, const fault_entry& f) {
  ++stats_.faults[static_cast<std::size_t>(f.kind)];
  ++stats_.faults_by_phase[std::min<std::size_t>(phase_[index(e)], 3)][static_cast<std::size_t>(f.kind)];
}

void network::log_op(endpoint_id e, std::string_view op, std::uint64_t requested, const io_result& r,
                     const std::optional<fault_entry>& fault) {
  trace_event ev;
  ev.time = now_;
  ev.endpoint = e;
  ev.layer = "socket";
  ev.op = op;
  ev.requested = requested;
  ev.result = r.st;
  ev.moved = r.n;
  if (fault) {
    ev.fault = fault->kind;
    ev.fault_amount = fault->amount;
  }
  ev.error = r.ec;
  ev.phase = phase_[index(e)];
  log_.record(ev);
}

std::optional<io_result> network::failure(endpoint_state& self) {
  if (self.failed) return io_result::failed(self.failed);
  if (reset_) {
    self.failed = errc::connection_reset;
    return io_result::failed(self.failed);
  }
  return std::nullopt;
}

std::optional<io_result> network::stalling_fault(endpoint_state& self, const fault_entry& f, fault_kind eagain,
                                                 std::uint64_t& eagain_until, std::uint64_t& held_until,
                                                 bool& one_byte) {
  switch (f.kind) {
    case fault_kind::fail_at: self.failed = errc::injected_failure; return io_result::failed(self.failed);
    case fault_kind::reset:
      reset_ = true;
      self.failed = errc::connection_reset;
      return io_result::failed(self.failed);
    case fault_kind::hold:
      held_until = std::max(held_until, now_ + f.amount);
      return io_result::blocked();
    case fault_kind::one_byte:
      one_byte = true;
      eagain_until = now_ + 1;
      return io_result::blocked();
    default:
      if (f.kind != eagain) return std::nullopt;
      eagain_until = now_ + 1;
      return io_result::blocked();
  }
}

io_result network::read(endpoint_id e, mutable_bytes buf) {
  ++stats_.operations;
  endpoint_state& self = endpoints_[index(e)];
  const std::optional<fault_entry> fault = plan_.decide(e, direction::read, self.reads++);
  if (fault) note_fault(e, *fault);
  pipe& in = inbound(e);

  auto finish = [&](io_result r) {
    log_op(e, "read", buf.size(), r, fault);
    return r;
  };
  if (auto r = failure(self)) return finish(*r);
  if (fault) {
    if (auto r = stalling_fault(self, *fault, fault_kind::eagain_read, in.eagain_read_until, in.held_until,
                                in.one_byte_read)) {
      return finish(*r);
    }
  }
  if (buf.empty()) return finish(io_result::done(0));
  std::size_t available = deliverable(in);
  if (available == 0) {
    bool drained = in.in_flight() == 0;
    return finish(drained && in.closed ? io_result::end() : io_result::blocked());
  }
  std::size_t n = std::min(buf.size(), available);
  if (fault && fault->kind == fault_kind::partial_read) n = std::min<std::size_t>(n, std::max<std::uint32_t>(1, fault->amount));
  if (in.one_byte_read) {
    n = 1;
    in.one_byte_read = false;
  }
  std::memcpy(buf.data(), in.data.data() + in.head, n);
  in.head += n;
  const std::uint64_t position = in.base + in.head;
  while (!in.marks.empty() && in.marks.front().end <= position) in.marks.pop_front();
  if (in.head == in.data.size()) {
    in.base += in.data.size();
    in.data.clear();
    in.head = 0;
  } else if (in.head > 4096 && in.head * 2 > in.data.size()) {
    in.data.erase(in.data.begin(), in.data.begin() + static_cast<std::ptrdiff_t>(in.head));
    in.base += in.head;
    in.head = 0;
  }
  stats_.bytes += n;
  return finish(io_result::done(n));
}

io_result network::write(endpoint_id e, std::span<const const_bytes> bufs) {
  ++stats_.operations;
  endpoint_state& self = endpoints_[index(e)];
  const std::optional<fault_entry> fault = plan_.decide(e, direction::write, self.writes++);
  if (fault) note_fault(e, *fault);
  pipe& out = outbound(e);
  std::size_t total = 0;
  for (auto b : bufs) total += b.size();

  auto finish = [&](io_result r) {
    log_op(e, "write", total, r, fault);
    return r;
  };
  if (auto r = failure(self)) return finish(*r);
  if (out.closed) {
    return finish(io_result::failed(out.closed_by_network ? errc::broken_pipe : errc::write_after_shutdown));
  }
  std::uint64_t extra_latency = 0;
  std::size_t cap = total;
  if (fault) {
    if (auto r = stalling_fault(self, *fault, fault_kind::eagain_write, out.eagain_write_until,
                                out.write_held_until, out.one_byte_write)) {
      return finish(*r);
    }
    switch (fault->kind) {
      case fault_kind::capacity: out.capacity = std::max<std::uint32_t>(1, fault->amount); break;
      case fault_kind::limit_data:
        if (!out.data_left) out.data_left = fault->amount;
        break;
      case fault_kind::latency: extra_latency = fault->amount; break;
      case fault_kind::short_write: cap = std::max<std::uint32_t>(1, fault->amount); break;
      default: break;
    }
  }
  if (total == 0) return finish(io_result::done(0));
  if (now_ < out.write_held_until) return finish(io_result::blocked());
  if (out.data_left && *out.data_left == 0) {
    self.failed = errc::data_limit;
    return finish(io_result::failed(self.failed));
  }
  if (out.in_flight() >= out.capacity) return finish(io_result::blocked());
  std::size_t n = std::min({total, cap, out.capacity - out.in_flight()});
  if (out.one_byte_write) {
    n = 1;
    out.one_byte_write = false;
  }
  if (out.data_left) {
    n = std::min<std::size_t>(n, *out.data_left);
    *out.data_left -= n;
  }
  auto& wire = wire_[index(e)];
  std::size_t left = n;
  for (auto b : bufs) {
    if (left == 0) break;
    std::size_t take = std::min(left, b.size());
    out.data.insert(out.data.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(take));
    wire.insert(wire.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(take));
    left -= take;
  }
  std::uint64_t ready_at = now_ + config_.latency + extra_latency;
  if (!out.marks.empty()) ready_at = std::max(ready_at, out.marks.back().ready_at);
  const std::uint64_t end = out.base + out.data.size();
  if (!out.marks.empty() && out.marks.back().ready_at == ready_at) {
    out.marks.back().end = end;
  } else {
    out.marks.push_back({ready_at, end});
  }
  stats_.accepted += n;
  if (fault && fault->kind == fault_kind::half_close) {
    out.closed = true;
    out.closed_by_network = true;
  }
  return finish(io_result::done(n));
}

io_result network::shutdown(endpoint_id e) {
  ++stats_.operations;
  endpoint_state& self = endpoints_[index(e)];
  io_result r = io_result::done(0);
  if (self.failed) {
    r = io_result::failed(self.failed);
  } else if (reset_) {
    r = io_result::failed(errc::connection_reset);
  }
  outbound(e).closed = true;
  log_op(e, "shutdown", 0, r, std::nullopt);
  return r;
}

void network::abort(endpoint_id e) {
  reset_ = true;
  trace_event ev;
  ev.time = now_;
  ev.endpoint = e;
  ev.layer = "socket";
  ev.op = "abort";
  ev.phase = phase_[index(e)];
  log_.record(ev);
}

void network::close_after_cleanup(endpoint_id e) {
  pipe& out = outbound(e);
  if (out.closed) return;
  out.closed = true;
  trace_event ev;
  ev.time = now_;
  ev.endpoint = e;
  ev.layer = "socket";
  ev.op = "close";
  ev.phase = phase_[index(e)];
  log_.record(ev);
}

bool network::readable(endpoint_id e) const {
  if (endpoints_[index(e)].failed || reset_) return true;
  const pipe& in = inbound(e);
  if (now_ < in.eagain_read_until) return false;
  if (deliverable(in) > 0) return true;
  return in.closed && in.in_flight() == 0;
}

bool network::writable(endpoint_id e) const {
  if (endpoints_[index(e)].failed || reset_) return true;
  const pipe& out = outbound(e);
  if (now_ < out.eagain_write_until || now_ < out.write_held_until) return false;
  if (out.closed || (out.data_left && *out.data_left == 0)) return true;
  return out.in_flight() < out.capacity;
}

std::optional<std::uint64_t> network::next_event() const {
  std::optional<std::uint64_t> best;
  auto consider = [&](std::uint64_t t) {
    if (t > now_ && (!best || t < *best)) best = t;
  };
  for (const pipe& p : pipes_) {
    consider(p.held_until);
    consider(p.write_held_until);
    consider(p.eagain_read_until);
    consider(p.eagain_write_until);
    for (const mark& m : p.marks) {
      if (m.ready_at > now_) {
        consider(m.ready_at);
        break;
      }
    }
  }
  return best;
}

}  // namespace stutter::sim
