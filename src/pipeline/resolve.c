/* resolve.c - accepting and rejecting the review queue's items; see resolve.h. */
#include "pipeline/resolve.h"

#include "pipeline/record.h"
#include "rules/decide.h"
#include "rules/maintain.h"
#include "store/lookup.h"
#include "store/state.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

void kith_review_outcome_clear(kith_review_outcome *out)
{
  g_clear_pointer(&out->email, g_free);
  g_clear_pointer(&out->contact_id, g_free);
  g_clear_pointer(&out->decision, g_free);
  g_clear_pointer(&out->sentence, g_free);
}

/* kith_review_account_fn: the Account the rules group a missing-name
 * address under in its activity (R3, R24's tie-breaks for the activity's
 * users), as kith_rules_decide does. DATA is a kith_decider. */
static gboolean account_of(const char *email, const char *activity_id, char **account,
                           gpointer data, GError **error)
{
  kith_decider *d = data;
  *account = NULL;
  GError *local = NULL;
  g_autoptr(kith_stored_activity) act = kith_state_activity_load(d->store, activity_id, &local);
  if (!act && !g_error_matches(local, KITH_ERROR, KITH_ERROR_NOT_FOUND)) {
    g_propagate_error(error, local);
    return FALSE;
  }
  g_clear_error(&local); /* an activity purged since: no users to prefer */
  g_autoptr(GPtrArray) users = act ? kith_rules_activity_users(d, act->participants, error)
                                   : g_ptr_array_new();
  if (!users)
    return FALSE;
  const char *at = strrchr(email, '@');
  g_autoptr(GPtrArray) matches = NULL;
  const char *chosen = NULL;
  if (!kith_rules_participant_account(d, at ? at + 1 : "", users, &matches, &chosen, error))
    return FALSE;
  *account = g_strdup(chosen);
  return TRUE;
}

/* kith_review_refresh with the rules' choice of Account. */
static gboolean refresh(kith_store *s, const kith_config *config, GError **error)
{
  kith_decider d;
  kith_record_decider_init(&d, s, config);
  gboolean ok = kith_review_refresh(s, config->review_participants, account_of, &d, error);
  kith_decider_clear(&d);
  return ok;
}

gboolean kith_resolve_refresh(kith_store *store, const kith_config *config, GError **error)
{
  if (!kith_store_begin(store, error))
    return FALSE;
  if (refresh(store, config, error) && kith_store_commit(store, error))
    return TRUE;
  kith_store_rollback(store);
  return FALSE;
}

/* The open item ID, or an error saying why it cannot be decided. */
static kith_review_item *open_item(kith_store *s, gint64 id, GError **error)
{
  kith_review_item *it = NULL;
  kith_lookup_answer a = kith_review_get(s, id, &it, error);
  if (a == KITH_LOOKUP_ERROR)
    return NULL;
  if (a == KITH_LOOKUP_NONE) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND,
                "review: %" G_GINT64_FORMAT ": no such item", id);
    return NULL;
  }
  if (it->state == KITH_REVIEW_OPEN)
    return it;
  if (it->state == KITH_REVIEW_SETTLED)
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": no longer applies: %s", id,
                it->kind == KITH_REVIEW_MANY
                    ? "the contact is gone, being removed, or its address suppressed"
                    : "the address has a contact or a lead by now, or is suppressed");
  else
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": %s already (%s)", id,
                kith_review_state_name(it->state), it->decision);
  kith_review_item_free(it);
  return NULL;
}

/* ---- accepting ------------------------------------------------------------------ */

/* R43 accepted: the address is another address of contact TARGET: every
 * activity naming it is linked there. Nothing is logged: R43's own rows
 * (skipped, same_person) already say which contact took the address, and
 * the review item keeps who decided (a Contact has one Email, so the CRM
 * has nothing to change). */
static gboolean accept_merge(kith_store *s, const kith_review_item *it, const char *target,
                             kith_review_outcome *out, GError **error)
{
  kith_contact_ref c = {0};
  kith_lookup_answer a = kith_lookup_contact_by_id(s, target, &c, NULL, error);
  kith_contact_ref_clear(&c);
  if (a == KITH_LOOKUP_ERROR)
    return FALSE;
  if (a == KITH_LOOKUP_NONE) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND,
                "review: %" G_GINT64_FORMAT ": %s: no such contact", it->id, target);
    return FALSE;
  }
  out->contact_id = g_strdup(target);
  out->decision = g_strdup_printf("merge %s", target);
  out->sentence = g_strdup_printf("%s is another address of contact %s; its activities are "
                                  "linked there",
                                  it->email, target);
  return kith_state_link_address(s, it->email, "Contact", target, error);
}

/* A name given for the address counts as what it shows now: sync writes the
 * newest observations into the contact (R25), and newer mail still wins
 * (R37). */
static gboolean observe_given(kith_store *s, const kith_review_item *it, const char *field,
                              const char *value, GError **error)
{
  if (!value || !*value)
    return TRUE;
  g_autofree char *source = g_strdup_printf("review:%" G_GINT64_FORMAT, it->id);
  return kith_state_observe(s, it->email, field, value, kith_time_now_unix(), source, error);
}

/* R20, R21: the address has no Contact and no Lead by now. */
static gboolean no_record_yet(kith_store *s, const kith_review_item *it, GError **error)
{
  kith_contact_ref c = {0};
  kith_lookup_answer a = kith_lookup_contact_by_email(s, it->email, &c, error);
  if (a == KITH_LOOKUP_FOUND)
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": %s already is contact %s (R20)", it->id, it->email,
                c.id);
  kith_contact_ref_clear(&c);
  if (a != KITH_LOOKUP_NONE)
    return FALSE;
  g_autofree char *lead = NULL;
  a = kith_lookup_lead_by_email(s, it->email, &lead, error);
  if (a == KITH_LOOKUP_FOUND)
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": %s already is lead %s (R21)", it->id, it->email,
                lead);
  return a == KITH_LOOKUP_NONE;
}

/* The item's activity, and the address's place in it (borrowed from it). */
static kith_stored_activity *item_activity(kith_store *s, const kith_review_item *it,
                                           const kith_participant **p, GError **error)
{
  GError *local = NULL;
  kith_stored_activity *act = kith_state_activity_load(s, it->activity_id, &local);
  for (guint i = 0; act && i < act->participants->len && !*p; i++) {
    const kith_participant *x = g_ptr_array_index(act->participants, i);
    if (strcmp(x->email, it->email) == 0)
      *p = x;
  }
  if (act && *p)
    return act;
  if (act || g_error_matches(local, KITH_ERROR, KITH_ERROR_NOT_FOUND)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": activity %s naming %s is no longer stored, so the "
                "rules cannot be asked about it",
                it->id, it->activity_id, it->email);
    g_clear_error(&local);
  } else {
    g_propagate_error(error, local);
  }
  kith_stored_activity_free(act);
  return NULL;
}

/* What R22-R29 and R43 say of a contact for the item's address in its
 * activity ACT, whose users are USERS, asked as kith_rules_decide asks
 * them: *OUT says where and whose (borrowing from USERS), or the refusal
 * is ERROR (REFUSED) with the rules' sentence. */
static gboolean rules_allow(kith_decider *d, const kith_review_item *it,
                            const kith_stored_activity *act, GPtrArray *users,
                            const kith_participant *p, kith_creation *out, GError **error)
{
  kith_person_state ps = {.p = p};
  gboolean ok = kith_rules_creation(d, act, users, &ps, out, error);
  g_clear_pointer(&ps.matches, g_ptr_array_unref);
  if (!ok)
    return FALSE;
  if (out->reason) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED, "review: %" G_GINT64_FORMAT ": %s", it->id,
                out->why);
    return FALSE;
  }
  /* R43: one person, one contact. */
  const kith_account_person *same = NULL;
  g_autofree char *first = NULL, *last = NULL;
  if (!kith_rules_same_name(d, it->email, out->account_id, &same, &first, &last, error))
    return FALSE;
  if (same) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                "review: %" G_GINT64_FORMAT ": not created: contact %s on account %s has the same "
                "name (%s %s) at %s: one person, one contact (R43)",
                it->id, same->id, out->account_id, first ? first : "", last, same->email);
    return FALSE;
  }
  return TRUE;
}

/* A contact of its own for the address, where and as the rules would make
 * it (R22-R29, R43): on the Account R24 chooses among the activity's users,
 * owned by that user when active, else integration_user (R26); queued like
 * R25's and logged contact_created when sync makes it. */
static gboolean accept_create(kith_store *s, const kith_config *config, const kith_review_item *it,
                              const kith_review_choice *choice, kith_review_outcome *out,
                              GError **error)
{
  if (!no_record_yet(s, it, error))
    return FALSE;
  const char *first = choice->first_name && *choice->first_name ? choice->first_name
                                                                : it->first_name;
  const char *last = choice->last_name && *choice->last_name ? choice->last_name : it->last_name;
  if (!first || !*first || !last || !*last) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE,
                "review: %" G_GINT64_FORMAT ": %s's %s not known: give the name to create it with",
                it->id, it->email,
                !first || !*first
                    ? (!last || !*last ? "FirstName and LastName are" : "FirstName is")
                    : "LastName is");
    return FALSE;
  }
  const kith_participant *p = NULL;
  g_autoptr(kith_stored_activity) act = item_activity(s, it, &p, error);
  if (!act)
    return FALSE;
  /* The name given is what the address shows now: the rules read it so. */
  if (!observe_given(s, it, "FirstName", choice->first_name, error) ||
      !observe_given(s, it, "LastName", choice->last_name, error))
    return FALSE;
  kith_decider d;
  kith_record_decider_init(&d, s, config);
  kith_creation k = {0};
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) users = kith_rules_activity_users(&d, act->participants, error);
  if (users && rules_allow(&d, it, act, users, p, &k, error)) {
    gboolean alternate = it->kind == KITH_REVIEW_ALTERNATE;
    g_autofree char *why = g_strdup_printf(
        "created on %s (%s) because an administrator accepted %s (review item %" G_GINT64_FORMAT
        ")%s and %s %s (R24); owner %s%s (R26)",
        k.account_name, k.account_id, it->email, it->id,
        alternate ? " as a person of its own" : " with the name given for it", k.user->email,
        kith_rules_relation_words(k.relation), k.owner_id,
        k.user->active ? "" : ", the integration user, as the user is inactive");
    id = kith_rules_queue_contact(&d, act, it->email, k.account_id, k.owner_id, "R25", why, error);
  }
  if (id) {
    out->decision = g_strdup_printf("create %s", id);
    out->sentence = g_strdup_printf(
        "contact %s (%s %s, %s) is queued on %s; 'kith sync' creates it", id, first, last,
        it->email, k.account_id);
    out->contact_id = g_steal_pointer(&id);
    out->queued = TRUE;
  }
  kith_creation_clear(&k);
  kith_decider_clear(&d);
  return out->contact_id != NULL;
}

/* Many participants accepted: the contact stays. Nothing is logged: the
 * rules logged its creation, and the review item keeps who decided. */
static void accept_keep(const kith_review_item *it, kith_review_outcome *out)
{
  out->contact_id = g_strdup(it->contact_id);
  out->decision = g_strdup_printf("keep %s", it->contact_id);
  out->sentence = g_strdup_printf("contact %s (%s) is kept", it->contact_id, it->email);
}

static gboolean accept_item(kith_store *s, const kith_config *config, const kith_review_item *it,
                            const kith_review_choice *choice, kith_review_outcome *out,
                            GError **error)
{
  gboolean named = (choice->first_name && *choice->first_name) ||
                   (choice->last_name && *choice->last_name);
  const char *merge = choice->merge && *choice->merge ? choice->merge : NULL;
  if (merge && (choice->create || named)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE,
                "review: %" G_GINT64_FORMAT ": merge or create, not both", it->id);
    return FALSE;
  }
  if (it->kind == KITH_REVIEW_MANY) {
    if (merge || choice->create || named) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_REFUSED,
                  "review: %" G_GINT64_FORMAT ": a contact made from many participants is kept "
                  "or rejected; it takes no merge, create or name",
                  it->id);
      return FALSE;
    }
    accept_keep(it, out);
    return TRUE;
  }
  if (it->kind == KITH_REVIEW_ALTERNATE && named && !choice->create) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE,
                "review: %" G_GINT64_FORMAT ": a name is given with create", it->id);
    return FALSE;
  }
  if (merge)
    return accept_merge(s, it, merge, out, error);
  if (it->kind == KITH_REVIEW_ALTERNATE && !choice->create)
    return accept_merge(s, it, it->contact_id, out, error);
  return accept_create(s, config, it, choice, out, error);
}

/* ---- rejecting ------------------------------------------------------------------ */

static gboolean reject_item(kith_store *s, const kith_config *config, const kith_review_item *it,
                            kith_review_outcome *out, GError **error)
{
  if (it->kind == KITH_REVIEW_MANY) {
    /* R50, as kith remove: the contact and its roles go, the address is
     * suppressed. */
    kith_contact_ref c = {0};
    if (kith_lookup_contact_by_id(s, it->contact_id, &c, NULL, error) == KITH_LOOKUP_ERROR)
      return FALSE;
    gboolean queued = c.queued;
    kith_contact_ref_clear(&c);
    kith_decider d;
    kith_record_decider_init(&d, s, config);
    gboolean ok = kith_rules_remove(&d, it->contact_id, FALSE, NULL, error);
    kith_decider_clear(&d);
    if (!ok)
      return FALSE;
    out->contact_id = g_strdup(it->contact_id);
    out->decision = g_strdup_printf("remove %s", it->contact_id);
    out->sentence = g_strdup_printf(
        queued ? "contact %s (%s) will not be created, and its address is suppressed"
               : "contact %s (%s) is queued for removal and its address suppressed; 'kith sync' "
                 "applies it",
        it->contact_id, it->email);
    out->queued = !queued;
    return TRUE;
  }
  /* R50: suppressed, so later mail naming it is skipped suppressed (R11).
   * Section 6 has no log row for a suppression itself: the review item
   * keeps who decided, and kith explain shows both. */
  out->decision = g_strdup("suppress");
  out->sentence = g_strdup_printf("%s is suppressed: kith will not create a contact for it",
                                  it->email);
  return kith_state_suppress(s, it->email, NULL, error);
}

/* ---- the transaction --------------------------------------------------------------- */

typedef gboolean (*decide_fn)(kith_store *s, const kith_config *config, const kith_review_item *it,
                              const kith_review_choice *choice, kith_review_outcome *out,
                              GError **error);

static gboolean accept_fn(kith_store *s, const kith_config *config, const kith_review_item *it,
                          const kith_review_choice *choice, kith_review_outcome *out,
                          GError **error)
{
  return accept_item(s, config, it, choice, out, error);
}

static gboolean reject_fn(kith_store *s, const kith_config *config, const kith_review_item *it,
                          const kith_review_choice *choice, kith_review_outcome *out,
                          GError **error)
{
  return reject_item(s, config, it, out, error);
}

static gboolean resolve(kith_store *s, const kith_config *config, gint64 id,
                        const kith_review_choice *choice, kith_review_state state, decide_fn fn,
                        kith_review_outcome *out, GError **error)
{
  *out = (kith_review_outcome){0};
  if (!kith_store_begin(s, error))
    return FALSE;
  g_autoptr(kith_review_item) it = NULL;
  gboolean ok = refresh(s, config, error) && (it = open_item(s, id, error)) != NULL;
  if (ok) {
    out->email = g_strdup(it->email);
    out->kind = it->kind;
    ok = fn(s, config, it, choice, out, error) &&
         kith_review_close(s, id, state, out->decision, error) && kith_store_commit(s, error);
  }
  if (!ok) {
    kith_store_rollback(s);
    kith_review_outcome_clear(out);
  }
  return ok;
}

gboolean kith_resolve_accept(kith_store *store, const kith_config *config, gint64 id,
                             const kith_review_choice *choice, kith_review_outcome *out,
                             GError **error)
{
  kith_review_choice none = {0};
  return resolve(store, config, id, choice ? choice : &none, KITH_REVIEW_ACCEPTED, accept_fn, out,
                 error);
}

gboolean kith_resolve_reject(kith_store *store, const kith_config *config, gint64 id,
                             kith_review_outcome *out, GError **error)
{
  return resolve(store, config, id, NULL, KITH_REVIEW_REJECTED, reject_fn, out, error);
}
