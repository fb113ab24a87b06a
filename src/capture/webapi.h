/* webapi.h - the JSON web APIs of the team sources (Google Workspace): one
 * libcurl handle per source, bounded replies, and throttling answered the
 * way the providers ask (Retry-After, else exponential backoff). */
#pragma once

#include "config/config.h"

#include <glib.h>
#include <jansson.h>

/* Largest reply kith reads from a web API (a raw message is at most 25 MB
 * at Gmail, base64url inside JSON). */
#define KITH_WEBAPI_BODY_MAX (64 * 1024 * 1024)
/* Tries of one request that is throttled or meets a server error. */
#define KITH_WEBAPI_TRIES 6
/* The longest kith waits before a retry, whatever Retry-After says. */
#define KITH_WEBAPI_WAIT_MAX_S 300

typedef struct {
  long status;        /* HTTP status */
  GByteArray *body;   /* NUL-terminated */
  gint64 retry_after; /* seconds, from Retry-After; -1 when absent */
  char *content_type; /* the Content-Type header, or NULL */
  json_t *json;       /* the body parsed, when it is a JSON object; else NULL */
} kith_webapi_reply;

void kith_webapi_reply_clear(kith_webapi_reply *r);
/* Sets R->json from R->body: the body parsed when it is a JSON object (an
 * answer, or an error reply kith_webapi_error_text reads), else NULL. */
void kith_webapi_reply_read_json(kith_webapi_reply *r);
/* The seconds a Retry-After VALUE asks to wait: delay-seconds, or an HTTP
 * date (RFC 9110 10.2.3) from now, at least 0; -1 when it is neither. */
gint64 kith_webapi_retry_after(const char *value);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(kith_webapi_reply, kith_webapi_reply_clear)

typedef struct kith_webapi kith_webapi;

/* A client for SRC's API calls (its tls_verify and ca_file apply). */
kith_webapi *kith_webapi_new(const kith_source_config *src);
void kith_webapi_free(kith_webapi *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_webapi, kith_webapi_free)

/* Sends METHOD URL once, with the bearer TOKEN (may be NULL), HEADERS
 * (NULL-terminated "Name: value" lines; may be NULL) and, for a POST, the
 * BODY (may be NULL; a form unless HEADERS give a Content-Type). Fills OUT
 * (clear it after); FALSE with ERROR ("URL: WHY") only when no reply came. */
gboolean kith_webapi_send(kith_webapi *w, const char *method, const char *url, const char *token,
                          const char *const *headers, const char *body, kith_webapi_reply *out,
                          GError **error);

/* An OAuth 2.0 access token and how it is renewed. */
typedef struct kith_webapi_auth kith_webapi_auth;
struct kith_webapi_auth {
  char *token;    /* NULL until got */
  gint64 expires; /* monotonic seconds when it is renewed */
  /* TRUE when the endpoint refused the client itself (invalid_client,
   * unauthorized_client): no other token will be had either. */
  gboolean client_refused;
  /* Gets a new token into AUTH (with kith_webapi_token). */
  gboolean (*renew)(kith_webapi_auth *auth, GError **error);
  gpointer user_data;
};

/* Asks the token endpoint URL for an access token with the form BODY,
 * waiting out throttling; keeps it in AUTH, to be renewed a little before
 * it expires. FALSE with ERROR ("no access token: 400 invalid_grant: ...")
 * when refused. */
gboolean kith_webapi_token(kith_webapi *w, const char *url, const char *body,
                           kith_webapi_auth *auth, GError **error);

/* GET URL with AUTH's token, got or renewed as needed (once more on a
 * 401), and throttling waited out (Retry-After, else backoff). OUT holds
 * whatever status came back; FALSE with ERROR when no usable reply came
 * (no token, no connection, still throttled after every try). */
gboolean kith_webapi_get(kith_webapi *w, kith_webapi_auth *auth, const char *url,
                         const char *const *headers, kith_webapi_reply *out, GError **error);
/* The same for a POST of BODY (a batch of requests). */
gboolean kith_webapi_post(kith_webapi *w, kith_webapi_auth *auth, const char *url,
                          const char *const *headers, const char *body, kith_webapi_reply *out,
                          GError **error);

/* Whether R asks to be tried again later: 429, 403 with the reason
 * rateLimitExceeded or userRateLimitExceeded, 500, 502, 503, 504. */
gboolean kith_webapi_throttled(const kith_webapi_reply *r);

/* Seconds to wait before try number TRY (1 for the first retry) after R:
 * its Retry-After when it has one, else 1, 2, 4, ... with up to a quarter
 * more at random; at most KITH_WEBAPI_WAIT_MAX_S. */
gint64 kith_webapi_backoff(const kith_webapi_reply *r, int try);

/* One line saying what an error reply says: "403 Delegation denied
 * (forbidden)", "400 invalid_grant: Invalid email or User ID". */
char *kith_webapi_error_text(const kith_webapi_reply *r);

/* The reason of a Google error reply (error.errors[0].reason), or NULL. */
const char *kith_webapi_error_reason(const kith_webapi_reply *r);
