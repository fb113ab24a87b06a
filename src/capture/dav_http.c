/* dav_http.c - the HTTP side of CalDAV: one libcurl handle a server, its
 * authentication, and WebDAV requests with their replies. */
#include "capture/dav_http.h"

#include "capture/source.h"
#include "util/curl.h"
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
  kith_dav *d = g_new0(kith_dav, 1);
  d->src = src;
  const kith_curl_setup setup = {.protocols = "http,https",
                                 .tls_verify = src->tls_verify,
                                 .ca_file = src->ca_file,
                                 .connect_timeout_s = CONNECT_TIMEOUT_S,
                                 .stall_s = STALL_S};
  d->curl = kith_curl_new(&setup);
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
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
  return d;
}

gboolean kith_dav_request(kith_dav *d, const char *method, const char *url, const char *depth,
                          const char *body, kith_dav_reply *out, GError **error)
{
  memset(out, 0, sizeof *out);
  out->body = g_byte_array_new();
  CURL *h = d->curl;
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  int which = !depth ? 2 : strcmp(depth, "0") == 0 ? 0 : 1;
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, d->headers[which]);
  g_autofree char *why = NULL;
  CURLcode r = kith_curl_perform(&why, h, out->body, KITH_CALDAV_BODY_MAX);
  if (r != CURLE_OK) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", url, why);
    d->broken = r != CURLE_WRITE_ERROR; /* a reply too large: only this request failed */
    return FALSE;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
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
  kith_dav_multistatus *ms = kith_dav_multistatus_parse((const char *)rp->body->data, rp->body->len,
                                                        &local);
  if (!ms)
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", url, local->message);
  return ms;
}
