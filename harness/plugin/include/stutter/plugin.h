/*
 * stutter/plugin.h: the Stutter plug-in ABI, version 1.
 *
 * This header is all a plug-in author needs. A plug-in is a shared object that implements
 * one or more protocol layers of a non-blocking wrapper stream (line or length framing,
 * an HTTP/1.1 Upgrade handshake, WebSocket, TLS) so that Stutter can run its scenarios
 * against it, with Stutter's own reference stack at the other end of a simulated network
 * that injects EAGAIN, partial reads, short writes, stalls, resets and more.
 *
 * Plain C99. Usable from C, C++, Rust (repr(C)), Zig.
 *
 * ---------------------------------------------------------------------------------------
 * 1. The entry point
 *
 *   STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi);
 *
 * Stutter calls it once after dlopen, with the ABI version it speaks, and keeps the
 * returned descriptor (static storage) until it unloads the plug-in. Return NULL if you
 * cannot serve host_abi. Stutter rejects (exit 2, naming the file) a plug-in whose
 * abi_version or any struct_size differs from this header's, that declares no layer, or
 * that declares a layer without the functions it needs. Structs the host fills in for the
 * plug-in or hands to it (configs, info structs) change only with a new ABI version.
 *
 * 2. Rules the plug-in follows (the harness owns all I/O, time and randomness)
 *
 *   - No I/O of its own: every byte goes through the stutter_lower it is given.
 *   - No threads, no clocks, no OS randomness: time comes from host->now, entropy from
 *     host->random. Stutter runs every scenario twice and compares the traces; a plug-in
 *     that draws randomness elsewhere gives different traces and fails determinism.trace
 *     (set STUTTER_PLUGIN_NOT_DETERMINISTIC to have its runs marked not replayable
 *     instead).
 *   - Call the lower stream only from inside a call Stutter made into the endpoint, and
 *     never from inside another lower-stream call (contract.reentrant).
 *   - Every call is non-blocking and returns a stutter_result (section 3).
 *   - Global state is allowed but discouraged: endpoints of both ends of a run may live in
 *     the same process at once.
 *
 * Plug-in code runs in a worker process by default, so a crash, an endless loop or
 * runaway allocation becomes a verdict (crash, hang) and the run goes on.
 *
 * 3. Results: the stream contract
 *
 *   STUTTER_OK           n units moved. For a byte-stream call with a non-empty request,
 *                        n > 0 and n <= the bytes offered (else contract.result).
 *   STUTTER_WOULD_BLOCK  EAGAIN: retry once the same direction of the lower stream is ready.
 *   STUTTER_NEED_READ    (from a write) the protocol must read first: retry once the lower
 *                        stream is readable.
 *   STUTTER_NEED_WRITE   (from a read) the protocol has output to flush first: retry once
 *                        the lower stream is writable.
 *   STUTTER_EOF          the peer finished its direction in an orderly way.
 *   STUTTER_ERROR        broken, and sticky: every later call on this endpoint must return
 *                        STUTTER_ERROR too (contract.sticky_error). `error` names it. One
 *                        exception: a tls layer's shutdown_write is the cleanup call after
 *                        an error, and may wait and return STUTTER_OK while it flushes what
 *                        the failure produced (the fatal alert).
 *
 * A waiting result must have a reason beneath it: the lower stream returned a waiting
 * result in the named direction during the same call (status.meaning). After a waiting
 * result the caller retries with the same arguments.
 *
 * Error names: `error` is "[a-z][a-z0-9_]*", at most 64 bytes, e.g. "line_too_long",
 * "protocol_error". A scenario's expect_error step matches it. Names Stutter uses for its
 * own layers (use them where they apply, so the bundled corpus matches):
 *   framing:   line_too_long, separator_in_payload, record_too_large, varint_malformed,
 *              unexpected_eof, buffer_full, retry_mismatch, write_after_shutdown
 *   lower:     connection_reset, injected_failure, data_limit, broken_pipe (pass them up)
 *   http:      line_too_long, too_many_headers, headers_too_large, bad_request_line,
 *              bad_method, bad_status_line, bad_http_version, bad_header_line,
 *              missing_header, invalid_header, bad_key, bad_ws_version, bad_accept, refused
 *   websocket: reserved_bits, reserved_opcode, unmasked_frame, masked_frame,
 *              non_minimal_length, length_top_bit, control_too_long, control_fragmented,
 *              unexpected_continuation, expected_continuation, bad_close_payload,
 *              bad_close_code, data_after_close (all 1002), invalid_utf8 (1007),
 *              message_too_big (1009), unexpected_eof (no close frame), closed
 *   tls:       handshake_failed, truncated (EOF without close_notify),
 *              renegotiation_refused, protocol_error, peer_alert, renegotiation_disabled,
 *              unsupported_by_version
 * `error` and `detail` must stay valid until the next call on the same endpoint
 * (string literals are simplest).
 * ---------------------------------------------------------------------------------------
 */
#ifndef STUTTER_PLUGIN_H
#define STUTTER_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STUTTER_PLUGIN_ABI_VERSION 1u
#define STUTTER_PLUGIN_ENTRY_SYMBOL "stutter_plugin_entry"

#if defined(_WIN32)
#define STUTTER_PLUGIN_EXPORT __declspec(dllexport)
#else
#define STUTTER_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

typedef enum stutter_status {
  STUTTER_OK = 0,
  STUTTER_WOULD_BLOCK = 1,
  STUTTER_NEED_READ = 2,
  STUTTER_NEED_WRITE = 3,
  STUTTER_EOF = 4,
  STUTTER_ERROR = 5
} stutter_status;

typedef struct stutter_result {
  int32_t status;     /* a stutter_status */
  uint32_t reserved;  /* 0 */
  size_t n;           /* STUTTER_OK: units moved (bytes, or a record's length) */
  const char *error;  /* STUTTER_ERROR: the error's name (section 3); else NULL */
  const char *detail; /* STUTTER_ERROR: optional human-readable explanation, or NULL */
} stutter_result;

/* Layers, as scenarios name them, and the two ends of a connection. */
typedef enum stutter_layer {
  STUTTER_LAYER_LINE = 0,         /* separator-delimited records */
  STUTTER_LAYER_LENGTH = 1,       /* length-prefixed records (u32be or varint) */
  STUTTER_LAYER_HTTP_UPGRADE = 2, /* HTTP/1.1 Upgrade: websocket opening handshake */
  STUTTER_LAYER_WEBSOCKET = 3,    /* RFC 6455 messages */
  STUTTER_LAYER_TLS = 4,          /* a byte-stream transform under the others */
  STUTTER_LAYER_COUNT = 5
} stutter_layer;

typedef enum stutter_role { STUTTER_CLIENT = 0, STUTTER_SERVER = 1 } stutter_role;

/* Bits of stutter_plugin.roles[layer]. */
#define STUTTER_ROLE_CLIENT 1u
#define STUTTER_ROLE_SERVER 2u

typedef enum stutter_message_type { STUTTER_BINARY = 0, STUTTER_TEXT = 1 } stutter_message_type;

/* One buffer of a gather write. */
typedef struct stutter_iovec {
  const uint8_t *data;
  size_t len;
} stutter_iovec;

/*
 * The stream beneath the endpoint: the simulated socket (or, for layers above tls, the
 * harness's tls layer). Results as in section 3; read_some returns STUTTER_EOF at the end,
 * write_some never returns n > 0 for less than it took, shutdown_write flushes and sends
 * the end of the stream (waiting results possible).
 */
typedef struct stutter_lower {
  void *ctx;
  stutter_result (*read_some)(void *ctx, uint8_t *buf, size_t len);
  stutter_result (*write_some)(void *ctx, const stutter_iovec *bufs, size_t count);
  stutter_result (*shutdown_write)(void *ctx);
} stutter_lower;

/* What the harness provides besides the stream: deterministic entropy and virtual time. */
typedef struct stutter_host {
  void *ctx;
  /* Fills out[0..len) with bytes from the run's seeded generator (mask keys, nonces,
   * TLS randomness). The same scenario gives the same bytes on every run. */
  void (*random)(void *ctx, uint8_t *out, size_t len);
  /* Virtual time in ticks since the run began; it moves only when the simulation waits. */
  uint64_t (*now)(void *ctx);
  /* Fixed wall-clock time for certificate validity checks, seconds since 1970. */
  int64_t unix_time;
} stutter_host;

/*
 * Scenario settings, as typed key/values. Every key the scenario format knows is passed,
 * with its default when the scenario does not set it:
 *   u64:    max_line, max_record, buffer_capacity, read_block, max_message, fragment_size,
 *           max_header_bytes, max_headers
 *   bool:   strict (never read past a record: read exactly what the record needs),
 *           allow_renegotiation
 *   string: separator (1..8 bytes), length_prefix ("u32be" | "varint"),
 *           tls_version ("1.2" | "1.3")
 * Use stutter_setting_u64 / stutter_setting_string below to read them.
 */
typedef enum stutter_setting_type {
  STUTTER_SETTING_U64 = 0,
  STUTTER_SETTING_BOOL = 1,
  STUTTER_SETTING_STRING = 2
} stutter_setting_type;

typedef struct stutter_setting {
  const char *key;
  int32_t type;       /* a stutter_setting_type */
  uint64_t u64;       /* U64, and BOOL (0 or 1) */
  const char *str;    /* STRING: not NUL-terminated in general; use str_len */
  size_t str_len;
} stutter_setting;

/*
 * The identity a TLS endpoint uses: a fixed test certificate chain (server role) and the
 * CA that signs it (client role verifies against it, with host->unix_time as the time).
 */
typedef struct stutter_tls_identity {
  const char *certificate_pem; /* server certificate (PEM, NUL-terminated) */
  const char *private_key_pem; /* its private key (PEM) */
  const char *ca_pem;          /* the CA certificate that signed it (PEM) */
  const char *server_name;     /* the name the certificate is for; clients send it as SNI */
} stutter_tls_identity;

/* Everything an endpoint is created with. Pointers stay valid until destroy. */
typedef struct stutter_endpoint_config {
  uint32_t struct_size; /* sizeof(stutter_endpoint_config) */
  int32_t layer;        /* a stutter_layer */
  int32_t role;         /* a stutter_role */
  uint32_t reserved;
  const stutter_setting *settings;
  size_t setting_count;
  const stutter_lower *lower;
  const stutter_host *host;
  /* Bytes the previous phase read past its end (its handover): this phase's first input,
   * to be consumed before anything read from `lower`. */
  const uint8_t *prefix;
  size_t prefix_len;
  const stutter_tls_identity *tls; /* the tls layer only; else NULL */
} stutter_endpoint_config;

/* A received record or message: data stays valid until the next call on the endpoint. */
typedef struct stutter_message {
  const uint8_t *data;
  size_t len;
  int32_t type; /* a stutter_message_type (websocket; binary elsewhere) */
} stutter_message;

/* What a websocket endpoint knows of its closing handshake (for the close-code checks). */
typedef struct stutter_ws_close_info {
  /* The code of the peer's close frame: 0 before one arrived, 1005 if it had no code. */
  uint16_t peer_code;
  /* The close code this endpoint failed the connection with (1002, 1007, 1009, ...),
   * 0 when it did not fail it. */
  uint16_t failure_code;
} stutter_ws_close_info;

/*
 * A framing phase: line, length, http-upgrade or websocket. The runner uses one phase at a
 * time; at a switch it takes the phase's handover() bytes, destroys it and creates the
 * next phase with them as its prefix.
 *
 *   create    NULL (with *error set to a static message) when it cannot be created: the
 *             run is reported `unimplemented` with that message.
 *   open      http-upgrade only: runs the opening handshake; STUTTER_OK when done, a
 *             waiting result to be called again, or STUTTER_ERROR (a refused handshake).
 *             After OK the runner switches to the next phase (websocket) by itself.
 *   send      one whole record or message. STUTTER_OK with n == len once all of it was
 *             taken; otherwise a waiting result, and the same call again later (the record
 *             must go out exactly once). type: a stutter_message_type.
 *   receive   one whole record or message into *out, STUTTER_OK with n == out->len;
 *             STUTTER_EOF at an orderly end (line/length: the lower stream ended between
 *             records; websocket: the closing handshake finished).
 *   close     the orderly end of this endpoint's sending side: line/length shut the lower
 *             stream's write side down; websocket sends a close frame with `code` (and
 *             later receive calls finish the closing handshake).
 *   ping      websocket only (NULL otherwise): a ping with this payload.
 *   handover  the bytes read past the last record (the next phase's input): *bytes points
 *             to them, valid until destroy; returns their count. Called at most once,
 *             right before destroy.
 *   buffered  optional (NULL): bytes of input buffer currently allocated (buffer.bounded
 *             compares it with the buffer_capacity setting).
 *   close_info optional (NULL), websocket: see stutter_ws_close_info.
 */
typedef struct stutter_phase_ops {
  uint32_t struct_size; /* sizeof(stutter_phase_ops) */
  uint32_t reserved;
  void *(*create)(const stutter_endpoint_config *config, const char **error);
  void (*destroy)(void *endpoint);
  stutter_result (*open)(void *endpoint);
  stutter_result (*send)(void *endpoint, const uint8_t *data, size_t len, int32_t type);
  stutter_result (*receive)(void *endpoint, stutter_message *out);
  stutter_result (*close)(void *endpoint, uint16_t code);
  stutter_result (*ping)(void *endpoint, const uint8_t *data, size_t len);
  size_t (*handover)(void *endpoint, const uint8_t **bytes);
  size_t (*buffered)(void *endpoint);
  void (*close_info)(void *endpoint, stutter_ws_close_info *out);
} stutter_phase_ops;

/* What a TLS endpoint reports about itself (all optional: zero what you do not know). */
typedef struct stutter_tls_info {
  uint32_t has_counters;          /* 1 when the three counters below are kept */
  uint32_t peer_closed;           /* 1 once the peer's close_notify was read */
  uint64_t renegotiations;        /* TLS 1.2 renegotiations completed */
  uint64_t key_updates_sent;      /* TLS 1.3 KeyUpdate messages sent */
  uint64_t key_updates_received;  /* ... and received */
  const char *version;            /* negotiated version "1.2" / "1.3", or NULL before */
  /* 1 while the layer holds as much plaintext as it will buffer, so that a STUTTER_NEED_READ
   * it returns means "the application must read first" and has no wait beneath it. */
  uint32_t plaintext_full;
} stutter_tls_info;

/*
 * A transform layer (tls): a byte stream over `lower` that the framing phases run over.
 *
 *   create        NULL (with *error set) when this endpoint cannot be made, e.g. a
 *                 tls_version the library does not implement: the run is `unimplemented`,
 *                 with the message.
 *   handshake     drives the handshake, or a renegotiation / key update under way, as far
 *                 as it can: STUTTER_OK when none is in progress, else a waiting result
 *                 (or STUTTER_ERROR). A renegotiation this end asked for that the peer has
 *                 not answered yet is in progress. read_some/write_some drive it too.
 *                 Any call may read the lower stream ahead of what it returns (a write that
 *                 would block may read what has arrived, so that two ends with full pipes
 *                 do not wait for each other); keep what it read for later reads.
 *   read_some     plaintext into buf (n > 0), STUTTER_EOF after the peer's close_notify,
 *                 STUTTER_ERROR "truncated" when the stream ends without one.
 *   write_some    plaintext from bufs (a gather write): n > 0 bytes taken; a retry after a
 *                 waiting result offers the same bytes (retry.same_buffer).
 *   shutdown_write finishes a renegotiation under way, sends close_notify and shuts the
 *                 lower stream's write side down.
 *   renegotiate   TLS 1.2: starts a renegotiation (client: ClientHello, server:
 *                 HelloRequest). STUTTER_OK once started; STUTTER_WOULD_BLOCK when it
 *                 cannot start yet (handshake or another renegotiation in progress), and
 *                 the harness asks again later; STUTTER_ERROR (e.g.
 *                 "renegotiation_disabled", "unsupported_by_version") when refused. A
 *                 refusal is not sticky: the stream goes on. NULL if not supported.
 *   key_update    TLS 1.3: sends a KeyUpdate, asking the peer to update too when
 *                 update_requested; results as for renegotiate. NULL if not supported.
 *   info          optional (NULL): see stutter_tls_info.
 */
typedef struct stutter_transform_ops {
  uint32_t struct_size; /* sizeof(stutter_transform_ops) */
  uint32_t reserved;
  void *(*create)(const stutter_endpoint_config *config, const char **error);
  void (*destroy)(void *endpoint);
  stutter_result (*handshake)(void *endpoint);
  stutter_result (*read_some)(void *endpoint, uint8_t *buf, size_t len);
  stutter_result (*write_some)(void *endpoint, const stutter_iovec *bufs, size_t count);
  stutter_result (*shutdown_write)(void *endpoint);
  stutter_result (*renegotiate)(void *endpoint);
  stutter_result (*key_update)(void *endpoint, int32_t update_requested);
  void (*info)(void *endpoint, stutter_tls_info *out);
} stutter_transform_ops;

/* The plug-in's draws come from somewhere else than host->random: runs are not replayable. */
#define STUTTER_PLUGIN_NOT_DETERMINISTIC 1u

/* The descriptor stutter_plugin_entry returns. */
typedef struct stutter_plugin {
  uint32_t abi_version; /* STUTTER_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(stutter_plugin) */
  const char *name;     /* "[a-z0-9][a-z0-9_.-]*", at most 64 bytes, e.g. "cframe" */
  const char *version;  /* free text, e.g. "1.4.2" */
  const char *description;
  /* roles[layer]: STUTTER_ROLE_* bits of the ends this plug-in implements that layer for;
   * 0: not implemented. Layers 0..3 use `phase`, tls uses `transform`. */
  uint32_t roles[STUTTER_LAYER_COUNT];
  uint32_t flags; /* STUTTER_PLUGIN_* flags */
  const stutter_phase_ops *phase;
  const stutter_transform_ops *transform;
} stutter_plugin;

typedef const stutter_plugin *(*stutter_plugin_entry_fn)(uint32_t host_abi);

/* ---- helpers (header-only) ------------------------------------------------------------ */

static inline stutter_result stutter_ok(size_t n) {
  stutter_result r = {STUTTER_OK, 0, n, NULL, NULL};
  return r;
}
static inline stutter_result stutter_waiting(stutter_status s) {
  stutter_result r = {(int32_t)s, 0, 0, NULL, NULL};
  return r;
}
static inline stutter_result stutter_eof(void) { return stutter_waiting(STUTTER_EOF); }
static inline stutter_result stutter_error(const char *name, const char *detail) {
  stutter_result r = {STUTTER_ERROR, 0, 0, name, detail};
  return r;
}

static inline const stutter_setting *stutter_setting_find(const stutter_endpoint_config *c, const char *key) {
  size_t i, k;
  for (i = 0; i < c->setting_count; ++i) {
    const char *a = c->settings[i].key;
    for (k = 0; a[k] != '\0' && a[k] == key[k]; ++k) {
    }
    if (a[k] == '\0' && key[k] == '\0') return &c->settings[i];
  }
  return NULL;
}

/* A u64 or bool setting, or `fallback` when absent. */
static inline uint64_t stutter_setting_u64(const stutter_endpoint_config *c, const char *key, uint64_t fallback) {
  const stutter_setting *s = stutter_setting_find(c, key);
  return s != NULL && s->type != STUTTER_SETTING_STRING ? s->u64 : fallback;
}

/* A string setting's bytes (*len set), or NULL when absent. */
static inline const char *stutter_setting_string(const stutter_endpoint_config *c, const char *key, size_t *len) {
  const stutter_setting *s = stutter_setting_find(c, key);
  if (s == NULL || s->type != STUTTER_SETTING_STRING) return NULL;
  *len = s->str_len;
  return s->str;
}

#ifdef __cplusplus
}
#endif

#endif /* STUTTER_PLUGIN_H */
