/*
 * cframe: line and length framing as a Stutter plug-in, in plain C99.
 *
 * The example to copy when writing a plug-in: it uses nothing but stutter/plugin.h.
 *
 *   line    records end with a separator of 1..8 bytes ("\n", "\r\n", ...)
 *   length  records start with their length, u32 big-endian or an unsigned LEB128 varint
 *
 * Both layers share one input buffer (bounded by buffer_capacity, filled read_block bytes
 * at a time) and one resumable gather writer (header + payload + trailer, the payload
 * never copied). Build with -DCFRAME_LOSE_HANDOVER for the broken variant that drops the
 * bytes it read past the last record at a phase switch.
 */
#include <stdlib.h>
#include <string.h>

#include "stutter/plugin.h"

typedef struct cframe {
  int layer; /* STUTTER_LAYER_LINE or STUTTER_LAYER_LENGTH */
  const stutter_lower *lower;

  /* settings */
  uint8_t sep[8];
  size_t sep_len, max_line, max_record, capacity, block;
  int strict, varint;

  /* input buffer: buf[begin, end) is read and not yet consumed */
  uint8_t *buf;
  size_t size, begin, end;
  size_t viewed;  /* the line last handed out still sits in buf: consumed on the next call */
  size_t scanned; /* bytes of buf[begin..) already searched for the separator */
  int eof;

  /* length records are copied out of buf into rec: a record may exceed buffer_capacity */
  uint8_t *rec;
  size_t rec_size, rec_len, rec_got;
  int have_len;

  /* the record being sent: resumed after a short write or a waiting result */
  int sending;
  const uint8_t *payload;
  size_t payload_len, sent;
  uint8_t head[10], tail[8];
  size_t head_len, tail_len;

  /* errors are sticky; a lower error's name is copied (the host may reuse its memory) */
  const char *error;
  char error_name[65];
} cframe;

static stutter_result fail(cframe *c, const char *name) {
  if (c->error == NULL) c->error = name;
  return stutter_error(c->error, NULL);
}

/* A lower-stream result: errors become this endpoint's sticky error, under their own name. */
static stutter_result from_lower(cframe *c, stutter_result r) {
  if (r.status == STUTTER_ERROR && c->error == NULL) {
    const char *name = r.error != NULL ? r.error : "lower_error";
    strncpy(c->error_name, name, sizeof c->error_name - 1);
    c->error = c->error_name;
  }
  return r.status == STUTTER_ERROR ? stutter_error(c->error, NULL) : r;
}

/* ---- input ----------------------------------------------------------------------------- */

static void consume(cframe *c, size_t n) {
  c->begin += n;
  if (c->begin == c->end) c->begin = c->end = 0;
}

/* Grows buf to at least `bytes` (never past the capacity) and moves held bytes to the front. */
static int reserve(cframe *c, size_t bytes) {
  uint8_t *bigger;
  if (bytes <= c->size) return 1;
  bigger = (uint8_t *)malloc(bytes);
  if (bigger == NULL) return 0;
  if (c->end > c->begin) memcpy(bigger, c->buf + c->begin, c->end - c->begin);
  free(c->buf);
  c->end -= c->begin;
  c->begin = 0;
  c->buf = bigger;
  c->size = bytes;
  return 1;
}

/* One read of the lower stream, appending at most `max` bytes to the buffer. */
static stutter_result read_lower(cframe *c, size_t max) {
  size_t held = c->end - c->begin, room = c->capacity > held ? c->capacity - held : 0;
  stutter_result r;
  if (c->eof) return stutter_eof();
  if (max > room) max = room;
  if (max == 0) return fail(c, "buffer_full");
  if (c->size < c->end + max) {
    if (c->begin > 0) { /* compact only when the tail lacks room */
      memmove(c->buf, c->buf + c->begin, held);
      c->begin = 0;
      c->end = held;
    }
    if (c->size < c->end + max) {
      /* grow geometrically, but the allocation never exceeds buffer_capacity */
      size_t want = 2 * c->size > c->end + max ? 2 * c->size : c->end + max;
      if (!reserve(c, want < c->capacity ? want : c->capacity)) return fail(c, "out_of_memory");
    }
  }
  r = c->lower->read_some(c->lower->ctx, c->buf + c->end, max);
  if (r.status == STUTTER_OK) c->end += r.n;
  if (r.status == STUTTER_EOF) c->eof = 1;
  return from_lower(c, r);
}

/* Makes at least `want` bytes available in the buffer; strict mode asks for no more. */
static stutter_result fill(cframe *c, size_t want) {
  if (want > c->capacity) return fail(c, "buffer_full");
  while (c->end - c->begin < want) {
    size_t missing = want - (c->end - c->begin);
    stutter_result r = read_lower(c, c->strict || missing > c->block ? missing : c->block);
    if (r.status != STUTTER_OK) return r;
  }
  return stutter_ok(c->end - c->begin);
}

/* ---- line ------------------------------------------------------------------------------ */

static int sep_at(const cframe *c, const uint8_t *p) { return memcmp(p, c->sep, c->sep_len) == 0; }

static stutter_result receive_line(cframe *c, stutter_message *out) {
  consume(c, c->viewed);
  c->viewed = 0;
  for (;;) {
    const uint8_t *held = c->buf + c->begin;
    size_t n = c->end - c->begin, i, ask;
    stutter_result r;
    /* back up so a separator split across two reads is still found */
    i = c->scanned >= c->sep_len ? c->scanned - (c->sep_len - 1) : 0;
    for (; i + c->sep_len <= n; ++i) {
      const uint8_t *hit = (const uint8_t *)memchr(held + i, c->sep[0], n - i - (c->sep_len - 1));
      if (hit == NULL) break;
      i = (size_t)(hit - held);
      if (!sep_at(c, hit)) continue;
      if (i > c->max_line) return fail(c, "line_too_long");
      out->data = held;
      out->len = i;
      out->type = STUTTER_BINARY;
      c->viewed = i + c->sep_len;
      c->scanned = 0;
      return stutter_ok(i);
    }
    c->scanned = n; /* a long line arriving in pieces is searched once, not once a piece */
    /* more than max_line bytes without a separator (whose first bytes may be arriving) */
    if (n > c->max_line + c->sep_len - 1) return fail(c, "line_too_long");
    ask = c->strict ? 1 : c->block; /* strict: one byte at a time, never past the separator */
    r = read_lower(c, ask);
    if (r.status == STUTTER_EOF) return c->end == c->begin ? r : fail(c, "unexpected_eof");
    if (r.status != STUTTER_OK) return r;
  }
}

/* payload + separator must decode as payload: no separator starts before payload's end. */
static int decodes_as_itself(const cframe *c, const uint8_t *p, size_t len) {
  size_t i, k;
  for (i = 0; i < len; ++i) {
    if (p[i] != c->sep[0]) continue;
    for (k = 0; k < c->sep_len && (i + k < len ? p[i + k] : c->sep[i + k - len]) == c->sep[k]; ++k) {
    }
    if (k == c->sep_len) return 0;
  }
  return 1;
}

/* ---- length ---------------------------------------------------------------------------- */

/* Reads the length prefix; a varint one byte more at a time, so strict mode never over-reads. */
static stutter_result read_prefix(cframe *c) {
  size_t want = c->varint ? 1 : 4;
  uint64_t len = 0;
  for (;;) {
    const uint8_t *b;
    size_t n, i;
    uint64_t value = 0;
    stutter_result r = fill(c, want);
    if (r.status == STUTTER_EOF) return c->end == c->begin ? r : fail(c, "unexpected_eof");
    if (r.status != STUTTER_OK) return r;
    b = c->buf + c->begin;
    n = c->end - c->begin;
    if (!c->varint) {
      len = ((uint64_t)b[0] << 24) | ((uint64_t)b[1] << 16) | ((uint64_t)b[2] << 8) | b[3];
      consume(c, 4);
      break;
    }
    for (i = 0; i < n && i < 10; ++i) {
      if (i == 9 && (b[i] & 0x7f) > 1) return fail(c, "varint_malformed"); /* beyond 64 bits */
      value |= (uint64_t)(b[i] & 0x7f) << (7 * i);
      if ((b[i] & 0x80) == 0) break;
    }
    if (i == 10) return fail(c, "varint_malformed");
    if (i < n) { /* b[i] ended it */
      len = value;
      consume(c, i + 1);
      break;
    }
    want = n + 1;
  }
  if (len > c->max_record) return fail(c, "record_too_large");
  c->rec_len = (size_t)len;
  if (c->rec_len > c->rec_size) {
    free(c->rec);
    c->rec = (uint8_t *)malloc(c->rec_len);
    if (c->rec == NULL) return fail(c, "out_of_memory");
    c->rec_size = c->rec_len;
  }
  c->rec_got = 0;
  c->have_len = 1;
  return stutter_ok(0);
}

static stutter_result receive_record(cframe *c, stutter_message *out) {
  if (!c->have_len) {
    stutter_result r = read_prefix(c);
    if (r.status != STUTTER_OK) return r;
  }
  while (c->rec_got < c->rec_len) {
    size_t missing = c->rec_len - c->rec_got, n = c->end - c->begin;
    stutter_result r;
    if (n > 0) { /* what is buffered first */
      if (n > missing) n = missing;
      memcpy(c->rec + c->rec_got, c->buf + c->begin, n);
      consume(c, n);
      c->rec_got += n;
      continue;
    }
    if (c->strict || missing >= c->block) {
      /* straight into the record: exactly what it lacks, so nothing is over-read */
      if (c->eof) return fail(c, "unexpected_eof");
      r = c->lower->read_some(c->lower->ctx, c->rec + c->rec_got, missing);
      if (r.status == STUTTER_OK) c->rec_got += r.n;
      if (r.status == STUTTER_EOF) c->eof = 1;
      r = from_lower(c, r);
    } else {
      r = read_lower(c, c->block);
    }
    if (r.status == STUTTER_EOF) return fail(c, "unexpected_eof");
    if (r.status != STUTTER_OK) return r;
  }
  c->have_len = 0;
  out->data = c->rec;
  out->len = c->rec_len;
  out->type = STUTTER_BINARY;
  return stutter_ok(c->rec_len);
}

/* ---- the phase operations -------------------------------------------------------------- */

static void *cf_create(const stutter_endpoint_config *config, const char **error) {
  cframe *c;
  size_t len = 0;
  const char *s;
  if (config->layer != STUTTER_LAYER_LINE && config->layer != STUTTER_LAYER_LENGTH) {
    *error = "cframe implements only the line and length layers";
    return NULL;
  }
  c = (cframe *)calloc(1, sizeof *c);
  if (c == NULL) {
    *error = "out of memory";
    return NULL;
  }
  c->layer = config->layer;
  c->lower = config->lower;
  s = stutter_setting_string(config, "separator", &len);
  if (s == NULL || len == 0 || len > sizeof c->sep) s = "\n", len = 1;
  memcpy(c->sep, s, len);
  c->sep_len = len;
  s = stutter_setting_string(config, "length_prefix", &len);
  c->varint = s != NULL && len == 6 && memcmp(s, "varint", 6) == 0;
  c->max_line = (size_t)stutter_setting_u64(config, "max_line", 8192);
  c->max_record = (size_t)stutter_setting_u64(config, "max_record", 1048576);
  c->capacity = (size_t)stutter_setting_u64(config, "buffer_capacity", 65536);
  c->block = (size_t)stutter_setting_u64(config, "read_block", 16384);
  c->strict = stutter_setting_u64(config, "strict", 0) != 0;
  /* The previous phase's over-read bytes are this phase's first input. They may exceed
   * buffer_capacity; they drain before anything more is read. */
  if (config->prefix_len > 0) {
    if (!reserve(c, config->prefix_len)) {
      free(c);
      *error = "out of memory";
      return NULL;
    }
    memcpy(c->buf, config->prefix, config->prefix_len);
    c->end = config->prefix_len;
  }
  return c;
}

static void cf_destroy(void *ep) {
  cframe *c = (cframe *)ep;
  free(c->buf);
  free(c->rec);
  free(c);
}

static stutter_result cf_send(void *ep, const uint8_t *data, size_t len, int32_t type) {
  cframe *c = (cframe *)ep;
  (void)type;
  if (c->error != NULL) return stutter_error(c->error, NULL);
  if (!c->sending) { /* a new record: check it and build its header or trailer */
    c->head_len = c->tail_len = 0;
    if (c->layer == STUTTER_LAYER_LINE) {
      if (len > c->max_line) return fail(c, "line_too_long");
      if (!decodes_as_itself(c, data, len)) return fail(c, "separator_in_payload");
      memcpy(c->tail, c->sep, c->sep_len);
      c->tail_len = c->sep_len;
    } else if (len > c->max_record) {
      return fail(c, "record_too_large");
    } else if (c->varint) {
      uint64_t v = len;
      do {
        c->head[c->head_len++] = (uint8_t)((v & 0x7f) | (v >> 7 != 0 ? 0x80 : 0));
        v >>= 7;
      } while (v != 0);
    } else {
      c->head[0] = (uint8_t)(len >> 24), c->head[1] = (uint8_t)(len >> 16);
      c->head[2] = (uint8_t)(len >> 8), c->head[3] = (uint8_t)len;
      c->head_len = 4;
    }
    c->sending = 1;
    c->payload = data;
    c->payload_len = len;
    c->sent = 0;
  } else if (data != c->payload || len != c->payload_len) {
    return fail(c, "retry_mismatch"); /* a retry must offer the same record */
  }
  for (;;) {
    /* the unsent rest of head, payload and tail, in one gather write */
    stutter_iovec v[3];
    size_t count = 0, skip = c->sent;
    const uint8_t *part[3];
    size_t part_len[3], i;
    stutter_result r;
    part[0] = c->head, part_len[0] = c->head_len;
    part[1] = data, part_len[1] = len;
    part[2] = c->tail, part_len[2] = c->tail_len;
    for (i = 0; i < 3; ++i) {
      if (skip >= part_len[i]) {
        skip -= part_len[i];
        continue;
      }
      v[count].data = part[i] + skip;
      v[count++].len = part_len[i] - skip;
      skip = 0;
    }
    if (count == 0) break;
    r = c->lower->write_some(c->lower->ctx, v, count);
    if (r.status != STUTTER_OK) return from_lower(c, r); /* waiting: same call again later */
    c->sent += r.n;
  }
  c->sending = 0;
  return stutter_ok(len);
}

static stutter_result cf_receive(void *ep, stutter_message *out) {
  cframe *c = (cframe *)ep;
  if (c->error != NULL) return stutter_error(c->error, NULL);
  return c->layer == STUTTER_LAYER_LINE ? receive_line(c, out) : receive_record(c, out);
}

static stutter_result cf_close(void *ep, uint16_t code) {
  cframe *c = (cframe *)ep;
  (void)code;
  if (c->error != NULL) return stutter_error(c->error, NULL);
  return from_lower(c, c->lower->shutdown_write(c->lower->ctx));
}

static size_t cf_handover(void *ep, const uint8_t **bytes) {
  cframe *c = (cframe *)ep;
  consume(c, c->viewed); /* the line last received is not part of the next phase */
  c->viewed = 0;
  *bytes = c->buf + c->begin;
#ifdef CFRAME_LOSE_HANDOVER
  return 0; /* the bug the broken variant demonstrates: over-read bytes vanish */
#else
  return c->end - c->begin;
#endif
}

static size_t cf_buffered(void *ep) { return ((cframe *)ep)->size; }

static const stutter_phase_ops cframe_ops = {
    sizeof(stutter_phase_ops), 0, cf_create, cf_destroy, NULL, cf_send, cf_receive, cf_close, NULL,
    cf_handover, cf_buffered, NULL};

static const stutter_plugin cframe_plugin = {
    STUTTER_PLUGIN_ABI_VERSION,
    sizeof(stutter_plugin),
#ifdef CFRAME_LOSE_HANDOVER
    "cframe-broken",
#else
    "cframe",
#endif
    "1.0",
    "line and length framing in plain C99 (the example plug-in)",
    {STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER, STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER, 0, 0, 0},
    0,
    &cframe_ops,
    NULL};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  return host_abi == STUTTER_PLUGIN_ABI_VERSION ? &cframe_plugin : NULL;
}
