/* decide.c - who is who and what is skipped (R2, R10, R11), contact creation
 * (R20-R27), and the glue that applies decisions. */
#include "rules/decide.h"

#include "store/lookup.h"
#include "store/outbox.h"

#include <string.h>

void kith_decider_init(kith_decider *d, kith_store *store, const kith_config *config)
{
  d->store = store;
  d->config = config;
  d->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->users = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  d->people = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void kith_decider_clear(kith_decider *d)
{
  g_clear_pointer(&d->counts, g_hash_table_unref);
  g_clear_pointer(&d->users, g_hash_table_unref);
  g_clear_pointer(&d->people, g_hash_table_unref);
}

/* The cached User look-up: "" when the address is no User, else a leading
 * '1' or '0' for active and the Id after it. */
#define USER_CACHE_MAX 16384

static const char *user_entry(kith_decider *d, const char *email);

static char *user_by_email(kith_decider *d, const char *email, gboolean *active)
{
  const char *hit = user_entry(d, email);
  if (!*hit)
    return NULL;
  if (active)
    *active = hit[0] == '1';
  return g_strdup(hit + 1);
}

/* The cache entry of EMAIL, looked up in the store the first time. */
static const char *user_entry(kith_decider *d, const char *email)
{
  const char *hit = g_hash_table_lookup(d->users, email);
  if (!hit) {
    gboolean a = FALSE;
    g_autofree char *id = kith_lookup_user_by_email(d->store, email, &a);
    char *v = id ? g_strconcat(a ? "1" : "0", id, NULL) : g_strdup("");
    /* Bounded, so memory stays flat however many addresses a mailbox names. */
    if (g_hash_table_size(d->users) >= USER_CACHE_MAX)
      g_hash_table_remove_all(d->users);
    g_hash_table_insert(d->users, g_strdup(email), v);
    hit = v;
  }
  return hit;
}

static void count(kith_decider *d, const char *action, const char *reason)
{
  char *key = reason && *reason && strcmp(action, "field_updated") != 0
                  ? g_strdup_printf("%s/%s", action, reason)
                  : g_strdup(action);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(d->counts, key));
  g_hash_table_replace(d->counts, key, GUINT_TO_POINTER(n + 1));
}

gboolean kith_decider_emit(kith_decider *d, const kith_decision *x, GError **error)
{
  count(d, x->action, x->reason);
  const char *op = NULL;
  if (strcmp(x->action, "contact_created") == 0)
    op = "contact_create";
  else if (strcmp(x->action, "ocr_created") == 0)
    op = "role_create";
  else if (strcmp(x->action, "field_updated") == 0)
    op = "field_update";
  if (op) {
    kith_outbox_entry e = {
        .op = (char *)op, .activity_id = (char *)x->activity_id, .email = (char *)x->email,
        .object_id = (char *)x->object_id, .account_id = (char *)x->account_id,
        .opportunity_id = (char *)x->opportunity_id, .contact_id = (char *)x->contact_id,
        .owner_id = (char *)x->owner_id, .field = (char *)x->field, .value = (char *)x->value,
        .old_value = (char *)x->old_value, .obs_time = x->obs_time, .rule = (char *)x->rule,
        .detail = (char *)x->detail};
    if (strcmp(op, "field_update") == 0)
      return kith_outbox_set_field(d->store, &e, error);
    if (!kith_outbox_add(d->store, &e, error))
      return FALSE;
    if (strcmp(op, "contact_create") == 0)
      return kith_state_link(d->store, x->activity_id, x->email, "Contact", x->object_id, error);
    return TRUE;
  }
  kith_log_entry entry = {x->activity_id, x->email, x->action, x->reason,
                          x->object_id, x->rule, x->detail};
  if (!kith_state_log(d->store, &entry, error))
    return FALSE;
  if (x->object_type && x->object_id && x->email)
    return kith_state_link(d->store, x->activity_id, x->email, x->object_type, x->object_id, error);
  return TRUE;
}

/* ---- R2, R10, R11 ------------------------------------------------------------ */

static void activity_user_free(gpointer p)
{
  kith_activity_user *u = p;
  g_free(u->email);
  g_free(u->user_id);
  g_free(u);
}

GPtrArray *kith_rules_activity_users(kith_decider *d, GPtrArray *participants)
{
  GPtrArray *users = g_ptr_array_new_with_free_func(activity_user_free);
  for (guint i = 0; i < participants->len; i++) {
    /* Both participant types start with the address. */
    const char *email = *(char **)g_ptr_array_index(participants, i);
    gboolean active = FALSE;
    char *id = user_by_email(d, email, &active);
    if (!id)
      continue;
    kith_activity_user *u = g_new0(kith_activity_user, 1);
    u->email = g_strdup(email);
    u->user_id = id;
    u->active = active;
    u->profile = kith_config_profile_for(d->config, email);
    g_ptr_array_add(users, u);
  }
  return users;
}

const char *kith_rules_activity_skip(kith_decider *d, const kith_activity *a)
{
  if (a->automatic)
    return "automatic";
  if (a->cancelled)
    return "cancelled";
  if (kith_config_subject_excluded(d->config, a->subject))
    return "subject_filtered";
  /* Any User will do: asked of every activity captured, so no list is made. */
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (*user_entry(d, p->email))
      return NULL;
  }
  return "no_users";
}

typedef struct {
  const char *reason; /* a static string, or NULL */
  gboolean is_user;
} person_verdict;

/* R11 for an address, whatever its CUTYPE. */
static person_verdict person_skip(kith_decider *d, const char *email)
{
  person_verdict v = {NULL, FALSE};
  const char *domain = strrchr(email, '@') ? strrchr(email, '@') + 1 : "";
  g_autofree char *user = user_by_email(d, email, NULL);
  v.is_user = user != NULL;
  if (user || kith_config_is_internal_domain(d->config, domain))
    v.reason = "internal";
  else if (kith_state_is_suppressed(d->store, email))
    v.reason = "suppressed";
  else if (kith_config_is_filtered(d->config, email))
    v.reason = "filtered";
  else if (kith_config_is_personal_domain(d->config, domain))
    v.reason = "personal_domain";
  else if (kith_config_is_role_address(d->config, email))
    v.reason = "role_address";
  return v;
}

const char *kith_rules_participant_skip(kith_decider *d, const char *email, kith_cutype cutype,
                                        gboolean *is_user)
{
  person_verdict *v = g_hash_table_lookup(d->people, email);
  if (!v) {
    if (g_hash_table_size(d->people) >= USER_CACHE_MAX)
      g_hash_table_remove_all(d->people);
    v = g_new(person_verdict, 1);
    *v = person_skip(d, email);
    g_hash_table_insert(d->people, g_strdup(email), v);
  }
  if (is_user)
    *is_user = v->is_user;
  if (v->reason)
    return v->reason;
  if (cutype != KITH_CUTYPE_PERSON)
    return "resource";
  return NULL;
}

void kith_decider_forget(kith_decider *d, const char *email)
{
  g_hash_table_remove(d->people, email);
}

static const char *skip_sentence(const char *reason)
{
  if (strcmp(reason, "internal") == 0)
    return "is internal (an internal domain or a User)";
  if (strcmp(reason, "suppressed") == 0)
    return "was removed from the CRM and is suppressed";
  if (strcmp(reason, "filtered") == 0)
    return "matches a [filters] exclusion";
  if (strcmp(reason, "personal_domain") == 0)
    return "is at a personal email domain";
  if (strcmp(reason, "role_address") == 0)
    return "is a role address, not a person";
  if (strcmp(reason, "resource") == 0)
    return "is a room, resource or group, not a person";
  return reason;
}

/* ---- R22-R26 ----------------------------------------------------------------- */

gboolean kith_rules_fields_known(kith_decider *d, const char *email, char **required,
                                 const kith_stored_participant *shown, char **missing)
{
  g_autoptr(GString) miss = g_string_new(NULL);
  const char *base[] = {"FirstName", "LastName"};
  const char *shown_names[] = {shown ? shown->first_name : NULL, shown ? shown->last_name : NULL};
  for (guint i = 0; i < G_N_ELEMENTS(base); i++)
    if (!shown_names[i] && !kith_state_observation(d->store, email, base[i], NULL, NULL))
      g_string_append_printf(miss, "%s%s", miss->len ? ", " : "", base[i]);
  for (char **f = required; f && *f; f++) {
    if (strcmp(*f, "Email") == 0 || strcmp(*f, "FirstName") == 0 || strcmp(*f, "LastName") == 0)
      continue;
    if (!kith_state_observation(d->store, email, *f, NULL, NULL))
      g_string_append_printf(miss, "%s%s", miss->len ? ", " : "", *f);
  }
  if (missing)
    *missing = g_strdup(miss->str);
  return miss->len == 0;
}

/* The best relation USER has to ACCOUNT: 0 owner, 1 an opportunity's owner,
 * 2 on the team, -1 none (R24). */
static int relation(kith_decider *d, const char *account_id, const char *user_id)
{
  if (kith_lookup_account_owned_by(d->store, account_id, user_id))
    return 0;
  if (kith_lookup_user_owns_opportunity_on(d->store, account_id, user_id))
    return 1;
  if (kith_lookup_user_on_team(d->store, account_id, user_id))
    return 2;
  return -1;
}

const char *kith_rules_choose_account(kith_decider *d, GPtrArray *matches, GPtrArray *users,
                                      gboolean require_user, kith_activity_user **user_out,
                                      int *relation_out)
{
  const kith_account_match *best = NULL;
  kith_activity_user *best_user = NULL;
  int best_rel = 99;
  for (guint i = 0; i < matches->len; i++) {
    const kith_account_match *m = g_ptr_array_index(matches, i);
    kith_activity_user *who = NULL;
    int rel = -1;
    for (guint u = 0; u < users->len && !who; u++) {
      kith_activity_user *cand = g_ptr_array_index(users, u);
      if (!cand->profile->contact_creation)
        continue;
      rel = relation(d, m->account_id, cand->user_id);
      if (rel >= 0)
        who = cand;
    }
    if (!who)
      continue;
    /* Primary-domain match first, then the relation, then the lowest Id
     * (matches come lowest Id first, so a tie keeps the earlier one). */
    gboolean better = !best || (m->primary && !best->primary) ||
                      (m->primary == best->primary && rel < best_rel);
    if (better) {
      best = m;
      best_user = who;
      best_rel = rel;
    }
  }
  if (!best && !require_user) {
    for (guint i = 0; i < matches->len; i++) {
      const kith_account_match *m = g_ptr_array_index(matches, i);
      if (!best || (m->primary && !best->primary))
        best = m;
    }
  }
  if (user_out)
    *user_out = best_user;
  if (relation_out)
    *relation_out = best_user ? best_rel : -1;
  return best ? best->account_id : NULL;
}

char *kith_rules_queue_contact(kith_decider *d, const kith_stored_activity *a, const char *email,
                               const char *account_id, const char *owner_id, const char *rule,
                               const char *why, GError **error)
{
  char *id = kith_state_new_id(d->store, "003", error);
  if (!id)
    return NULL;
  kith_decision x = {.action = "contact_created", .rule = rule, .activity_id = a->id,
                     .email = email, .object_type = "Contact", .object_id = id,
                     .account_id = account_id, .owner_id = owner_id,
                     .value = d->config->lead_source, .detail = why};
  if (!kith_decider_emit(d, &x, error)) {
    g_free(id);
    return NULL;
  }
  return id;
}

static const char *relation_words(int rel)
{
  return rel == 0 ? "owns it" : rel == 1 ? "owns an opportunity on it" : "is on its team";
}

static char *users_list(GPtrArray *users, gboolean creators_only)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < users->len; i++) {
    kith_activity_user *u = g_ptr_array_index(users, i);
    if (creators_only && !u->profile->contact_creation)
      continue;
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", u->email);
  }
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static void person_state_free(gpointer p)
{
  kith_person_state *ps = p;
  g_free(ps->contact_id);
  g_free(ps->contact_account);
  g_free(ps->lead_id);
  if (ps->matches)
    g_ptr_array_unref(ps->matches);
  g_free(ps->account_id);
  g_free(ps);
}

static gboolean skip(kith_decider *d, const kith_stored_activity *a, kith_person_state *ps,
                     const char *reason, const char *rule, const char *detail, GError **error)
{
  kith_decision x = {.action = "skipped", .reason = reason, .rule = rule, .activity_id = a->id,
                     .email = ps->p->email, .detail = detail};
  ps->logged = reason;
  return kith_decider_emit(d, &x, error);
}

/* R20-R27 for one participant that R11 let through. */
static gboolean decide_person(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                              kith_person_state *ps, GError **error)
{
  const char *email = ps->p->email;
  kith_contact_ref c = {0};
  if (kith_lookup_contact_by_email(d->store, email, &c)) {
    ps->contact_id = g_strdup(c.id);
    ps->contact_account = g_strdup(c.account_id);
    g_autofree char *why = g_strdup_printf(
        c.queued ? "linked: %s's contact %s is already queued for creation (R27)"
                 : "linked: %s already is contact %s (R20)",
        email, c.id);
    kith_decision x = {.action = "contact_linked", .rule = c.queued ? "R27" : "R20",
                       .activity_id = a->id, .email = email, .object_type = "Contact",
                       .object_id = c.id, .detail = why};
    gboolean ok = kith_decider_emit(d, &x, error) &&
                  (c.queued || kith_rules_enrich(d, email, c.id, c.created_by_kith, error));
    kith_contact_ref_clear(&c);
    return ok;
  }
  ps->lead_id = kith_lookup_lead_by_email(d->store, email);
  if (ps->lead_id) {
    g_autofree char *why = g_strdup_printf("linked: %s is lead %s, so no contact is made (R21)",
                                           email, ps->lead_id);
    kith_decision x = {.action = "lead_linked", .rule = "R21", .activity_id = a->id,
                       .email = email, .object_type = "Lead", .object_id = ps->lead_id,
                       .detail = why};
    return kith_decider_emit(d, &x, error);
  }
  kith_activity_user *creator = NULL;
  for (guint i = 0; i < users->len && !creator; i++) {
    kith_activity_user *u = g_ptr_array_index(users, i);
    if (u->profile->contact_creation)
      creator = u;
  }
  if (!creator) {
    g_autofree char *all = users_list(users, FALSE);
    g_autofree char *why = g_strdup_printf(
        "not created: contact creation is off in the profile of every user on the activity (%s) (R22)",
        all);
    return skip(d, a, ps, "contact_creation_off", "R22", why, error);
  }
  g_autofree char *missing = NULL;
  if (!kith_rules_fields_known(d, email, creator->profile->required_fields,
                               a->unauthenticated ? ps->p : NULL, &missing)) {
    g_autofree char *why = g_strdup_printf("not created: %s's %s %s not known (R22)", email,
                                           missing, strchr(missing, ',') ? "are" : "is");
    return skip(d, a, ps, "missing_field", "R22", why, error);
  }
  if (ps->matches->len == 0) {
    g_autofree char *why = g_strdup_printf(
        "not created: no Account has the domain %s or a parent of it (R23)", ps->p->domain);
    return skip(d, a, ps, "no_account", "R23", why, error);
  }
  kith_activity_user *who = NULL;
  int rel = -1;
  const char *account = kith_rules_choose_account(d, ps->matches, users, TRUE, &who, &rel);
  if (!account) {
    const kith_account_match *m = g_ptr_array_index(ps->matches, 0);
    g_autofree char *name = kith_lookup_record_name(d->store, "Account", m->account_id);
    g_autofree char *creators = users_list(users, TRUE);
    g_autofree char *why = g_strdup_printf(
        "not created: %s's domain matches %s (%s)%s, but none of %s is its owner, an "
        "opportunity owner or on its team (R24)",
        email, name, m->account_id, ps->matches->len > 1 ? " and other accounts" : "", creators);
    return skip(d, a, ps, "user_not_on_account", "R24", why, error);
  }
  if (a->unauthenticated) {
    g_autofree char *why = g_strdup_printf(
        "not created: the email naming %s failed the org's authentication checks "
        "(Authentication-Results), so it creates no contact and no role (R12)",
        email);
    return skip(d, a, ps, "unauthenticated", "R12", why, error);
  }
  const char *owner = who->active ? who->user_id : d->config->integration_user;
  g_autofree char *name = kith_lookup_record_name(d->store, "Account", account);
  g_autofree char *why = g_strdup_printf(
      "created on %s (%s) because %s %s (R24); owner %s%s (R26)", name, account, who->email,
      relation_words(rel), owner, who->active ? "" : ", the integration user, as the user is inactive");
  g_autofree char *id = kith_rules_queue_contact(d, a, email, account, owner, "R25", why, error);
  if (!id)
    return FALSE;
  ps->contact_id = g_steal_pointer(&id);
  ps->contact_account = g_strdup(account);
  return TRUE;
}

gboolean kith_rules_decide(kith_decider *d, const kith_stored_activity *a, GError **error)
{
  g_autoptr(GPtrArray) users = kith_rules_activity_users(d, a->participants);
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func(person_state_free);
  for (guint i = 0; i < a->participants->len; i++) {
    kith_person_state *ps = g_new0(kith_person_state, 1);
    ps->p = g_ptr_array_index(a->participants, i);
    g_ptr_array_add(people, ps);
    ps->skip = kith_rules_participant_skip(d, ps->p->email, ps->p->cutype, NULL);
    if (ps->skip) {
      g_autofree char *why = g_strdup_printf("skipped: %s %s (R11)", ps->p->email,
                                             skip_sentence(ps->skip));
      if (!skip(d, a, ps, ps->skip, "R11", why, error))
        return FALSE;
      continue;
    }
    ps->matches = kith_lookup_matching_accounts(d->store, ps->p->domain);
    ps->account_id = g_strdup(kith_rules_choose_account(d, ps->matches, users, FALSE, NULL, NULL));
    if (!decide_person(d, a, users, ps, error))
      return FALSE;
  }
  if (users->len > 0) {
    const kith_activity_user *first = g_ptr_array_index(users, 0);
    /* R12: forged mail creates no role either. */
    if (first->profile->ocr && !a->unauthenticated && !kith_rules_ocr(d, a, users, people, error))
      return FALSE;
  }
  return TRUE;
}
