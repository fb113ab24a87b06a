/* local.c - sync to the embedded CRM: the store's own CRM tables, as a backend of apply.c. */
#include "sync/apply.h"

#include "store/crmwrite.h"

#include <string.h>

#define BATCH 256

typedef struct {
  kith_sync_backend base;
  kith_store *store;
} local_backend;

/* R61 in the tables: the Contact, else unconverted Lead, with each address. */
static gboolean local_people(kith_sync_backend *b, GPtrArray *entries, GHashTable *people,
                             GError **error)
{
  local_backend *l = (local_backend *)b;
  for (guint i = 0; i < entries->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(entries, i);
    const char *type = NULL;
    char *id = NULL;
    kith_lookup_answer r = kith_crmw_existing_for(l->store, e->email, &id, &type, error);
    if (r == KITH_LOOKUP_ERROR)
      return FALSE; /* never "nobody has it": that creates a second record */
    if (r == KITH_LOOKUP_NONE)
      continue;
    kith_sync_person *p = g_new0(kith_sync_person, 1);
    p->type = g_strdup(type);
    p->id = id;
    g_hash_table_replace(people, g_utf8_strdown(e->email, -1), p);
  }
  return TRUE;
}

static gboolean local_roles(kith_sync_backend *b, GPtrArray *items, GHashTable *roles,
                            GError **error)
{
  local_backend *l = (local_backend *)b;
  for (guint i = 0; i < items->len; i++) {
    const kith_sync_item *it = g_ptr_array_index(items, i);
    kith_lookup_answer has = kith_crmw_role_exists(l->store, it->e->opportunity_id, it->target,
                                                   error);
    if (has == KITH_LOOKUP_ERROR)
      return FALSE;
    if (has == KITH_LOOKUP_NONE)
      continue;
    /* Its Id does not matter here: only that the pair has a role already. */
    kith_sync_role *r = g_new0(kith_sync_role, 1);
    r->id = g_strdup("");
    r->kith_id = g_strdup("-");
    g_hash_table_replace(roles, g_strconcat(it->e->opportunity_id, "|", it->target, NULL), r);
  }
  return TRUE;
}

/* The tables take every change as it comes: a created record keeps the Id
 * queued for it, and apply.c writes the rows in the batch's transaction. */
static gboolean local_write(kith_sync_backend *b, kith_sync_kind kind, GPtrArray *items,
                            GError **error)
{
  (void)b;
  (void)error;
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    const char *id = kind == KITH_SYNC_CONTACT || kind == KITH_SYNC_ROLE ? it->e->object_id
                                                                         : it->target;
    kith_sync_item_answer(it, KITH_WRITE_DONE, id, NULL, NULL);
  }
  return TRUE;
}

gboolean kith_sync_local(kith_store *s, const kith_config *config, kith_sync_stats *st,
                         GError **error)
{
  local_backend l = {
      .base = {.name = "the local CRM",
               .local = TRUE,
               .batch_size = BATCH,
               .people = local_people,
               .roles = local_roles,
               .write = local_write},
      .store = s,
  };
  return kith_sync_apply(s, config, &l.base, st, error);
}
