/* gbatch.c - Gmail calls sent as one batch request (multipart/mixed of application/http parts). */
#include "capture/google.h"

#include "capture/mime.h"
#include "util/error.h"

#include <gmime/gmime.h>
#include <string.h>

#define BOUNDARY "kith_batch_boundary"

/* One application/http part of the reply: "HTTP/1.1 200 OK", its header
 * lines, a blank line, the JSON body. */
static void read_inner(const char *data, gsize len, kith_webapi_reply *out)
{
  out->retry_after = -1;
  out->body = g_byte_array_new();
  const char *end = data + len;
  const char *line_end = memchr(data, '\n', len);
  g_autofree char *status = g_strndup(data, line_end ? (gsize)(line_end - data) : len);
  const char *sp = strchr(status, ' ');
  out->status = sp ? strtol(sp + 1, NULL, 10) : 0;
  const char *p = line_end ? line_end + 1 : end;
  while (p < end) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    gsize n = nl ? (gsize)(nl - p) : (gsize)(end - p);
    if (n == 0 || (n == 1 && *p == '\r')) {
      p = nl ? nl + 1 : end;
      break;
    }
    if (n > 12 && g_ascii_strncasecmp(p, "Retry-After:", 12) == 0) {
      g_autofree char *v = g_strndup(p + 12, n - 12);
      out->retry_after = kith_webapi_retry_after(v);
    }
    p = nl ? nl + 1 : end;
  }
  g_byte_array_append(out->body, (const guint8 *)p, (guint)(end - p));
  g_byte_array_append(out->body, (const guint8 *)"", 1);
  g_byte_array_set_size(out->body, out->body->len - 1);
  kith_webapi_reply_read_json(out);
}

/* The bytes of PART's content, decoded. */
static GByteArray *part_bytes(GMimeObject *part)
{
  GByteArray *out = g_byte_array_new();
  if (!GMIME_IS_PART(part))
    return out;
  GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
  if (!content)
    return out;
  GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(out);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
  g_mime_data_wrapper_write_to_stream(content, mem);
  g_object_unref(mem);
  return out;
}

gboolean kith_google_batch(kith_google *g, const char *const *paths, guint n,
                           kith_webapi_reply *replies, GError **error)
{
  kith_mime_init();
  GString *body = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(body,
                           "--" BOUNDARY "\r\nContent-Type: application/http\r\n"
                           "Content-ID: <%u>\r\n\r\nGET %s\r\n\r\n",
                           i + 1, paths[i]);
  g_string_append(body, "--" BOUNDARY "--\r\n");
  static const char *const headers[] = {"Content-Type: multipart/mixed; boundary=" BOUNDARY, NULL};
  g_auto(kith_webapi_reply) r = {0};
  gboolean sent = kith_team_post(&g->team, g->batch_url, headers, body->str, &r, error);
  g_string_free(body, TRUE);
  if (!sent)
    return FALSE;
  if (r.status != 200 || !r.content_type || !g_str_has_prefix(r.content_type, "multipart/mixed")) {
    g_autofree char *why = kith_webapi_error_text(&r);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "gmail batch: %s", why);
    return FALSE;
  }
  for (guint i = 0; i < n; i++)
    memset(&replies[i], 0, sizeof replies[i]);
  /* GMime reads the multipart reply as a message body under its Content-Type. */
  g_autofree char *head = g_strdup_printf("Content-Type: %s\r\n\r\n", r.content_type);
  GByteArray *whole = g_byte_array_sized_new((guint)(strlen(head) + r.body->len));
  g_byte_array_append(whole, (const guint8 *)head, (guint)strlen(head));
  g_byte_array_append(whole, r.body->data, r.body->len);
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(whole);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  GMimeObject *top = g_mime_parser_construct_part(parser, NULL);
  g_object_unref(parser);
  g_object_unref(stream);
  guint got = 0;
  if (top && GMIME_IS_MULTIPART(top)) {
    GMimeMultipart *mp = GMIME_MULTIPART(top);
    int count = g_mime_multipart_get_count(mp);
    for (int k = 0; k < count; k++) {
      GMimeObject *part = g_mime_multipart_get_part(mp, k);
      /* Content-ID: <response-N> names the call; else the order does. */
      const char *cid = g_mime_object_get_content_id(part);
      guint idx = (guint)k;
      if (cid && g_str_has_prefix(cid, "response-"))
        idx = (guint)g_ascii_strtoull(cid + 9, NULL, 10) - 1;
      if (idx >= n || replies[idx].body)
        continue;
      g_autoptr(GByteArray) bytes = part_bytes(part);
      read_inner((const char *)bytes->data, bytes->len, &replies[idx]);
      got++;
    }
  }
  if (top)
    g_object_unref(top);
  for (guint i = 0; got < n && i < n; i++)
    if (!replies[i].body) {
      replies[i].status = 503; /* tried again alone */
      replies[i].retry_after = -1;
      replies[i].body = g_byte_array_new();
    }
  return TRUE;
}
