// Property: whatever the stutter, the version, the message sizes and where renegotiations
// and key updates fall, both sides receive exactly what the other sent, nothing hangs, and
// the same seed gives the same wire bytes.
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "exchange.hpp"

using namespace stutter;
using namespace stutter::tls;
using namespace stutter::tls::test;

namespace {

struct plan {
  std::string version;
  knobs k;
  std::vector<std::size_t> client_sizes, server_sizes;
  std::vector<int> client_requests, server_requests;  // per message: 0 none, 1 renegotiate, 2 key update, 3 requested
  std::uint64_t seed;
};

script build(const std::vector<std::size_t>& sizes, const std::vector<int>& requests, std::uint32_t tag,
             std::size_t expect, std::vector<byte>& sent) {
  script s;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (requests[i] == 1) s.actions.push_back({action::renegotiate});
    if (requests[i] == 2) s.actions.push_back({action::key_update});
    if (requests[i] == 3) s.actions.push_back({action::key_update_requested});
    auto m = pattern(sizes[i], tag + static_cast<std::uint32_t>(i));
    sent.insert(sent.end(), m.begin(), m.end());
    s.actions.push_back({action::write, m});
  }
  s.actions.push_back({action::wait_read, {}, expect});
  s.actions.push_back({action::shutdown});
  s.read_bytes = expect;
  s.read_eof = true;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(impl_tls_properties)

RC_BOOST_PROP(any_stutter_any_renegotiation_points_exact_delivery, ()) {
  plan p;
  p.version = *rc::gen::element<std::string>("1.2", "1.3");
  p.k.read_chunk = *rc::gen::element<std::size_t>(0, 1, 3, 64, 1000);
  p.k.write_chunk = *rc::gen::element<std::size_t>(0, 1, 5, 200, 5000);
  p.k.block_every = *rc::gen::inRange<std::size_t>(0, 4);
  p.k.capacity = *rc::gen::element<std::size_t>(0, 1, 50, 700, 20000);
  const auto n_client = *rc::gen::inRange<std::size_t>(0, 4);
  const auto n_server = *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < n_client; ++i) {
    p.client_sizes.push_back(*rc::gen::inRange<std::size_t>(1, 20000));
    p.client_requests.push_back(*rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}}));
  }
  for (std::size_t i = 0; i < n_server; ++i) {
    p.server_sizes.push_back(*rc::gen::inRange<std::size_t>(1, 20000));
    p.server_requests.push_back(*rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}}));
  }
  p.seed = *rc::gen::arbitrary<std::uint64_t>();

  auto once = [&] {
    std::size_t c_total = 0, s_total = 0;
    for (auto n : p.client_sizes) c_total += n;
    for (auto n : p.server_sizes) s_total += n;
    std::vector<byte> c_sent, s_sent;
    auto c = build(p.client_sizes, p.client_requests, 1, s_total, c_sent);
    auto s = build(p.server_sizes, p.server_requests, 1000, c_total, s_sent);
    auto pair = make_pair(p.seed, client_config(p.version), server_config(p.version), p.k);
    auto out = run(pair, c, s);
    RC_ASSERT(!out.hang);
    RC_ASSERT(!out.client.error);
    RC_ASSERT(!out.server.error);
    RC_ASSERT(out.client.received == s_sent);
    RC_ASSERT(out.server.received == c_sent);
    RC_ASSERT(out.client.got_eof);
    RC_ASSERT(out.server.got_eof);
    return std::make_pair(pair.client.wire->written(), pair.server.wire->written());
  };
  auto first = once();
  RC_ASSERT(first == once());
}

BOOST_AUTO_TEST_SUITE_END()
