/* http.c - Salesforce's HTTP client: util/curl.c's setup, a connection kept
 * between requests, the limit header. */
#include "sync/http.h"

#include "util/curl.h"

#include <string.h>

#define CONNECT_TIMEOUT_S 15

struct kith_http {
  CURL *curl;
  kith_curl_setup setup;
};

void kith_http_response_clear(kith_http_response *r)
{
  if (r->body)
    g_byte_array_unref(r->body);
  g_free(r->limit_info);
  g_free(r->transport_error);
  memset(r, 0, sizeof *r);
}

kith_http *kith_http_new(int timeout_seconds)
{
  kith_http *h = g_new0(kith_http, 1);
  h->setup = (kith_curl_setup){.protocols = "http,https",
                               .tls_verify = TRUE,
                               .connect_timeout_s = CONNECT_TIMEOUT_S,
                               .timeout_s = timeout_seconds > 0 ? timeout_seconds : 60};
  h->curl = kith_curl_new(&h->setup);
  return h;
}

void kith_http_free(kith_http *h)
{
  if (!h)
    return;
  curl_easy_cleanup(h->curl);
  g_free(h);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
  kith_http_response *r = user;
  size_t len = size * n;
  static const char name[] = "sforce-limit-info:";
  if (len > sizeof name - 1 && g_ascii_strncasecmp(data, name, sizeof name - 1) == 0) {
    g_free(r->limit_info);
    r->limit_info = g_strstrip(g_strndup(data + sizeof name - 1, len - (sizeof name - 1)));
  }
  return len;
}

gboolean kith_http_request(kith_http *h, const char *method, const char *url,
                           const char *const *headers, const char *body, kith_http_response *out)
{
  memset(out, 0, sizeof *out);
  out->body = g_byte_array_new();
  CURL *c = h->curl;
  curl_easy_reset(c);
  kith_curl_apply(c, &h->setup);
  struct curl_slist *list = NULL;
  for (const char *const *hd = headers; hd && *hd; hd++)
    list = curl_slist_append(list, *hd);
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  /* R60: libcurl sends a request again by itself when a reused connection
   * closes before any reply, and the org may have applied the first one: a
   * POST (a create) goes on a connection of its own, which it never repeats. */
  if (strcmp(method, "POST") == 0)
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
  }
  CURLcode rc = kith_curl_perform(&out->transport_error, c, out->body, KITH_HTTP_MAX_BODY);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    out->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    out->unsent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                  rc == CURLE_COULDNT_RESOLVE_PROXY;
    out->status = 0;
    return FALSE;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
  return TRUE;
}

char *kith_http_escape(const char *s)
{
  return g_uri_escape_string(s ? s : "", NULL, FALSE);
}
