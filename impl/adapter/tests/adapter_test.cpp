#include <boost/test/unit_test.hpp>

#include <string>

#include "stutter/adapter/duplex_endpoint.hpp"
#include "stutter/adapter/run.hpp"
#include "stutter/memory_stream.hpp"

using namespace stutter;
using namespace stutter::adapter;

namespace {

std::vector<byte> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// A stream that needs a read before its first write can go (like a handshake), and whose
// read needs its output flushed first: it exercises every result the adapter maps.
class handshaking_stream final : public byte_stream {
 public:
  explicit handshaking_stream(byte_stream& lower) : lower_(lower) {}
  io_result read_some(mutable_bytes buf) override {
    io_result h = hello();
    if (!h.ok()) return h.st == status::would_block && !hello_sent_ ? io_result::wants_write() : h;
    return lower_.read_some(buf);
  }
  io_result write_some(std::span<const const_bytes> bufs) override {
    io_result h = hello();
    if (!h.ok()) return h.st == status::would_block && hello_sent_ ? io_result::wants_read() : h;
    return lower_.write_some(bufs);
  }
  using byte_stream::write_some;
  io_result shutdown_write() override { return lower_.shutdown_write(); }

 private:
  // Sends our one-byte hello, then reads the peer's (exactly one byte: no over-read).
  io_result hello() {
    if (!hello_sent_) {
      io_result w = lower_.write_some(const_bytes(&hello_byte_, 1));
      if (!w.ok()) return w;
      hello_sent_ = true;
    }
    if (!hello_seen_) {
      byte b = 0;
      io_result r = lower_.read_some(mutable_bytes(&b, 1));
      if (!r.ok()) return r;
      hello_seen_ = true;
    }
    return io_result::done(0);
  }

  byte_stream& lower_;
  const byte hello_byte_ = 'H';
  bool hello_sent_ = false;
  bool hello_seen_ = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_adapter)

BOOST_AUTO_TEST_CASE(wait_for_follows_the_named_direction) {
  BOOST_TEST((wait_for(op_kind::read, io_result::blocked()) == wait_event::readable));
  BOOST_TEST((wait_for(op_kind::write, io_result::blocked()) == wait_event::writable));
  BOOST_TEST((wait_for(op_kind::read, io_result::wants_write()) == wait_event::writable));
  BOOST_TEST((wait_for(op_kind::write, io_result::wants_read()) == wait_event::readable));
  BOOST_TEST((wait_for(op_kind::read, io_result::done(3)) == wait_event::none));
  BOOST_TEST((wait_for(op_kind::write, io_result::end()) == wait_event::none));
  BOOST_TEST((wait_for(op_kind::write, io_result::failed(errc::connection_reset)) == wait_event::none));
}

BOOST_AUTO_TEST_CASE(run_tries_first_and_polls_only_after_waiting) {
  auto [a, b] = memory_pair();
  BOOST_TEST(b->write_some(bytes_of("ready")).ok());
  std::vector<byte> buf(16);
  int polls = 0;
  op_stats st;
  io_result r = read_some(*a, buf, [&](wait_event) { return ++polls, true; }, &st);
  BOOST_TEST(r.ok());
  BOOST_TEST(polls == 0);  // data was there: no poll before the try
  BOOST_TEST(st.attempts == 1u);

  // Nothing there: the poll runs the peer, which then writes.
  std::vector<wait_event> seen;
  r = read_some(*a, buf, [&](wait_event e) {
    seen.push_back(e);
    (void)b->write_some(bytes_of("x"));
    return true;
  });
  BOOST_TEST(r.ok());
  BOOST_TEST(seen.size() == 1u);
  BOOST_TEST((seen[0] == wait_event::readable));

  // A poll that gives up returns the waiting result.
  r = read_some(*a, buf, [](wait_event) { return false; });
  BOOST_TEST((r.st == status::would_block));
}

BOOST_AUTO_TEST_CASE(write_all_over_a_small_pipe) {
  auto [a, b] = memory_pair();
  a->output().capacity = 3;
  a->write_chunk = 2;
  std::vector<byte> got, buf(8);
  const auto data = bytes_of("hello, adapter");
  io_result r = write_all(*a, data, [&](wait_event e) {
    BOOST_TEST((e == wait_event::writable));
    io_result rr = b->read_some(buf);
    if (rr.ok()) got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(rr.n));
    return true;
  });
  BOOST_TEST(r.ok());
  BOOST_TEST(r.n == data.size());
  while (b->read_some(buf).ok()) {
  }
  BOOST_TEST(got.size() + b->input().bytes.size() <= data.size());
}

BOOST_AUTO_TEST_CASE(backlogged_write_waits_on_read_then_goes) {
  auto [la, lb] = memory_pair();
  handshaking_stream a(*la), b(*lb);
  duplex_endpoint ea(a), eb(b);
  ea.write(bytes_of("from a"));
  eb.write(bytes_of("from b"));
  ea.shutdown();
  eb.shutdown();
  for (int i = 0; i < 100 && !(ea.writes_idle() && eb.writes_idle() && ea.eof() && eb.eof()); ++i) {
    ea.turn({!la->input().bytes.empty() || la->input().closed, true});
    eb.turn({!lb->input().bytes.empty() || lb->input().closed, true});
  }
  BOOST_TEST(ea.eof());
  BOOST_TEST(eb.eof());
  BOOST_TEST((ea.received() == bytes_of("from b")));
  BOOST_TEST((eb.received() == bytes_of("from a")));
  BOOST_TEST(ea.stats().writes_done == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
