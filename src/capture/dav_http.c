/* dav_http.c - the HTTP side of CalDAV: one libcurl handle a server, its
 * authentication, and WebDAV requests with their replies. */
#include "capture/dav_http.h"

#include "capture/source.h"
#include "util/error.h"

#include <string.h>

#define CONNECT_TIMEOUT_S 30
#define STALL_S 60 /* no byte for this long: the request fails */

void kith_dav_reply_clear(kith_dav_reply *r)
{
  if (r->body)
    g_byte_array_unref(r->body);
  memset(r, 0, sizeof *r);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
  kith_dav_reply *r = user;
  size_t len = size * n;
  if (r->body->len + len > KITH_CALDAV_BODY_MAX)
    return 0; /* makes curl fail the transfer */
  g_byte_array_append(r->body, (const guint8 *)data, (guint)len);
  return len;
}

void kith_dav_free(kith_dav *d)
{
  if (!d)
    return;
  if (d->curl)
    curl_easy_cleanup(d->curl);
  for (guint i = 0; i < G_N_ELEMENTS(d->headers); i++)
    curl_slist_free_all(d->headers[i]);
  g_free(d->host);
  g_free(d);
}

kith_dav *kith_dav_new(const kith_source_config *src, const char *secret)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&once, 1);
  }
  kith_dav *d = g_new0(kith_dav, 1);
  d->src = src;
  d->curl = curl_easy_init();
  CURL *h = d->curl;
  g_autoptr(GUri) uri = g_uri_parse(src->url, G_URI_FLAGS_ENCODED, NULL);
  d->host = uri ? g_uri_join(G_URI_FLAGS_ENCODED, g_uri_get_scheme(uri), NULL, g_uri_get_host(uri),
                             g_uri_get_port(uri), "", NULL, NULL)
                : g_strdup(src->url);
  for (int i = 0; i < 3; i++) {
    d->headers[i] = curl_slist_append(NULL, "Content-Type: application/xml; charset=utf-8");
    d->headers[i] = curl_slist_append(d->headers[i], "Expect:");
    if (i < 2)
      d->headers[i] = curl_slist_append(d->headers[i], i == 0 ? "Depth: 0" : "Depth: 1");
  }
  curl_easy_setopt(h, CURLOPT_USERNAME, src->user);
  const char *token = kith_source_bearer_token(secret);
  if (token) {
    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
  } else {
    curl_easy_setopt(h, CURLOPT_PASSWORD, secret);
    /* curl asks once without credentials and answers the 401 with the scheme
     * the server offers (Basic or Digest), then keeps to it on this handle. */
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
  }
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, src->tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, src->tls_verify ? 2L : 0L);
  if (src->ca_file && *src->ca_file)
    curl_easy_setopt(h, CURLOPT_CAINFO, src->ca_file);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)STALL_S);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "kith");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  return d;
}

gboolean kith_dav_request(kith_dav *d, const char *method, const char *url, const char *depth,
                          const char *body, kith_dav_reply *out, GError **error)
{
  memset(out, 0, sizeof *out);
  out->body = g_byte_array_new();
  CURL *h = d->curl;
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  int which = !depth ? 2 : strcmp(depth, "0") == 0 ? 0 : 1;
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, d->headers[which]);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode r = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  if (r != CURLE_OK) {
    if (r == CURLE_WRITE_ERROR)
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: a reply over %d bytes", url,
                  KITH_CALDAV_BODY_MAX);
    else
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", url,
                  *errbuf ? errbuf : curl_easy_strerror(r));
    d->broken = r != CURLE_WRITE_ERROR;
    return FALSE;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
  g_byte_array_append(out->body, (const guint8 *)"", 1); /* NUL-terminated, not counted */
  g_byte_array_set_size(out->body, out->body->len - 1);
  return TRUE;
}

kith_dav_multistatus *kith_dav_reply_multistatus(const kith_dav_reply *rp, const char *url,
                                                 GError **error)
{
  if (rp->status != 207) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: HTTP status %ld", url, rp->status);
    return NULL;
  }
  g_autoptr(GError) local = NULL;
  kith_dav_multistatus *ms = kith_dav_multistatus_parse((const char *)rp->body->data,
                                                        rp->body->len, &local);
  if (!ms)
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", url, local->message);
  return ms;
}
