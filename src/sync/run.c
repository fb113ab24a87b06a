/* run.c - one sync, whichever CRM, and the record of how it went. */
#include "sync/salesforce.h"
#include "sync/sync.h"

#include "util/timeutil.h"

#include <jansson.h>

static void keep_outcome(kith_store *store, gboolean ok, const GError *error,
                         const kith_sync_stats *st)
{
  g_autofree char *now = kith_time_now();
  json_t *j = json_pack("{s:s, s:b, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "time", now, "ok", ok,
                        "message", ok || !error ? "" : error->message, "contacts_created",
                        st->contacts_created, "contacts_linked", st->contacts_linked,
                        "roles_created", st->roles_created, "fields_updated", st->fields_updated,
                        "contacts_deleted", st->contacts_deleted, "contacts_removed",
                        st->contacts_removed);
  char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(j);
  /* The sync's own result stands whether or not this is kept (a full disk,
   * a read-only store): the record is for the console, not for R60. */
  if (text) {
    kith_store_lock(store); /* one write, like each of the sync's steps */
    kith_store_meta_set(store, KITH_SYNC_LAST_KEY, text, NULL);
    kith_store_unlock(store);
  }
  free(text);
}

gboolean kith_sync_run(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                       GError **error)
{
  GError *local = NULL;
  gboolean ok = config->salesforce.enabled ? kith_sync_salesforce(store, config, stats, &local)
                                           : kith_sync_local(store, config, stats, &local);
  keep_outcome(store, ok, local, stats);
  if (local)
    g_propagate_error(error, local);
  return ok;
}
