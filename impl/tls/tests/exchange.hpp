#pragma once
// Test scaffolding: two TLS endpoints over memory_pair() and a two-sided, single-threaded
// driver that runs both like full-duplex applications (a writer lane and a reader lane per
// side), retries waiting operations with the same arguments, and reports a hang when
// nothing moves for a while.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "naive_tls_stream.hpp"
#include "stutter/memory_stream.hpp"
#include "stutter/tls/tls_stream.hpp"

namespace stutter::tls::test {

// Stutter applied to both lower endpoints.
struct knobs {
  std::size_t read_chunk = 0;
  std::size_t write_chunk = 0;
  std::size_t block_every = 0;
  std::size_t capacity = 0;  // of each pipe; 0 = unbounded
};

// Records what passes through to the lower stream (the wire bytes of one direction).
class recording_stream final : public byte_stream {
 public:
  explicit recording_stream(byte_stream& inner) : inner_(inner) {}
  io_result read_some(mutable_bytes buf) override { return inner_.read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override;
  using byte_stream::write_some;
  io_result shutdown_write() override { return inner_.shutdown_write(); }
  const std::vector<byte>& written() const { return written_; }

 private:
  byte_stream& inner_;
  std::vector<byte> written_;
};

// Operations beyond byte_stream that the driver needs; tls_stream and naive_tls_stream both fit.
struct controls {
  std::function<io_result()> handshake;
  std::function<std::error_code()> renegotiate;
  std::function<std::error_code(bool)> key_update;
};

struct endpoint {
  std::unique_ptr<memory_endpoint> lower;
  std::unique_ptr<recording_stream> wire;
  std::unique_ptr<byte_stream> stream;
  controls control;

  tls_stream& tls() { return static_cast<tls_stream&>(*stream); }
  naive_tls_stream& naive() { return static_cast<naive_tls_stream&>(*stream); }
};

struct tls_pair {
  std::shared_ptr<tls_context> context;
  endpoint client;
  endpoint server;
};

tls_config client_config(const std::string& version);
tls_config server_config(const std::string& version);

// Both sides tls_stream unless `naive_client` / `naive_server`.
tls_pair make_pair(std::uint64_t seed, const tls_config& client, const tls_config& server, knobs k = {},
                   bool naive_client = false, bool naive_server = false, std::size_t naive_bio = 4096);

// What one side does. The writer lane runs `actions` in order; the reader lane reads until
// `read_bytes` have arrived (and then eof when `read_eof`).
struct action {
  enum kind_t { write, renegotiate, key_update, key_update_requested, handshake, shutdown, wait_read } kind;
  std::vector<byte> data{};   // write
  std::size_t until = 0;      // wait_read: hold the writer lane until this many bytes were read
};

struct script {
  std::vector<action> actions;
  std::size_t read_bytes = 0;
  bool read_eof = false;
  std::size_t read_size = 16 * 1024;  // buffer size of each read
  bool reads = true;                  // false: this side never reads
  bool reads_after_writes = false;    // the reader lane starts once the writer lane is done
};

struct side_outcome {
  std::vector<byte> received;
  bool writer_done = false;
  bool reader_done = false;
  bool got_eof = false;
  std::error_code error{};
  std::string detail;
  std::error_code request_error{};  // from a renegotiate / key_update control
};

struct run_outcome {
  side_outcome client;
  side_outcome server;
  bool hang = false;
  std::size_t rounds = 0;
};

// `jitter`: lanes skip steps now and then (seeded), so a periodic block_every cannot stay in
// lockstep with the driver; off, every lane steps every round (an exact interleaving).
run_outcome run(tls_pair& pair, const script& client, const script& server, std::size_t stall_rounds = 200,
                std::size_t max_rounds = 2000000, bool jitter = true);

// Deterministic filler: `n` bytes that depend on `tag` and the position.
std::vector<byte> pattern(std::size_t n, std::uint32_t tag);
std::vector<byte> concat(const std::vector<std::vector<byte>>& parts);

}  // namespace stutter::tls::test
