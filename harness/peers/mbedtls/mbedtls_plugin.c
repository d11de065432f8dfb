/*
 * mbedtls_plugin.c: mbedTLS 2.28 (Debian's libmbedtls-dev) as a Stutter plug-in: the `tls`
 * layer, client and server, TLS 1.2 only, through stutter/plugin.h and nothing else of
 * Stutter's.
 *
 * It is written the way embedded runtimes wrap mbedTLS: BIO callbacks
 * (mbedtls_ssl_set_bio) over the lower stream, mbedtls_ssl_read / _write / _handshake /
 * _renegotiate / _close_notify on top, and MBEDTLS_ERR_SSL_WANT_READ / WANT_WRITE turned
 * into the stream contract's waiting results. What mbedTLS's API leaves to the wrapper, and
 * what this file does about it, is marked "mbedTLS:" below; the facts come from
 * /usr/include/mbedtls/ssl.h (2.28.3) and library/ssl_msg.c, ssl_tls.c, ssl_cli.c of 2.28.
 *
 * Determinism. Everything mbedTLS draws comes from one CTR_DRBG per endpoint, seeded by an
 * entropy callback that reads host->random (never mbedtls_entropy_context, never the OS).
 * The only clock mbedTLS reads is time(): it puts it into the first four bytes of the
 * ClientHello and ServerHello randoms (ssl_cli.c ssl_generate_random, ssl_srv.c
 * ssl_write_server_hello, under MBEDTLS_HAVE_TIME) and compares certificate validity with
 * it (x509.c mbedtls_x509_time_is_past/_is_future via mbedtls_time). Debian's build has no
 * MBEDTLS_PLATFORM_TIME_ALT, so this plug-in links mbedTLS's static archives with
 * -Wl,--wrap=time (CMakeLists.txt): every time() inside mbedTLS returns host->unix_time, the
 * harness's fixed verification time (2027-01-01; the test certificate is valid 2026-11-28 ..
 * 2126-11-04). Certificate checks then use the harness's time exactly as plugin.h says, with
 * no verify callback bending mbedTLS's own flags, and the bytes on the wire are the same on
 * every run. (The trace hash only covers sizes, so a wall clock in the randoms would not
 * even show in determinism.trace; it would show in a byte-exact replay.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h> /* MBEDTLS_ERR_NET_SEND_FAILED / _RECV_FAILED only */
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_internal.h> /* mbedtls_ssl_flush_output, MBEDTLS_SSL_RENEGOTIATION_* */
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "stutter/plugin.h"

#if MBEDTLS_VERSION_MAJOR != 2
#error "this plug-in is written against mbedTLS 2.x (2.28): 3.x made the context fields it reads private"
#endif

/* ---- time: mbedTLS's time() is the harness's ------------------------------------------- */

#if defined(STUTTER_MBEDTLS_WRAP_TIME)
/* The one clock value of the process: every endpoint's host gives the same unix_time; each
 * entry point sets it again before mbedTLS runs. */
static int64_t harness_unix_time = 1798761600;
time_t __wrap_time(time_t *out);
time_t __wrap_time(time_t *out) {
  time_t t = (time_t)harness_unix_time;
  if (out != NULL) *out = t;
  return t;
}
#define SET_TIME(m) (harness_unix_time = (m)->host->unix_time)
#else
#define SET_TIME(m) ((void)(m))
#endif

/* ---- the endpoint ---------------------------------------------------------------------- */

#define RECORD_MAX MBEDTLS_SSL_OUT_CONTENT_LEN /* one mbedtls_ssl_write takes at most this */
#define HELD_MAX (1u << 20)                    /* plaintext read on the application's behalf */
#define MAX_SPINS 1000                         /* WANT_* results in a row without a wait beneath */
#define IN_MAX (64u * 1024u)                   /* bytes read ahead at most */

typedef struct mt {
  int server;
  int allow_reneg;
  const stutter_lower *lower;
  const stutter_host *host;
  /* Bytes taken from the lower stream ahead of mbedTLS (see read_ahead), after the previous
   * phase's handover: bio_recv hands them out first. */
  uint8_t *in;
  size_t in_begin, in_end, in_size;
  int in_eof;         /* the lower stream ended after them */
  int in_failed;      /* ... or failed, with this name */
  char in_error[65];

  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt crt; /* server: its certificate; client: the CA it trusts */
  mbedtls_pk_context key;

  /* What the lower stream did during the current mbedTLS call (set by the BIO callbacks). */
  int att_read, att_write; /* it returned a waiting result in that direction */
  int call_write_wait;      /* ... a write waited at some point of the current entry point */
  int lower_failed;
  char lower_error[65];

  /* The write mbedTLS must see again (see mt_write_some). */
  int write_waiting;      /* mbedtls_ssl_write returned WANT_*: the retry passes write_len */
  size_t write_len;
  int write_in_buffer;    /* ... and our record already sits in mbedTLS's output buffer */
  size_t write_unsent;    /* bytes of that record the BIO has not sent yet */
  uint8_t *stage;         /* a gather write's buffers, joined (one record) */

  /* Application data read while a write or the handshake had to let it pass. */
  uint8_t *held;
  size_t held_begin, held_end, held_size;

  /* Observations. */
  int was_over;         /* ssl.state was HANDSHAKE_OVER at the last look */
  uint64_t handshakes;  /* completed, the first included */
  int refused;          /* a renegotiation the peer asked for was refused (allow_renegotiation false) */
  int peer_closed;      /* close_notify read */
  int eof_unreported;   /* a read on the application's behalf met the end of the stream (no close_notify) */
  int shut;             /* 0 open, 1 close_notify queued, 2 flushed, 3 lower shut down */

  const char *error; /* sticky */
  char error_name[65];
  char detail[256];
} mt;

enum { OP_READ, OP_WRITE, OP_OTHER };

static int is_want(int ret) { return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE; }

/* Called at every BIO callback and after every mbedTLS call: counts handshakes and notices a
 * renegotiation request this end refuses. */
static void observe(mt *m) {
  const int over = m->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER;
  /* A handshake completes when the state reaches HANDSHAKE_OVER (ssl_tls.c
   * mbedtls_ssl_handshake_wrapup increments it there, with no I/O after). Between two
   * handshakes there is always a BIO call (the next one starts with a new record or a
   * mbedtls_ssl_renegotiate call), so looking here sees every completion. */
  if (over && !m->was_over) m->handshakes++;
  m->was_over = over;
  /* mbedTLS: with MBEDTLS_SSL_RENEGOTIATION_DISABLED, mbedtls_ssl_read answers a
   * HelloRequest (client) or a ClientHello after the handshake (server) with a
   * no_renegotiation warning and reads on (ssl_msg.c, "refusing renegotiation, sending
   * alert"); it tells the application nothing. The message stays in ssl.in_msg until the
   * next record is read, which happens through the BIO, where we look. */
  if (!m->allow_reneg && !m->refused && m->handshakes > 0 && m->ssl.in_msg != NULL &&
      m->ssl.in_msgtype == MBEDTLS_SSL_MSG_HANDSHAKE &&
      m->ssl.in_msg[0] == (m->server ? MBEDTLS_SSL_HS_CLIENT_HELLO : MBEDTLS_SSL_HS_HELLO_REQUEST)) {
    m->refused = 1;
  }
}

/* ---- errors ---------------------------------------------------------------------------- */

static stutter_result sticky(mt *m) { return stutter_error(m->error, m->detail[0] != '\0' ? m->detail : NULL); }

/* Best effort: output mbedTLS left in its buffer (its own fatal alert, usually) goes out, so
 * the peer fails promptly with the same cause. */
static void flush_best_effort(mt *m) {
  if (m->ssl.out_left != 0) {
    const int ignored = mbedtls_ssl_flush_output(&m->ssl);
    (void)ignored;
  }
}

static stutter_result fail(mt *m, const char *name, const char *detail) {
  if (m->error == NULL) {
    strncpy(m->error_name, name, sizeof m->error_name - 1);
    m->error = m->error_name;
    if (detail != NULL) snprintf(m->detail, sizeof m->detail, "%s", detail);
#if defined(STUTTER_MBEDTLS_TRACE) /* a debugging build: the harness does not show `detail` */
    fprintf(stderr, "mbedtls plug-in (%s): %s: %s\n", m->server ? "server" : "client", m->error, m->detail);
#endif
  }
  flush_best_effort(m);
  return sticky(m);
}

/* An mbedTLS error code, named as stutter/plugin.h lists. */
static stutter_result fail_mbed(mt *m, int ret, const char *during) {
  const char *name;
  char text[160], detail[256];
  if (m->lower_failed) {
    name = m->lower_error; /* connection_reset, injected_failure, ...: passed up */
  } else if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
    name = "truncated";
  } else if (ret == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO && m->handshakes > 0 && m->ssl.in_msg != NULL &&
             m->ssl.in_msgtype == MBEDTLS_SSL_MSG_HANDSHAKE && m->ssl.in_msg[0] == MBEDTLS_SSL_HS_HELLO_REQUEST) {
    /* mbedTLS: a client renegotiating takes a HelloRequest where it waits for the ServerHello
     * for a malformed ServerHello (ssl_cli.c ssl_parse_server_hello: "bad server hello
     * message", a fatal decode_error alert), where RFC 5246 7.4.1.1 says "This message will
     * be ignored by the client if the client is currently negotiating a session". Named
     * apart so that this known failure is told from others (expectations.json). */
    name = "unexpected_hello_request";
  } else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
    name = m->refused ? "renegotiation_refused" : m->handshakes == 0 ? "handshake_failed" : "peer_alert";
  } else {
    name = m->refused ? "renegotiation_refused" : m->handshakes == 0 ? "handshake_failed" : "protocol_error";
  }
  mbedtls_strerror(ret, text, sizeof text);
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && m->ssl.in_msg != NULL) {
    snprintf(detail, sizeof detail, "%s: mbedTLS -0x%04x (%s), alert %u", during, (unsigned)-ret, text,
             (unsigned)m->ssl.in_msg[1]);
  } else {
    snprintf(detail, sizeof detail, "%s: mbedTLS -0x%04x (%s)", during, (unsigned)-ret, text);
  }
  return fail(m, name, detail);
}

/* ---- the BIO: the lower stream as mbedTLS's send/recv callbacks -------------------------- */

static void note_lower_error(mt *m, const stutter_result *r, const char *fallback) {
  if (m->lower_failed) return;
  m->lower_failed = 1;
  strncpy(m->lower_error, r->error != NULL ? r->error : fallback, sizeof m->lower_error - 1);
}

/* mbedTLS: every handshake step starts by flushing its output and returns WANT_WRITE while
 * that would block, before it reads anything (ssl_cli.c / ssl_srv.c
 * mbedtls_ssl_handshake_*_step: "if( ( ret = mbedtls_ssl_flush_output( ssl ) ) != 0 )
 * return( ret )"), and mbedtls_ssl_write never reads. So two mbedTLS ends whose flights do
 * not fit the pipes between them wait for each other for ever, each writing, neither reading.
 * A side that cannot send must keep receiving: when the lower stream would block a write, the
 * BIO reads what has arrived into `in` (at most IN_MAX bytes), as a socket's receive buffer
 * would, and bio_recv serves it before reading the lower stream again. */
static void read_ahead(mt *m) {
  while (!m->in_eof && !m->in_failed) {
    stutter_result r;
    if (m->in_begin == m->in_end) m->in_begin = m->in_end = 0;
    if (m->in_end == m->in_size && m->in_begin > 0) {
      memmove(m->in, m->in + m->in_begin, m->in_end - m->in_begin);
      m->in_end -= m->in_begin;
      m->in_begin = 0;
    }
    if (m->in_end == m->in_size) {
      size_t want = m->in_size < 2048 ? 4096 : 2 * m->in_size;
      uint8_t *bigger;
      if (m->in_size >= IN_MAX) return;
      if (want > IN_MAX) want = IN_MAX;
      bigger = (uint8_t *)realloc(m->in, want);
      if (bigger == NULL) return;
      m->in = bigger;
      m->in_size = want;
    }
    r = m->lower->read_some(m->lower->ctx, m->in + m->in_end, m->in_size - m->in_end);
    if (r.status == STUTTER_OK && r.n > 0 && r.n <= m->in_size - m->in_end) {
      m->in_end += r.n;
    } else if (r.status == STUTTER_EOF) {
      m->in_eof = 1;
    } else if (r.status == STUTTER_ERROR || r.status == STUTTER_OK) {
      m->in_failed = 1;
      strncpy(m->in_error, r.error != NULL ? r.error : "protocol_error", sizeof m->in_error - 1);
    } else {
      return; /* nothing more has arrived */
    }
  }
}

/* mbedtls_ssl_send_t (ssl.h): "the number of bytes sent if any, or a non-zero error code. If
 * performing non-blocking I/O, MBEDTLS_ERR_SSL_WANT_WRITE must be returned when the operation
 * would block." */
static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  mt *m = (mt *)ctx;
  stutter_iovec v;
  stutter_result r;
  observe(m);
  v.data = buf;
  v.len = len;
  r = m->lower->write_some(m->lower->ctx, &v, 1);
  switch (r.status) {
    case STUTTER_OK:
      if (r.n == 0 || r.n > len) {
        note_lower_error(m, &r, "protocol_error");
        return MBEDTLS_ERR_NET_SEND_FAILED;
      }
      /* mbedtls_ssl_flush_output sends from the oldest pending byte: our record's first. */
      if (m->write_unsent > 0) m->write_unsent -= r.n < m->write_unsent ? r.n : m->write_unsent;
      return (int)r.n;
    case STUTTER_WOULD_BLOCK:
    case STUTTER_NEED_WRITE:
      m->att_write = m->call_write_wait = 1;
      read_ahead(m);
      return MBEDTLS_ERR_SSL_WANT_WRITE;
    case STUTTER_NEED_READ: m->att_read = 1; return MBEDTLS_ERR_SSL_WANT_READ;
    case STUTTER_EOF: note_lower_error(m, &r, "broken_pipe"); return MBEDTLS_ERR_NET_SEND_FAILED;
    default: note_lower_error(m, &r, "lower_error"); return MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

/* mbedtls_ssl_recv_t (ssl.h): "the positive number of bytes received", "0 if the connection
 * has been closed" (ssl_msg.c mbedtls_ssl_fetch_input turns 0 into MBEDTLS_ERR_SSL_CONN_EOF,
 * and mbedtls_ssl_read returns 0 for it: the end of the stream without close_notify),
 * "MBEDTLS_ERR_SSL_WANT_READ ... when the operation would block". */
static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  mt *m = (mt *)ctx;
  stutter_result r;
  observe(m);
  if (m->in_end > m->in_begin) { /* the handover, and what read_ahead took */
    size_t n = m->in_end - m->in_begin < len ? m->in_end - m->in_begin : len;
    memcpy(buf, m->in + m->in_begin, n);
    m->in_begin += n;
    return (int)n;
  }
  if (m->in_eof) return 0;
  if (m->in_failed) {
    r = stutter_error(m->in_error, NULL);
    note_lower_error(m, &r, "lower_error");
    return MBEDTLS_ERR_NET_RECV_FAILED;
  }
  if (len > 0x7fffffff) len = 0x7fffffff;
  r = m->lower->read_some(m->lower->ctx, buf, len);
  switch (r.status) {
    case STUTTER_OK:
      if (r.n == 0 || r.n > len) {
        note_lower_error(m, &r, "protocol_error");
        return MBEDTLS_ERR_NET_RECV_FAILED;
      }
      return (int)r.n;
    case STUTTER_WOULD_BLOCK:
    case STUTTER_NEED_READ: m->att_read = 1; return MBEDTLS_ERR_SSL_WANT_READ;
    case STUTTER_NEED_WRITE: m->att_write = m->call_write_wait = 1; return MBEDTLS_ERR_SSL_WANT_WRITE;
    case STUTTER_EOF: return 0;
    default: note_lower_error(m, &r, "lower_error"); return MBEDTLS_ERR_NET_RECV_FAILED;
  }
}

/* ---- WANT_* back to the contract ------------------------------------------------------- */

/* status.meaning: a waiting result names the direction the lower stream waited on during this
 * very call. mbedTLS's WANT_READ / WANT_WRITE name the direction it waits for; that is the
 * BIO's wait whenever the BIO waited. But mbedTLS also returns WANT_READ when nothing waited:
 * mbedtls_ssl_read after a record that carried no application data ("ignoring non-fatal
 * non-closure alert" in ssl_msg.c; ssl.h: "This function may return MBEDTLS_ERR_SSL_WANT_READ
 * even if data was initially available ... e.g. ... a renegotiation request"). That means
 * "call again", so the caller loops instead of reporting a wait nothing stands behind.
 * Returns 1 with *out set when the lower stream waited. */
static int waited(mt *m, int ret, int op, stutter_result *out) {
  const int wants_read = ret == MBEDTLS_ERR_SSL_WANT_READ;
  int dir_read;
  if (wants_read ? m->att_read : m->att_write) {
    dir_read = wants_read;
  } else if (m->att_read || m->att_write) {
    dir_read = m->att_read;
  } else {
    return 0;
  }
  /* The same direction as the call is would_block; the other is need_read / need_write. A
   * read that leaves output behind because writing it would block (a no_renegotiation
   * warning, a handshake flight) waits for writing as well: need_write (which the caller
   * answers by waiting for either direction), else the peer may wait for that output
   * while we wait for the peer. */
  if (op == OP_READ) {
    const int output_stuck = m->ssl.out_left != 0 && m->call_write_wait;
    *out = stutter_waiting(dir_read && !output_stuck ? STUTTER_WOULD_BLOCK : STUTTER_NEED_WRITE);
  } else if (op == OP_WRITE) {
    *out = stutter_waiting(dir_read ? STUTTER_NEED_READ : STUTTER_WOULD_BLOCK);
  } else {
    *out = stutter_waiting(dir_read ? STUTTER_NEED_READ : STUTTER_NEED_WRITE);
  }
  return 1;
}

static void attempt(mt *m) {
  SET_TIME(m);
  m->att_read = m->att_write = 0;
}

/* The start of every entry point that may do I/O. */
static void begin(mt *m) {
  attempt(m);
  m->call_write_wait = 0;
}

/* mbedTLS: while a client's renegotiation waits for the ServerHello, application data from
 * the server makes mbedtls_ssl_handshake (and so mbedtls_ssl_write, which runs it first)
 * return MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO, keeping the record
 * (keep_current_message) for mbedtls_ssl_read: ssl.h, mbedtls_ssl_conf_renegotiation_enforced:
 * "On client, the grace period can only happen during mbedtls_ssl_read(), as opposed to
 * mbedtls_ssl_write() and mbedtls_ssl_renegotiate() ... if we receive application data from
 * the server, we need a place to write it, which only happens during mbedtls_ssl_read()".
 * A write must not fail for that: the data is read into `held` (read_some hands it out
 * first). Returns 0 when something was taken, else what mbedtls_ssl_read returned. */
static int absorb(mt *m) {
  int ret;
  if (m->held_begin == m->held_end) m->held_begin = m->held_end = 0;
  if (m->held_size - m->held_end < RECORD_MAX) {
    size_t want = m->held_size == 0 ? 2 * RECORD_MAX : 2 * m->held_size;
    uint8_t *bigger;
    if (m->held_begin > 0) {
      memmove(m->held, m->held + m->held_begin, m->held_end - m->held_begin);
      m->held_end -= m->held_begin;
      m->held_begin = 0;
    }
    if (m->held_size - m->held_end < RECORD_MAX) {
      if (want > HELD_MAX) return MBEDTLS_ERR_SSL_ALLOC_FAILED;
      bigger = (uint8_t *)realloc(m->held, want);
      if (bigger == NULL) return MBEDTLS_ERR_SSL_ALLOC_FAILED;
      m->held = bigger;
      m->held_size = want;
    }
  }
  ret = mbedtls_ssl_read(&m->ssl, m->held + m->held_end, m->held_size - m->held_end);
  observe(m);
  if (ret > 0) {
    m->held_end += (size_t)ret;
    return 0;
  }
  if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    m->peer_closed = 1;
    return 0;
  }
  return ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret;
}

/* Output an earlier call left in mbedTLS's buffer (a HelloRequest, an alert, a flight, our
 * record). 0 when none is left. */
static int flush(mt *m) { return m->ssl.out_left != 0 ? mbedtls_ssl_flush_output(&m->ssl) : 0; }

/* Whether mbedtls_ssl_read may run while output is pending: see mt_read_some. */
static int read_is_safe(const mt *m) {
  if (m->ssl.out_left == 0) return 1;
  if (!m->allow_reneg) return 0;
  return !(m->server && m->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_PENDING);
}

/* mbedTLS: a server's renegotiation runs only inside mbedtls_ssl_read (ssl.h,
 * mbedtls_ssl_renegotiate: "Server: request renegotiation, which will be performed during the
 * next call to mbedtls_ssl_read() if honored by client"); mbedtls_ssl_write goes on sending
 * application data under the old keys and never looks at the client's ClientHello. plugin.h
 * wants write_some and handshake to drive a renegotiation under way by themselves, so while a
 * HelloRequest is out they read first (application data that arrives goes to `held`, up to
 * HELD_POLL_MAX). Returns 0, or an error to fail with. */
#define HELD_POLL_MAX (64u * 1024u)
static int poll_renegotiation(mt *m) {
  int ret;
  if (!m->server || m->ssl.renego_status != MBEDTLS_SSL_RENEGOTIATION_PENDING) return 0;
  if (m->peer_closed || m->eof_unreported || m->held_end - m->held_begin >= HELD_POLL_MAX) return 0;
  attempt(m);
  if (flush(m) != 0 && !read_is_safe(m)) return 0; /* see mt_read_some; the write flushes */
  attempt(m);
  ret = absorb(m);
  if (ret == MBEDTLS_ERR_SSL_CONN_EOF) { /* for read_some to report */
    m->eof_unreported = 1;
    return 0;
  }
  /* WANT_*: nothing has arrived, or the handshake the ClientHello started waits; the next
   * mbedTLS call (a handshake step first) drives it on. */
  return ret == 0 || is_want(ret) ? 0 : ret;
}

/* ---- the operations -------------------------------------------------------------------- */

static int entropy_from_host(void *ctx, unsigned char *out, size_t len) {
  const mt *m = (const mt *)ctx;
  m->host->random(m->host->ctx, out, len);
  return 0;
}

#if defined(STUTTER_MBEDTLS_TRACE)
#include <mbedtls/debug.h>
static void trace_mbedtls(void *ctx, int level, const char *file, int line, const char *text) {
  fprintf(stderr, "[%s %d %s:%d] %s", ((mt *)ctx)->server ? "S" : "C", level, file, line, text);
}
#endif

static void mt_destroy(void *ep) {
  mt *m = (mt *)ep;
  if (m == NULL) return;
  mbedtls_ssl_free(&m->ssl);
  mbedtls_ssl_config_free(&m->conf);
  mbedtls_ctr_drbg_free(&m->drbg);
  mbedtls_x509_crt_free(&m->crt);
  mbedtls_pk_free(&m->key);
  free(m->stage);
  free(m->held);
  free(m->in);
  free(m);
}

static void *mt_create(const stutter_endpoint_config *config, const char **error) {
  static const char pers[] = "stutter-mbedtls";
  size_t vlen = 0;
  const char *version = stutter_setting_string(config, "tls_version", &vlen);
  const stutter_tls_identity *id = config->tls;
  mt *m;
  int ret;

  if (config->layer != STUTTER_LAYER_TLS || id == NULL) {
    *error = "mbedtls implements the tls layer only";
    return NULL;
  }
  /* TLS 1.2 only: 2.28's TLS 1.3 (MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL) is a prototype that
   * Debian does not build. */
  if (version != NULL && !(vlen == 3 && memcmp(version, "1.2", 3) == 0)) {
    *error = "mbedTLS " MBEDTLS_VERSION_STRING " implements TLS 1.2 only (the scenario asks for another tls_version)";
    return NULL;
  }
  m = (mt *)calloc(1, sizeof *m);
  if (m == NULL) {
    *error = "out of memory";
    return NULL;
  }
  m->server = config->role == STUTTER_SERVER;
  m->allow_reneg = stutter_setting_u64(config, "allow_renegotiation", 1) != 0;
  m->lower = config->lower;
  m->host = config->host;
  if (config->prefix_len > 0) {
    m->in = (uint8_t *)malloc(config->prefix_len);
    if (m->in == NULL) {
      free(m);
      *error = "out of memory";
      return NULL;
    }
    memcpy(m->in, config->prefix, config->prefix_len);
    m->in_end = m->in_size = config->prefix_len;
  }
  SET_TIME(m);

  mbedtls_ssl_init(&m->ssl);
  mbedtls_ssl_config_init(&m->conf);
  mbedtls_ctr_drbg_init(&m->drbg);
  mbedtls_x509_crt_init(&m->crt);
  mbedtls_pk_init(&m->key);
  m->stage = (uint8_t *)malloc(RECORD_MAX);
  if (m->stage == NULL) goto nomem;

  /* The DRBG's entropy is the harness's: the same scenario gives the same bytes. */
  ret = mbedtls_ctr_drbg_seed(&m->drbg, entropy_from_host, m, (const unsigned char *)pers, sizeof pers - 1);
  if (ret != 0) goto failed;
  ret = mbedtls_ssl_config_defaults(&m->conf, m->server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) goto failed;
  mbedtls_ssl_conf_min_version(&m->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_max_version(&m->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_rng(&m->conf, mbedtls_ctr_drbg_random, &m->drbg);
  /* ssl.h: peer-initiated renegotiation is refused unless enabled ("Default:
   * MBEDTLS_SSL_RENEGOTIATION_DISABLED"); the server's own HelloRequest is answered by a
   * ClientHello that this same setting judges, so it governs both directions, as
   * allow_renegotiation does. mbedTLS's other defaults stay: secure renegotiation only
   * (RFC 5746) and renegotiation_enforced with a grace of 16 records. */
  mbedtls_ssl_conf_renegotiation(&m->conf,
                                 m->allow_reneg ? MBEDTLS_SSL_RENEGOTIATION_ENABLED : MBEDTLS_SSL_RENEGOTIATION_DISABLED);

  if (m->server) {
    ret = mbedtls_x509_crt_parse(&m->crt, (const unsigned char *)id->certificate_pem, strlen(id->certificate_pem) + 1);
    if (ret != 0) goto failed;
    ret = mbedtls_pk_parse_key(&m->key, (const unsigned char *)id->private_key_pem, strlen(id->private_key_pem) + 1,
                               NULL, 0);
    if (ret != 0) goto failed;
    ret = mbedtls_ssl_conf_own_cert(&m->conf, &m->crt, &m->key);
    if (ret != 0) goto failed;
    mbedtls_ssl_conf_authmode(&m->conf, MBEDTLS_SSL_VERIFY_NONE); /* no client certificates */
  } else {
    ret = mbedtls_x509_crt_parse(&m->crt, (const unsigned char *)id->ca_pem, strlen(id->ca_pem) + 1);
    if (ret != 0) goto failed;
    mbedtls_ssl_conf_ca_chain(&m->conf, &m->crt, NULL);
    mbedtls_ssl_conf_authmode(&m->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  }

  ret = mbedtls_ssl_setup(&m->ssl, &m->conf);
  if (ret != 0) goto failed;
  if (!m->server) {
    /* SNI, and the name the certificate must carry. */
    ret = mbedtls_ssl_set_hostname(&m->ssl, id->server_name);
    if (ret != 0) goto failed;
  }
  mbedtls_ssl_set_bio(&m->ssl, m, bio_send, bio_recv, NULL); /* non-blocking: no recv_timeout */
#if defined(STUTTER_MBEDTLS_TRACE)
  mbedtls_ssl_conf_dbg(&m->conf, trace_mbedtls, m);
  if (getenv("STUTTER_MBEDTLS_DEBUG") != NULL) mbedtls_debug_set_threshold(atoi(getenv("STUTTER_MBEDTLS_DEBUG")));
#endif
  return m;

nomem:
  mt_destroy(m);
  *error = "out of memory";
  return NULL;
failed:
  mt_destroy(m);
  *error = "mbedTLS could not set the endpoint up (configuration, DRBG seed, certificate or key)";
  return NULL;
}

static stutter_result mt_read_some(void *ep, uint8_t *buf, size_t len) {
  mt *m = (mt *)ep;
  int spins = 0;
  begin(m);
  if (m->error != NULL) return fail(m, m->error, NULL);
  if (len == 0) return stutter_ok(0);
  if (m->held_end > m->held_begin) {
    size_t n = m->held_end - m->held_begin < len ? m->held_end - m->held_begin : len;
    memcpy(buf, m->held + m->held_begin, n);
    m->held_begin += n;
    return stutter_ok(n);
  }
  if (m->peer_closed) return stutter_eof();
  if (m->eof_unreported) return fail_mbed(m, MBEDTLS_ERR_SSL_CONN_EOF, "read (the stream ended without close_notify)");
  if (len > 0x7fffffff) len = 0x7fffffff;
  /* mbedTLS: mbedtls_ssl_read never flushes output an earlier call left behind (a server's
   * HelloRequest whose write would block, a no_renegotiation warning): with the peer waiting
   * for it, a reader waiting for the peer would wait forever. Worse, what mbedtls_ssl_read
   * itself writes goes wrong while output is pending: mbedtls_ssl_send_alert_message only
   * flushes and drops the alert ("if( ssl->out_left != 0 ) return(
   * mbedtls_ssl_flush_output( ssl ) )"), and the HelloRequest a server re-sends for every
   * application record it reads while its renegotiation is pending (ssl_msg.c, under
   * MBEDTLS_SSL_PROTO_DTLS but without a transport check, so in TLS too) is appended after the
   * pending record, whose last 8 bytes the new record's counter (out_ctr = out_hdr - 8 in TLS)
   * overwrites: the peer sees bad_record_mac. So a read first flushes, and while output is
   * stuck it reads only where mbedtls_ssl_read writes nothing of that kind: not as a server
   * whose HelloRequest is out, not with renegotiation disabled (the refusal is an alert).
   * Elsewhere it must read on (a handshake step flushes before it writes), or two ends that
   * both wait to write would wait for each other. */
  attempt(m);
  {
    const int ret = flush(m);
    stutter_result r;
    if (ret != 0 && !is_want(ret)) return fail_mbed(m, ret, "read (flushing earlier output)");
    if (ret != 0 && !read_is_safe(m)) {
      if (waited(m, ret, OP_READ, &r)) return r;
      return fail(m, "protocol_error", "mbedtls_ssl_flush_output asked to wait without a wait beneath");
    }
  }
  for (;;) {
    int ret;
    stutter_result r;
    attempt(m);
    ret = mbedtls_ssl_read(&m->ssl, buf, len);
    observe(m);
    if (ret > 0) return stutter_ok((size_t)ret);
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) { /* ssl.h: "the peer has acknowledged to not send anything anymore" */
      m->peer_closed = 1;
      return stutter_eof();
    }
    if (ret == 0) return fail_mbed(m, MBEDTLS_ERR_SSL_CONN_EOF, "read (the stream ended without close_notify)");
    if (!is_want(ret)) return fail_mbed(m, ret, "read");
    if (waited(m, ret, OP_READ, &r)) return r;
    if (++spins > MAX_SPINS) return fail(m, "protocol_error", "mbedtls_ssl_read kept asking to be called again");
  }
}

/* Joins a gather write into one record's worth of bytes (zero-copy when the first buffer is
 * enough). The same buffers give the same length, as a retry after WANT_* needs. */
static size_t gather(mt *m, const stutter_iovec *bufs, size_t count, const unsigned char **out) {
  size_t i, total = 0, first = count, want, at = 0;
  for (i = 0; i < count; ++i) {
    if (bufs[i].len == 0) continue;
    if (first == count) first = i;
    total += bufs[i].len;
  }
  if (total == 0) return 0;
  want = total < RECORD_MAX ? total : RECORD_MAX;
  if (bufs[first].len >= want) {
    *out = bufs[first].data;
    return want;
  }
  for (i = first; i < count && at < want; ++i) {
    size_t n = bufs[i].len < want - at ? bufs[i].len : want - at;
    if (n > 0) memcpy(m->stage + at, bufs[i].data, n);
    at += n;
  }
  *out = m->stage;
  return want;
}

static stutter_result write_done(mt *m, size_t n) {
  m->write_waiting = 0;
  m->write_in_buffer = 0;
  m->write_unsent = 0;
  return stutter_ok(n);
}

static stutter_result mt_write_some(void *ep, const stutter_iovec *bufs, size_t count) {
  mt *m = (mt *)ep;
  const unsigned char *p = NULL;
  size_t n;
  int spins = 0, ret;
  begin(m);
  if (m->error != NULL) return fail(m, m->error, NULL);
  if (m->shut != 0) return fail(m, "write_after_shutdown", "write_some after shutdown_write");
  n = gather(m, bufs, count, &p);
  if (n == 0) return stutter_ok(0); /* ssl.h: writing 0 bytes would send an empty record */
  if (m->write_waiting && n != m->write_len) n = m->write_len < n ? m->write_len : n;
  if ((ret = poll_renegotiation(m)) != 0) return fail_mbed(m, ret, "write (reading during a renegotiation)");
  for (;;) {
    stutter_result r;
    /* mbedTLS keeps a write's record in its output buffer after WANT_WRITE and takes the
     * retry ("called later with the *same* arguments", ssl.h mbedtls_ssl_write) as "flush,
     * then report len" (ssl_msg.c ssl_write_real: out_left != 0 means a retry). Any other
     * call that flushes (a handshake step starts with mbedtls_ssl_flush_output) sends our
     * record too; a retry would then find out_left == 0 and write the bytes a second time.
     * The BIO counts our record's bytes out, and a retry after they all left reports the
     * write done without calling mbedTLS again. */
    if (m->write_in_buffer && m->write_unsent == 0) return write_done(m, m->write_len);
    attempt(m);
    /* ... and the converse: output some other call left (a HelloRequest or an alert whose
     * write would block) would be taken for ours, flushed, and our bytes reported written
     * without ever being sent. So it goes out first. (While a handshake is in progress
     * mbedtls_ssl_write runs it, and each handshake step flushes by itself.) */
    if (!m->write_in_buffer && m->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER && m->ssl.out_left != 0) {
      ret = mbedtls_ssl_flush_output(&m->ssl);
      if (ret != 0) {
        if (!is_want(ret)) return fail_mbed(m, ret, "write (flushing earlier output)");
        if (waited(m, ret, OP_WRITE, &r)) return r;
        if (++spins > MAX_SPINS) return fail(m, "protocol_error", "mbedtls_ssl_flush_output made no progress");
        continue;
      }
    }
    ret = mbedtls_ssl_write(&m->ssl, p, n);
    observe(m);
    if (ret > 0) return write_done(m, (size_t)ret);
    if (is_want(ret)) {
      m->write_waiting = 1;
      m->write_len = n;
      if (!m->write_in_buffer && m->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER && m->ssl.out_left != 0) {
        /* our record went into the (empty) output buffer and is what is left of it */
        m->write_in_buffer = 1;
        m->write_unsent = m->ssl.out_left;
      }
      if (waited(m, ret, OP_WRITE, &r)) return r;
      if (++spins > MAX_SPINS) return fail(m, "protocol_error", "mbedtls_ssl_write kept asking to be called again");
      continue;
    }
    if (ret == MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO) {
      attempt(m);
      ret = absorb(m);
      if (ret == 0) continue;
      if (!is_want(ret)) return fail_mbed(m, ret, "write (reading application data during a renegotiation)");
      if (waited(m, ret, OP_WRITE, &r)) return r;
      if (++spins > MAX_SPINS) return fail(m, "protocol_error", "mbedtls_ssl_read kept asking to be called again");
      continue;
    }
    return fail_mbed(m, ret == 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : ret, "write");
  }
}

/* Drives a handshake in progress to its end: 0 when none is in progress, else what mbedTLS
 * returned (WANT_* with a wait beneath, or an error). A server's renegotiation counts as in
 * progress from its HelloRequest on: until the client's ClientHello arrives (taken by
 * mbedtls_ssl_read only, see poll_renegotiation) this reads, and waits to read. It stops
 * waiting when the client has closed, the stream has ended, or held is full. */
static int drive_handshake(mt *m, int *spins) {
  for (;;) {
    int ret;
    attempt(m);
    ret = flush(m);
    if (ret == 0 && m->server && m->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_PENDING &&
        m->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER) {
      if (m->peer_closed || m->eof_unreported || m->held_end - m->held_begin >= HELD_POLL_MAX) return 0;
      ret = absorb(m);
      if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        m->eof_unreported = 1; /* for read_some to report */
        return 0;
      }
      if (ret == 0) continue;
    } else if (ret == 0 && m->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
      ret = mbedtls_ssl_handshake(&m->ssl);
    }
    observe(m);
    if (ret == MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO) {
      attempt(m);
      ret = absorb(m);
      if (ret == 0) continue;
    }
    if (ret == 0 || !is_want(ret) || m->att_read || m->att_write) return ret;
    if (++*spins > MAX_SPINS) return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
  }
}

static stutter_result mt_handshake(void *ep) {
  mt *m = (mt *)ep;
  int spins = 0, ret;
  stutter_result r;
  begin(m);
  if (m->error != NULL) return fail(m, m->error, NULL);
  ret = drive_handshake(m, &spins);
  if (ret == 0) return stutter_ok(0);
  if (is_want(ret) && waited(m, ret, OP_OTHER, &r)) return r;
  return fail_mbed(m, ret, "handshake");
}

static stutter_result mt_renegotiate(void *ep) {
  mt *m = (mt *)ep;
  int ret;
  begin(m);
  if (m->error != NULL) return fail(m, m->error, NULL);
  /* Refusals are the request's answer, not sticky (plugin.h); the layer refuses these two
   * itself before it asks. */
  if (!m->allow_reneg) return stutter_error("renegotiation_disabled", "allow_renegotiation is false");
  if (m->shut != 0) return stutter_error("write_after_shutdown", "renegotiate after shutdown_write");
  /* Not now: the initial handshake or a renegotiation is in progress, or (server) a
   * HelloRequest is out and the client has not answered (mbedtls_ssl_renegotiate would send
   * another one). */
  if (m->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER || m->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_PENDING) {
    return stutter_waiting(STUTTER_WOULD_BLOCK);
  }
  attempt(m);
  /* mbedTLS: a server's mbedtls_ssl_renegotiate with output pending takes it for its own
   * HelloRequest ("Did we already try/start sending HelloRequest?", ssl_tls.c): it flushes it,
   * marks the renegotiation pending and never sends the HelloRequest. Earlier output goes out
   * first; until it can, the request waits. */
  ret = flush(m);
  if (is_want(ret)) return stutter_waiting(STUTTER_WOULD_BLOCK);
  if (ret != 0) return fail_mbed(m, ret, "renegotiate (flushing earlier output)");
  /* ssl.h: "Client: perform the renegotiation right now. Server: request renegotiation, which
   * will be performed during the next call to mbedtls_ssl_read() if honored by client." A
   * WANT_* result means it has started; later calls drive it. */
  ret = mbedtls_ssl_renegotiate(&m->ssl);
  observe(m);
  if (ret == 0 || is_want(ret) || ret == MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO) return stutter_ok(0);
  return fail_mbed(m, ret, "renegotiate");
}

static stutter_result mt_shutdown_write(void *ep) {
  mt *m = (mt *)ep;
  int spins = 0, ret;
  stutter_result r;
  begin(m);
  if (m->error != NULL) {
    /* The cleanup call after an error (plugin.h, section 3): the fatal alert mbedTLS queued
     * for the failure goes out, waiting while that would block, so the peer fails with the
     * same cause; then the error again. */
    if (m->ssl.out_left != 0 && !m->lower_failed) {
      ret = mbedtls_ssl_flush_output(&m->ssl);
      if (is_want(ret) && waited(m, ret, OP_WRITE, &r)) return r;
    }
    return sticky(m);
  }
  if (m->shut == 3) return stutter_ok(0);
  if (m->shut == 0) {
    /* mbedTLS: mbedtls_ssl_close_notify sends nothing unless the handshake is over, and with
     * output pending it only flushes it and returns 0 ("if( ssl->out_left != 0 ) return(
     * mbedtls_ssl_flush_output( ssl ) )", ssl_msg.c) without queueing the alert. So the
     * handshake is finished and earlier output flushed first. */
    ret = drive_handshake(m, &spins);
    if (ret != 0) {
      if (is_want(ret) && waited(m, ret, OP_WRITE, &r)) return r;
      return fail_mbed(m, ret, "shutdown_write (finishing the handshake)");
    }
    attempt(m);
    ret = mbedtls_ssl_close_notify(&m->ssl);
    m->shut = 1; /* the alert is queued: what is left is flushing it */
    m->write_waiting = m->write_in_buffer = 0;
    m->write_unsent = 0;
    if (ret != 0 && !is_want(ret)) return fail_mbed(m, ret, "shutdown_write (close_notify)");
  }
  if (m->shut == 1) {
    attempt(m);
    ret = flush(m);
    if (ret != 0) {
      if (is_want(ret) && waited(m, ret, OP_WRITE, &r)) return r;
      return fail_mbed(m, is_want(ret) ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : ret, "shutdown_write (close_notify)");
    }
    m->shut = 2;
  }
  r = m->lower->shutdown_write(m->lower->ctx);
  if (r.status == STUTTER_OK) {
    m->shut = 3;
    return stutter_ok(0);
  }
  if (r.status == STUTTER_ERROR) {
    note_lower_error(m, &r, "lower_error");
    return fail(m, m->lower_error, "shutdown_write of the lower stream");
  }
  if (r.status == STUTTER_NEED_READ) return stutter_waiting(STUTTER_NEED_READ);
  if (r.status == STUTTER_EOF) return fail(m, "broken_pipe", "the lower stream's shutdown_write returned eof");
  return stutter_waiting(STUTTER_WOULD_BLOCK);
}

static void mt_info(void *ep, stutter_tls_info *out) {
  const mt *m = (const mt *)ep;
  memset(out, 0, sizeof *out);
  out->has_counters = 1;
  out->peer_closed = (uint32_t)m->peer_closed;
  out->renegotiations = m->handshakes > 0 ? m->handshakes - 1 : 0;
  out->version = m->handshakes > 0 ? "1.2" : NULL;
}

static const stutter_transform_ops transform_ops = {
    sizeof(stutter_transform_ops), 0, mt_create, mt_destroy, mt_handshake, mt_read_some, mt_write_some,
    mt_shutdown_write, mt_renegotiate, NULL /* key_update: TLS 1.3 */, mt_info};

static const stutter_plugin descriptor = {
    STUTTER_PLUGIN_ABI_VERSION,
    sizeof(stutter_plugin),
    "mbedtls",
    MBEDTLS_VERSION_STRING,
    "mbedTLS " MBEDTLS_VERSION_STRING " (Debian libmbedtls-dev): the tls layer, TLS 1.2, both ends, renegotiation",
    {0, 0, 0, 0, STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER},
    0,
    NULL,
    &transform_ops};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  return host_abi == STUTTER_PLUGIN_ABI_VERSION ? &descriptor : NULL;
}
