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
