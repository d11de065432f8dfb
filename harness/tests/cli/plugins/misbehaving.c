/* A line-framing plug-in ("\n", one byte at a time) that misbehaves in the one way chosen at
 * compile time; isolation_test.sh checks that each becomes a verdict and the run goes on.
 *   MISBEHAVE_SEGV   the first receive writes through a wild pointer (SIGSEGV)
 *   MISBEHAVE_LOOP   send loops forever
 *   MISBEHAVE_ALLOC  the first receive allocates (and touches) memory without bound, and
 *                    dereferences the NULL that malloc finally returns
 *   MISBEHAVE_LEAK   works, but destroy forgets the line buffer (LeakSanitizer's business)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stutter/plugin.h"

typedef struct line_ep {
  const stutter_lower *lower;
  size_t sent; /* bytes of the current record (payload + "\n") already written */
  uint8_t *line;
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
#ifndef MISBEHAVE_LEAK
  free(ep->line);
#endif
  free(ep);
}

static stutter_result send_line(void *p, const uint8_t *data, size_t len, int32_t type) {
  line_ep *ep = p;
  static const uint8_t nl = '\n';
  (void)type;
#ifdef MISBEHAVE_LOOP
  {
    volatile unsigned long spins = 0;
    for (;;) ++spins;
  }
#endif
  while (ep->sent < len + 1) {
    stutter_iovec v[2] = {{data + (ep->sent < len ? ep->sent : len), ep->sent < len ? len - ep->sent : 0}, {&nl, 1}};
    stutter_result r = ep->lower->write_some(ep->lower->ctx, v, 2);
    if (r.status != STUTTER_OK) return r;
    ep->sent += r.n;
  }
  ep->sent = 0;
  return stutter_ok(len);
}

static stutter_result receive(void *p, stutter_message *out) {
  line_ep *ep = p;
#ifdef MISBEHAVE_SEGV
  *(volatile int *)(uintptr_t)16 = 1;
#endif
#ifdef MISBEHAVE_ALLOC
  {
    /* Stops at 64 GiB in case no limit is in force at all. */
    size_t total = 0;
    for (;;) {
      volatile uint8_t *block = malloc((size_t)16 << 20);
      block[0] = 1; /* NULL once the limit is reached: SIGSEGV */
      memset((void *)block, 0x5a, (size_t)16 << 20);
      total += (size_t)16 << 20;
      if (total >= ((size_t)64 << 30)) abort();
    }
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

static const stutter_phase_ops phase_ops = {
    sizeof(stutter_phase_ops), 0, create, destroy, NULL, send_line, receive, close_line, NULL, handover, NULL, NULL};

static const stutter_plugin descriptor = {STUTTER_PLUGIN_ABI_VERSION,
                                          sizeof(stutter_plugin),
                                          "misbehaving",
                                          "1",
                                          "line framing that crashes, loops or exhausts memory on purpose",
                                          {STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER, 0, 0, 0, 0},
                                          0,
                                          &phase_ops,
                                          NULL};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  return host_abi == STUTTER_PLUGIN_ABI_VERSION ? &descriptor : NULL;
}
