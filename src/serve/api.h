/* api.h - the console's HTTP server: JSON API under /api/v1, /metrics and the
 * embedded static console (docs/api.md). */
#pragma once

#include "rules/config.h"
#include "store/store.h"

#include <jansson.h>

/* What the server reads and the actions only the command layer can take. */
typedef struct {
  kith_store *store;
  GMutex *lock;            /* held around every use of STORE */
  const kith_config *config;
  const char *token;       /* the API token */
  /* Runs a sync now (called with LOCK held); returns its result object. */
  json_t *(*sync_now)(gpointer user_data);
  /* Adds the service's own state (last sync, sources, ...) to a status object. */
  void (*add_status)(json_t *status, gpointer user_data);
  /* Adds service metrics lines (Prometheus text) to OUT. */
  void (*add_metrics)(GString *out, gpointer user_data);
  gpointer user_data;
} kith_api_context;

typedef struct kith_api kith_api;

/* Starts serving on LISTEN ("HOST:PORT"; port 0 picks one). A non-loopback
 * HOST is refused unless ALLOW_REMOTE. */
kith_api *kith_api_start(const kith_api_context *ctx, const char *listen, gboolean allow_remote,
                         GError **error);
guint kith_api_port(const kith_api *api);
void kith_api_stop(kith_api *api);

/* Constant-time comparison of two tokens. */
gboolean kith_api_token_equal(const char *a, const char *b);
