/* api.h - the console's HTTP server: JSON API under /api/v1, /metrics and the
 * embedded static console (docs/api.md). */
#pragma once

#include "config/config.h"
#include "store/store.h"

#include <jansson.h>

/* The shortest API token the server accepts (an empty token file once made
 * "Authorization: Bearer " with nothing after it a valid login). */
#define KITH_API_TOKEN_MIN 32

/* What the server reads and the actions only the command layer can take.
 * Handlers run on one thread per connection, several at once. */
typedef struct {
  kith_store *store;
  GMutex *lock; /* held around every use of STORE, never across network I/O */
  const kith_config *config;
  const char *token; /* the API token, at least KITH_API_TOKEN_MIN characters */
  /* Host names served besides the listen address ([serve] allowed_hosts):
   * NULL-terminated, or NULL for none. "NAME" matches on any port,
   * "NAME:PORT" on that port only. */
  const char *const *allowed_hosts;
  /* Runs a sync now (called without LOCK, which the sync takes for each of
   * its steps); returns its result object. */
  json_t *(*sync_now)(gpointer user_data);
  /* Adds the service's own state (last sync, sources, ...) to a status
   * object (called with LOCK held). */
  void (*add_status)(json_t *status, gpointer user_data);
  /* Adds service metrics lines (Prometheus text) to OUT (called with LOCK held). */
  void (*add_metrics)(GString *out, gpointer user_data);
  /* Logs one of the HTTP server's own warnings (a refused connection, ...);
   * called from any thread, at most a few times a second. May be NULL. */
  void (*log_http)(const char *message, gpointer user_data);
  /* Logs what an administrator did through the API that the engagement
   * log has no action for (an address unsuppressed): EVENT and FIELDS
   * (taken). May be NULL. */
  void (*log_admin)(const char *event, json_t *fields, gpointer user_data);
  gpointer user_data;
} kith_api_context;

typedef struct kith_api kith_api;

/* Starts serving on LISTEN ("HOST:PORT"; port 0 picks one). A non-loopback
 * HOST is refused unless ALLOW_REMOTE, and so is a token shorter than
 * KITH_API_TOKEN_MIN. */
kith_api *kith_api_start(const kith_api_context *ctx, const char *listen, gboolean allow_remote,
                         GError **error);
guint kith_api_port(const kith_api *api);
void kith_api_stop(kith_api *api);

/* Whether two tokens are equal, in a time that depends on neither's
 * content nor on the length of B. */
gboolean kith_api_token_equal(const char *a, const char *b);

/* TEXT with the user name and password of every URL in it ("scheme://
 * user:pw@host") replaced by "***", for text the API or the log shows. */
char *kith_api_hide_passwords(const char *text);
