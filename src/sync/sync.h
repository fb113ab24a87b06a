/* sync.h - applying the outbox to the CRM (R60, R61). */
#pragma once

#include "config/config.h"
#include "store/store.h"

typedef struct {
  guint contacts_created;
  guint contacts_linked; /* R61: it existed by then */
  guint roles_created;
  guint fields_updated;
  guint contacts_deleted;
  guint contacts_removed;
  guint dropped; /* no longer applicable (a role for what became a Lead, ...) */
  /* What the administrator should know of how the sync went about it (the
   * R60 look-ups an org without kith_id_field needs); "" for nothing. The
   * sync prints nothing itself. */
  char note[240];
} kith_sync_stats;

/* Applies every pending outbox entry, in order, to the local CRM tables.
 * Each batch is one transaction that also marks its entries done, so a
 * failure part-way leaves the rest queued and a rerun does nothing twice. */
gboolean kith_sync_local(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                         GError **error);

/* Applies the outbox to the CRM [salesforce] names, or to the local tables,
 * then keeps the outcome in the store (kith_sync_last reads it), so the
 * console shows the last sync whoever ran it: `kith sync`, `kith run` or
 * the service. A failure to keep it is no failure of the sync. */
gboolean kith_sync_run(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                       GError **error);

/* The store's key for the last sync's outcome: a JSON object {"time", "ok",
 * "message", "contacts_created", "contacts_linked", "roles_created",
 * "fields_updated", "contacts_deleted", "contacts_removed"}. */
#define KITH_SYNC_LAST_KEY "last_sync"
