/* sf_client.h - authenticated, retried Salesforce REST calls (internal to sync/). */
#pragma once

#include "config/config.h"
#include "sync/http.h"

#include <jansson.h>

typedef struct {
  const kith_salesforce_config *sf;
  kith_http *http;
  char *token;
  char *instance_url;
  gint64 api_used, api_limit; /* from Sforce-Limit-Info */
  guint requests;             /* data requests sent */
  GRand *jitter;
  /* The last failed call may have been applied by the org: a create sent
   * whose reply never came (lost, timed out, a server error). */
  gboolean maybe_applied;
  /* The last failed call's HTTP status (0: no reply) and the first error
   * its reply named, for callers that act on one code. */
  long last_status;
  char *last_code, *last_message;
} kith_sf_client;

/* The longest request URI kith sends. Salesforce refuses a URI over 16,384
 * bytes (414), and that limit counts the headers too (431); half of it
 * leaves the headers ample room and keeps SOQL far below its own limit. */
#define KITH_SF_MAX_URI 8192

kith_sf_client *kith_sf_client_new(const kith_salesforce_config *sf);
void kith_sf_client_free(kith_sf_client *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_sf_client, kith_sf_client_free)

/* Gets an access token (JWT bearer flow or refresh token). */
gboolean kith_sf_authenticate(kith_sf_client *c, GError **error);

/* METHOD on PATH ("/services/data/v60.0/..." or a full URL) with a JSON BODY
 * (may be NULL). 401 re-authenticates once; 429 and REQUEST_LIMIT_EXCEEDED
 * are retried with exponential backoff and jitter, and so are 5xx, timeouts
 * and dropped connections for the methods that are safe to repeat (GET,
 * PATCH, DELETE). A POST creates: one whose reply never came is not sent
 * again here (it may have been applied): the call fails with
 * c->maybe_applied set, and the caller looks before sending it again (R60).
 * Returns the parsed reply (json_null() for an empty one), or NULL with ERROR,
 * one line naming the method, the resource and the cause. */
json_t *kith_sf_call(kith_sf_client *c, const char *method, const char *path, json_t *body,
                     GError **error);

/* Whether an error CODE and MESSAGE say FIELD is no field the org has (or
 * shows kith): INVALID_FIELD, "No such column 'FIELD' on ...". */
gboolean kith_sf_error_names_field(const char *code, const char *message, const char *field);
/* Whether the last failed call was refused so: 400 INVALID_FIELD naming FIELD. */
gboolean kith_sf_refused_field(const kith_sf_client *c, const char *field);

/* PATH without its query string, shortened: for error lines. */
char *kith_sf_short_path(const char *path);

/* Sleeps before the ATTEMPT'th retry: exponential backoff with jitter. */
void kith_sf_backoff(kith_sf_client *c, int attempt);

/* "/services/data/vNN.N" + REST (newly allocated). */
char *kith_sf_path(kith_sf_client *c, const char *rest);

/* TRUE when the org's daily API allowance, less the configured reserve, is spent. */
gboolean kith_sf_limit_reached(const kith_sf_client *c);
