// The TLS layer the runner builds: request handling (queued before the handshake, refused
// when the version or policy forbids it), deterministic per-endpoint OpenSSL worlds, the
// counters reneg.complete reads, and reneg.complete itself catching a layer that accepts a
// renegotiation and never performs it.
#include <boost/test/unit_test.hpp>

#include <memory>

#include "runner/phase.hpp"
#include "runner/runner.hpp"
#include "runner/tls_layer.hpp"
#include "stutter/tls/tls_errc.hpp"

using namespace stutter;
using scenario::endpoint_id;
using scenario::step;
using scenario::step_kind;
using scenario::verdict;

namespace {

// A lower stream that never has anything: every operation would_blocks.
class stalled_stream final : public byte_stream {
 public:
  io_result read_some(mutable_bytes) override { return io_result::blocked(); }
  io_result write_some(std::span<const const_bytes>) override { return io_result::blocked(); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return io_result::blocked(); }
};

// Wraps the real TLS layer, keeps its last report after the run, and optionally forgets
// every renegotiation request (accepts it and does nothing).
struct spy_state {
  std::vector<runner::tls_layer_report> reports{2};
};

class spy_layer final : public byte_stream, public runner::renegotiation_control, public runner::tls_layer_view {
 public:
  spy_layer(std::unique_ptr<byte_stream> inner, std::shared_ptr<spy_state> state, endpoint_id role, bool forget)
      : inner_(std::move(inner)), state_(std::move(state)), role_(role), forget_(forget) {}
  ~spy_layer() override { state_->reports[static_cast<std::size_t>(role_)] = report(); }
  io_result read_some(mutable_bytes buf) override { return inner_->read_some(buf); }
  io_result write_some(std::span<const const_bytes> bufs) override { return inner_->write_some(bufs); }
  using byte_stream::write_some;
  io_result shutdown_write() override { return inner_->shutdown_write(); }
  std::error_code renegotiate(std::uint32_t delay) override {
    return forget_ ? std::error_code{} : control().renegotiate(delay);
  }
  std::error_code key_update(bool requested, std::uint32_t delay) override {
    return forget_ ? std::error_code{} : control().key_update(requested, delay);
  }
  runner::tls_layer_report report() const override {
    return dynamic_cast<const runner::tls_layer_view&>(*inner_).report();
  }

 private:
  runner::renegotiation_control& control() { return dynamic_cast<runner::renegotiation_control&>(*inner_); }
  std::unique_ptr<byte_stream> inner_;
  std::shared_ptr<spy_state> state_;
  endpoint_id role_;
  bool forget_;
};

class spy_factory final : public runner::stack_factory {
 public:
  explicit spy_factory(bool forget) : forget_(forget) {}
  std::unique_ptr<byte_stream> make_transform(scenario::layer kind, endpoint_id role, const scenario::settings& config,
                                              byte_stream& lower, std::uint64_t seed) override {
    auto real = runner::stack_factory::make_transform(kind, role, config, lower, seed);
    return std::make_unique<spy_layer>(std::move(real), state, role, forget_);
  }
  std::shared_ptr<spy_state> state = std::make_shared<spy_state>();

 private:
  bool forget_;
};

step send(std::string_view text) { return {.kind = step_kind::send, .data = {text.begin(), text.end()}}; }
step expect(std::string_view text) { return {.kind = step_kind::expect, .data = {text.begin(), text.end()}}; }
step just(step_kind k) { return {.kind = k}; }

// Client: renegotiate before the handshake, send, renegotiate, send, read the answer, close.
// Server: read both, renegotiate before its answer, answer, read to the end, close.
scenario::scenario conversation(const std::string& version) {
  scenario::scenario s;
  s.name = "tls-layer-conversation";
  s.seed = 5;
  for (auto* e : {&s.client, &s.server}) {
    e->stack = {scenario::layer::tls, scenario::layer::length};
    e->config.tls_version = version;
  }
  s.client.workload = {just(step_kind::renegotiate), send("one"), just(step_kind::renegotiate), send("two"),
                       expect("answer"), just(step_kind::close), just(step_kind::expect_eof)};
  s.server.workload = {expect("one"), expect("two"), just(version == "1.3" ? step_kind::key_update : step_kind::renegotiate),
                       send("answer"), just(step_kind::expect_eof), just(step_kind::close)};
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_layer)

BOOST_AUTO_TEST_CASE(requests_before_the_handshake_are_queued_and_forbidden_ones_refused_at_once) {
  stalled_stream lower;
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("TLS " << version) {
      scenario::settings cfg;
      cfg.tls_version = version;
      auto layer = runner::make_tls_transform(endpoint_id::client, cfg, lower, 1);
      auto* control = dynamic_cast<runner::renegotiation_control*>(layer.get());
      auto* view = dynamic_cast<runner::tls_layer_view*>(layer.get());
      BOOST_TEST_REQUIRE(control != nullptr);
      BOOST_TEST_REQUIRE(view != nullptr);
      BOOST_TEST(!control->renegotiate(0));  // queued until the handshake is done
      const std::error_code ku = control->key_update(true, 0);
      if (std::string(version) == "1.2") {
        BOOST_TEST((ku == tls::tls_errc::unsupported_by_version));
      } else {
        BOOST_TEST(!ku);
      }
      auto r = view->report();
      BOOST_TEST(r.engine == "openssl");
      BOOST_TEST(r.has_counters);
      BOOST_TEST(r.requests.size() == (std::string(version) == "1.2" ? 1u : 2u));
      BOOST_TEST(!r.requests[0].issued);
      // The client's first read must send its ClientHello, which the socket does not take:
      // need_write, with that reason beneath it.
      std::vector<byte> buf(16);
      BOOST_TEST((layer->read_some(buf).st == status::need_write));
      BOOST_TEST(!view->report().status_violation.has_value());
    }
  }
  scenario::settings refusing;
  refusing.tls_version = "1.2";
  refusing.allow_renegotiation = false;
  auto layer = runner::make_tls_transform(endpoint_id::server, refusing, lower, 1);
  BOOST_TEST((dynamic_cast<runner::renegotiation_control&>(*layer).renegotiate(0) ==
              tls::tls_errc::renegotiation_disabled));
}

BOOST_AUTO_TEST_CASE(each_endpoint_gets_its_own_deterministic_openssl_world) {
  BOOST_TEST(runner::tls_context_seed(7, endpoint_id::client) == runner::tls_context_seed(7, endpoint_id::client));
  BOOST_TEST(runner::tls_context_seed(7, endpoint_id::client) != runner::tls_context_seed(7, endpoint_id::server));
  BOOST_TEST(runner::tls_context_seed(7, endpoint_id::client) != runner::tls_context_seed(8, endpoint_id::client));
  // Another seed changes the wire bytes (keys, randoms), not the outcome.
  auto s = conversation("1.3");
  auto a = runner::run_scenario(s);
  s.seed = 6;
  auto b = runner::run_scenario(s);
  BOOST_TEST((a.verdict == verdict::pass), a.message);
  BOOST_TEST((b.verdict == verdict::pass), b.message);
  BOOST_TEST((a.wire[0] != b.wire[0]));
}

BOOST_AUTO_TEST_CASE(renegotiations_and_key_updates_complete_and_both_sides_count_them) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("TLS " << version) {
      spy_factory spy(false);
      auto r = runner::run_scenario(conversation(version), {.factory = &spy});
      BOOST_TEST((r.verdict == verdict::pass), r.invariant.value_or("") << ": " << r.message);
      const auto& client = spy.state->reports[0];
      const auto& server = spy.state->reports[1];
      BOOST_TEST_REQUIRE(client.requests.size() == 2u);
      BOOST_TEST_REQUIRE(server.requests.size() == 1u);
      for (const auto& q : client.requests) BOOST_TEST(q.issued);
      BOOST_TEST(server.requests[0].issued);
      BOOST_TEST(!client.status_violation.has_value());
      BOOST_TEST(!server.status_violation.has_value());
      if (std::string(version) == "1.2") {
        BOOST_TEST(client.version == "TLSv1.2");
        BOOST_TEST(client.counters.renegotiations == server.counters.renegotiations);
        BOOST_TEST(client.counters.renegotiations >= 2u);  // the server's may merge with the client's second
        BOOST_TEST(client.counters.handshakes == client.counters.renegotiations + 1);
      } else {
        BOOST_TEST(client.version == "TLSv1.3");
        BOOST_TEST(client.counters.key_updates_sent == 3u);  // two requests and the answer to the server's
        BOOST_TEST(server.counters.key_updates_received == 3u);
        BOOST_TEST(server.counters.key_updates_sent == 1u);
        BOOST_TEST(client.counters.key_updates_received == 1u);
        BOOST_TEST(client.counters.handshakes == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_layer_that_forgets_renegotiations_breaks_reneg_complete) {
  for (const char* version : {"1.2", "1.3"}) {
    BOOST_TEST_CONTEXT("TLS " << version) {
      spy_factory forgetful(true);
      auto r = runner::run_scenario(conversation(version), {.factory = &forgetful});
      BOOST_TEST((r.verdict == verdict::fail));
      BOOST_TEST(r.invariant.value_or("") == "reneg.complete", r.message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
