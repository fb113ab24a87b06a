/* imap_proto.c - the IMAP protocol as kith speaks it: response framing and
 * values, BODYSTRUCTURE, command arguments. No I/O: imap.c holds the
 * connection and the capture. */
#include "capture/imap.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define PARSE_DEPTH_MAX 64
#define PARSE_ITEMS_MAX 200000
#define SECTION_DEPTH_MAX 32

/* ---- responses: framing ---- */

static gssize too_big(GError **error, const char *what, gsize limit)
{
  g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "the server sent %s over %zu bytes", what,
              limit);
  return -1;
}

/* When the line BUF[START..END) (END at the '\n') ends in a literal
 * announcement "{N}" or "{N+}", sets *N and returns TRUE. */
static gboolean line_literal(const char *buf, gsize start, gsize end, guint64 *n)
{
  gsize e = end;
  if (e > start && buf[e - 1] == '\r')
    e--;
  if (e <= start || buf[e - 1] != '}')
    return FALSE;
  gsize p = e - 1;
  if (p > start && buf[p - 1] == '+')
    p--;
  gsize digits_end = p;
  while (p > start && g_ascii_isdigit(buf[p - 1]))
    p--;
  if (p == digits_end || p == start || buf[p - 1] != '{' || digits_end - p > 12)
    return FALSE;
  guint64 v = 0;
  for (gsize i = p; i < digits_end; i++)
    v = v * 10 + (guint64)(buf[i] - '0');
  *n = v;
  return TRUE;
}

gssize kith_imap_response_length(const char *buf, gsize len, GError **error)
{
  gsize i = 0;
  for (;;) {
    const char *nl = i < len ? memchr(buf + i, '\n', len - i) : NULL;
    if (!nl) {
      if (len - i > KITH_IMAP_LINE_MAX)
        return too_big(error, "a line", KITH_IMAP_LINE_MAX);
      if (len > KITH_IMAP_RESPONSE_MAX)
        return too_big(error, "a response", KITH_IMAP_RESPONSE_MAX);
      return 0;
    }
    gsize end = (gsize)(nl - buf);
    if (end - i > KITH_IMAP_LINE_MAX)
      return too_big(error, "a line", KITH_IMAP_LINE_MAX);
    guint64 n;
    if (!line_literal(buf, i, end, &n))
      return (gssize)(end + 1);
    if (n > KITH_IMAP_LITERAL_MAX)
      return too_big(error, "a literal", KITH_IMAP_LITERAL_MAX);
    if (end + 1 + n > KITH_IMAP_RESPONSE_MAX)
      return too_big(error, "a response", KITH_IMAP_RESPONSE_MAX);
    if (len < end + 1 + n)
      return 0;
    i = end + 1 + (gsize)n;
  }
}

/* ---- responses: values ---- */

void kith_imap_value_free(kith_imap_value *v)
{
  if (!v)
    return;
  if (v->items)
    g_ptr_array_unref(v->items);
  g_free(v);
}

typedef struct {
  char *p, *end;
  guint items;
  GError **error;
} parser;

static gboolean parse_fail(parser *ps, const char *why)
{
  g_set_error(ps->error, KITH_ERROR, KITH_ERROR_PARSE, "unreadable IMAP response: %s", why);
  return FALSE;
}

static kith_imap_value *value_new(kith_imap_kind kind, const char *data, gsize len)
{
  kith_imap_value *v = g_new0(kith_imap_value, 1);
  v->kind = kind;
  v->data = data;
  v->len = len;
  if (kind == KITH_IMAP_LIST)
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)kith_imap_value_free);
  return v;
}

static gboolean is_atom_end(char c)
{
  return c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n' || c == '"' || c == '{';
}

/* Values until END_CHAR (')') or the end of the response, into LIST. */
static gboolean parse_values(parser *ps, kith_imap_value *list, char end_char, guint depth);

static kith_imap_value *parse_value(parser *ps, guint depth)
{
  if (++ps->items > PARSE_ITEMS_MAX)
    return parse_fail(ps, "too many values"), NULL;
  char c = *ps->p;
  if (c == '(') {
    if (depth >= PARSE_DEPTH_MAX)
      return parse_fail(ps, "lists nested too deep"), NULL;
    ps->p++;
    kith_imap_value *v = value_new(KITH_IMAP_LIST, NULL, 0);
    if (!parse_values(ps, v, ')', depth + 1)) {
      kith_imap_value_free(v);
      return NULL;
    }
    return v;
  }
  if (c == '"') {
    /* Unescaped in place: the result is never longer than the source. */
    char *start = ++ps->p, *out = start;
    while (ps->p < ps->end && *ps->p != '"') {
      if (*ps->p == '\\' && ps->p + 1 < ps->end)
        ps->p++;
      if (*ps->p == '\r' || *ps->p == '\n')
        return parse_fail(ps, "a line break inside a quoted string"), NULL;
      *out++ = *ps->p++;
    }
    if (ps->p >= ps->end)
      return parse_fail(ps, "an unterminated quoted string"), NULL;
    ps->p++;
    return value_new(KITH_IMAP_STRING, start, (gsize)(out - start));
  }
  if (c == '{' || (c == '~' && ps->p + 1 < ps->end && ps->p[1] == '{')) {
    if (c == '~')
      ps->p++; /* literal8 (RFC 3516) */
    char *q = ps->p + 1;
    guint64 n = 0;
    guint digits = 0;
    while (q < ps->end && g_ascii_isdigit(*q) && digits < 12) {
      n = n * 10 + (guint64)(*q++ - '0');
      digits++;
    }
    if (q < ps->end && *q == '+')
      q++;
    if (!digits || q + 1 >= ps->end || q[0] != '}')
      return parse_fail(ps, "a broken literal"), NULL;
    q++;
    if (*q == '\r')
      q++;
    if (q >= ps->end || *q != '\n')
      return parse_fail(ps, "a literal not followed by a line break"), NULL;
    q++;
    if (n > (guint64)(ps->end - q))
      return parse_fail(ps, "a literal longer than the response"), NULL;
    ps->p = q + n;
    return value_new(KITH_IMAP_STRING, q, (gsize)n);
  }
  /* An atom; "[...]" may hold spaces and parentheses (BODY[HEADER.FIELDS (A B)]). */
  char *start = ps->p;
  guint brackets = 0;
  while (ps->p < ps->end) {
    char ch = *ps->p;
    if (ch == '\r' || ch == '\n')
      break;
    if (ch == '[')
      brackets++;
    else if (ch == ']' && brackets)
      brackets--;
    else if (!brackets && is_atom_end(ch))
      break;
    ps->p++;
  }
  if (ps->p == start)
    return parse_fail(ps, "an empty value"), NULL;
  gsize len = (gsize)(ps->p - start);
  if (len == 3 && g_ascii_strncasecmp(start, "NIL", 3) == 0)
    return value_new(KITH_IMAP_NIL, start, len);
  return value_new(KITH_IMAP_ATOM, start, len);
}

static gboolean parse_values(parser *ps, kith_imap_value *list, char end_char, guint depth)
{
  for (;;) {
    while (ps->p < ps->end && *ps->p == ' ')
      ps->p++;
    if (ps->p >= ps->end || *ps->p == '\r' || *ps->p == '\n') {
      if (end_char)
        return parse_fail(ps, "an unclosed list");
      return TRUE;
    }
    if (*ps->p == ')') {
      if (!end_char)
        return parse_fail(ps, "an unmatched ')'");
      ps->p++;
      return TRUE;
    }
    kith_imap_value *v = parse_value(ps, depth);
    if (!v)
      return FALSE;
    g_ptr_array_add(list->items, v);
  }
}

kith_imap_value *kith_imap_parse(char *data, gsize len, GError **error)
{
  parser ps = {data, data + len, 0, error};
  kith_imap_value *root = value_new(KITH_IMAP_LIST, NULL, 0);
  if (!parse_values(&ps, root, 0, 0)) {
    kith_imap_value_free(root);
    return NULL;
  }
  return root;
}

gboolean kith_imap_value_is(const kith_imap_value *v, const char *s)
{
  if (!v || (v->kind != KITH_IMAP_ATOM && v->kind != KITH_IMAP_STRING))
    return FALSE;
  gsize n = strlen(s);
  return v->len == n && g_ascii_strncasecmp(v->data, s, n) == 0;
}

const kith_imap_value *kith_imap_item(const kith_imap_value *v, guint i)
{
  if (!v || v->kind != KITH_IMAP_LIST || i >= v->items->len)
    return NULL;
  return g_ptr_array_index(v->items, i);
}

gboolean kith_imap_value_number(const kith_imap_value *v, guint64 *out)
{
  if (!v || v->kind != KITH_IMAP_ATOM || v->len == 0 || v->len > 19)
    return FALSE;
  guint64 n = 0;
  for (gsize i = 0; i < v->len; i++) {
    if (!g_ascii_isdigit(v->data[i]))
      return FALSE;
    n = n * 10 + (guint64)(v->data[i] - '0');
  }
  *out = n;
  return TRUE;
}

/* ---- BODYSTRUCTURE ---- */

gboolean kith_imap_value_is_list(const kith_imap_value *v)
{
  return v && v->kind == KITH_IMAP_LIST;
}

/* A non-multipart body: is it text/SUBTYPE and not an attachment? */
static gboolean wanted_leaf(const kith_imap_value *part, const char *subtype)
{
  if (!kith_imap_value_is(kith_imap_item(part, 0), "TEXT") ||
      !kith_imap_value_is(kith_imap_item(part, 1), subtype))
    return FALSE;
  /* body-type-text: type subtype params id desc enc octets lines, then the
   * extension data md5 (8) and disposition (9). */
  const kith_imap_value *dsp = kith_imap_item(part, 9);
  return !(kith_imap_value_is_list(dsp) &&
           kith_imap_value_is(kith_imap_item(dsp, 0), "ATTACHMENT"));
}

/* Depth first, as GMime walks it; message/rfc822 parts are leaves. */
static gboolean find_section(const kith_imap_value *part, const char *subtype, GString *section,
                             guint depth)
{
  if (!kith_imap_value_is_list(part) || depth > SECTION_DEPTH_MAX)
    return FALSE;
  if (!kith_imap_value_is_list(kith_imap_item(part, 0)))
    return wanted_leaf(part, subtype);
  gsize keep = section->len;
  for (guint i = 0; i < part->items->len && kith_imap_value_is_list(kith_imap_item(part, i)); i++) {
    g_string_truncate(section, keep);
    g_string_append_printf(section, "%s%u", keep ? "." : "", i + 1);
    if (find_section(kith_imap_item(part, i), subtype, section, depth + 1))
      return TRUE;
  }
  g_string_truncate(section, keep);
  return FALSE;
}

static char *multipart_boundary(const kith_imap_value *bs)
{
  guint i = 0;
  while (kith_imap_value_is_list(kith_imap_item(bs, i)))
    i++;
  /* i: the subtype; i + 1: the parameters ("BOUNDARY" "xyz" ...) */
  const kith_imap_value *params = kith_imap_item(bs, i + 1);
  for (guint k = 0; kith_imap_value_is_list(params) && k + 1 < params->items->len; k += 2) {
    const kith_imap_value *name = kith_imap_item(params, k), *val = kith_imap_item(params, k + 1);
    if (kith_imap_value_is(name, "BOUNDARY") && val->kind == KITH_IMAP_STRING && val->len &&
        val->len <= 200 && !memchr(val->data, '\r', val->len) && !memchr(val->data, '\n', val->len))
      return g_strndup(val->data, val->len);
  }
  return NULL;
}

char *kith_imap_text_section(const kith_imap_value *bs, char **boundary)
{
  if (boundary)
    *boundary = NULL;
  if (!kith_imap_value_is_list(bs))
    return NULL;
  if (!kith_imap_value_is_list(kith_imap_item(bs, 0))) /* one part */
    return wanted_leaf(bs, "PLAIN") || wanted_leaf(bs, "HTML") ? g_strdup("TEXT") : NULL;
  g_autoptr(GString) section = g_string_new(NULL);
  if (!find_section(bs, "PLAIN", section, 0) && !find_section(bs, "HTML", section, 0))
    return NULL;
  if (boundary)
    *boundary = multipart_boundary(bs);
  return g_strdup(section->str);
}

/* ---- command arguments ---- */

static void append_mutf7_run(GString *out, const gunichar2 *u, glong n)
{
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
  g_string_append_c(out, '&');
  guint32 bits = 0;
  int nbits = 0;
  for (glong i = 0; i < n; i++) {
    bits = (bits << 16) | u[i];
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      g_string_append_c(out, b64[(bits >> nbits) & 0x3f]);
    }
  }
  if (nbits > 0)
    g_string_append_c(out, b64[(bits << (6 - nbits)) & 0x3f]);
  g_string_append_c(out, '-');
}

char *kith_imap_mailbox_arg(const char *folder)
{
  GString *enc = g_string_new(NULL);
  const char *p = folder;
  while (*p) {
    guchar c = (guchar)*p;
    if (c >= 0x20 && c < 0x7f) {
      if (c == '&')
        g_string_append(enc, "&-");
      else
        g_string_append_c(enc, (char)c);
      p++;
      continue;
    }
    /* a run of characters outside printable ASCII, as UTF-16 in modified base64 */
    const char *start = p;
    while (*p && !((guchar)*p >= 0x20 && (guchar)*p < 0x7f))
      p++;
    glong n = 0;
    g_autofree gunichar2 *u = g_utf8_to_utf16(start, p - start, NULL, &n, NULL);
    if (u)
      append_mutf7_run(enc, u, n);
  }
  GString *q = g_string_new("\"");
  for (gsize i = 0; i < enc->len; i++) {
    if (enc->str[i] == '"' || enc->str[i] == '\\')
      g_string_append_c(q, '\\');
    g_string_append_c(q, enc->str[i]);
  }
  g_string_append_c(q, '"');
  g_string_free(enc, TRUE);
  return g_string_free(q, FALSE);
}

char *kith_imap_uid_set(const guint32 *uids, guint n)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n;) {
    guint j = i;
    while (j + 1 < n && uids[j + 1] == uids[j] + 1)
      j++;
    if (s->len)
      g_string_append_c(s, ',');
    if (j > i)
      g_string_append_printf(s, "%u:%u", uids[i], uids[j]);
    else
      g_string_append_printf(s, "%u", uids[i]);
    i = j + 1;
  }
  return g_string_free(s, FALSE);
}

char *kith_imap_search_date(gint64 t)
{
  g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(t);
  if (!d)
    return g_strdup("1-Jan-1970");
  return g_strdup_printf("%d-%s-%d", g_date_time_get_day_of_month(d),
                         kith_time_month_abbr(g_date_time_get_month(d)), g_date_time_get_year(d));
}

gboolean kith_imap_body_section(const kith_imap_value *name, char *out, gsize size)
{
  if (!name || name->kind != KITH_IMAP_ATOM || name->len < 6 ||
      g_ascii_strncasecmp(name->data, "BODY[", 5) != 0)
    return FALSE;
  const char *close = memchr(name->data, ']', name->len);
  if (!close)
    return FALSE;
  gsize n = (gsize)(close - (name->data + 5));
  if (n + 1 > size)
    return FALSE;
  memcpy(out, name->data + 5, n);
  out[n] = '\0';
  return TRUE;
}
