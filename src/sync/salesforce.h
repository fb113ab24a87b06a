/* salesforce.h - the Salesforce connector behind `kith sync` (docs/salesforce.md). */
#pragma once

#include "sync/sync.h"

/* Brings the store's CRM mirror up to date with the org (first a full load,
 * then what changed since the last SystemModstamp and what was deleted),
 * then pushes the outbox in sObject Collections requests. Faults are retried
 * with backoff; when the retries or the API allowance run out the sync stops
 * with the rest of the outbox intact. */
gboolean kith_sync_salesforce(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                              GError **error);
