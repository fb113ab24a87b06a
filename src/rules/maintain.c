/* maintain.c - kith dedup (R40-R42) and kith remove (R50): decisions like
 * every other, stored by the decider's kith_decision_fn. */
#include "rules/maintain.h"

#include "store/lookup.h"
#include "util/error.h"

#include <string.h>

typedef struct {
  kith_decider *d;
  gboolean dry_run;
  kith_plan_fn plan;
  gpointer user_data;
  kith_dedup_stats *stats;
} dedup_ctx;

static void tell(dedup_ctx *c, const char *what, const char *email, const char *id,
                 const char *detail)
{
  if (c->plan)
    c->plan(what, email, id, detail, c->user_data);
}

/* One group of contacts sharing EMAIL, earliest first: the first survives
 * (R40); the other kith-created ones go, their roles moving to it (R41, R42). */
static gboolean dedup_group(const char *email, GPtrArray *ids, GArray *by_kith, gpointer user_data,
                            GError **error)
{
  dedup_ctx *c = user_data;
  kith_store *s = c->d->store;
  const char *survivor = g_ptr_array_index(ids, 0);
  c->stats->groups++;
  /* Roles the survivor has, or is given in this run. */
  g_autoptr(GHashTable) has = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) own = kith_lookup_contact_roles(s, survivor, error);
  if (!own)
    return FALSE;
  for (guint i = 0; i < own->len; i++)
    g_hash_table_add(has, g_strdup(g_ptr_array_index(own, i)));
  for (guint i = 1; i < ids->len; i++) {
    const char *dup = g_ptr_array_index(ids, i);
    if (!g_array_index(by_kith, gboolean, i)) {
      c->stats->kept++;
      g_autofree char *why = g_strdup_printf(
          "kept: %s shares %s with %s but was not created by kith (R41)", dup, email, survivor);
      tell(c, "keep", email, dup, why);
      continue;
    }
    g_autoptr(GPtrArray) roles = kith_lookup_contact_roles(s, dup, error);
    if (!roles)
      return FALSE;
    for (guint r = 0; r < roles->len; r++) {
      const char *opp = g_ptr_array_index(roles, r);
      if (g_hash_table_contains(has, opp))
        continue;
      g_hash_table_add(has, g_strdup(opp));
      c->stats->roles_moved++;
      g_autofree char *why = g_strdup_printf(
          "role on %s moved from duplicate %s to the surviving contact %s (R42)", opp, dup,
          survivor);
      tell(c, "move_role", email, opp, why);
      if (c->dry_run)
        continue;
      /* The moved role keeps what the old one said; kith re-creates it. */
      g_autofree char *role = NULL;
      if (kith_lookup_role_value(s, opp, dup, &role, error) == KITH_LOOKUP_ERROR)
        return FALSE;
      kith_decision x = {.action = KITH_ACTION_OCR_CREATED,
                         .rule = "R42",
                         .email = email,
                         .opportunity_id = opp,
                         .contact_id = survivor,
                         .value = role ? role : "",
                         .detail = why};
      g_autofree char *role_id = kith_decider_emit_new(c->d, &x, error);
      if (!role_id)
        return FALSE;
    }
    c->stats->deleted++;
    g_autofree char *why = g_strdup_printf(
        "deleted: a duplicate of %s for %s, which survives as the earliest created (R40, R41)",
        survivor, email);
    tell(c, "delete", email, dup, why);
    if (c->dry_run)
      continue;
    kith_decision x = {.action = KITH_ACTION_CONTACT_DELETED,
                       .rule = "R41",
                       .email = email,
                       .object_id = dup,
                       .contact_id = dup,
                       .value = survivor,
                       .detail = why};
    if (!kith_decider_emit(c->d, &x, error))
      return FALSE;
  }
  return TRUE;
}

gboolean kith_rules_dedup(kith_decider *d, gboolean dry_run, kith_plan_fn plan, gpointer user_data,
                          kith_dedup_stats *stats, GError **error)
{
  kith_dedup_stats local = {0};
  dedup_ctx c = {d, dry_run, plan, user_data, stats ? stats : &local};
  return kith_lookup_each_duplicate_group(d->store, dedup_group, &c, error);
}

gboolean kith_rules_remove(kith_decider *d, const char *id, gboolean allow_recreate,
                           char **email_out, GError **error)
{
  kith_store *s = d->store;
  kith_contact_ref c = {0};
  g_autofree char *email = NULL;
  kith_lookup_answer found = kith_lookup_contact_by_id(s, id, &c, &email, error);
  if (found == KITH_LOOKUP_ERROR)
    return FALSE;
  if (found == KITH_LOOKUP_NONE) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND, "remove: %s: no such contact", id);
    return FALSE;
  }
  gboolean by_kith = c.created_by_kith, queued = c.queued;
  kith_contact_ref_clear(&c);
  if (!by_kith) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "remove: %s: not created by kith, so kith leaves it as it is (R50)", id);
    return FALSE;
  }
  g_autofree char *why = g_strdup_printf(
      "removed by an administrator, with every role on it%s (R50)",
      allow_recreate ? "; the address may be created again" : "; the address is suppressed");
  /* Not in the CRM yet (QUEUED): the queued creation and all that hangs on
   * it are cancelled instead. */
  kith_decision x = {.action = KITH_ACTION_CONTACT_REMOVED,
                     .rule = "R50",
                     .email = email,
                     .object_id = id,
                     .contact_id = id,
                     .detail = why,
                     .cancel_queued = queued,
                     .suppress = !allow_recreate};
  if (!kith_decider_emit(d, &x, error))
    return FALSE;
  kith_decider_forget(d, email);
  if (email_out)
    *email_out = g_steal_pointer(&email);
  return TRUE;
}
