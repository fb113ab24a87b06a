/* fuzz_imap.c - fuzz target: bytes as an IMAP server sends them, framed, parsed and read
 * as imap.c reads FETCH replies (BODYSTRUCTURE, header and text sections).
 *
 * imap.c's reply handlers are static; this target runs the same steps on
 * the public pieces of imap_proto.c and imap.c they are made of. GMime's
 * reading of the assembled message is fuzz_mime's part. */
#include "capture/imap.h"
#include "small_stack.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every byte handed back is read once, so that a bad pointer shows here. */
static volatile size_t seen;

/* Responses read from one input at most: the framing must move on or stop. */
#define RESPONSES_MAX 4096

/* Every atom and string of V points inside [START, END); lists hold values. */
static void check_value(const kith_imap_value *v, const char *start, const char *end)
{
  if (!v)
    __builtin_trap();
  if (v->kind == KITH_IMAP_LIST) {
    for (guint i = 0; i < v->items->len; i++)
      check_value(g_ptr_array_index(v->items, i), start, end);
    return;
  }
  if (v->data < start || v->len > (gsize)(end - v->data))
    __builtin_trap();
  for (gsize i = 0; i < v->len; i++)
    seen += (guchar)v->data[i];
}

static GBytes *string_bytes(const kith_imap_value *v)
{
  if (!v || v->kind != KITH_IMAP_STRING)
    return NULL;
  return g_bytes_new(v->data, v->len);
}

/* What the FETCH replies of one message said so far (imap.c's message):
 * the header and the structure come in one reply, the text in another. */
typedef struct {
  char *section, *boundary;
  GBytes *header, *mime, *body;
} message;

static void message_clear(message *m)
{
  g_clear_pointer(&m->section, g_free);
  g_clear_pointer(&m->boundary, g_free);
  g_clear_pointer(&m->header, g_bytes_unref);
  g_clear_pointer(&m->mime, g_bytes_unref);
  g_clear_pointer(&m->body, g_bytes_unref);
}

/* imap.c on_fetch() for one "* N FETCH (...)" response, then deliver()'s
 * assembly of what M holds. */
static void read_fetch(const kith_imap_value *resp, message *m, GArray *uids)
{
  const kith_imap_value *attrs = kith_imap_item(resp, 3);
  if (!kith_imap_value_is(kith_imap_item(resp, 2), "FETCH") || !kith_imap_value_is_list(attrs))
    return;
  for (guint i = 0; i + 1 < attrs->items->len; i += 2) {
    const kith_imap_value *name = kith_imap_item(attrs, i), *val = kith_imap_item(attrs, i + 1);
    guint64 uid;
    char sec[64];
    if (kith_imap_value_is(name, "UID") && kith_imap_value_number(val, &uid)) {
      guint32 u = (guint32)uid;
      g_array_append_val(uids, u);
    } else if (kith_imap_value_is(name, "BODYSTRUCTURE")) {
      g_free(m->section);
      g_free(m->boundary);
      m->section = kith_imap_text_section(val, &m->boundary);
      /* What is asked for next as BODY.PEEK[SECTION] must be one token. */
      if (m->section && (strchr(m->section, ' ') || strchr(m->section, ']')))
        __builtin_trap();
      if (m->boundary && (strchr(m->boundary, '\r') || strchr(m->boundary, '\n')))
        __builtin_trap();
    } else if (kith_imap_body_section(name, sec, sizeof sec)) {
      GBytes **slot = strcmp(sec, "HEADER") == 0                   ? &m->header
                      : g_str_has_suffix(sec, ".MIME")             ? &m->mime
                      : m->section && strcmp(sec, m->section) == 0 ? &m->body
                                                                   : NULL;
      if (slot) {
        g_clear_pointer(slot, g_bytes_unref);
        *slot = string_bytes(val);
      }
    }
  }
  if (!m->header)
    return;
  g_autoptr(GByteArray)
      raw = kith_imap_assemble(m->header, m->section, m->boundary, m->mime, m->body);
  if (raw->len < g_bytes_get_size(m->header))
    __builtin_trap();
  seen += raw->len ? raw->data[raw->len - 1] : 0;
}

/* The command arguments kith builds from what a server said. */
static void make_arguments(const kith_imap_value *resp)
{
  /* A mailbox name as a folder of the config: "* LIST () "/" NAME". */
  const kith_imap_value *last = kith_imap_item(resp, resp->items->len - 1);
  if (last && last->kind != KITH_IMAP_LIST) {
    g_autofree char *folder = g_strndup(last->data, last->len);
    g_autofree char *arg = kith_imap_mailbox_arg(folder);
    if (arg[0] != '"' || arg[strlen(arg) - 1] != '"')
      __builtin_trap();
  }
  guint64 n;
  if (kith_imap_value_number(kith_imap_item(resp, 1), &n)) {
    g_autofree char *date = kith_imap_search_date((gint64)(n % (G_GINT64_CONSTANT(1) << 40)));
    seen += strlen(date);
  }
}

static gint compare_uid(gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

static int one_input(const uint8_t *data, size_t size)
{
  g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  message m = {0};
  gsize pos = 0;
  for (guint k = 0; k < RESPONSES_MAX && pos < size; k++) {
    gssize n = kith_imap_response_length((const char *)data + pos, size - pos, NULL);
    if (n <= 0)
      break; /* more bytes needed, or over the limits: the connection ends */
    if ((gsize)n > size - pos)
      __builtin_trap();
    /* An exact-size copy: the parser unescapes quoted strings in place. */
    char *resp_data = g_malloc((gsize)n);
    memcpy(resp_data, data + pos, (gsize)n);
    pos += (gsize)n;
    g_autoptr(kith_imap_value) resp = kith_imap_parse(resp_data, (gsize)n, NULL);
    if (resp) {
      check_value(resp, resp_data, resp_data + n);
      read_fetch(resp, &m, uids);
      make_arguments(resp);
    }
    g_clear_pointer(&resp, kith_imap_value_free);
    g_free(resp_data);
  }
  message_clear(&m);
  if (uids->len) {
    /* imap.c asks for what SEARCH and FETCH found as one sorted UID set. */
    g_array_sort(uids, compare_uid);
    g_autofree char *set = kith_imap_uid_set((const guint32 *)uids->data, uids->len);
    if (!set[0])
      __builtin_trap();
  }
  return 0;
}

/* On a small stack (small_stack.h): deep recursion shows at small sizes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_on_small_stack(one_input, data, size);
}
