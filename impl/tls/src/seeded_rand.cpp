#include "seeded_rand.hpp"

#include <cstring>
#include <mutex>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

namespace stutter::tls::detail {

// SplitMix64 over a counter: small, well known, and identical on every platform.
struct seeded_rand_state {
  std::mutex lock;
  std::uint64_t counter = 0;
  std::uint64_t drawn = 0;

  std::uint64_t next() {
    counter += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = counter;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  void fill(unsigned char* out, std::size_t len) {
    std::lock_guard<std::mutex> guard(lock);
    drawn += len;
    while (len > 0) {
      std::uint64_t word = next();
      std::size_t n = len < sizeof word ? len : sizeof word;
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(word >> (8 * i));
      out += n;
      len -= n;
    }
  }
};

std::uint64_t bytes_drawn(const seeded_rand_state* state) {
  return state == nullptr ? 0 : state->drawn;
}

namespace {

// The provider's init function cannot take arguments: the seed travels in a thread-local
// that load_seeded_rand() sets around the (synchronous) OSSL_PROVIDER_load call.
thread_local std::uint64_t pending_seed = 0;
thread_local seeded_rand_state** pending_out = nullptr;

struct drbg {
  seeded_rand_state* state;
  int instantiated = 0;
};

void* rand_newctx(void* provctx, void*, const OSSL_DISPATCH*) {
  return new (std::nothrow) drbg{static_cast<seeded_rand_state*>(provctx)};
}
void rand_freectx(void* ctx) { delete static_cast<drbg*>(ctx); }
int rand_instantiate(void* ctx, unsigned int, int, const unsigned char*, std::size_t, const OSSL_PARAM[]) {
  static_cast<drbg*>(ctx)->instantiated = 1;
  return 1;
}
int rand_uninstantiate(void* ctx) {
  static_cast<drbg*>(ctx)->instantiated = 0;
  return 1;
}
int rand_generate(void* ctx, unsigned char* out, std::size_t outlen, unsigned int, int, const unsigned char*,
                  std::size_t) {
  static_cast<drbg*>(ctx)->state->fill(out, outlen);
  return 1;
}
int rand_reseed(void*, int, const unsigned char*, std::size_t, const unsigned char*, std::size_t) { return 1; }
int rand_enable_locking(void*) { return 1; }  // fill() locks the shared stream itself
int rand_lock(void*) { return 1; }
void rand_unlock(void*) {}

const OSSL_PARAM* rand_gettable_ctx_params(void*, void*) {
  static const OSSL_PARAM known[] = {
      OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, nullptr),
      OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, nullptr),
      OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, nullptr),
      OSSL_PARAM_END,
  };
  return known;
}
int rand_get_ctx_params(void* ctx, OSSL_PARAM params[]) {
  auto* d = static_cast<drbg*>(ctx);
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE);
  if (p != nullptr && !OSSL_PARAM_set_int(p, d->instantiated ? EVP_RAND_STATE_READY : EVP_RAND_STATE_UNINITIALISED))
    return 0;
  p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH);
  if (p != nullptr && !OSSL_PARAM_set_uint(p, 256)) return 0;
  p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST);
  if (p != nullptr && !OSSL_PARAM_set_size_t(p, 1u << 16)) return 0;
  return 1;
}
const OSSL_PARAM* rand_settable_ctx_params(void*, void*) {
  static const OSSL_PARAM known[] = {OSSL_PARAM_END};
  return known;
}
int rand_set_ctx_params(void*, const OSSL_PARAM[]) { return 1; }

template <typename F>
void (*fn(F f))(void) {
  return reinterpret_cast<void (*)(void)>(f);
}

const OSSL_DISPATCH rand_functions[] = {
    {OSSL_FUNC_RAND_NEWCTX, fn(&rand_newctx)},
    {OSSL_FUNC_RAND_FREECTX, fn(&rand_freectx)},
    {OSSL_FUNC_RAND_INSTANTIATE, fn(&rand_instantiate)},
    {OSSL_FUNC_RAND_UNINSTANTIATE, fn(&rand_uninstantiate)},
    {OSSL_FUNC_RAND_GENERATE, fn(&rand_generate)},
    {OSSL_FUNC_RAND_RESEED, fn(&rand_reseed)},
    {OSSL_FUNC_RAND_ENABLE_LOCKING, fn(&rand_enable_locking)},
    {OSSL_FUNC_RAND_LOCK, fn(&rand_lock)},
    {OSSL_FUNC_RAND_UNLOCK, fn(&rand_unlock)},
    {OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, fn(&rand_gettable_ctx_params)},
    {OSSL_FUNC_RAND_GET_CTX_PARAMS, fn(&rand_get_ctx_params)},
    {OSSL_FUNC_RAND_SETTABLE_CTX_PARAMS, fn(&rand_settable_ctx_params)},
    {OSSL_FUNC_RAND_SET_CTX_PARAMS, fn(&rand_set_ctx_params)},
    {0, nullptr},
};

const OSSL_ALGORITHM rand_algorithms[] = {
    {seeded_rand_algorithm, seeded_rand_properties, rand_functions, "seeded test generator (not secure)"},
    {nullptr, nullptr, nullptr, nullptr},
};

const OSSL_ALGORITHM* provider_query(void*, int operation_id, int* no_cache) {
  *no_cache = 0;
  return operation_id == OSSL_OP_RAND ? rand_algorithms : nullptr;
}

void provider_teardown(void* provctx) { delete static_cast<seeded_rand_state*>(provctx); }

const OSSL_DISPATCH provider_functions[] = {
    {OSSL_FUNC_PROVIDER_TEARDOWN, fn(&provider_teardown)},
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, fn(&provider_query)},
    {0, nullptr},
};

int provider_init(const OSSL_CORE_HANDLE*, const OSSL_DISPATCH*, const OSSL_DISPATCH** out, void** provctx) {
  auto* state = new (std::nothrow) seeded_rand_state;
  if (state == nullptr) return 0;
  // Distinct seeds give distinct streams: the seed sets the counter's starting point.
  state->counter = pending_seed * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL;
  if (pending_out != nullptr) *pending_out = state;
  *out = provider_functions;
  *provctx = state;
  return 1;
}

}  // namespace

OSSL_PROVIDER* load_seeded_rand(OSSL_LIB_CTX* libctx, std::uint64_t seed, seeded_rand_state** state) {
  if (OSSL_PROVIDER_add_builtin(libctx, seeded_rand_provider_name, &provider_init) != 1) return nullptr;
  pending_seed = seed;
  pending_out = state;
  OSSL_PROVIDER* prov = OSSL_PROVIDER_load(libctx, seeded_rand_provider_name);
  pending_out = nullptr;
  if (prov == nullptr) return nullptr;
  if (RAND_set_DRBG_type(libctx, seeded_rand_algorithm, seeded_rand_properties, nullptr, nullptr) != 1 ||
      RAND_set_seed_source_type(libctx, seeded_rand_algorithm, seeded_rand_properties) != 1) {
    OSSL_PROVIDER_unload(prov);
    return nullptr;
  }
  return prov;
}

}  // namespace stutter::tls::detail
