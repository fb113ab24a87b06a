/* local.c - sync to the embedded CRM: the store's own CRM tables. */
#include "sync/sync.h"

#include "store/crmwrite.h"
#include "store/outbox.h"
#include "store/state.h"
#include "util/timeutil.h"

#include <string.h>

#define BATCH 256

static gboolean log_it(kith_store *s, const kith_outbox_entry *e, const char *action,
                       const char *reason, const char *object_id, const char *rule,
                       const char *detail, GError **error)
{
  kith_log_entry entry = {e->activity_id, e->email, action, reason, object_id, rule, detail};
  return kith_state_log(s, &entry, error);
}

/* R61 first; else the contact, with the newest observations of its fields. */
static gboolean apply_contact_create(kith_store *s, const kith_outbox_entry *e,
                                     kith_sync_stats *st, GError **error)
{
  const char *type = NULL;
  g_autofree char *existing = kith_crmw_existing_for(s, e->email, &type);
  if (existing) {
    gboolean lead = strcmp(type, "Lead") == 0;
    g_autofree char *why = g_strdup_printf(
        "not created at sync: %s is %s %s by then, so the activity is linked to it (R61)", e->email,
        lead ? "lead" : "contact", existing);
    st->contacts_linked++;
    return kith_crmw_alias(s, e->object_id, existing, type, error) &&
           kith_state_relink(s, e->object_id, type, existing, error) &&
           log_it(s, e, lead ? "lead_linked" : "contact_linked", "exists_at_sync", existing, "R61",
                  why, error);
  }
  kith_new_contact c = {.id = e->object_id, .account_id = e->account_id, .email = e->email,
                        .owner_id = e->owner_id, .lead_source = e->value};
  g_autofree char *now = kith_time_now();
  c.created_date = now;
  char *values[KITH_FIELD_COUNT] = {0};
  gint64 times[KITH_FIELD_COUNT] = {0};
  kith_state_observations(s, e->email, values, times);
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    c.fields[f] = values[f];
  gboolean ok = kith_crmw_insert_contact(s, &c, error);
  for (int f = 0; ok && f < KITH_FIELD_COUNT; f++)
    if (values[f])
      ok = kith_state_set_field_source(s, e->object_id, kith_field_name(f), times[f], error);
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    g_free(values[f]);
  if (!ok)
    return FALSE;
  st->contacts_created++;
  return log_it(s, e, "contact_created", NULL, e->object_id, e->rule, e->detail, error);
}

static gboolean apply_role_create(kith_store *s, const kith_outbox_entry *e, kith_sync_stats *st,
                                  const char **outcome, GError **error)
{
  const char *type = NULL;
  g_autofree char *contact = kith_crmw_resolve(s, e->contact_id, &type);
  /* Roles moved by dedup (R42) keep their place even on a closed deal; new
   * roles never go on one (R30-R35). */
  gboolean moved = g_strcmp0(e->rule, "R42") == 0;
  if (strcmp(type, "Lead") == 0 || !kith_crmw_contact_exists(s, contact) ||
      (!moved && !kith_crmw_opportunity_open(s, e->opportunity_id)) ||
      kith_crmw_role_exists(s, e->opportunity_id, contact)) {
    /* Never a role for a Lead, on a closed deal, or twice. */
    st->dropped++;
    *outcome = "dropped";
    return TRUE;
  }
  if (!kith_crmw_insert_role(s, e->object_id, e->opportunity_id, contact, e->value, error))
    return FALSE;
  st->roles_created++;
  return log_it(s, e, "ocr_created", NULL, e->object_id, e->rule, e->detail, error);
}

static gboolean apply_field_update(kith_store *s, const kith_outbox_entry *e, kith_sync_stats *st,
                                   const char **outcome, GError **error)
{
  const char *type = NULL;
  g_autofree char *contact = kith_crmw_resolve(s, e->contact_id, &type);
  if (strcmp(type, "Lead") == 0 || !kith_crmw_contact_exists(s, contact)) {
    st->dropped++;
    *outcome = "dropped";
    return TRUE;
  }
  g_autofree char *old = NULL;
  if (!kith_crmw_update_field(s, contact, e->field, e->value, &old, error))
    return FALSE;
  st->fields_updated++;
  g_autofree char *why = e->detail ? g_strdup(e->detail)
                                   : g_strdup_printf("%s: '%s' becomes '%s'", e->field, old, e->value);
  return log_it(s, e, "field_updated", e->field, contact, e->rule, why, error);
}

static gboolean apply_delete(kith_store *s, const kith_outbox_entry *e, kith_sync_stats *st,
                             gboolean removal, GError **error)
{
  gboolean existed = FALSE;
  if (!kith_crmw_delete_contact(s, e->object_id, &existed, error))
    return FALSE;
  if (!removal && e->value && !kith_state_relink(s, e->object_id, "Contact", e->value, error))
    return FALSE;
  if (removal)
    st->contacts_removed++;
  else
    st->contacts_deleted++;
  return log_it(s, e, removal ? "contact_removed" : "contact_deleted", NULL, e->object_id, e->rule,
                e->detail, error);
}

gboolean kith_sync_local(kith_store *s, const kith_config *config, kith_sync_stats *st,
                         GError **error)
{
  kith_sync_stats local = {0};
  if (!st)
    st = &local;
  for (;;) {
    g_autoptr(GPtrArray) batch = kith_outbox_pending(s, BATCH, error);
    if (!batch)
      return FALSE;
    if (batch->len == 0)
      return TRUE;
    if (!kith_store_begin(s, error))
      return FALSE;
    kith_sync_stats before = *st;
    for (guint i = 0; i < batch->len; i++) {
      const kith_outbox_entry *e = g_ptr_array_index(batch, i);
      const char *outcome = "done";
      gboolean ok;
      if (strcmp(e->op, "contact_create") == 0)
        ok = apply_contact_create(s, e, st, error);
      else if (strcmp(e->op, "role_create") == 0)
        ok = apply_role_create(s, e, st, &outcome, error);
      else if (strcmp(e->op, "field_update") == 0)
        ok = apply_field_update(s, e, st, &outcome, error);
      else if (strcmp(e->op, "contact_delete") == 0)
        ok = apply_delete(s, e, st, FALSE, error);
      else if (strcmp(e->op, "contact_remove") == 0)
        ok = apply_delete(s, e, st, TRUE, error);
      else {
        outcome = "failed";
        ok = TRUE;
      }
      if (ok)
        ok = kith_outbox_mark(s, e->seq, outcome, NULL, error);
      if (!ok) {
        kith_store_rollback(s);
        *st = before;
        g_prefix_error(error, "sync stopped at outbox entry %" G_GINT64_FORMAT " (%s %s): ",
                       e->seq, e->op, e->object_id);
        return FALSE;
      }
    }
    if (!kith_store_commit(s, error)) {
      kith_store_rollback(s);
      *st = before;
      return FALSE;
    }
  }
}
