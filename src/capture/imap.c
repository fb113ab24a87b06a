/* imap.c - IMAP capture: libcurl logs in (TLS, STARTTLS, SASL), kith speaks IMAP after. */
#include "capture/imap.h"

#include "capture/imap_conn.h"
#include "capture/mime.h"
#include "capture/source.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* libcurl's own IMAP commands cannot return literals of custom FETCHes (it
 * hands back only the first line of each response), and its URL fetches use
 * BODY[] (which sets \Seen) one message at a time. So libcurl does what it
 * does well - connection, TLS, STARTTLS, SASL login - with CURLOPT_CONNECT_ONLY,
 * and kith sends its own commands on the logged-in connection (imap_conn.c). */

/* ---- the message GMime reads ---- */

static void append_bytes(GByteArray *out, GBytes *b)
{
  gsize n = 0;
  const guint8 *d = b ? g_bytes_get_data(b, &n) : NULL;
  if (n)
    g_byte_array_append(out, d, (guint)n);
}

static gboolean ends_with(GByteArray *a, const char *s)
{
  gsize n = strlen(s);
  return a->len >= n && memcmp(a->data + a->len - n, s, n) == 0;
}

/* A header cut by the partial fetch still has to end where a header ends. */
static void end_header(GByteArray *out)
{
  if (out->len == 0 || ends_with(out, "\r\n\r\n") || ends_with(out, "\n\n"))
    return;
  if (!ends_with(out, "\n"))
    g_byte_array_append(out, (const guint8 *)"\r\n", 2);
  g_byte_array_append(out, (const guint8 *)"\r\n", 2);
}

GByteArray *kith_imap_assemble(GBytes *header, const char *section, const char *boundary,
                               GBytes *part_mime, GBytes *body)
{
  GByteArray *out = g_byte_array_new();
  append_bytes(out, header);
  end_header(out);
  if (!section || !body)
    return out;
  if (strcmp(section, "TEXT") == 0) {
    append_bytes(out, body);
    return out;
  }
  if (!boundary)
    return out; /* a multipart without a boundary: nothing GMime could split */
  g_autofree char *open = g_strdup_printf("--%s\r\n", boundary);
  g_autofree char *close = g_strdup_printf("\r\n--%s--\r\n", boundary);
  g_byte_array_append(out, (const guint8 *)open, (guint)strlen(open));
  gsize mark = out->len;
  append_bytes(out, part_mime);
  if (out->len == mark)
    g_byte_array_append(out, (const guint8 *)"\r\n", 2); /* no MIME header: text/plain */
  else
    end_header(out);
  append_bytes(out, body);
  g_byte_array_append(out, (const guint8 *)close, (guint)strlen(close));
  return out;
}

/* ---- one folder ---- */

typedef struct {
  guint32 uid;
  GBytes *header, *mime, *body;
  char *section, *boundary;
  gboolean have_structure;
} message;

static void message_clear(gpointer p)
{
  message *m = p;
  g_clear_pointer(&m->header, g_bytes_unref);
  g_clear_pointer(&m->mime, g_bytes_unref);
  g_clear_pointer(&m->body, g_bytes_unref);
  g_clear_pointer(&m->section, g_free);
  g_clear_pointer(&m->boundary, g_free);
}

typedef struct {
  const kith_source_cursor *cursor;
  const kith_source_config *src;
  const kith_capture_sink *sink;
  kith_capture_stats *stats;
  kith_imap_conn *c;
  gint64 start;     /* start_date as Unix seconds; 0 for everything */
  gboolean stopped; /* the sink said stop */
  GError **error;
  /* the folder being read */
  const char *folder;
  guint64 uidvalidity, uidnext;
  gboolean have_uidvalidity;
  GArray *uids;     /* guint32: what SEARCH found */
  GArray *batch;    /* message: the batch being fetched, UID order */
  GHashTable *slot; /* UID -> index in batch + 1 */
} reader;

/* COMMAND on R's connection; the cursor's owner lets go of the store first. */
static gboolean command(reader *r, const char *cmd, kith_imap_untagged_fn on_untagged,
                        GError **error)
{
  kith_source_flush(r->cursor);
  return kith_imap_conn_command(r->c, cmd, on_untagged, r, error);
}

static void report(reader *r, const char *where, const char *why)
{
  r->stats->errors++;
  r->sink->on_error(where, why, r->sink->user_data);
}

/* "* OK [UIDVALIDITY 123] ...", "* OK [UIDNEXT 9] ...": the number after CODE. */
static gboolean resp_code_number(const char *data, gsize len, const char *code, guint64 *out)
{
  g_autofree char *line = g_strndup(data, MIN(len, 1024));
  g_autofree char *pat = g_strdup_printf("[%s ", code);
  char *p = strstr(line, pat);
  if (!p)
    return FALSE;
  char *end = NULL;
  guint64 v = g_ascii_strtoull(p + strlen(pat), &end, 10);
  if (end == p + strlen(pat) || *end != ']')
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean on_examine(char *data, gsize len, gpointer user_data)
{
  reader *r = user_data;
  guint64 v;
  if (resp_code_number(data, len, "UIDVALIDITY", &v)) {
    r->uidvalidity = v;
    r->have_uidvalidity = TRUE;
  } else if (resp_code_number(data, len, "UIDNEXT", &v)) {
    r->uidnext = v;
  }
  return TRUE;
}

static gboolean on_search(char *data, gsize len, gpointer user_data)
{
  reader *r = user_data;
  if (len < 8 || g_ascii_strncasecmp(data, "* SEARCH", 8) != 0)
    return TRUE;
  const char *p = data + 8, *end = data + len;
  while (p < end) {
    while (p < end && !g_ascii_isdigit(*p))
      p++;
    guint64 v = 0;
    gboolean any = FALSE;
    while (p < end && g_ascii_isdigit(*p)) {
      v = v * 10 + (guint64)(*p++ - '0');
      any = TRUE;
      if (v > G_MAXUINT32)
        return FALSE;
    }
    if (any) {
      guint32 u = (guint32)v;
      g_array_append_val(r->uids, u);
    }
  }
  return TRUE;
}

static GBytes *copy_value(const kith_imap_value *v)
{
  if (!v || v->kind != KITH_IMAP_STRING)
    return NULL;
  return g_bytes_new(v->data, v->len);
}

static gboolean on_fetch(char *data, gsize len, gpointer user_data)
{
  reader *r = user_data;
  GError *local = NULL;
  g_autoptr(kith_imap_value) resp = kith_imap_parse(data, len, &local);
  if (!resp) {
    g_autofree char *where = g_strdup_printf("%s/%s", r->c->where, r->folder);
    report(r, where, local->message);
    g_error_free(local);
    return TRUE; /* one unreadable response; the others may be fine */
  }
  const kith_imap_value *attrs = kith_imap_item(resp, 3);
  if (!kith_imap_value_is(kith_imap_item(resp, 2), "FETCH") || !kith_imap_value_is_list(attrs))
    return TRUE; /* EXISTS, EXPUNGE, FLAGS ...: nothing for kith */
  guint64 uid = 0;
  for (guint i = 0; i + 1 < attrs->items->len; i += 2)
    if (kith_imap_value_is(kith_imap_item(attrs, i), "UID"))
      kith_imap_value_number(kith_imap_item(attrs, i + 1), &uid);
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(r->slot, GUINT_TO_POINTER((guint)uid)));
  if (!idx)
    return TRUE; /* an unsolicited FETCH (flags changed elsewhere) */
  message *m = &g_array_index(r->batch, message, idx - 1);
  for (guint i = 0; i + 1 < attrs->items->len; i += 2) {
    const kith_imap_value *name = kith_imap_item(attrs, i), *val = kith_imap_item(attrs, i + 1);
    char sec[64];
    if (kith_imap_value_is(name, "BODYSTRUCTURE")) {
      g_free(m->section);
      g_free(m->boundary);
      m->section = kith_imap_text_section(val, &m->boundary);
      m->have_structure = TRUE;
    } else if (kith_imap_body_section(name, sec, sizeof sec)) {
      GBytes **slot = strcmp(sec, "HEADER") == 0                   ? &m->header
                      : g_str_has_suffix(sec, ".MIME")             ? &m->mime
                      : m->section && strcmp(sec, m->section) == 0 ? &m->body
                                                                   : NULL;
      if (slot) {
        g_clear_pointer(slot, g_bytes_unref);
        *slot = copy_value(val);
      }
    }
  }
  return TRUE;
}

static gboolean deliver(reader *r, message *m)
{
  g_autofree char *origin = g_strdup_printf("%s/%s;UIDVALIDITY=%" G_GUINT64_FORMAT ";UID=%u",
                                            r->c->where, r->folder, r->uidvalidity, m->uid);
  if (!m->header) {
    report(r, origin, "the server sent no header for this message");
    return TRUE;
  }
  g_autoptr(GByteArray)
      raw = kith_imap_assemble(m->header, m->section, m->boundary, m->mime, m->body);
  r->stats->files++;
  r->stats->bytes += raw->len;
  /* The same bounds and parse as a message of a file: one the reader
   * cannot read is reported, and the cursor still moves past it. */
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = kith_mime_parse_bytes(raw->data, raw->len, origin, NULL, NULL, &why);
  if (!a) {
    report(r, origin, why);
    return TRUE;
  }
  if (r->start && a->time && a->time < r->start)
    return TRUE; /* older than start_date */
  r->stats->activities++;
  if (!r->sink->on_activity(a, r->sink->user_data)) {
    r->stopped = TRUE;
    return FALSE;
  }
  return TRUE;
}

static char *state_key(const char *folder, const char *what)
{
  return g_strdup_printf("imap.%s.%s", folder, what);
}

static gboolean save_state(reader *r, guint64 last_uid)
{
  g_autofree char *kv = state_key(r->folder, "uidvalidity");
  g_autofree char *kl = state_key(r->folder, "last_uid");
  char v[32], l[32];
  g_snprintf(v, sizeof v, "%" G_GUINT64_FORMAT, r->uidvalidity);
  g_snprintf(l, sizeof l, "%" G_GUINT64_FORMAT, last_uid);
  if (r->cursor->set(kv, v, r->cursor->user_data, r->error) &&
      r->cursor->set(kl, l, r->cursor->user_data, r->error))
    return TRUE;
  r->stopped = TRUE;
  return FALSE;
}

/* Fetches the messages UIDS[0..N) (ascending) and delivers them in order. */
static gboolean fetch_batch(reader *r, const guint32 *uids, guint n, GError **error)
{
  g_array_set_size(r->batch, 0);
  g_hash_table_remove_all(r->slot);
  for (guint i = 0; i < n; i++) {
    message m = {.uid = uids[i]};
    g_array_append_val(r->batch, m);
    g_hash_table_insert(r->slot, GUINT_TO_POINTER(uids[i]), GUINT_TO_POINTER(i + 1));
  }
  g_autofree char *set = kith_imap_uid_set(uids, n);
  g_autofree char *cmd = g_strdup_printf("UID FETCH %s (UID BODYSTRUCTURE BODY.PEEK[HEADER]<0.%d>)",
                                         set, KITH_IMAP_HEADER_MAX);
  if (!command(r, cmd, on_fetch, error))
    return FALSE;
  /* The text parts, one FETCH per distinct section (TEXT, 1, 1.1 ...). */
  g_autoptr(GHashTable) by_section = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify)g_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    message *m = &g_array_index(r->batch, message, i);
    if (!m->section)
      continue;
    GArray *list = g_hash_table_lookup(by_section, m->section);
    if (!list) {
      list = g_array_new(FALSE, FALSE, sizeof(guint32));
      g_hash_table_insert(by_section, m->section, list);
      g_ptr_array_add(order, m->section);
    }
    g_array_append_val(list, m->uid);
  }
  for (guint k = 0; k < order->len; k++) {
    const char *sec = g_ptr_array_index(order, k);
    GArray *list = g_hash_table_lookup(by_section, sec);
    g_autofree char *subset = kith_imap_uid_set((const guint32 *)list->data, list->len);
    g_autofree char *body = strcmp(sec, "TEXT") == 0
                                ? g_strdup_printf("UID FETCH %s (UID BODY.PEEK[TEXT]<0.%d>)",
                                                  subset, KITH_IMAP_BODY_MAX)
                                : g_strdup_printf(
                                      "UID FETCH %s (UID BODY.PEEK[%s.MIME] BODY.PEEK[%s]<0.%d>)",
                                      subset, sec, sec, KITH_IMAP_BODY_MAX);
    if (!command(r, body, on_fetch, error))
      return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    message *m = &g_array_index(r->batch, message, i);
    if (!m->header && !m->have_structure)
      continue; /* expunged since the SEARCH */
    if (!deliver(r, m))
      return FALSE;
  }
  return TRUE;
}

static gint compare_uid(gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

/* One folder. FALSE when the connection broke or the sink or store said
 * stop (R->stopped); a folder the server refuses is reported and TRUE. */
static gboolean read_folder(reader *r, const char *folder)
{
  r->folder = folder;
  r->uidvalidity = r->uidnext = 0;
  r->have_uidvalidity = FALSE;
  g_array_set_size(r->uids, 0);
  g_autofree char *where = g_strdup_printf("%s/%s", r->c->where, folder);
  g_autofree char *mbox = kith_imap_mailbox_arg(folder);
  g_autofree char *examine = g_strdup_printf("EXAMINE %s", mbox);
  g_autoptr(GError) local = NULL;
  if (!command(r, examine, on_examine, &local)) {
    report(r, where, local->message);
    return !r->c->broken;
  }
  if (!r->have_uidvalidity) {
    report(r, where, "the server gave no UIDVALIDITY for this folder");
    return TRUE;
  }
  g_autofree char *kv = state_key(folder, "uidvalidity");
  g_autofree char *kl = state_key(folder, "last_uid");
  g_autofree char *prefix = g_strdup_printf("imap.%s.", folder);
  g_autofree char *stored_v = r->cursor->get(kv, r->cursor->user_data);
  g_autofree char *stored_l = r->cursor->get(kl, r->cursor->user_data);
  guint64 last = stored_l ? g_ascii_strtoull(stored_l, NULL, 10) : 0;
  if (stored_v && g_ascii_strtoull(stored_v, NULL, 10) != r->uidvalidity) {
    /* The server renumbered the folder: every UID kith kept means nothing
     * now. Read it all again; Message-IDs make what was read before a
     * duplicate, so nothing is counted twice. */
    if (!r->cursor->clear(prefix, r->cursor->user_data, r->error)) {
      r->stopped = TRUE;
      return FALSE;
    }
    last = 0;
  }
  if (last >= G_MAXUINT32)
    last = G_MAXUINT32 - 1;
  if (r->uidnext && r->uidnext <= last + 1)
    return save_state(r, last); /* nothing new: one EXAMINE was all it took */
  g_autofree char *since = NULL;
  if (r->start) {
    g_autofree char *d = kith_imap_search_date(r->start);
    since = g_strdup_printf(" SINCE %s", d);
  }
  g_autofree char *search = g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":*%s", last + 1,
                                            since ? since : "");
  if (!command(r, search, on_search, &local)) {
    report(r, where, local->message);
    return !r->c->broken;
  }
  g_array_sort(r->uids, compare_uid);
  /* "UID n:*" always matches the last message, even below n: keep the new ones. */
  guint first = 0;
  while (first < r->uids->len && g_array_index(r->uids, guint32, first) <= last)
    first++;
  for (guint i = first; i < r->uids->len; i += KITH_IMAP_BATCH) {
    guint n = MIN(KITH_IMAP_BATCH, r->uids->len - i);
    const guint32 *batch = &g_array_index(r->uids, guint32, i);
    if (!fetch_batch(r, batch, n, &local)) {
      if (r->stopped)
        return FALSE;
      g_autofree char *why = g_strdup_printf("%s; what came before UID %u is kept, the rest is "
                                             "read next time",
                                             local->message, batch[0]);
      report(r, where, why);
      return !r->c->broken;
    }
    /* The state moves only after the sink has every activity it covers. */
    last = batch[n - 1];
    if (!save_state(r, last))
      return FALSE;
  }
  /* Every UID below UIDNEXT was in the SEARCH range: none is left behind. */
  if (r->uidnext && r->uidnext - 1 > last)
    last = r->uidnext - 1;
  return save_state(r, last);
}

gboolean kith_imap_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                           const kith_capture_sink *sink, kith_capture_stats *stats, GError **error)
{
  kith_mime_init();
  g_autoptr(GError) local = NULL;
  g_autofree char *secret = kith_source_secret(src, error);
  if (!secret)
    return FALSE;
  gint64 start = kith_source_start(src);
  kith_source_flush(cursor);
  g_autoptr(kith_imap_conn) c = kith_imap_conn_open(src, secret, &local);
  if (!c) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name, local->message);
    return FALSE;
  }
  reader r = {.cursor = cursor,
              .src = src,
              .sink = sink,
              .stats = stats,
              .c = c,
              .start = start,
              .error = error};
  r.uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  r.batch = g_array_new(FALSE, TRUE, sizeof(message));
  g_array_set_clear_func(r.batch, message_clear);
  r.slot = g_hash_table_new(g_direct_hash, g_direct_equal);
  static const char *const inbox[] = {"INBOX", NULL};
  const char *const *folders = src->folders && src->folders[0] ? (const char *const *)src->folders
                                                               : inbox;
  gboolean ok = TRUE;
  for (const char *const *f = folders; *f && ok; f++)
    ok = read_folder(&r, *f);
  if (!c->broken)
    command(&r, "LOGOUT", NULL, NULL);
  g_array_unref(r.uids);
  g_array_unref(r.batch);
  g_hash_table_unref(r.slot);
  if (r.stopped) {
    if (error && !*error)
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: capture stopped", src->name);
    return FALSE;
  }
  return TRUE;
}
