/* ocr.c - Opportunity Contact Roles from who meets whom (R30-R35). */
#include "rules/decide.h"

#include "store/lookup.h"

#include <string.h>

typedef struct {
  kith_opportunity *opp;
  guint anchors; /* anchoring participants (R30); 0 under R33 */
} anchored;

/* R32: the one anchored opportunity that gets roles when multi is off. */
static anchored *pick(GArray *cands, GPtrArray *users)
{
  anchored *best = NULL;
  gboolean best_owned = FALSE;
  for (guint i = 0; i < cands->len; i++) {
    anchored *c = &g_array_index(cands, anchored, i);
    gboolean owned = FALSE;
    for (guint u = 0; u < users->len && !owned; u++)
      owned = g_strcmp0(((kith_activity_user *)g_ptr_array_index(users, u))->user_id,
                        c->opp->owner_id) == 0;
    gboolean better;
    if (!best)
      better = TRUE;
    else if (c->anchors != best->anchors)
      better = c->anchors > best->anchors;
    else if (owned != best_owned)
      better = owned;
    else if (c->opp->created != best->opp->created)
      better = c->opp->created > best->opp->created;
    else
      better = strcmp(c->opp->id, best->opp->id) < 0;
    if (better) {
      best = c;
      best_owned = owned;
    }
  }
  return best;
}

/* R28: *OUT says whether ACCOUNT is left out of R30-R34 (the activity is no
 * conversation with it, and the profile asks for one). */
static gboolean left_out(kith_decider *d, const kith_stored_activity *a,
                         const kith_profile *profile, const char *account, gboolean *out,
                         GError **error)
{
  gboolean yes = TRUE;
  if (profile->conversation_only && !kith_rules_conversation(d, a, account, &yes, error))
    return FALSE;
  *out = !yes;
  return TRUE;
}

/* R34: *TARGET is the one open opportunity over every account the
 * participants match (those in conversation, R28), when there is exactly
 * one and it has no role yet; NULL otherwise. */
static gboolean first_ocr_target(kith_decider *d, const kith_stored_activity *a,
                                 const kith_profile *profile, GPtrArray *people, char **target,
                                 GError **error)
{
  *target = NULL;
  g_autoptr(GHashTable) accounts = g_hash_table_new(g_str_hash, g_str_equal);
  g_autofree char *only = NULL;
  guint n = 0;
  for (guint i = 0; i < people->len; i++) {
    kith_person_state *ps = g_ptr_array_index(people, i);
    for (guint m = 0; !ps->skip && ps->matches && m < ps->matches->len; m++) {
      kith_account_match *am = g_ptr_array_index(ps->matches, m);
      gboolean out = FALSE;
      if (!g_hash_table_add(accounts, am->account_id))
        continue;
      if (!left_out(d, a, profile, am->account_id, &out, error))
        return FALSE;
      if (out)
        continue;
      g_autoptr(GPtrArray) open = kith_rules_open_opportunities(d, am->account_id, error);
      if (!open)
        return FALSE;
      n += open->len;
      if (open->len == 1 && n == 1)
        only = g_strdup(((kith_opportunity *)g_ptr_array_index(open, 0))->id);
    }
  }
  if (n != 1)
    return TRUE;
  kith_lookup_answer has = kith_lookup_opportunity_has_role(d->store, only, error);
  if (has == KITH_LOOKUP_NONE)
    *target = g_steal_pointer(&only);
  return has != KITH_LOOKUP_ERROR;
}

/* Gives every participant of the group a role on OPP (R30, R31, R35). */
static gboolean add_roles(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                          GPtrArray *group, const char *account, kith_opportunity *opp,
                          const char *rule, const char *because, GError **error)
{
  const kith_activity_user *first = g_ptr_array_index(users, 0);
  g_autofree char *opp_name = kith_lookup_record_name(d->store, "Opportunity", opp->id, error);
  if (!opp_name)
    return FALSE;
  for (guint i = 0; i < group->len; i++) {
    kith_person_state *ps = g_ptr_array_index(group, i);
    if (!ps->lead_id && kith_lookup_lead_by_email_cached(d->store, d->mirror, ps->p->email,
                                                         &ps->lead_id, error) == KITH_LOOKUP_ERROR)
      return FALSE;
    if (ps->lead_id)
      continue; /* never a role for an address that is a Lead, even one with a contact too */
    if (!ps->contact_id) {
      /* R31: a contact first, on this account; R22 and R25 apply, R24 not. */
      gboolean creation_on = FALSE;
      const kith_activity_user *creator = NULL;
      for (guint u = 0; u < users->len && !creator; u++) {
        kith_activity_user *cand = g_ptr_array_index(users, u);
        if (cand->profile->contact_creation)
          creator = cand;
      }
      creation_on = creator != NULL;
      g_autofree char *missing = NULL;
      kith_reason reason = KITH_REASON_NONE;
      gboolean known = FALSE;
      if (!creation_on)
        reason = KITH_REASON_CONTACT_CREATION_OFF;
      else if (!kith_rules_fields_known(d, ps->p->email, creator->profile->required_fields, NULL,
                                        &known, &missing, error))
        return FALSE;
      else if (!known)
        reason = KITH_REASON_MISSING_FIELD;
      if (reason) {
        if (ps->logged == reason)
          continue;
        g_autofree char *why = g_strdup_printf(
            "no role on %s (%s): %s has no contact and none can be made (%s) (R31)", opp_name,
            opp->id, ps->p->email, missing && *missing ? missing : kith_reason_name(reason));
        kith_decision x = {.action = KITH_ACTION_SKIPPED,
                           .reason = reason,
                           .rule = "R31",
                           .activity_id = a->id,
                           .email = ps->p->email,
                           .detail = why};
        ps->logged = reason;
        if (!kith_decider_emit(d, &x, error))
          return FALSE;
        continue;
      }
      /* R43: a contact with the same name on the account takes the role. */
      gboolean handled = FALSE;
      if (!kith_rules_same_person(d, a, ps, account, &handled, error))
        return FALSE;
      if (handled) {
        kith_lookup_answer has = kith_lookup_role_exists(d->store, opp->id, ps->contact_id, error);
        if (has == KITH_LOOKUP_ERROR)
          return FALSE;
        if (has == KITH_LOOKUP_FOUND)
          continue;
        goto role;
      }
      const char *owner = first->active ? first->user_id : d->config->integration_user;
      g_autofree char *why = g_strdup_printf(
          "created on account %s to take a role on %s (%s) (R31); owner %s, the activity's first "
          "user%s",
          account, opp_name, opp->id, owner, first->active ? "" : " being inactive");
      ps->contact_id = kith_rules_queue_contact(d, a, ps->p->email, account, owner, "R31", why,
                                                error);
      if (!ps->contact_id)
        return FALSE;
      ps->contact_account = g_strdup(account);
    } else {
      kith_lookup_answer has = kith_lookup_role_exists(d->store, opp->id, ps->contact_id, error);
      if (has == KITH_LOOKUP_ERROR)
        return FALSE;
      if (has == KITH_LOOKUP_FOUND)
        continue;
    }
  role:;
    g_autofree char *why = g_strdup_printf("added as a contact role on %s (%s) because %s (%s)",
                                           opp_name, opp->id, because, rule);
    kith_decision x = {.action = KITH_ACTION_OCR_CREATED,
                       .rule = rule,
                       .activity_id = a->id,
                       .email = ps->p->email,
                       .opportunity_id = opp->id,
                       .contact_id = ps->contact_id,
                       .value = first->profile->ocr_role,
                       .detail = why};
    g_autofree char *role_id = kith_decider_emit_new(d, &x, error);
    if (!role_id)
      return FALSE;
  }
  return TRUE;
}

static gboolean decide_account(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                               GPtrArray *group, const char *account, const char *first_target,
                               GError **error)
{
  const kith_profile *profile = ((kith_activity_user *)g_ptr_array_index(users, 0))->profile;
  g_autoptr(GPtrArray) open = kith_rules_open_opportunities(d, account, error);
  if (!open)
    return FALSE;
  if (open->len == 0)
    return TRUE;
  g_autoptr(GArray) cands = g_array_new(FALSE, FALSE, sizeof(anchored));
  g_autoptr(GString) anchor_names = g_string_new(NULL);
  /* R30: an open opportunity is anchored by a participant who is a Contact
   * on this account with a role on it. */
  for (guint o = 0; o < open->len; o++) {
    anchored c = {g_ptr_array_index(open, o), 0};
    for (guint i = 0; i < group->len; i++) {
      kith_person_state *ps = g_ptr_array_index(group, i);
      if (!ps->contact_id || g_strcmp0(ps->contact_account, account) != 0)
        continue;
      kith_lookup_answer has = kith_lookup_role_exists(d->store, c.opp->id, ps->contact_id, error);
      if (has == KITH_LOOKUP_ERROR)
        return FALSE;
      if (has == KITH_LOOKUP_FOUND)
        c.anchors++;
    }
    if (c.anchors)
      g_array_append_val(cands, c);
  }
  const char *rule = "R30";
  if (cands->len) {
    for (guint i = 0; i < group->len; i++) {
      kith_person_state *ps = g_ptr_array_index(group, i);
      if (ps->contact_id && g_strcmp0(ps->contact_account, account) == 0)
        for (guint c = 0; c < cands->len; c++) {
          kith_lookup_answer has = kith_lookup_role_exists(
              d->store, g_array_index(cands, anchored, c).opp->id, ps->contact_id, error);
          if (has == KITH_LOOKUP_ERROR)
            return FALSE;
          if (has == KITH_LOOKUP_FOUND) {
            g_string_append_printf(anchor_names, "%s%s", anchor_names->len ? ", " : "",
                                   ps->p->email);
            break;
          }
        }
    }
  }
  if (!cands->len && profile->new_ocr) {
    /* R33: opportunities that already have a role count as anchored. */
    rule = "R33";
    for (guint o = 0; o < open->len; o++) {
      anchored c = {g_ptr_array_index(open, o), 0};
      kith_lookup_answer has = kith_lookup_opportunity_has_role(d->store, c.opp->id, error);
      if (has == KITH_LOOKUP_ERROR)
        return FALSE;
      if (has == KITH_LOOKUP_FOUND)
        g_array_append_val(cands, c);
    }
  }
  if (!cands->len && first_target) {
    rule = "R34";
    for (guint o = 0; o < open->len; o++) {
      anchored c = {g_ptr_array_index(open, o), 0};
      if (strcmp(c.opp->id, first_target) == 0)
        g_array_append_val(cands, c);
    }
  }
  if (!cands->len)
    return TRUE;
  g_autofree char *because =
      strcmp(rule, "R30") == 0
          ? g_strdup_printf("%s, already a role there, took part in the same %s", anchor_names->str,
                            a->kind)
      : strcmp(rule, "R33") == 0
          ? g_strdup("it already has contact roles and no opportunity of the account is anchored")
          : g_strdup("it is the only open opportunity of the accounts on the activity and has no "
                     "role yet");
  if (profile->multi_opportunity) {
    for (guint c = 0; c < cands->len; c++)
      if (!add_roles(d, a, users, group, account, g_array_index(cands, anchored, c).opp, rule,
                     because, error))
        return FALSE;
    return TRUE;
  }
  anchored *best = pick(cands, users);
  return add_roles(d, a, users, group, account, best->opp, rule, because, error);
}

gboolean kith_rules_ocr(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                        GPtrArray *people, GError **error)
{
  const kith_profile *profile = ((kith_activity_user *)g_ptr_array_index(users, 0))->profile;
  if (kith_rules_too_many(profile, a))
    return TRUE; /* R29: no roles from an activity with this many people */
  /* Group the participants left after R10-R11 by their account, in order,
   * leaving out the accounts the activity is no conversation with (R28). */
  g_autoptr(GPtrArray) accounts = g_ptr_array_new();
  g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < people->len; i++) {
    kith_person_state *ps = g_ptr_array_index(people, i);
    gboolean out = FALSE;
    if (ps->skip || !ps->account_id)
      continue;
    if (!left_out(d, a, profile, ps->account_id, &out, error))
      return FALSE;
    if (out)
      continue;
    GPtrArray *g = g_hash_table_lookup(groups, ps->account_id);
    if (!g) {
      g = g_ptr_array_new();
      g_hash_table_insert(groups, ps->account_id, g);
      g_ptr_array_add(accounts, ps->account_id);
    }
    g_ptr_array_add(g, ps);
  }
  g_autofree char *first_target = NULL;
  if (profile->first_ocr && !first_ocr_target(d, a, profile, people, &first_target, error))
    return FALSE;
  for (guint i = 0; i < accounts->len; i++) {
    const char *account = g_ptr_array_index(accounts, i);
    if (!decide_account(d, a, users, g_hash_table_lookup(groups, account), account, first_target,
                        error))
      return FALSE;
  }
  return TRUE;
}
