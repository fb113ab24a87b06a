/* service.h - kith serve's service: timers, watchers and the console's API. */
#pragma once

#include "config/config.h"
#include "store/store.h"

/* Runs the service on STORE until SIGTERM or SIGINT: scans the [source]
 * groups at start, as watched folders change and every scan_interval;
 * syncs every sync_interval; dedups daily at dedup_at; serves the console
 * and its API on LISTEN (NULL: [serve] listen) for TOKEN. Its log is a
 * JSON object a line on stderr. FALSE with ERROR when it cannot start. */
gboolean kith_service_run(kith_store *store, const kith_config *config, const char *token,
                          const char *listen, GError **error);

/* The API token at PATH, or at first start 32 random bytes (64 hex digits)
 * written there, readable by its owner only (*MADE then TRUE). */
char *kith_service_token(const char *path, gboolean *made, GError **error);

/* Takes group and others' access away from the store at DB_PATH and its
 * WAL and SHM (logged when it has to). */
void kith_service_keep_private(const char *db_path);
