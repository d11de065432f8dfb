// TLS throughput: tls_stream over memory_pair() against a bare SSL_write/SSL_read loop over
// memory BIOs with the same SSL_CTX, cipher and record size, measured in the same run; and
// whole sessions (handshake + one renegotiation or key update + 64 KiB each way) per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "stutter/memory_stream.hpp"
#include "stutter/tls/tls_stream.hpp"

using namespace stutter;
using namespace stutter::tls;

namespace {

constexpr std::size_t write_size = 16 * 1024;

tls_config config(tls_role role, const char* version) {
  tls_config c;
  c.role = role;
  c.version = version;
  return c;
}

const char* version_of(const benchmark::State& state) { return state.range(0) == 12 ? "1.2" : "1.3"; }

// Moves every byte `from` holds into `to`.
void pump(BIO* from, BIO* to, std::vector<unsigned char>& scratch) {
  for (;;) {
    int n = BIO_read(from, scratch.data(), static_cast<int>(scratch.size()));
    if (n <= 0) return;
    BIO_write(to, scratch.data(), n);
  }
}

void tls_bare(benchmark::State& state) {
  auto ctx = tls_context::create(1);
  SSL* client = SSL_new(ctx->ssl_ctx(config(tls_role::client, version_of(state))));
  SSL* server = SSL_new(ctx->ssl_ctx(config(tls_role::server, version_of(state))));
  BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
  BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(client, c_in, c_out);
  SSL_set_bio(server, s_in, s_out);
  SSL_set_connect_state(client);
  SSL_set1_host(client, "stutter.test");
  SSL_set_accept_state(server);
  std::vector<unsigned char> scratch(64 * 1024);
  for (int i = 0; i < 20 && !(SSL_is_init_finished(client) && SSL_is_init_finished(server)); ++i) {
    SSL_do_handshake(client);
    pump(c_out, s_in, scratch);
    SSL_do_handshake(server);
    pump(s_out, c_in, scratch);
  }
  std::vector<unsigned char> data(write_size, 0x5a), got(write_size);
  for (auto _ : state) {
    size_t n = 0;
    if (SSL_write_ex(client, data.data(), data.size(), &n) != 1) state.SkipWithError("SSL_write failed");
    pump(c_out, s_in, scratch);
    size_t read = 0;
    while (read < write_size) {
      if (SSL_read_ex(server, got.data() + read, got.size() - read, &n) != 1) {
        state.SkipWithError("SSL_read failed");
        break;
      }
      read += n;
    }
    benchmark::DoNotOptimize(got.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * write_size));
  SSL_free(client);
  SSL_free(server);
}
BENCHMARK(tls_bare)->Arg(12)->Arg(13);

void tls_wrapper(benchmark::State& state) {
  auto ctx = tls_context::create(1);
  auto [cl, sl] = memory_pair();
  tls_stream client(ctx, config(tls_role::client, version_of(state)), *cl);
  tls_stream server(ctx, config(tls_role::server, version_of(state)), *sl);
  for (int i = 0; i < 20 && !(client.established() && server.established()); ++i) {
    (void)client.handshake();
    (void)server.handshake();
  }
  std::vector<byte> data(write_size, 0x5a), got(write_size);
  for (auto _ : state) {
    io_result w = client.write_some(data);
    if (!w.ok() || w.n != write_size) state.SkipWithError("write failed");
    std::size_t read = 0;
    while (read < write_size) {
      io_result r = server.read_some(mutable_bytes(got).subspan(read));
      if (!r.ok()) {
        state.SkipWithError("read failed");
        break;
      }
      read += r.n;
    }
    benchmark::DoNotOptimize(got.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * write_size));
  state.SetLabel(std::string("ref:tls_bare/") + std::to_string(state.range(0)));
}
BENCHMARK(tls_wrapper)->Arg(12)->Arg(13);

// One side of a session: a list of steps run in order, each retried until it stops waiting.
struct session_side {
  tls_stream& s;
  std::vector<byte> out;
  std::size_t sent = 0, received = 0, expect = 0;
  int stage = 0;  // 0 handshake, 1 renegotiate (client only), 2 exchange, 3 done
  bool renegotiates = false;
  std::vector<byte> buf = std::vector<byte>(write_size);

  bool step() {
    switch (stage) {
      case 0:
        if (s.handshake().ok()) stage = renegotiates ? 1 : 2;
        return true;
      case 1:
        if (s.request_renegotiation()) return false;
        stage = 4;
        return true;
      case 4:
        if (s.handshake().ok()) stage = 2;
        return true;
      case 2: {
        if (sent < out.size()) {
          io_result w = s.write_some(const_bytes(out).subspan(sent, std::min(write_size, out.size() - sent)));
          if (w.ok()) sent += w.n;
          if (w.st == status::error) return false;
        }
        io_result r = s.read_some(buf);
        if (r.ok()) received += r.n;
        if (r.st == status::error) return false;
        if (sent == out.size() && received >= expect) stage = 3;
        return true;
      }
      default: return true;
    }
  }
};

// Handshake + one renegotiation (TLS 1.2) or key update (TLS 1.3) + 64 KiB each way.
// range(1): 0 = the context (and its SSL_CTXs) is reused, 1 = a fresh context per session.
void tls_session(benchmark::State& state) {
  const std::size_t each_way = 64 * 1024;
  std::shared_ptr<tls_context> shared = tls_context::create(2);
  std::uint64_t seed = 3;
  for (auto _ : state) {
    auto ctx = state.range(1) == 1 ? tls_context::create(seed++) : shared;
    auto [cl, sl] = memory_pair();
    tls_stream client(ctx, config(tls_role::client, version_of(state)), *cl);
    tls_stream server(ctx, config(tls_role::server, version_of(state)), *sl);
    session_side c{client, std::vector<byte>(each_way, 1)};
    session_side s{server, std::vector<byte>(each_way, 2)};
    c.expect = s.expect = each_way;
    c.renegotiates = true;
    for (int i = 0; i < 100000 && (c.stage != 3 || s.stage != 3); ++i) {
      if (!c.step() || !s.step()) {
        state.SkipWithError("session failed");
        break;
      }
    }
    if (c.stage != 3 || s.stage != 3) state.SkipWithError("session did not finish");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(tls_session)->Args({12, 0})->Args({13, 0})->Args({12, 1})->Args({13, 1});

}  // namespace
