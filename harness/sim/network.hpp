#pragma once
// The simulated network: two endpoints joined by one pipe per direction, a virtual clock,
// and a fault plan consulted on every socket operation. Single-threaded and deterministic.
//
// A socket implements the same byte_stream contract a real non-blocking socket adapter
// would. Readiness (readable/writable) is what a poller would report: the scheduler wakes
// a waiting endpoint only when its socket is really ready.

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "sim/fault_plan.hpp"
#include "sim/trace.hpp"
#include "stutter/io.hpp"

namespace stutter::sim {

struct network_config {
  std::uint32_t capacity = 64 * 1024;  // bytes in flight per direction
  std::uint32_t latency = 0;           // ticks from write to readable
};

// Totals a run reports.
struct network_stats {
  std::uint64_t operations = 0;
  std::uint64_t bytes = 0;     // bytes delivered to readers
  std::uint64_t accepted = 0;  // bytes taken from writers
  std::array<std::uint64_t, fault_kind_count> faults{};
  // faults by phase: [phase][kind]; phases are the runner's indices (see set_phase)
  std::array<std::array<std::uint64_t, fault_kind_count>, 4> faults_by_phase{};
};

class network;

class sim_socket final : public byte_stream {
 public:
  sim_socket(network& net, endpoint_id self) : net_(net), self_(self) {}

  io_result read_some(mutable_bytes buf) override;
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  io_result shutdown_write() override;

  // What a poller would say now.
  bool readable() const;
  bool writable() const;

 private:
  network& net_;
  endpoint_id self_;
};

class network {
 public:
  network(network_config config, fault_plan plan, trace& log);
  network(const network&) = delete;
  network& operator=(const network&) = delete;

  sim_socket& socket(endpoint_id e) { return *sockets_[index(e)]; }

  std::uint64_t now() const { return now_; }
  void advance(std::uint64_t ticks) { now_ += ticks; }
  // The earliest future time at which something becomes ready by itself (a delayed
  // segment arrives, a hold ends), if any.
  std::optional<std::uint64_t> next_event() const;

  // The runner's protocol phase of an endpoint (0 handshake, 1 data, 2 renegotiation,
  // 3 close), recorded with every event and used to count faults by phase.
  void set_phase(endpoint_id e, std::uint8_t phase) { phase_[index(e)] = phase; }
  std::uint8_t phase(endpoint_id e) const { return phase_[index(e)]; }

  // The application at `e` gave up on the connection (closed it after an error): the
  // connection is reset, as a close with unread data does, so the peer fails rather than waits.
  void abort(endpoint_id e);
  // The application at `e` closed its socket after a TLS cleanup call that flushed what the
  // failure produced: if its direction is still open, the peer reads what is in flight and
  // then the end of the stream. Not a socket operation the fault plan counts.
  void close_after_cleanup(endpoint_id e);
  bool was_reset() const { return reset_; }

  const network_stats& stats() const { return stats_; }
  const fault_plan& plan() const { return plan_; }
  trace& log() { return log_; }

  // Every byte each endpoint's socket has taken for sending, in order (the wire log).
  const std::vector<byte>& sent_by(endpoint_id e) const { return wire_[index(e)]; }
  std::vector<byte> take_sent_by(endpoint_id e) { return std::move(wire_[index(e)]); }

 private:
  friend class sim_socket;

  // One direction's bytes in flight. Bytes at absolute positions [base, base + data.size())
  // are in flight; `marks` say when each run of them becomes deliverable (ready_at never
  // decreases along the pipe: the network keeps order, as TCP does).
  struct mark {
    std::uint64_t ready_at = 0;
    std::uint64_t end = 0;  // absolute position one past the run
  };
  struct pipe {
    std::vector<byte> data;
    std::size_t head = 0;  // index in data of the first unread byte
    std::uint64_t base = 0;  // absolute position of data[0]
    std::deque<mark> marks;
    std::uint32_t capacity = 0;
    std::uint64_t held_until = 0;        // no delivery before this time (hold on read)
    std::uint64_t write_held_until = 0;  // no writes accepted before this time
    std::uint64_t eagain_read_until = 0;   // an injected would_block: not ready this tick
    std::uint64_t eagain_write_until = 0;
    bool closed = false;             // the writer shut down (or half_close): reader sees eof
    bool closed_by_network = false;  // half_close: later writes are broken_pipe
    std::optional<std::uint64_t> data_left;  // limit_data quota
    bool one_byte_read = false;  // next read moves at most one byte
    bool one_byte_write = false;
    std::size_t in_flight() const { return data.size() - head; }
  };
  struct endpoint_state {
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    std::error_code failed{};  // sticky error of this endpoint's socket
  };

  static std::size_t index(endpoint_id e) { return static_cast<std::size_t>(e); }
  pipe& inbound(endpoint_id e) { return pipes_[index(peer_of(e))]; }
  pipe& outbound(endpoint_id e) { return pipes_[index(e)]; }
  const pipe& inbound(endpoint_id e) const { return pipes_[index(peer_of(e))]; }
  const pipe& outbound(endpoint_id e) const { return pipes_[index(e)]; }
  std::size_t deliverable(const pipe& p) const;

  // The sticky and connection-wide failures every operation meets first.
  std::optional<io_result> failure(endpoint_state& self);
  // Faults that fail or stall an operation alike in both directions (fail_at, reset, hold,
  // one_byte, and the direction's own eagain kind); nullopt for the others.
  std::optional<io_result> stalling_fault(endpoint_state& self, const fault_entry& f, fault_kind eagain,
                                          std::uint64_t& eagain_until, std::uint64_t& held_until, bool& one_byte);
  io_result read(endpoint_id e, mutable_bytes buf);
  io_result write(endpoint_id e, std::span<const const_bytes> bufs);
  io_result shutdown(endpoint_id e);
  bool readable(endpoint_id e) const;
  bool writable(endpoint_id e) const;
  void log_op(endpoint_id e, std::string_view op, std::uint64_t requested, const io_result& r,
              const std::optional<fault_entry>& fault);
  void note_fault(endpoint_id e, const fault_entry& f);

  network_config config_;
  fault_plan plan_;
  trace& log_;
  std::uint64_t now_ = 0;
  bool reset_ = false;
  std::array<pipe, 2> pipes_{};  // pipes_[e] carries what endpoint e sends
  std::array<endpoint_state, 2> endpoints_{};
  std::array<std::uint8_t, 2> phase_{};
  std::array<std::vector<byte>, 2> wire_{};
  std::array<std::unique_ptr<sim_socket>, 2> sockets_;
  network_stats stats_{};
};

}  // namespace stutter::sim
