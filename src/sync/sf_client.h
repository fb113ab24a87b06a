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
} kith_sf_client;

kith_sf_client *kith_sf_client_new(const kith_salesforce_config *sf);
void kith_sf_client_free(kith_sf_client *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_sf_client, kith_sf_client_free)

/* Gets an access token (JWT bearer flow or refresh token). */
gboolean kith_sf_authenticate(kith_sf_client *c, GError **error);

/* METHOD on PATH ("/services/data/v60.0/..." or a full URL) with a JSON BODY
 * (may be NULL). 401 re-authenticates once; 429, 5xx, REQUEST_LIMIT_EXCEEDED
 * and timeouts are retried with exponential backoff and jitter. Returns the
 * parsed reply (json_null() for an empty one), or NULL with ERROR. */
json_t *kith_sf_call(kith_sf_client *c, const char *method, const char *path, json_t *body,
                     GError **error);

/* "/services/data/vNN.N" + REST (newly allocated). */
char *kith_sf_path(kith_sf_client *c, const char *rest);

/* TRUE when the org's daily API allowance, less the configured reserve, is spent. */
gboolean kith_sf_limit_reached(const kith_sf_client *c);
