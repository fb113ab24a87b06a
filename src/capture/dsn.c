/* dsn.c - R45: the recipients a delivery-status notification (RFC 3464) says failed. */
#include "capture/dsn.h"

#include "capture/mime.h"
#include "core/address.h"

#include <string.h>

#define FIELD_MAX 1024 /* bytes kept of a field's value: an address fits in 320 */

/* The fields of a per-recipient block kith reads; the others (Status,
 * Diagnostic-Code, Remote-MTA ...) say why, which R45 does not need. */
enum { F_ACTION, F_FINAL, F_ORIGINAL, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"Action", "Final-Recipient",
                                                  "Original-Recipient"};

typedef struct {
  GString *value[N_FIELDS]; /* NULL: not in this block */
  int current;              /* the field a continuation line belongs to; -1 none kept */
  guint recipients;         /* per-recipient blocks read, failed or not */
  GPtrArray *failed;        /* normalised addresses; NULL until one */
} status_reader;

static void reader_clear_block(status_reader *r)
{
  for (int f = 0; f < N_FIELDS; f++)
    if (r->value[f])
      g_string_free(g_steal_pointer(&r->value[f]), TRUE);
  r->current = -1;
}

static gboolean is_status_subtype(const char *subtype)
{
  return g_ascii_strcasecmp(subtype, "delivery-status") == 0 ||
         g_ascii_strcasecmp(subtype, "global-delivery-status") == 0;
}

/* The address of a Final-Recipient or Original-Recipient value,
 * "address-type; address": only an Internet address (rfc822, or utf-8 in
 * a global notification) is one kith can use. A value with no type is
 * read as an address too: some servers leave it out. */
static char *recipient_address(const char *value)
{
  const char *semi = strchr(value, ';');
  if (semi) {
    g_autofree char *type = g_strstrip(g_strndup(value, (gsize)(semi - value)));
    if (g_ascii_strcasecmp(type, "rfc822") != 0 && g_ascii_strcasecmp(type, "utf-8") != 0)
      return NULL;
    value = semi + 1;
  }
  return kith_address_normalize(value, NULL);
}

/* Whether an Action value is "failed": its first word, in any case (a
 * comment or a parameter may follow). Delayed, delivered, relayed and
 * expanded recipients are no bounce. */
static gboolean action_failed(const char *value)
{
  while (g_ascii_isspace(*value))
    value++;
  gsize n = strcspn(value, " \t;(");
  return n == 6 && g_ascii_strncasecmp(value, "failed", 6) == 0;
}

/* The end of a block: a recipient block (the per-message block has none of
 * these fields) that failed adds its address. */
static void reader_end_block(status_reader *r)
{
  if (!r->value[F_ACTION] && !r->value[F_FINAL] && !r->value[F_ORIGINAL])
    return;
  r->recipients++;
  /* Original-Recipient is the address as the sender gave it, before any
   * forwarding: only a stand-in when the final one is not named. */
  GString *rcpt = r->value[F_FINAL] ? r->value[F_FINAL] : r->value[F_ORIGINAL];
  if (!rcpt || !r->value[F_ACTION] || !action_failed(r->value[F_ACTION]->str)) {
    reader_clear_block(r);
    return;
  }
  g_autofree char *address = recipient_address(rcpt->str);
  if (address) {
    if (!r->failed)
      r->failed = g_ptr_array_new_with_free_func(g_free);
    if (!g_ptr_array_find_with_equal_func(r->failed, address, g_str_equal, NULL))
      g_ptr_array_add(r->failed, g_steal_pointer(&address));
  }
  reader_clear_block(r);
}

/* One line of the status text, without its line end. */
static void reader_line(status_reader *r, const char *line, gsize n)
{
  gboolean blank = TRUE;
  for (gsize i = 0; i < n && blank; i++)
    blank = line[i] == ' ' || line[i] == '\t';
  if (blank) {
    reader_end_block(r);
    return;
  }
  if (line[0] == ' ' || line[0] == '\t') { /* a folded field goes on */
    GString *v = r->current >= 0 ? r->value[r->current] : NULL;
    if (v && v->len + n <= FIELD_MAX)
      g_string_append_len(v, line, (gssize)n);
    return;
  }
  r->current = -1;
  const char *colon = memchr(line, ':', n);
  if (!colon)
    return; /* not a field: passed over */
  gsize name_len = (gsize)(colon - line);
  while (name_len > 0 && (line[name_len - 1] == ' ' || line[name_len - 1] == '\t'))
    name_len--;
  for (int f = 0; f < N_FIELDS; f++) {
    if (strlen(field_names[f]) != name_len ||
        g_ascii_strncasecmp(line, field_names[f], name_len) != 0)
      continue;
    if (r->value[f])
      return; /* a field named twice in one block: the first counts */
    gsize vlen = MIN(n - (gsize)(colon + 1 - line), (gsize)FIELD_MAX);
    r->value[f] = g_string_new_len(colon + 1, (gssize)vlen);
    r->current = f;
    return;
  }
}

/* Reads LEN bytes of TEXT into R, up to the recipient limit. */
static void reader_feed(status_reader *r, const char *text, gsize len)
{
  gsize pos = 0;
  while (pos < len && r->recipients < KITH_DSN_RECIPIENTS_MAX) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    gsize n = nl ? (gsize)(nl - (text + pos)) : len - pos;
    gsize line_len = n > 0 && text[pos + n - 1] == '\r' ? n - 1 : n;
    reader_line(r, text + pos, line_len);
    pos += n + 1;
  }
  if (r->recipients < KITH_DSN_RECIPIENTS_MAX)
    reader_end_block(r); /* the text may end without a blank line */
  reader_clear_block(r);
}

GPtrArray *kith_dsn_parse_status(const char *text, gsize len)
{
  status_reader r = {.current = -1};
  reader_feed(&r, text, len);
  return r.failed;
}

/* Where the last whole block of TEXT ends: just after its last blank line,
 * or 0 when it has none. */
static gsize last_block_end(const char *text, gsize len)
{
  for (gsize i = len; i >= 2; i--) {
    if (text[i - 1] != '\n')
      continue;
    gsize j = i - 1;
    if (j > 0 && text[j - 1] == '\r')
      j--;
    if (j > 0 && text[j - 1] == '\n')
      return i;
  }
  return 0;
}

/* The decoded body of a delivery-status PART, at most KITH_DSN_TEXT_MAX
 * bytes; a longer one is cut back to the end of its last whole block, so
 * that no address is read cut short. NUL bytes become spaces. */
static GString *status_text(GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  GMimeStream *raw = content ? g_mime_data_wrapper_get_stream(content) : NULL;
  if (!raw || g_mime_stream_reset(raw) == -1)
    return NULL;
  g_autoptr(GMimeStream) filtered = g_mime_stream_filter_new(raw);
  GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(content);
  if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      enc == GMIME_CONTENT_ENCODING_UUENCODE) {
    g_autoptr(GMimeFilter) decode = g_mime_filter_basic_new(enc, FALSE);
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), decode);
  }
  GString *out = g_string_sized_new(4096);
  char chunk[4096];
  for (;;) {
    gssize n = g_mime_stream_read(filtered, chunk, sizeof chunk);
    if (n <= 0)
      break;
    /* One byte past the limit tells a text that is longer from one that
     * ends exactly there. */
    g_string_append_len(out, chunk, (gssize)MIN((gsize)n, KITH_DSN_TEXT_MAX + 1 - out->len));
    if (out->len > KITH_DSN_TEXT_MAX)
      break;
  }
  if (out->len > KITH_DSN_TEXT_MAX)
    g_string_truncate(out, last_block_end(out->str, KITH_DSN_TEXT_MAX));
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '\0')
      out->str[i] = ' ';
  return out;
}

gboolean kith_dsn_is_report(GMimeMessage *message)
{
  GMimeObject *root = g_mime_message_get_mime_part(message);
  if (!root || !GMIME_IS_MULTIPART(root))
    return FALSE;
  GMimeContentType *ct = g_mime_object_get_content_type(root);
  return ct && g_mime_content_type_is_type(ct, "multipart", "report");
}

gboolean kith_dsn_read(GMimeMessage *message, GPtrArray **failed)
{
  g_return_val_if_fail(failed != NULL, FALSE);
  *failed = NULL;
  if (!kith_dsn_is_report(message)) /* all mail but reports stops here */
    return FALSE;
  GMimeObject *root = g_mime_message_get_mime_part(message);
  const char *type = g_mime_object_get_content_type_parameter(root, "report-type");
  gboolean dsn = type && is_status_subtype(type);
  /* RFC 6522 puts the report second, but any direct part is read: the
   * report is what it is whatever its place. GMime gives a
   * message/delivery-status part as a leaf part, never as a message. */
  GMimeMultipart *mp = GMIME_MULTIPART(root);
  status_reader r = {.current = -1};
  int n = g_mime_multipart_get_count(mp);
  for (int i = 0; i < n && r.recipients < KITH_DSN_RECIPIENTS_MAX; i++) {
    GMimeObject *part = g_mime_multipart_get_part(mp, i);
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    const char *media = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
    if (!media || !sub || g_ascii_strcasecmp(media, "message") != 0 || !is_status_subtype(sub))
      continue;
    dsn = TRUE;
    if (!GMIME_IS_PART(part))
      continue;
    g_autoptr(GString) text = status_text(GMIME_PART(part));
    if (text)
      reader_feed(&r, text->str, text->len);
  }
  *failed = r.failed;
  return dsn;
}
