#pragma once
// A RAND provider whose output is a fixed function of a 64-bit seed, for one OSSL_LIB_CTX.
//
// All DRBG instances OpenSSL creates in that context (seed source, primary, and the
// per-thread public and private ones) draw from one shared stream, so the bytes a run gets
// depend only on the order of its requests, not on which instance serves them.

#include <cstdint>

#include <openssl/types.h>

namespace stutter::tls::detail {

inline constexpr const char* seeded_rand_provider_name = "stutter-seeded-rand";
inline constexpr const char* seeded_rand_algorithm = "STUTTER-SEEDED";
inline constexpr const char* seeded_rand_properties = "provider=stutter-seeded-rand";

struct seeded_rand_state;

// Registers and loads the provider into `libctx`, seeded with `seed`, and makes it the
// context's DRBG and seed source. Returns the loaded provider (unload it before freeing the
// context) or nullptr. `state` receives the stream's state (owned by the provider).
OSSL_PROVIDER* load_seeded_rand(OSSL_LIB_CTX* libctx, std::uint64_t seed, seeded_rand_state** state);

std::uint64_t bytes_drawn(const seeded_rand_state* state);

}  // namespace stutter::tls::detail
