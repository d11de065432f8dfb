// fuzz_tls: our TLS wrapper (impl/tls tls_stream) reading what a peer sends after a real
// handshake, through a scripted lower stream, with the wire between them tampered with.
//
// Input (fuzz_common.hpp for the scripts):
//   config byte: bit0 TLS 1.3 (else 1.2), bit1 the side under test is the server, bit2 it
//                refuses renegotiation, bits 4-5 its plaintext_limit (1, 100, 16 KiB, 256 KiB),
//                bits 6-7 its read_chunk (1, 5, 300, 17 KiB)
//   read script, write script: the side under test's lower reads and writes
//   the peer's program, the rest, an op byte (mod 7) each, with operands:
//     0 n      the peer sends n + 1 bytes of application data
//     1        the peer asks for a renegotiation (1.2) or a key update (1.3)
//     2 k x    byte k of what is in flight to the side under test is xored with x (x != 0)
//     3 n ...  n raw bytes are put on the wire
//     4        the peer sends close_notify and shuts its direction
//     5        the network cuts the peer's direction after what is in flight (no close_notify:
//              a truncation); the peer's later writes are lost
//     6 n      the side under test reads at most n + 1 bytes for a while (the read size)
// Between ops both ends run until neither moves; at the end the side under test reads until
// it stops. The peer is our own stack with no faults, so anything wrong is the reader's.
//
// Checks: what the side under test delivers is always a prefix of what the peer sent (nothing
// forged, reordered or lost mid-stream passes the record layer); errors are sticky; would_block
// only when its lower read blocked, need_write only when its lower write blocked; the plaintext
// it holds stays within plaintext_limit. With the wire untouched and no renegotiation refused:
// everything sent arrives, then eof after a close_notify or truncated after a truncation,
// never the other way round; every renegotiation the peer asks for completes, every KeyUpdate
// is read.
#include <algorithm>
#include <deque>
#include <memory>
#include <optional>

#include "fuzz_common.hpp"
#include "stutter/tls/tls_stream.hpp"

using namespace stutter;
using namespace stutter::fuzz;
using namespace stutter::tls;

namespace {

// One direction of the wire: bytes in flight, whether the writer shut its side down, and
// whether the network cut it (what is written after the cut is lost).
struct wire {
  std::deque<byte> bytes;
  bool ended = false;
  bool cut = false;
};

// A lower stream over two wires; scripted once the handshake is over (the side under test's),
// or never (the peer's).
class wire_stream final : public byte_stream {
 public:
  wire_stream(wire& in, wire& out) : in_(in), out_(out) {}
  void script_from_now(script reads, script writes) {
    reads_ = std::move(reads);
    writes_ = std::move(writes);
    scripted_ = true;
  }

  io_result read_some(mutable_bytes buf) override {
    if (buf.empty()) return io_result::done(0);
    std::size_t n = buf.size();
    if (scripted_) {
      const script::action a = reads_.next();
      if (a.what == script::kind::block) return blocked(read_blocks);
      if (a.up_to < n) n = a.up_to;
    }
    if (in_.bytes.empty()) {
      if (in_.ended) return io_result::end();
      return blocked(read_blocks);
    }
    n = std::min(n, in_.bytes.size());
    std::copy_n(in_.bytes.begin(), n, buf.begin());
    in_.bytes.erase(in_.bytes.begin(), in_.bytes.begin() + static_cast<std::ptrdiff_t>(n));
    moved += n;
    return io_result::done(n);
  }

  io_result write_some(std::span<const const_bytes> bufs) override {
    FUZZ_CHECK(!out_.ended || out_.cut, "a write after shutdown_write");
    std::size_t room = SIZE_MAX;
    if (scripted_) {
      const script::action a = writes_.next();
      if (a.what == script::kind::block) return blocked(write_blocks);
      room = a.up_to;
    }
    std::size_t taken = 0;
    for (auto b : bufs) {
      const std::size_t k = std::min(b.size(), room - taken);
      if (!out_.cut) out_.bytes.insert(out_.bytes.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k));
      taken += k;
      if (taken == room) break;
    }
    moved += taken;
    return io_result::done(taken);
  }
  using byte_stream::write_some;

  io_result shutdown_write() override {
    out_.ended = true;
    return io_result::done(0);
  }

  // What a poll for readable would say: bytes in flight, or the end of the direction.
  bool readable() const { return !in_.bytes.empty() || in_.ended; }

  std::size_t read_blocks = 0, write_blocks = 0, moved = 0;

 private:
  static io_result blocked(std::size_t& count) {
    ++count;
    return io_result::blocked();
  }
  wire& in_;
  wire& out_;
  script reads_{{}, false};
  script writes_{{}, false};
  bool scripted_ = false;
};

// The side under test's read. Built with FUZZ_TLS_BROKEN (the fuzz_tls_broken target), it has a
// classic wrapper bug, which the checks must reject on the seeds (CTest: fuzz_tls_catches_broken):
// "not ready" reported as would_block whatever the direction, so a read whose own output is
// stuck waits for input that the peer will only send once it gets that output.
io_result read_under_test(tls_stream& tls, mutable_bytes buf) {
  io_result r = tls.read_some(buf);
#ifdef FUZZ_TLS_BROKEN
  if (r.st == status::need_write) r = io_result::blocked();
#endif
  return r;
}

constexpr std::size_t plaintext_limits[] = {1, 100, 16 * 1024, 256 * 1024};
constexpr std::size_t read_chunks[] = {1, 5, 300, 17 * 1024};

struct side_under_test {
  wire_stream& lower;
  tls_stream& tls;
  bytes delivered;
  std::optional<io_result> ended;  // eof or the (sticky) error
  std::size_t read_size = 4096;
  std::size_t need_writes = 0;  // for STUTTER_FUZZ_DEBUG

  bool waits_for_input = false;  // its last read said would_block: it polls for readable

  // Reads until it waits or ends; true when it moved anything (here or on the wire). After a
  // would_block it reads again only once the wire has something for it, as a caller polling
  // for readable does; after need_write at once (its writes block only now and then).
  bool run(const bytes& sent) {
    if (waits_for_input && !lower.readable()) return false;
    waits_for_input = false;
    const std::size_t before = lower.moved + delivered.size();
    bytes buf(read_size);
    while (true) {
      const std::size_t blocks_r = lower.read_blocks, blocks_w = lower.write_blocks;
      const io_result r = read_under_test(tls, buf);
      FUZZ_CHECK(tls.buffered_plaintext() <= tls.config().plaintext_limit,
                 "holds " + std::to_string(tls.buffered_plaintext()) + " plaintext bytes, over plaintext_limit");
      if (ended) {
        FUZZ_CHECK(r.st == ended->st && (r.st != status::error || r.ec == ended->ec),
                   "a read after " + std::string(r.st == status::eof ? "eof" : "an error") + " returned something else");
        return lower.moved + delivered.size() != before;
      }
      if (r.st == status::ok) {
        FUZZ_CHECK(r.n > 0 && r.n <= buf.size(), "read_some returned ok(" + std::to_string(r.n) + ")");
        delivered.insert(delivered.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.n));
        FUZZ_CHECK(delivered.size() <= sent.size() && std::equal(delivered.begin(), delivered.end(), sent.begin()),
                   "delivered " + std::to_string(delivered.size()) + " bytes that are not a prefix of the " +
                       std::to_string(sent.size()) + " the peer sent");
        continue;
      }
      if (r.st == status::would_block) {
        FUZZ_CHECK(lower.read_blocks > blocks_r, "would_block without a blocked lower read");
        waits_for_input = true;
        break;
      }
      if (r.st == status::need_write) {
        ++need_writes;
        FUZZ_CHECK(lower.write_blocks > blocks_w, "need_write without a blocked lower write");
        break;
      }
      FUZZ_CHECK(r.st == status::eof || r.st == status::error, "read_some returned need_read");
      ended = r;
    }
    return lower.moved + delivered.size() != before;
  }
};

struct peer {
  wire_stream& lower;
  tls_stream& tls;
  bytes pending;  // application data not yet taken by write_some
  bool closing = false;
  bool failed = false;

  // Writes what is pending, then reads (answers); true when it moved anything.
  bool run(bytes& sent) {
    if (failed) return false;
    const std::size_t before = lower.moved;
    while (!pending.empty()) {
      const io_result w = tls.write_some(const_bytes(pending));
      if (w.st == status::error) return fail();
      if (!w.ok()) break;
      sent.insert(sent.end(), pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(w.n));
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(w.n));
    }
    if (pending.empty() && closing) {
      const io_result c = tls.shutdown_write();
      if (c.st == status::error) return fail();
      if (c.ok()) closing = false;
    }
    // The peer reads only to take part in handshakes: the side under test sends no data.
    byte buf[512];
    while (true) {
      const io_result r = tls.read_some(buf);
      if (r.st == status::error) return fail();
      if (!r.ok()) break;
    }
    if (pending.empty() && !closing) {
      const io_result h = tls.handshake();
      if (h.st == status::error) return fail();
    }
    return lower.moved != before;
  }
  bool fail() {
    failed = true;
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  const std::uint8_t cfg = in.byte();
  const bool tls13 = (cfg & 1) != 0;
  const bool tested_is_server = (cfg & 2) != 0;
  const bool refuses = (cfg & 4) != 0;
  auto reads = in.script();
  auto writes = in.script();
  auto program = in.rest();

  auto context = tls_context::create(1);
  tls_config mine{.role = tested_is_server ? tls_role::server : tls_role::client,
                  .version = tls13 ? "1.3" : "1.2",
                  .allow_renegotiation = !refuses};
  mine.plaintext_limit = plaintext_limits[(cfg >> 4) & 3];
  mine.read_chunk = read_chunks[(cfg >> 6) & 3];
  tls_config theirs{.role = tested_is_server ? tls_role::client : tls_role::server, .version = mine.version};

  wire to_tested, to_peer;
  wire_stream tested_lower(to_tested, to_peer);
  wire_stream peer_lower(to_peer, to_tested);
  tls_stream tested_tls(context, mine, tested_lower);
  tls_stream peer_tls(context, theirs, peer_lower);

  // The handshake, unscripted: the bytes under test are the ones after it.
  for (int i = 0; i < 64 && !(tested_tls.established() && peer_tls.established()); ++i) {
    (void)tested_tls.handshake();
    (void)peer_tls.handshake();
  }
  FUZZ_CHECK(tested_tls.established() && peer_tls.established(), "the handshake did not complete");
  tested_lower.script_from_now(script(reads, false), script(writes, false));

  side_under_test tested{tested_lower, tested_tls, {}, {}};
  peer other{peer_lower, peer_tls};
  bytes sent;
  bool tampered = false, truncated = false, closed = false, asked = false;
  std::size_t sent_before_cut = 0;
  std::uint64_t requests = 0;  // renegotiations or key updates the peer's stack accepted
  // Both ends in turn until neither moves: a script never blocks twice in a row, so three idle
  // rounds mean nothing will (bounded: a pair that never settles leaves data undelivered,
  // which the checks at the end report).
  auto settle = [&] {
    for (int round = 0, idle = 0; round < 1024 && idle < 3; ++round) {
      const bool a = other.run(sent);
      const bool b = tested.run(sent);
      idle = a || b ? 0 : idle + 1;
    }
  };

  input_reader prog(program.data(), program.size());
  for (std::size_t steps = 0; steps < 256 && !prog.at_end() && !truncated && !closed; ++steps) {
    const std::uint8_t op = static_cast<std::uint8_t>(prog.byte() % 7);
    switch (op) {
      case 0: {
        const std::size_t n = std::size_t{prog.byte()} + 1;
        for (std::size_t k = 0; k < n; ++k) other.pending.push_back(static_cast<byte>('a' + (sent.size() + other.pending.size()) % 26));
        break;
      }
      case 1:
        asked = true;
        if (!(tls13 ? peer_tls.request_key_update(true) : peer_tls.request_renegotiation())) ++requests;
        break;
      case 2: {
        const std::size_t k = prog.byte();
        const byte x = prog.byte();
        if (x != 0 && k < to_tested.bytes.size()) {
          to_tested.bytes[k] ^= x;
          tampered = true;
        }
        break;
      }
      case 3: {
        auto raw = prog.take(prog.byte());
        to_tested.bytes.insert(to_tested.bytes.end(), raw.begin(), raw.end());
        tampered = tampered || !raw.empty();
        break;
      }
      case 4:
        other.closing = true;
        closed = true;
        break;
      case 5:
        to_tested.ended = to_tested.cut = true;
        truncated = true;
        sent_before_cut = sent.size();
        break;
      case 6:
        tested.read_size = std::size_t{prog.byte()} + 1;
        break;
    }
    other.run(sent);
    // Tampering applies to what the peer has just put on the wire, before the other end reads.
    const std::uint8_t next = static_cast<std::uint8_t>(prog.peek() % 7);
    if (prog.at_end() || (next != 2 && next != 3)) settle();
  }
  settle();
  const tls_counters theirs_done = peer_tls.counters(), mine_done = tested_tls.counters();
  if (std::getenv("STUTTER_FUZZ_DEBUG") != nullptr) {
    std::fprintf(stderr, "fuzz_tls: %llu requests; peer: %llu renegotiations, %llu key updates sent, %llu received\n",
                 static_cast<unsigned long long>(requests), static_cast<unsigned long long>(theirs_done.renegotiations),
                 static_cast<unsigned long long>(theirs_done.key_updates_sent),
                 static_cast<unsigned long long>(theirs_done.key_updates_received));
    std::fprintf(stderr, "fuzz_tls: %s, sent %zu, delivered %zu, %zu need_write, ended %s%s%s%s, peer %s\n",
                 mine.version.c_str(), sent.size(), tested.delivered.size(), tested.need_writes,
                 !tested.ended ? "no" : tested.ended->st == status::eof ? "eof" : tested.ended->ec.message().c_str(),
                 tampered ? ", tampered" : "", truncated ? ", truncated" : "", closed ? ", closed" : "",
                 other.failed ? peer_tls.error().message().c_str() : "ok");
  }

  if (tampered || (refuses && asked)) return 0;
  // After a truncation the side under test may answer with a fatal alert; nothing else may
  // make an honest peer fail.
  FUZZ_CHECK(!other.failed || truncated, "the peer failed: " + peer_tls.error().message());
  const std::size_t arrives = truncated ? sent_before_cut : sent.size();
  FUZZ_CHECK(truncated || other.pending.empty(),
             "the peer could not send its data: " + std::to_string(other.pending.size()) + " bytes left");
  FUZZ_CHECK(tested.delivered.size() == arrives, "delivered " + std::to_string(tested.delivered.size()) + " of the " +
                                                   std::to_string(arrives) + " bytes the peer sent");
  // Every renegotiation the peer asks for completes (the handshake messages a read produces
  // are flushed before it waits: tls_stream.hpp). Every KeyUpdate is read; the answer to one
  // that asks for it is owed only before this side's next application data (RFC 8446 4.6.3),
  // and this side sends none.
  if (!truncated && !tls13) {
    FUZZ_CHECK(theirs_done.renegotiations == requests, std::to_string(requests) + " renegotiations asked, " +
                                                           std::to_string(theirs_done.renegotiations) + " completed");
  }
  if (!truncated && tls13) {
    FUZZ_CHECK(mine_done.key_updates_received == theirs_done.key_updates_sent,
               std::to_string(theirs_done.key_updates_sent) + " KeyUpdates sent, " +
                   std::to_string(mine_done.key_updates_received) + " read");
  }
  if (closed) {
    FUZZ_CHECK(tested.ended && tested.ended->st == status::eof, "no eof after the peer's close_notify");
  } else if (truncated) {
    FUZZ_CHECK(tested.ended && tested.ended->st == status::error && tested.ended->ec == make_error_code(tls_errc::truncated),
               "a truncation ended other than with truncated");
  } else {
    FUZZ_CHECK(!tested.ended, "the stream ended though the peer neither closed nor was cut");
  }
  return 0;
}
