/* A line-framing plug-in (one byte at a time, "\n" only) that breaks the stream contract in
 * the one way chosen at compile time; contract_test.sh checks that stutter names each breach.
 *   BREAK_SHORT_OK   send returns ok for less than the whole record
 *   BREAK_OVERCLAIM  receive claims more bytes than the message it hands over
 *   BREAK_STATUS     receive returns a status stutter/plugin.h does not define
 *   BREAK_THREAD     receive calls the lower stream from a thread of its own
 *   BREAK_STICKY     a tls layer whose reads fail, and whose cleanup call (shutdown_write)
 *                    after that reports eof: a result after a sticky error
 *   BREAK_ZERO       a tls layer whose reads return ok(0) for a non-empty buffer
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stutter/plugin.h"

typedef struct line_ep {
  const stutter_lower *lower;
  size_t sent;      /* bytes of the current record (payload + "\n") already written */
  uint8_t *line;    /* the line being received */
  size_t len, cap;
} line_ep;

static void *create(const stutter_endpoint_config *c, const char **error) {
  line_ep *ep = calloc(1, sizeof *ep);
  if (ep == NULL) {
    *error = "out of memory";
    return NULL;
  }
  ep->lower = c->lower;
  return ep;
}

static void destroy(void *p) {
  line_ep *ep = p;
  free(ep->line);
  free(ep);
}

static stutter_result send_line(void *p, const uint8_t *data, size_t len, int32_t type) {
  line_ep *ep = p;
  static const uint8_t nl = '\n';
  (void)type;
  while (ep->sent < len + 1) {
    stutter_iovec v[2] = {{data + (ep->sent < len ? ep->sent : len), ep->sent < len ? len - ep->sent : 0}, {&nl, 1}};
    stutter_result r = ep->lower->write_some(ep->lower->ctx, v, 2);
    if (r.status != STUTTER_OK) return r;
    ep->sent += r.n;
  }
  ep->sent = 0;
#ifdef BREAK_SHORT_OK
  if (len > 1) return stutter_ok(len - 1);
#endif
  return stutter_ok(len);
}

#ifdef BREAK_THREAD
static void *read_from_thread(void *p) {
  line_ep *ep = p;
  uint8_t b;
  (void)ep->lower->read_some(ep->lower->ctx, &b, 1);
  return NULL;
}
#endif

static stutter_result receive(void *p, stutter_message *out) {
  line_ep *ep = p;
#ifdef BREAK_STATUS
  (void)out;
  {
    stutter_result odd = {42, 0, 0, NULL, NULL};
    return odd;
  }
#endif
#ifdef BREAK_THREAD
  {
    pthread_t t;
    if (pthread_create(&t, NULL, read_from_thread, ep) == 0) pthread_join(t, NULL);
  }
#endif
  for (;;) {
    uint8_t b;
    stutter_result r = ep->lower->read_some(ep->lower->ctx, &b, 1);
    if (r.status == STUTTER_EOF && ep->len > 0) return stutter_error("unexpected_eof", "the stream ended inside a line");
    if (r.status != STUTTER_OK) return r;
    if (b == '\n') break;
    if (ep->len == ep->cap) {
      size_t cap = ep->cap ? 2 * ep->cap : 64;
      uint8_t *grown = realloc(ep->line, cap);
      if (grown == NULL) return stutter_error("buffer_full", "out of memory");
      ep->line = grown;
      ep->cap = cap;
    }
    ep->line[ep->len++] = b;
  }
  out->data = ep->line;
  out->len = ep->len;
  out->type = STUTTER_BINARY;
  ep->len = 0;
#ifdef BREAK_OVERCLAIM
  return stutter_ok(out->len + 3);
#endif
  return stutter_ok(out->len);
}

static stutter_result close_line(void *p, uint16_t code) {
  line_ep *ep = p;
  (void)code;
  return ep->lower->shutdown_write(ep->lower->ctx);
}

static size_t handover(void *p, const uint8_t **bytes) {
  (void)p;
  *bytes = NULL;
  return 0;
}

#if defined(BREAK_STICKY) || defined(BREAK_ZERO)
static void *tls_create(const stutter_endpoint_config *c, const char **error) { return create(c, error); }
static stutter_result tls_handshake(void *p) {
  (void)p;
  return stutter_ok(0);
}
static stutter_result tls_read(void *p, uint8_t *buf, size_t len) {
  (void)p, (void)buf, (void)len;
#ifdef BREAK_ZERO
  return stutter_ok(0);
#else
  return stutter_error("boom", "this layer's reads always fail");
#endif
}
static stutter_result tls_write(void *p, const stutter_iovec *bufs, size_t count) {
  line_ep *ep = p;
  return ep->lower->write_some(ep->lower->ctx, bufs, count);
}
static stutter_result tls_shutdown(void *p) {
  (void)p;
  return stutter_eof();
}
static const stutter_transform_ops transform_ops = {sizeof(stutter_transform_ops), 0, tls_create, destroy,
                                                    tls_handshake, tls_read, tls_write, tls_shutdown,
                                                    NULL, NULL, NULL};
#define TRANSFORM_OPS &transform_ops
#define ROLES {0, 0, 0, 0, STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER}
#else
#define TRANSFORM_OPS NULL
#define ROLES {STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER, 0, 0, 0, 0}
#endif

static const stutter_phase_ops phase_ops = {
    sizeof(stutter_phase_ops), 0, create, destroy, NULL, send_line, receive, close_line, NULL, handover, NULL, NULL};

static const stutter_plugin descriptor = {STUTTER_PLUGIN_ABI_VERSION,
                                          sizeof(stutter_plugin),
                                          "contract-breaker",
                                          "1",
                                          "breaks the stream contract on purpose",
                                          ROLES,
                                          0,
                                          &phase_ops,
                                          TRANSFORM_OPS};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  return host_abi == STUTTER_PLUGIN_ABI_VERSION ? &descriptor : NULL;
}
