/* imap.c - IMAP capture: libcurl logs in (TLS, STARTTLS, SASL), kith speaks IMAP after. */
#include "capture/imap.h"

#include "capture/mime.h"
#include "store/state.h"
#include "sync/jwt.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)

/* libcurl's own IMAP commands cannot return literals of custom FETCHes (it
 * hands back only the first line of each response), and its URL fetches use
 * BODY[] (which sets \Seen) one message at a time. So libcurl does what it
 * does well - connection, TLS, STARTTLS, SASL login - with CURLOPT_CONNECT_ONLY,
 * and kith sends its own commands on the logged-in connection. */

#define IDLE_TIMEOUT_MS 60000 /* no byte from the server for this long: give up */
#define CONNECT_TIMEOUT_S 30
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

static gboolean is_list(const kith_imap_value *v)
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
  return !(is_list(dsp) && kith_imap_value_is(kith_imap_item(dsp, 0), "ATTACHMENT"));
}

/* Depth first, as GMime walks it; message/rfc822 parts are leaves. */
static gboolean find_section(const kith_imap_value *part, const char *subtype, GString *section,
                             guint depth)
{
  if (!is_list(part) || depth > SECTION_DEPTH_MAX)
    return FALSE;
  if (!is_list(kith_imap_item(part, 0)))
    return wanted_leaf(part, subtype);
  gsize keep = section->len;
  for (guint i = 0; i < part->items->len && is_list(kith_imap_item(part, i)); i++) {
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
  while (is_list(kith_imap_item(bs, i)))
    i++;
  /* i: the subtype; i + 1: the parameters ("BOUNDARY" "xyz" ...) */
  const kith_imap_value *params = kith_imap_item(bs, i + 1);
  for (guint k = 0; is_list(params) && k + 1 < params->items->len; k += 2) {
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
  if (!is_list(bs))
    return NULL;
  if (!is_list(kith_imap_item(bs, 0))) /* one part */
    return wanted_leaf(bs, "PLAIN") || wanted_leaf(bs, "HTML") ? g_strdup("TEXT") : NULL;
  g_autoptr(GString) section = g_string_new(NULL);
  if (!find_section(bs, "PLAIN", section, 0) && !find_section(bs, "HTML", section, 0))
    return NULL;
  if (boundary)
    *boundary = multipart_boundary(bs);
  return g_strdup(section->str);
}

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
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(t);
  if (!d)
    return g_strdup("1-Jan-1970");
  return g_strdup_printf("%d-%s-%d", g_date_time_get_day_of_month(d),
                         months[g_date_time_get_month(d) - 1], g_date_time_get_year(d));
}

/* ---- the connection ---- */

typedef struct {
  CURL *curl;
  curl_socket_t sock;
  GByteArray *in; /* bytes received and not yet consumed, from POS */
  gsize pos;
  guint tag;
  char *where;  /* "imaps://host:port", for messages */
  gboolean broken; /* the connection is unusable: stop every folder */
  guint64 bytes;   /* bytes received */
} conn;

static void conn_free(conn *c)
{
  if (!c)
    return;
  if (c->curl)
    curl_easy_cleanup(c->curl);
  g_byte_array_unref(c->in);
  g_free(c->where);
  g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(conn, conn_free)

static gboolean conn_fail(conn *c, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean conn_fail(conn *c, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  c->broken = TRUE;
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s", why);
  return FALSE;
}

static gboolean conn_wait(conn *c, short events, GError **error)
{
  struct pollfd p = {.fd = c->sock, .events = events};
  for (;;) {
    int r = poll(&p, 1, IDLE_TIMEOUT_MS);
    if (r > 0)
      return TRUE;
    if (r == 0)
      return conn_fail(c, error, "no reply from the server for %d s", IDLE_TIMEOUT_MS / 1000);
    if (errno != EINTR)
      return conn_fail(c, error, "poll: %s", g_strerror(errno));
  }
}

static gboolean conn_send(conn *c, const char *data, gsize len, GError **error)
{
  while (len > 0) {
    size_t sent = 0;
    CURLcode r = curl_easy_send(c->curl, data, len, &sent);
    if (r == CURLE_AGAIN) {
      if (!conn_wait(c, POLLOUT, error))
        return FALSE;
      continue;
    }
    if (r != CURLE_OK)
      return conn_fail(c, error, "connection lost while sending: %s", curl_easy_strerror(r));
    data += sent;
    len -= sent;
  }
  return TRUE;
}

/* Reads at least one more byte into C->in. */
static gboolean conn_fill(conn *c, GError **error)
{
  if (c->pos > 0 && (c->pos >= c->in->len || c->pos > 1024 * 1024)) {
    g_byte_array_remove_range(c->in, 0, (guint)c->pos);
    c->pos = 0;
  }
  for (;;) {
    guint8 chunk[65536];
    size_t got = 0;
    CURLcode r = curl_easy_recv(c->curl, chunk, sizeof chunk, &got);
    if (r == CURLE_AGAIN) {
      if (!conn_wait(c, POLLIN, error))
        return FALSE;
      continue;
    }
    if (r != CURLE_OK)
      return conn_fail(c, error, "connection lost: %s", curl_easy_strerror(r));
    if (got == 0)
      return conn_fail(c, error, "the server closed the connection");
    g_byte_array_append(c->in, chunk, (guint)got);
    c->bytes += got;
    return TRUE;
  }
}

/* The next complete response, in place in C->in (consumed when the next
 * one is read): *DATA, *LEN. */
static gboolean conn_response(conn *c, char **data, gsize *len, GError **error)
{
  for (;;) {
    GError *local = NULL;
    gssize n = kith_imap_response_length((const char *)c->in->data + c->pos, c->in->len - c->pos,
                                         &local);
    if (n < 0) {
      c->broken = TRUE;
      g_propagate_error(error, local);
      return FALSE;
    }
    if (n > 0) {
      *data = (char *)c->in->data + c->pos;
      *len = (gsize)n;
      c->pos += (gsize)n;
      return TRUE;
    }
    if (!conn_fill(c, error))
      return FALSE;
  }
}

typedef gboolean (*untagged_fn)(char *data, gsize len, gpointer user_data);

/* Sends "TAG COMMAND" and reads up to its completion, handing every untagged
 * response to ON_UNTAGGED (may be NULL). A NO or BAD completion fails with
 * the server's text; the connection stays usable then. */
static gboolean conn_command(conn *c, const char *command, untagged_fn on_untagged,
                             gpointer user_data, GError **error)
{
  g_autofree char *tag = g_strdup_printf("k%u", ++c->tag);
  g_autofree char *line = g_strdup_printf("%s %s\r\n", tag, command);
  if (!conn_send(c, line, strlen(line), error))
    return FALSE;
  gsize tag_len = strlen(tag);
  for (;;) {
    char *data;
    gsize len;
    if (!conn_response(c, &data, &len, error))
      return FALSE;
    if (len > tag_len && memcmp(data, tag, tag_len) == 0 && data[tag_len] == ' ') {
      const char *status = data + tag_len + 1;
      gsize rest = len - tag_len - 1;
      if (rest >= 2 && g_ascii_strncasecmp(status, "OK", 2) == 0)
        return TRUE;
      g_autofree char *text = g_strndup(status, rest);
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s", g_strstrip(text));
      return FALSE;
    }
    if (len >= 2 && data[0] == '*' && data[1] == ' ') {
      if (len >= 6 && g_ascii_strncasecmp(data + 2, "BYE", 3) == 0) {
        g_autofree char *text = g_strndup(data + 2, len - 2);
        return conn_fail(c, error, "the server is closing the connection: %s", g_strstrip(text));
      }
      if (on_untagged && !on_untagged(data, len, user_data))
        return conn_fail(c, error, "an unreadable reply to %s", command);
      continue;
    }
    if (len >= 1 && data[0] == '+')
      return conn_fail(c, error, "the server asked for more input to '%s'", command);
    /* a stray line from a tag not ours: ignore it */
  }
}

static size_t discard(char *data, size_t size, size_t n, void *user)
{
  return size * n;
}

/* "imaps://host:port/..." -> "imaps://host:port/" */
static char *server_url(const char *url)
{
  const char *auth = strstr(url, "://");
  auth = auth ? auth + 3 : url;
  const char *slash = strchr(auth, '/');
  gsize n = slash ? (gsize)(slash - url) : strlen(url);
  return g_strdup_printf("%.*s/", (int)n, url);
}

static conn *conn_open(const kith_source_config *src, const char *secret, GError **error)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&once, 1);
  }
  g_autoptr(conn) c = g_new0(conn, 1);
  c->in = g_byte_array_sized_new(256 * 1024);
  g_autofree char *url = server_url(src->url);
  c->where = g_strndup(url, strlen(url) - 1);
  c->curl = curl_easy_init();
  CURL *h = c->curl;
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_USERNAME, src->user);
  /* "Bearer TOKEN" in the secret file: an OAuth 2.0 access token (XOAUTH2 /
   * OAUTHBEARER), as Microsoft 365 and Gmail accept; otherwise a password. */
  if (g_ascii_strncasecmp(secret, "bearer ", 7) == 0) {
    const char *token = secret + 7;
    while (*token == ' ')
      token++;
    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
  } else
    curl_easy_setopt(h, CURLOPT_PASSWORD, secret);
  /* imap:// means STARTTLS, required: a password never goes out in clear. */
  curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, src->tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, src->tls_verify ? 2L : 0L);
  if (src->ca_file && *src->ca_file)
    curl_easy_setopt(h, CURLOPT_CAINFO, src->ca_file);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)(CONNECT_TIMEOUT_S * 2));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  CURLcode r = curl_easy_perform(h);
  if (r != CURLE_OK) {
    const char *detail = *errbuf ? errbuf : curl_easy_strerror(r);
    if (r == CURLE_LOGIN_DENIED)
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                  "%s: the server refused the login of '%s' (check user and password_file; "
                  "not retried until the next run)",
                  c->where, src->user);
    else if (r == CURLE_USE_SSL_FAILED)
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: the server offers no STARTTLS (%s)",
                  c->where, detail);
    else
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", c->where, detail);
    return NULL;
  }
  /* The rest of the conversation is kith's: no time limit but the idle one. */
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &c->sock) != CURLE_OK ||
      c->sock == CURL_SOCKET_BAD) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: no connection after login", c->where);
    return NULL;
  }
  return g_steal_pointer(&c);
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
  kith_store *store;
  const kith_source_config *src;
  const kith_capture_sink *sink;
  kith_capture_stats *stats;
  conn *c;
  gint64 start; /* start_date as Unix seconds; 0 for everything */
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

/* "BODY[1.MIME]" or "BODY[1]<0>" -> its section "1.MIME", "1" (into OUT). */
static gboolean body_item_section(const kith_imap_value *name, char *out, gsize size)
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
  if (!kith_imap_value_is(kith_imap_item(resp, 2), "FETCH") || !is_list(attrs))
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
    } else if (body_item_section(name, sec, sizeof sec)) {
      GBytes **slot = strcmp(sec, "HEADER") == 0                          ? &m->header
                      : g_str_has_suffix(sec, ".MIME")                    ? &m->mime
                      : m->section && strcmp(sec, m->section) == 0        ? &m->body
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
  g_autoptr(GByteArray) raw = kith_imap_assemble(m->header, m->section, m->boundary, m->mime,
                                                 m->body);
  r->stats->files++;
  r->stats->bytes += raw->len;
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer((const char *)raw->data,
                                                                    raw->len);
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  g_autoptr(GMimeMessage) msg = g_mime_parser_construct_message(parser, kith_mime_parser_options());
  if (!msg) {
    report(r, origin, "not an RFC 5322 message");
    return TRUE;
  }
  g_autoptr(GError) local = NULL;
  g_autoptr(kith_activity) a = kith_mime_activity_from_message(msg, origin, &local);
  if (!a) {
    report(r, origin, local->message);
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
  if (kith_state_source_set(r->store, r->src->name, kv, v, r->error) &&
      kith_state_source_set(r->store, r->src->name, kl, l, r->error))
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
  g_autofree char *cmd = g_strdup_printf(
      "UID FETCH %s (UID BODYSTRUCTURE BODY.PEEK[HEADER]<0.%d>)", set, KITH_IMAP_HEADER_MAX);
  if (!conn_command(r->c, cmd, on_fetch, r, error))
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
        ? g_strdup_printf("UID FETCH %s (UID BODY.PEEK[TEXT]<0.%d>)", subset, KITH_IMAP_BODY_MAX)
        : g_strdup_printf("UID FETCH %s (UID BODY.PEEK[%s.MIME] BODY.PEEK[%s]<0.%d>)", subset, sec,
                          sec, KITH_IMAP_BODY_MAX);
    if (!conn_command(r->c, body, on_fetch, r, error))
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
  if (!conn_command(r->c, examine, on_examine, r, &local)) {
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
  g_autofree char *stored_v = kith_state_source_get(r->store, r->src->name, kv);
  g_autofree char *stored_l = kith_state_source_get(r->store, r->src->name, kl);
  guint64 last = stored_l ? g_ascii_strtoull(stored_l, NULL, 10) : 0;
  if (stored_v && g_ascii_strtoull(stored_v, NULL, 10) != r->uidvalidity) {
    /* The server renumbered the folder: every UID kith kept means nothing
     * now. Read it all again; Message-IDs make what was read before a
     * duplicate, so nothing is counted twice. */
    if (!kith_state_source_clear(r->store, r->src->name, prefix, r->error)) {
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
  if (!conn_command(r->c, search, on_search, r, &local)) {
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

gboolean kith_imap_capture(kith_store *store, const kith_source_config *src,
                           const kith_capture_sink *sink, kith_capture_stats *stats,
                           GError **error)
{
  kith_mime_init();
  g_autoptr(GError) local = NULL;
  g_autofree char *secret = kith_secret_read(src->password_file, &local);
  if (!secret) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: password_file: %s", src->name,
                local->message);
    return FALSE;
  }
  gint64 start = 0;
  if (src->start_date && *src->start_date && !kith_time_parse(src->start_date, &start))
    start = 0;
  g_autoptr(conn) c = conn_open(src, secret, &local);
  if (!c) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name, local->message);
    return FALSE;
  }
  reader r = {.store = store, .src = src, .sink = sink, .stats = stats, .c = c, .start = start,
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
    conn_command(c, "LOGOUT", NULL, NULL, NULL);
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
