/* webapi.c - JSON web API calls over util/curl.c's libcurl setup, with throttling handled: see webapi.h. */
#include "capture/webapi.h"

#include "util/curl.h"
#include "util/error.h"

#include <curl/curl.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 20
#define STALL_S 120

struct kith_webapi {
  CURL *curl;
  kith_curl_setup setup;
  char *ca_file; /* owned: setup.ca_file points here */
};

void kith_webapi_reply_clear(kith_webapi_reply *r)
{
  if (r->body)
    g_byte_array_unref(r->body);
  json_decref(r->json);
  g_free(r->content_type);
  memset(r, 0, sizeof *r);
}

kith_webapi *kith_webapi_new(const kith_source_config *src)
{
  kith_webapi *w = g_new0(kith_webapi, 1);
  w->ca_file = g_strdup(src->ca_file);
  w->setup = (kith_curl_setup){.protocols = "http,https",
                               .tls_verify = src->tls_verify,
                               .ca_file = w->ca_file,
                               .connect_timeout_s = CONNECT_TIMEOUT_S,
                               .stall_s = STALL_S};
  w->curl = kith_curl_new(&w->setup);
  return w;
}

void kith_webapi_free(kith_webapi *w)
{
  if (!w)
    return;
  if (w->curl)
    curl_easy_cleanup(w->curl);
  g_free(w->ca_file);
  g_free(w);
}

gint64 kith_webapi_retry_after(const char *value)
{
  g_autofree char *v = g_strstrip(g_strdup(value ? value : ""));
  char *end = NULL;
  gint64 s = g_ascii_strtoll(v, &end, 10);
  if (end != v && *end == '\0')
    return s >= 0 ? s : -1;
  if (!*v)
    return -1;
  /* An HTTP date (RFC 9110 10.2.3): the wait is until then. */
  time_t t = curl_getdate(v, NULL);
  if (t < 0)
    return -1;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  return MAX(0, (gint64)t - g_date_time_to_unix(now));
}

void kith_webapi_reply_read_json(kith_webapi_reply *r)
{
  json_decref(r->json);
  r->json = NULL;
  json_t *j = r->body ? json_loadb((const char *)r->body->data, r->body->len, 0, NULL) : NULL;
  if (json_is_object(j))
    r->json = j;
  else
    json_decref(j);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
  kith_webapi_reply *r = user;
  size_t len = size * n;
  static const char ctype[] = "content-type:";
  if (len > sizeof ctype && g_ascii_strncasecmp(data, ctype, sizeof ctype - 1) == 0) {
    g_free(r->content_type);
    r->content_type = g_strstrip(g_strndup(data + sizeof ctype - 1, len - (sizeof ctype - 1)));
  }
  static const char name[] = "retry-after:";
  if (len > sizeof name && g_ascii_strncasecmp(data, name, sizeof name - 1) == 0) {
    g_autofree char *v = g_strndup(data + sizeof name - 1, len - (sizeof name - 1));
    r->retry_after = kith_webapi_retry_after(v);
  }
  return len;
}

gboolean kith_webapi_send(kith_webapi *w, const char *method, const char *url, const char *token,
                          const char *const *extra, const char *body, kith_webapi_reply *out,
                          GError **error)
{
  memset(out, 0, sizeof *out);
  out->body = g_byte_array_new();
  out->retry_after = -1;
  CURL *h = w->curl;
  curl_easy_reset(h);
  kith_curl_apply(h, &w->setup);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
  g_autofree char *auth = token ? g_strconcat("Authorization: Bearer ", token, NULL) : NULL;
  if (auth)
    headers = curl_slist_append(headers, auth);
  gboolean typed = FALSE;
  for (const char *const *h = extra; h && *h; h++) {
    headers = curl_slist_append(headers, *h);
    typed = typed || g_ascii_strncasecmp(*h, "Content-Type:", 13) == 0;
  }
  if (body) {
    if (!typed)
      headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
  g_autofree char *why = NULL;
  CURLcode rc = kith_curl_perform(&why, h, out->body, KITH_WEBAPI_BODY_MAX);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", url, why);
    return FALSE;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
  kith_webapi_reply_read_json(out);
  return TRUE;
}

const char *kith_webapi_error_reason(const kith_webapi_reply *r)
{
  json_t *errors = json_object_get(json_object_get(r->json, "error"), "errors");
  return json_string_value(json_object_get(json_array_get(errors, 0), "reason"));
}

gboolean kith_webapi_throttled(const kith_webapi_reply *r)
{
  if (r->status == 429 || r->status == 500 || r->status == 502 || r->status == 503 ||
      r->status == 504)
    return TRUE;
  const char *reason = kith_webapi_error_reason(r);
  return r->status == 403 && reason &&
         (strcmp(reason, "rateLimitExceeded") == 0 || strcmp(reason, "userRateLimitExceeded") == 0);
}

gint64 kith_webapi_backoff(const kith_webapi_reply *r, int try)
{
  if (r->retry_after >= 0)
    return MIN(r->retry_after, KITH_WEBAPI_WAIT_MAX_S);
  gint64 base = (gint64)1 << MIN(try - 1, 8);
  /* drawn once: MIN evaluates its arguments twice */
  gint64 wait = base + g_random_int_range(0, (gint32)(base / 4) + 1);
  return MIN(wait, KITH_WEBAPI_WAIT_MAX_S);
}

char *kith_webapi_error_text(const kith_webapi_reply *r)
{
  json_t *err = json_object_get(r->json, "error");
  if (json_is_string(err)) { /* an OAuth 2.0 token endpoint's error */
    const char *d = json_string_value(json_object_get(r->json, "error_description"));
    return d ? g_strdup_printf("%ld %s: %s", r->status, json_string_value(err), d)
             : g_strdup_printf("%ld %s", r->status, json_string_value(err));
  }
  const char *message = json_string_value(json_object_get(err, "message"));
  const char *reason = kith_webapi_error_reason(r);
  if (!reason)
    reason = json_string_value(json_object_get(err, "code"));
  if (message && reason)
    return g_strdup_printf("%ld %s (%s)", r->status, message, reason);
  if (message)
    return g_strdup_printf("%ld %s", r->status, message);
  return g_strdup_printf("%ld %s", r->status, r->status >= 500 ? "server error" : "refused");
}

gboolean kith_webapi_token(kith_webapi *w, const char *url, const char *body,
                           kith_webapi_auth *auth, GError **error)
{
  g_clear_pointer(&auth->token, g_free);
  for (int try = 1;; try++) {
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_webapi_send(w, "POST", url, NULL, NULL, body, &r, error))
      return FALSE;
    if (kith_webapi_throttled(&r) && try < KITH_WEBAPI_TRIES) {
      g_usleep(kith_webapi_backoff(&r, try) * G_USEC_PER_SEC);
      continue;
    }
    const char *token = json_string_value(json_object_get(r.json, "access_token"));
    if (r.status != 200 || !token) {
      const char *code = json_string_value(json_object_get(r.json, "error"));
      auth->client_refused = g_strcmp0(code, "invalid_client") == 0 ||
                             g_strcmp0(code, "unauthorized_client") == 0;
      g_autofree char *why = kith_webapi_error_text(&r);
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "no access token: %s", why);
      return FALSE;
    }
    json_int_t lifetime = json_integer_value(json_object_get(r.json, "expires_in"));
    if (lifetime <= 0)
      lifetime = 3600;
    auth->token = g_strdup(token);
    /* Renewed a little before it runs out, so no request carries a dying one. */
    auth->expires = g_get_monotonic_time() / G_USEC_PER_SEC + lifetime - MIN(60, lifetime / 4);
    return TRUE;
  }
}

static gboolean call(kith_webapi *w, kith_webapi_auth *auth, const char *method, const char *url,
                     const char *const *headers, const char *body, kith_webapi_reply *out,
                     GError **error)
{
  gboolean renewed = FALSE;
  for (int try = 1;; try++) {
    memset(out, 0, sizeof *out);
    if ((!auth->token || g_get_monotonic_time() / G_USEC_PER_SEC >= auth->expires) &&
        !auth->renew(auth, error))
      return FALSE;
    if (!kith_webapi_send(w, method, url, auth->token, headers, body, out, error))
      return FALSE;
    if (out->status == 401 && !renewed) {
      /* Expired or revoked early: one new token, then the answer stands. */
      renewed = TRUE;
      g_clear_pointer(&auth->token, g_free);
      kith_webapi_reply_clear(out);
      continue;
    }
    if (kith_webapi_throttled(out)) {
      if (try >= KITH_WEBAPI_TRIES) {
        g_autofree char *why = kith_webapi_error_text(out);
        g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s, still after %d tries", why, try);
        kith_webapi_reply_clear(out);
        return FALSE;
      }
      gint64 wait = kith_webapi_backoff(out, try);
      kith_webapi_reply_clear(out);
      g_usleep(wait * G_USEC_PER_SEC);
      continue;
    }
    return TRUE;
  }
}

gboolean kith_webapi_get(kith_webapi *w, kith_webapi_auth *auth, const char *url,
                         const char *const *headers, kith_webapi_reply *out, GError **error)
{
  return call(w, auth, "GET", url, headers, NULL, out, error);
}

gboolean kith_webapi_post(kith_webapi *w, kith_webapi_auth *auth, const char *url,
                          const char *const *headers, const char *body, kith_webapi_reply *out,
                          GError **error)
{
  return call(w, auth, "POST", url, headers, body, out, error);
}
