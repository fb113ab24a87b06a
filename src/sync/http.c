/* http.c - a small libcurl wrapper: bounded bodies, timeouts, the limit header. */
#include "sync/http.h"

#include <curl/curl.h>
#include <string.h>

struct kith_http {
  CURL *curl;
  int timeout;
};

void kith_http_response_clear(kith_http_response *r)
{
  if (r->body)
    g_byte_array_unref(r->body);
  g_free(r->limit_info);
  g_free(r->transport_error);
  memset(r, 0, sizeof *r);
}

static gsize once_init = 0;

kith_http *kith_http_new(int timeout_seconds)
{
  if (g_once_init_enter(&once_init)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&once_init, 1);
  }
  kith_http *h = g_new0(kith_http, 1);
  h->curl = curl_easy_init();
  h->timeout = timeout_seconds > 0 ? timeout_seconds : 60;
  return h;
}

void kith_http_free(kith_http *h)
{
  if (!h)
    return;
  curl_easy_cleanup(h->curl);
  g_free(h);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
  kith_http_response *r = user;
  size_t len = size * n;
  if (r->body->len + len > KITH_HTTP_MAX_BODY)
    return 0; /* makes curl fail the transfer */
  g_byte_array_append(r->body, (const guint8 *)data, len);
  return len;
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
  struct curl_slist *list = NULL;
  for (const char *const *hd = headers; hd && *hd; hd++)
    list = curl_slist_append(list, *hd);
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)h->timeout);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kith/" "0.1");
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
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  guint8 nul = 0;
  g_byte_array_append(out->body, &nul, 1);
  g_byte_array_set_size(out->body, out->body->len - 1);
  out->body->data[out->body->len] = '\0';
  if (rc != CURLE_OK) {
    out->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    out->unsent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                  rc == CURLE_COULDNT_RESOLVE_PROXY;
    out->transport_error = g_strdup(rc == CURLE_WRITE_ERROR ? "reply body too large"
                                                            : curl_easy_strerror(rc));
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
