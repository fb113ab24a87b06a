/* http.h - one HTTP client connection (libcurl), reused across requests. */
#pragma once

#include <glib.h>

#define KITH_HTTP_MAX_BODY (64 * 1024 * 1024)

typedef struct {
  long status;           /* HTTP status; 0 when the request never got a reply */
  GByteArray *body;      /* the reply body, NUL-terminated */
  char *limit_info;      /* the Sforce-Limit-Info header, when present */
  char *transport_error; /* what went wrong below HTTP (timeout, refused, ...) */
  gboolean timed_out;
  gboolean unsent; /* the request surely never reached the server (no connection) */
} kith_http_response;

void kith_http_response_clear(kith_http_response *r);

typedef struct kith_http kith_http;

kith_http *kith_http_new(int timeout_seconds);
void kith_http_free(kith_http *http);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_http, kith_http_free)

/* Sends METHOD URL with HEADERS (NULL-terminated "Name: value" strings) and
 * BODY (may be NULL). Fills OUT; returns FALSE only when no reply came
 * (OUT->transport_error says why). Replies over KITH_HTTP_MAX_BODY fail. */
gboolean kith_http_request(kith_http *http, const char *method, const char *url,
                           const char *const *headers, const char *body, kith_http_response *out);

/* URL-encodes S for a query string or form body. */
char *kith_http_escape(const char *s);
