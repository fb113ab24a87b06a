/* imap_conn.c - an IMAP connection: libcurl logs in (TLS, STARTTLS, SASL),
 * then kith sends its own commands and reads the responses. */
#include "capture/imap_conn.h"

#include "capture/imap.h"
#include "capture/source.h"
#include "util/curl.h"
#include "util/error.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#define IDLE_TIMEOUT_MS 60000 /* no byte from the server for this long: give up */
#define CONNECT_TIMEOUT_S 30

void kith_imap_conn_free(kith_imap_conn *c)
{
  if (!c)
    return;
  if (c->curl)
    curl_easy_cleanup(c->curl);
  g_byte_array_unref(c->in);
  g_free(c->where);
  g_free(c);
}

static gboolean conn_fail(kith_imap_conn *c, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static gboolean conn_fail(kith_imap_conn *c, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  c->broken = TRUE;
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s", why);
  return FALSE;
}

static gboolean conn_wait(kith_imap_conn *c, short events, GError **error)
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

static gboolean conn_send(kith_imap_conn *c, const char *data, gsize len, GError **error)
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
static gboolean conn_fill(kith_imap_conn *c, GError **error)
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
static gboolean conn_response(kith_imap_conn *c, char **data, gsize *len, GError **error)
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

gboolean kith_imap_conn_command(kith_imap_conn *c, const char *command,
                                kith_imap_untagged_fn on_untagged, gpointer user_data,
                                GError **error)
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

/* "imaps://host:port/..." -> "imaps://host:port/" */
static char *server_url(const char *url)
{
  const char *auth = strstr(url, "://");
  auth = auth ? auth + 3 : url;
  const char *slash = strchr(auth, '/');
  gsize n = slash ? (gsize)(slash - url) : strlen(url);
  return g_strdup_printf("%.*s/", (int)n, url);
}

kith_imap_conn *kith_imap_conn_open(const kith_source_config *src, const char *secret,
                                    GError **error)
{
  g_autoptr(kith_imap_conn) c = g_new0(kith_imap_conn, 1);
  c->in = g_byte_array_sized_new(256 * 1024);
  g_autofree char *url = server_url(src->url);
  c->where = g_strndup(url, strlen(url) - 1);
  /* The login has a time limit of its own; what follows only the idle one. */
  const kith_curl_setup setup = {.protocols = "imap,imaps",
                                 .tls_verify = src->tls_verify,
                                 .ca_file = src->ca_file,
                                 .connect_timeout_s = CONNECT_TIMEOUT_S,
                                 .timeout_s = CONNECT_TIMEOUT_S * 2};
  c->curl = kith_curl_new(&setup);
  CURL *h = c->curl;
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_USERNAME, src->user);
  /* An OAuth 2.0 access token goes as XOAUTH2 / OAUTHBEARER. */
  const char *token = kith_source_bearer_token(secret);
  if (token)
    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
  else
    curl_easy_setopt(h, CURLOPT_PASSWORD, secret);
  /* imap:// means STARTTLS, required: a password never goes out in clear. */
  curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  g_autofree char *detail = NULL;
  CURLcode r = kith_curl_perform(&detail, h, NULL, 0);
  if (r != CURLE_OK) {
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
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &c->sock) != CURLE_OK ||
      c->sock == CURL_SOCKET_BAD) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: no connection after login", c->where);
    return NULL;
  }
  return g_steal_pointer(&c);
}
