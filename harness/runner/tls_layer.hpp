#pragma once
// TLS (impl/tls) as the runner's transform layer, and the TLS implementations a scenario
// can name (a naive wrapper mutant, GnuTLS as a peer).
//
// The layer an endpoint gets is a byte_stream over its socket that
// - wraps a TLS engine (tls_stream; the naive wrapper for mutant:naive-tls), client or
//   server by role, with the version ("1.2"/"1.3") and renegotiation policy of the
//   endpoint's settings and an OpenSSL world (tls_context) seeded from the run's seed and
//   the role, so every run of a seed puts the same bytes on the wire;
// - implements renegotiation_control: a request made before the handshake finished or
//   while another renegotiation/key update runs is queued, and issued as soon as the engine
//   accepts it: at the start of any later call, and before a write or close goes on (those
//   first drive the handshake so that a queued request never goes out after the data that
//   follows it in the workload);
// - records, through a probe between the socket and the engine, every waiting result the
//   socket returned, so tls_checks can judge the TLS layer's own waiting results
//   (status.meaning at the TLS layer);
// - reports all this through tls_layer_view (tls_view_of(stack)).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "runner/stack.hpp"
#include "stutter/tls/tls_stream.hpp"

namespace stutter::runner {

// One renegotiate / key_update step as the layer handled it.
struct tls_request {
  enum class kind_t : std::uint8_t { renegotiation, key_update } kind = kind_t::renegotiation;
  bool update_requested = false;  // key_update: the peer was asked to update its keys too
  std::uint32_t delay_left = 0;   // layer calls still to pass before it may be issued
  bool issued = false;            // the engine accepted it (else it was still queued at the end)
  std::error_code refused{};      // the engine rejected it when it was issued
  // Counters when it was issued: it completed once they moved past these.
  std::uint64_t renegotiations_before = 0;
  std::uint64_t key_updates_sent_before = 0;
  std::uint64_t key_updates_received_before = 0;
};

// What one endpoint's TLS layer did, for the checks.
struct tls_layer_report {
  std::string engine;                   // "openssl", "naive", "gnutls"
  bool has_counters = false;            // counters below are the engine's own (OpenSSL's)
  tls::tls_counters counters{};
  std::string version;                  // the negotiated version, "" before the handshake
  bool peer_closed = false;             // the peer's close_notify was read (OpenSSL engine)
  std::vector<tls_request> requests;    // in the order the workload made them
  std::optional<std::string> status_violation;  // first waiting result with no reason beneath
  std::optional<std::string> retry_violation;   // first write retried with other bytes
  std::error_code error{};              // the engine's sticky error, if any
  std::string error_detail;             // the engine's reason text for it
  bool deterministic = true;            // false when the engine draws OS randomness (GnuTLS)
};

class tls_layer_view {
 public:
  virtual ~tls_layer_view() = default;
  virtual tls_layer_report report() const = 0;
};

// The TLS layer of a stack, or nullptr when its bottom layer is not one of ours.
const tls_layer_view* tls_view_of(const stack& s);

// The OpenSSL world of one endpoint of a run: deterministic from the run's seed and role.
std::uint64_t tls_context_seed(std::uint64_t run_seed, scenario::endpoint_id role);

// The TLS layer of `role` over `lower`; the object also implements renegotiation_control
// and tls_layer_view.
std::unique_ptr<byte_stream> make_tls_transform(scenario::endpoint_id role, const scenario::settings& config,
                                                byte_stream& lower, std::uint64_t seed);

// The same layer over the naive wrapper (impl/tls/tests/naive_tls_stream.hpp): OpenSSL
// behind a BIO pair smaller than a record, output flushed only by writes, input fed to
// SSL_write. `bio_pair_size` as in naive_tls_stream.
std::unique_ptr<byte_stream> make_naive_tls_transform(scenario::endpoint_id role, const scenario::settings& config,
                                                      byte_stream& lower, std::uint64_t seed,
                                                      std::size_t bio_pair_size = 4096);

// Whether the GnuTLS peer is built in (harness/peers/gnutls, STUTTER_HAVE_GNUTLS_PEER).
bool gnutls_available();

// A TLS implementation by name (see implementations.cpp), or nullptr:
// "mutant:naive-tls" (both endpoints use the naive wrapper), "gnutls" (the server end is
// GnuTLS), "gnutls-client" (the client end is GnuTLS) when the GnuTLS peer is built in.
std::unique_ptr<stack_factory> make_tls_implementation(std::string_view name);

}  // namespace stutter::runner
