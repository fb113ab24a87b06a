/* decide.c - who is who and what is skipped (R2, R10, R11), contact creation
 * (R20-R27), and handing the decisions on to be stored. */
#include "rules/decide.h"

#include "core/field.h"
#include "store/lookup.h"
#include "store/person.h"
#include "util/text.h"
#include "util/timeutil.h"

#include <string.h>

void kith_decider_init(kith_decider *d, kith_store *store, const kith_config *config,
                       kith_decision_fn record, gpointer record_data)
{
  d->store = store;
  d->config = config;
  d->record = record;
  d->record_data = record_data;
  d->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->users = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  d->people = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  d->user_names = NULL;
  d->account_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_hash_table_unref);
  d->account_names_size = 0;
  d->conv_id = NULL;
  d->conv_accounts = NULL;
  d->domains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)g_ptr_array_unref);
  d->relations = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->mirror = kith_mirror_cache_new();
  d->observed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->enriched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->opportunities = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
}

void kith_decider_clear(kith_decider *d)
{
  g_clear_pointer(&d->counts, g_hash_table_unref);
  g_clear_pointer(&d->users, g_hash_table_unref);
  g_clear_pointer(&d->people, g_hash_table_unref);
  g_clear_pointer(&d->user_names, g_hash_table_unref);
  g_clear_pointer(&d->account_names, g_hash_table_unref);
  g_clear_pointer(&d->conv_id, g_free);
  g_clear_pointer(&d->conv_accounts, g_ptr_array_unref);
  g_clear_pointer(&d->domains, g_hash_table_unref);
  g_clear_pointer(&d->relations, g_hash_table_unref);
  g_clear_pointer(&d->opportunities, g_hash_table_unref);
  g_clear_pointer(&d->mirror, kith_mirror_cache_free);
  g_clear_pointer(&d->observed, g_hash_table_unref);
  g_clear_pointer(&d->enriched, g_hash_table_unref);
}

void kith_decider_forget_crm(kith_decider *d)
{
  g_hash_table_remove_all(d->domains);
  g_hash_table_remove_all(d->relations);
  g_hash_table_remove_all(d->opportunities);
  kith_mirror_cache_clear(d->mirror);
  g_hash_table_remove_all(d->observed);
  g_hash_table_remove_all(d->enriched);
}

#define DOMAIN_CACHE_MAX 16384

/* R3 for DOMAIN, looked up once a decider: a mailbox names the same
 * domains again and again. A new reference, or NULL with ERROR. */
static GPtrArray *matching_accounts(kith_decider *d, const char *domain, GError **error)
{
  GPtrArray *m = g_hash_table_lookup(d->domains, domain);
  if (!m) {
    m = kith_lookup_matching_accounts(d->store, domain, error);
    if (!m)
      return NULL;
    if (g_hash_table_size(d->domains) >= DOMAIN_CACHE_MAX)
      g_hash_table_remove_all(d->domains);
    g_hash_table_insert(d->domains, g_strdup(domain), m);
  }
  return g_ptr_array_ref(m);
}

/* The cached User look-up: "" when the address is no User, else a leading
 * '1' or '0' for active and the Id after it; for an alias (R2), a tab and
 * the User's own Email after that. */
#define USER_CACHE_MAX 16384

static gboolean user_entry(kith_decider *d, const char *email, const char **entry, GError **error);
static gboolean queued_account_name(kith_decider *d, const char *email, const char *account_id,
                                    const char *id, GError **error);
static kith_lookup_answer alias_user(kith_decider *d, const char *email, char **id,
                                     gboolean *active, char **own, GError **error);

/* The User EMAIL is (its own address or an alias): *ID (newly allocated)
 * and *ACTIVE (may be NULL) when found. */
static kith_lookup_answer user_by_email(kith_decider *d, const char *email, char **id,
                                        gboolean *active, GError **error)
{
  *id = NULL;
  const char *hit = NULL;
  if (!user_entry(d, email, &hit, error))
    return KITH_LOOKUP_ERROR;
  if (!*hit)
    return KITH_LOOKUP_NONE;
  if (active)
    *active = hit[0] == '1';
  *id = g_strndup(hit + 1, strcspn(hit + 1, "\t"));
  return KITH_LOOKUP_FOUND;
}

/* The address a User's profile is found by, from its cache ENTRY: its own
 * Email, for an alias. */
static const char *own_address(const char *entry, const char *email)
{
  const char *tab = strchr(entry, '\t');
  return tab ? tab + 1 : email;
}

/* The cache entry of EMAIL, looked up in the store the first time (*ENTRY
 * borrowed from the cache). FALSE with ERROR, nothing cached, when the
 * store fails. */
static gboolean user_entry(kith_decider *d, const char *email, const char **entry, GError **error)
{
  const char *hit = g_hash_table_lookup(d->users, email);
  if (!hit) {
    gboolean a = FALSE;
    g_autofree char *id = NULL, *own = NULL;
    kith_lookup_answer r = kith_lookup_user_by_email(d->store, email, &id, &a, error);
    if (r == KITH_LOOKUP_NONE)
      r = alias_user(d, email, &id, &a, &own, error);
    if (r == KITH_LOOKUP_ERROR)
      return FALSE;
    char *v = id ? g_strconcat(a ? "1" : "0", id, own ? "\t" : "", own, NULL) : g_strdup("");
    /* Bounded, so memory stays flat however many addresses a mailbox names. */
    if (g_hash_table_size(d->users) >= USER_CACHE_MAX)
      g_hash_table_remove_all(d->users);
    g_hash_table_insert(d->users, g_strdup(email), v);
    hit = v;
  }
  *entry = hit;
  return TRUE;
}

/* The answer of a look-up that says TRUE or FALSE with LOCAL set on an error. */
static kith_lookup_answer answer(gboolean found, GError *local, GError **error)
{
  if (local) {
    g_propagate_error(error, local);
    return KITH_LOOKUP_ERROR;
  }
  return found ? KITH_LOOKUP_FOUND : KITH_LOOKUP_NONE;
}

/* R2: the User EMAIL is another address of: by [aliases] (an alias whose
 * target is no User's Email is ignored), or learned while learn_aliases is
 * on. Found: *ID (newly allocated), *ACTIVE and *OWN, the User's Email. */
static kith_lookup_answer alias_user(kith_decider *d, const char *email, char **id,
                                     gboolean *active, char **own, GError **error)
{
  *id = NULL;
  const char *target = g_hash_table_lookup(d->config->aliases, email);
  if (target) {
    kith_lookup_answer r = kith_lookup_user_by_email(d->store, target, id, active, error);
    if (r == KITH_LOOKUP_FOUND)
      *own = g_strdup(target);
    return r;
  }
  const char *at = strrchr(email, '@');
  if (!d->config->learn_aliases || !at || !kith_config_is_internal_domain(d->config, at + 1))
    return KITH_LOOKUP_NONE;
  g_autofree char *user = NULL;
  GError *local = NULL;
  gboolean learned = kith_person_learned_alias(d->store, email, &user, &local);
  kith_lookup_answer r = answer(learned, local, error);
  if (r != KITH_LOOKUP_FOUND)
    return r;
  r = kith_lookup_user_active(d->store, user, active, error);
  if (r != KITH_LOOKUP_FOUND)
    return r;
  gboolean has_email = kith_person_user_email(d->store, user, own, &local);
  r = answer(has_email, local, error);
  if (r == KITH_LOOKUP_FOUND)
    *id = g_steal_pointer(&user);
  return r;
}

static char *name_key(const char *first, const char *last)
{
  g_autofree char *f = kith_text_fold(first), *l = kith_text_fold(last);
  return g_strconcat(f, "\x01", l, NULL);
}

static void add_user_name(const char *id, const char *first, const char *last, gboolean active,
                          gpointer user_data)
{
  GHashTable *names = user_data;
  if (!*first || !*last)
    return;
  char *key = name_key(first, last);
  if (g_hash_table_contains(names, key)) {
    g_hash_table_replace(names, key, g_strdup("")); /* two Users: nobody's */
    return;
  }
  g_hash_table_insert(names, key, g_strconcat(active ? "1" : "0", id, NULL));
}

gboolean kith_rules_learn_aliases(kith_decider *d, const kith_activity *a, char **firsts,
                                  char **lasts, GError **error)
{
  if (!d->config->learn_aliases || !firsts || !lasts)
    return TRUE;
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (!firsts[i] || !lasts[i] || !kith_config_is_internal_domain(d->config, p->domain))
      continue;
    const char *entry = NULL;
    if (!user_entry(d, p->email, &entry, error))
      return FALSE;
    if (*entry)
      continue;
    if (!d->user_names) {
      d->user_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
      if (!kith_person_users_each(d->store, add_user_name, d->user_names, error))
        return FALSE;
    }
    g_autofree char *key = name_key(firsts[i], lasts[i]);
    const char *user = g_hash_table_lookup(d->user_names, key);
    if (!user || user[0] != '1')
      continue; /* no User, two, or an inactive one */
    g_autofree char *why = g_strdup_printf(
        "learned: %s, named '%s %s' on an activity, is another address of User %s (R2)", p->email,
        firsts[i], lasts[i], user + 1);
    kith_decision x = {.action = KITH_ACTION_ALIAS_LEARNED,
                       .rule = "R2",
                       .activity_id = a->id,
                       .email = p->email,
                       .object_id = user + 1,
                       .detail = why};
    if (!kith_decider_emit(d, &x, error))
      return FALSE;
    g_hash_table_remove(d->users, p->email); /* looked up again, now as an alias */
    g_hash_table_remove(d->people, p->email);
  }
  return TRUE;
}

static void count(kith_decider *d, const char *action, const char *reason)
{
  if (!action)
    return; /* only a flag's work (R39's field source) */
  char *key = reason && *reason && strcmp(action, kith_action_name(KITH_ACTION_FIELD_UPDATED)) != 0
                  ? g_strdup_printf("%s/%s", action, reason)
                  : g_strdup(action);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(d->counts, key));
  g_hash_table_replace(d->counts, key, GUINT_TO_POINTER(n + 1));
}

/* Counts decision X for the summary, by the names of its action and reason. */
static void count_decision(kith_decider *d, const kith_decision *x)
{
  count(d, kith_action_name(x->action), kith_reason_name(x->reason));
}

gboolean kith_decider_emit(kith_decider *d, const kith_decision *x, GError **error)
{
  count_decision(d, x);
  return d->record(x, NULL, d->record_data, error);
}

char *kith_decider_emit_new(kith_decider *d, const kith_decision *x, GError **error)
{
  g_return_val_if_fail(!x->object_id, NULL);
  count_decision(d, x);
  char *id = NULL;
  if (!d->record(x, &id, d->record_data, error)) {
    g_free(id);
    return NULL;
  }
  return id;
}

/* ---- R2, R10, R11 ------------------------------------------------------------ */

static void activity_user_free(gpointer p)
{
  kith_activity_user *u = p;
  g_free(u->email);
  g_free(u->user_id);
  g_free(u);
}

GPtrArray *kith_rules_activity_users(kith_decider *d, GPtrArray *participants, GError **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func(activity_user_free);
  for (guint i = 0; i < participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(participants, i);
    const char *email = p->email;
    const char *entry = NULL;
    if (!user_entry(d, email, &entry, error))
      return NULL;
    if (!*entry)
      continue;
    gboolean active = entry[0] == '1';
    char *id = g_strndup(entry + 1, strcspn(entry + 1, "\t"));
    /* R2: a User named by two addresses is one user, at its first place. */
    gboolean seen = FALSE;
    for (guint u = 0; u < users->len && !seen; u++)
      seen = strcmp(((kith_activity_user *)g_ptr_array_index(users, u))->user_id, id) == 0;
    if (seen) {
      g_free(id);
      continue;
    }
    kith_activity_user *u = g_new0(kith_activity_user, 1);
    u->email = g_strdup(email);
    u->user_id = id;
    u->active = active;
    u->profile = kith_config_profile_for(d->config, own_address(entry, email));
    g_ptr_array_add(users, u);
  }
  return g_steal_pointer(&users);
}

gboolean kith_rules_activity_skip(kith_decider *d, const kith_activity *a, kith_reason *reason,
                                  GError **error)
{
  *reason = KITH_REASON_NONE;
  if (a->automatic)
    *reason = KITH_REASON_AUTOMATIC;
  else if (a->cancelled)
    *reason = KITH_REASON_CANCELLED;
  else if (kith_config_subject_excluded(d->config, a->subject))
    *reason = KITH_REASON_SUBJECT_FILTERED;
  if (*reason)
    return TRUE;
  /* Any User will do: asked of every activity captured, so no list is made. */
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    const char *entry = NULL;
    if (!user_entry(d, p->email, &entry, error))
      return FALSE;
    if (*entry)
      return TRUE;
  }
  *reason = KITH_REASON_NO_USERS;
  return TRUE;
}

typedef struct {
  kith_reason reason; /* or NONE */
  gboolean is_user;
} person_verdict;

/* R11 for an address, whatever its CUTYPE. FALSE with ERROR when the store fails. */
static gboolean person_skip(kith_decider *d, const char *email, person_verdict *v, GError **error)
{
  *v = (person_verdict){KITH_REASON_NONE, FALSE};
  const char *domain = strrchr(email, '@') ? strrchr(email, '@') + 1 : "";
  g_autofree char *user = NULL;
  if (user_by_email(d, email, &user, NULL, error) == KITH_LOOKUP_ERROR)
    return FALSE;
  v->is_user = user != NULL;
  if (user || kith_config_is_internal_domain(d->config, domain)) {
    v->reason = KITH_REASON_INTERNAL;
    return TRUE;
  }
  kith_lookup_answer suppressed = kith_state_is_suppressed(d->store, email, error);
  if (suppressed == KITH_LOOKUP_ERROR)
    return FALSE;
  if (suppressed == KITH_LOOKUP_FOUND)
    v->reason = KITH_REASON_SUPPRESSED;
  else if (kith_config_is_filtered(d->config, email))
    v->reason = KITH_REASON_FILTERED;
  else if (kith_config_is_personal_domain(d->config, domain))
    v->reason = KITH_REASON_PERSONAL_DOMAIN;
  else if (kith_config_is_role_address(d->config, email))
    v->reason = KITH_REASON_ROLE_ADDRESS;
  return TRUE;
}

gboolean kith_rules_participant_skip(kith_decider *d, const char *email, kith_cutype cutype,
                                     kith_reason *reason, gboolean *is_user, GError **error)
{
  person_verdict *v = g_hash_table_lookup(d->people, email);
  if (!v) {
    person_verdict got;
    if (!person_skip(d, email, &got, error))
      return FALSE; /* nothing cached: asked again next time */
    if (g_hash_table_size(d->people) >= USER_CACHE_MAX)
      g_hash_table_remove_all(d->people);
    v = g_new(person_verdict, 1);
    *v = got;
    g_hash_table_insert(d->people, g_strdup(email), v);
  }
  if (is_user)
    *is_user = v->is_user;
  *reason = v->reason;
  if (!*reason && cutype != KITH_CUTYPE_PERSON)
    *reason = KITH_REASON_RESOURCE;
  return TRUE;
}

void kith_decider_forget(kith_decider *d, const char *email)
{
  g_hash_table_remove(d->people, email);
}

static const char *skip_sentence(kith_reason reason)
{
  switch (reason) {
  case KITH_REASON_INTERNAL: return "is internal (an internal domain or a User)";
  case KITH_REASON_SUPPRESSED: return "was removed from the CRM and is suppressed";
  case KITH_REASON_FILTERED: return "matches a [filters] exclusion";
  case KITH_REASON_PERSONAL_DOMAIN: return "is at a personal email domain";
  case KITH_REASON_ROLE_ADDRESS: return "is a role address, not a person";
  case KITH_REASON_RESOURCE: return "is a room, resource or group, not a person";
  default: return kith_reason_name(reason);
  }
}

/* ---- R22-R26 ----------------------------------------------------------------- */

#define OBSERVED_CACHE_MAX 65536

/* Adds FIELD to MISS unless EMAIL has an observation of it. */
static gboolean need_observation(kith_decider *d, const char *email, const char *field,
                                 GString *miss, GError **error)
{
  guint32 fields = GPOINTER_TO_UINT(g_hash_table_lookup(d->observed, email));
  if (!fields) {
    if (!kith_state_observed_fields(d->store, email, &fields, error))
      return FALSE;
    fields |= 1u << 31;
    if (g_hash_table_size(d->observed) >= OBSERVED_CACHE_MAX)
      g_hash_table_remove_all(d->observed);
    g_hash_table_insert(d->observed, g_strdup(email), GUINT_TO_POINTER(fields));
  }
  int f = kith_field_lookup(field);
  if (f < 0 || !(fields & (1u << f)))
    g_string_append_printf(miss, "%s%s", miss->len ? ", " : "", field);
  return TRUE;
}

gboolean kith_rules_fields_known(kith_decider *d, const char *email, char **required,
                                 const kith_participant *shown, gboolean *known, char **missing,
                                 GError **error)
{
  g_autoptr(GString) miss = g_string_new(NULL);
  const char *base[] = {"FirstName", "LastName"};
  const char *shown_names[] = {shown ? shown->first_name : NULL, shown ? shown->last_name : NULL};
  for (guint i = 0; i < G_N_ELEMENTS(base); i++)
    if (!shown_names[i] && !need_observation(d, email, base[i], miss, error))
      return FALSE;
  for (char **f = required; f && *f; f++) {
    if (strcmp(*f, "Email") == 0 || strcmp(*f, "FirstName") == 0 || strcmp(*f, "LastName") == 0)
      continue;
    if (!need_observation(d, email, *f, miss, error))
      return FALSE;
  }
  if (missing)
    *missing = g_strdup(miss->str);
  *known = miss->len == 0;
  return TRUE;
}

#define RELATION_CACHE_MAX 65536

/* The best relation USER has to ACCOUNT (R24), in *REL: 0 owner, 1 an
 * opportunity's owner, 2 on the team, -1 none. Asked once a decider for
 * each pair: the same users meet the same accounts again and again. */
static gboolean relation(kith_decider *d, const char *account_id, const char *user_id, int *rel,
                         GError **error)
{
  g_autofree char *key = g_strconcat(account_id, "\x1f", user_id, NULL);
  gpointer hit = g_hash_table_lookup(d->relations, key);
  if (hit) {
    *rel = GPOINTER_TO_INT(hit) - 1;
    return TRUE;
  }
  kith_lookup_answer (*const asks[])(kith_store *, const char *, const char *, GError **) = {
      kith_lookup_account_owned_by, kith_lookup_user_owns_opportunity_on, kith_lookup_user_on_team};
  *rel = -1;
  for (int i = 0; i < (int)G_N_ELEMENTS(asks); i++) {
    kith_lookup_answer r = asks[i](d->store, account_id, user_id, error);
    if (r == KITH_LOOKUP_ERROR)
      return FALSE;
    if (r == KITH_LOOKUP_FOUND) {
      *rel = i;
      break;
    }
  }
  if (g_hash_table_size(d->relations) >= RELATION_CACHE_MAX)
    g_hash_table_remove_all(d->relations);
  g_hash_table_insert(d->relations, g_steal_pointer(&key), GINT_TO_POINTER(*rel + 1));
  return TRUE;
}

#define OPPORTUNITY_CACHE_MAX 16384

GPtrArray *kith_rules_open_opportunities(kith_decider *d, const char *account_id, GError **error)
{
  GPtrArray *open = g_hash_table_lookup(d->opportunities, account_id);
  if (!open) {
    open = kith_lookup_open_opportunities(d->store, account_id, error);
    if (!open)
      return NULL;
    if (g_hash_table_size(d->opportunities) >= OPPORTUNITY_CACHE_MAX)
      g_hash_table_remove_all(d->opportunities);
    g_hash_table_insert(d->opportunities, g_strdup(account_id), open);
  }
  return g_ptr_array_ref(open);
}

gboolean kith_rules_choose_account(kith_decider *d, GPtrArray *matches, GPtrArray *users,
                                   gboolean require_user, const char **account_out,
                                   kith_activity_user **user_out, int *relation_out, GError **error)
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
      if (!relation(d, m->account_id, cand->user_id, &rel, error))
        return FALSE;
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
  *account_out = best ? best->account_id : NULL;
  return TRUE;
}

char *kith_rules_queue_contact(kith_decider *d, const kith_stored_activity *a, const char *email,
                               const char *account_id, const char *owner_id, const char *rule,
                               const char *why, GError **error)
{
  kith_decision x = {.action = KITH_ACTION_CONTACT_CREATED,
                     .rule = rule,
                     .activity_id = a->id,
                     .email = email,
                     .object_type = "Contact",
                     .account_id = account_id,
                     .owner_id = owner_id,
                     .value = d->config->lead_source,
                     .detail = why};
  char *id = kith_decider_emit_new(d, &x, error);
  if (id && !queued_account_name(d, email, account_id, id, error))
    g_clear_pointer(&id, g_free);
  return id;
}

const char *kith_rules_relation_words(int rel)
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

static const kith_participant *sender(const kith_stored_activity *a);

static gboolean skip(kith_decider *d, const kith_stored_activity *a, kith_person_state *ps,
                     kith_reason reason, const char *rule, const char *detail, GError **error)
{
  kith_decision x = {.action = KITH_ACTION_SKIPPED,
                     .reason = reason,
                     .rule = rule,
                     .activity_id = a->id,
                     .email = ps->p->email,
                     .detail = detail};
  ps->logged = reason;
  return kith_decider_emit(d, &x, error);
}

/* R20-R27 for one participant that R11 let through. */
static gboolean decide_person(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                              kith_person_state *ps, GError **error)
{
  const char *email = ps->p->email;
  kith_contact_ref c = {0};
  kith_lookup_answer found = kith_lookup_contact_by_email_cached(d->store, d->mirror, email, &c,
                                                                 error);
  if (found == KITH_LOOKUP_ERROR)
    return FALSE; /* never "no contact": that would queue a duplicate */
  if (found == KITH_LOOKUP_FOUND) {
    ps->contact_id = g_strdup(c.id);
    ps->contact_account = g_strdup(c.account_id);
    g_autofree char *why = g_strdup_printf(
        c.queued ? "linked: %s's contact %s is already queued for creation (R27)"
                 : "linked: %s already is contact %s (R20)",
        email, c.id);
    kith_decision x = {.action = KITH_ACTION_CONTACT_LINKED,
                       .rule = c.queued ? "R27" : "R20",
                       .activity_id = a->id,
                       .email = email,
                       .object_type = "Contact",
                       .object_id = c.id,
                       .detail = why};
    gboolean ok = kith_decider_emit(d, &x, error) &&
                  (c.queued || kith_rules_enrich(d, email, c.id, c.created_by_kith, error));
    kith_contact_ref_clear(&c);
    return ok;
  }
  found = kith_lookup_lead_by_email_cached(d->store, d->mirror, email, &ps->lead_id, error);
  if (found == KITH_LOOKUP_ERROR)
    return FALSE;
  if (found == KITH_LOOKUP_FOUND) {
    g_autofree char *why = g_strdup_printf("linked: %s is lead %s, so no contact is made (R21)",
                                           email, ps->lead_id);
    kith_decision x = {.action = KITH_ACTION_LEAD_LINKED,
                       .rule = "R21",
                       .activity_id = a->id,
                       .email = email,
                       .object_type = "Lead",
                       .object_id = ps->lead_id,
                       .detail = why};
    return kith_decider_emit(d, &x, error);
  }
  kith_creation k = {0};
  if (!kith_rules_creation(d, a, users, ps, &k, error))
    return FALSE;
  if (k.reason) {
    /* For the summary: a missing name at a matching Account is worth a
     * look; at a domain no Account has it would not have mattered. */
    if (k.reason == KITH_REASON_MISSING_FIELD && ps->matches && ps->matches->len)
      count(d, "summary", "missing_field_at_account");
    gboolean ok = skip(d, a, ps, k.reason, k.rule, k.why, error);
    kith_creation_clear(&k);
    return ok;
  }
  gboolean handled = FALSE;
  if (!kith_rules_same_person(d, a, ps, k.account_id, &handled, error)) {
    kith_creation_clear(&k);
    return FALSE;
  }
  if (handled) {
    kith_creation_clear(&k);
    return TRUE;
  }
  g_autofree char *why = g_strdup_printf(
      "created on %s (%s) because %s %s (R24); owner %s%s (R26)", k.account_name, k.account_id,
      k.user->email, kith_rules_relation_words(k.relation), k.owner_id,
      k.user->active ? "" : ", the integration user, as the user is inactive");
  g_autofree char *id = kith_rules_queue_contact(d, a, email, k.account_id, k.owner_id, "R25", why,
                                                 error);
  if (id) {
    ps->contact_id = g_steal_pointer(&id);
    ps->contact_account = g_strdup(k.account_id);
  }
  kith_creation_clear(&k);
  return ps->contact_id != NULL;
}

void kith_creation_clear(kith_creation *c)
{
  g_clear_pointer(&c->why, g_free);
  g_clear_pointer(&c->account_name, g_free);
}

/* C says no: REASON under RULE, with the sentence WHY (taken). */
static gboolean creation_no(kith_creation *c, kith_reason reason, const char *rule, char *why)
{
  c->reason = reason;
  c->rule = rule;
  c->why = why;
  return TRUE;
}

gboolean kith_rules_creation(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                             kith_person_state *ps, kith_creation *out, GError **error)
{
  *out = (kith_creation){.relation = -1};
  const char *email = ps->p->email;
  if (!ps->matches && !(ps->matches = matching_accounts(d, ps->p->domain, error)))
    return FALSE;
  kith_activity_user *creator = NULL;
  for (guint i = 0; i < users->len && !creator; i++) {
    kith_activity_user *u = g_ptr_array_index(users, i);
    if (u->profile->contact_creation)
      creator = u;
  }
  if (!creator) {
    g_autofree char *all = users_list(users, FALSE);
    return creation_no(out, KITH_REASON_CONTACT_CREATION_OFF, "R22",
                       g_strdup_printf("not created: contact creation is off in the profile of "
                                       "every user on the activity (%s) (R22)",
                                       all));
  }
  g_autofree char *missing = NULL;
  gboolean known = FALSE;
  if (!kith_rules_fields_known(d, email, creator->profile->required_fields,
                               a->unauthenticated ? ps->p : NULL, &known, &missing, error))
    return FALSE;
  if (!known)
    return creation_no(out, KITH_REASON_MISSING_FIELD, "R22",
                       g_strdup_printf("not created: %s's %s %s not known (R22)", email, missing,
                                       strchr(missing, ',') ? "are" : "is"));
  if (ps->matches->len == 0)
    return creation_no(
        out, KITH_REASON_NO_ACCOUNT, "R23",
        g_strdup_printf("not created: no Account has the domain %s or a parent of it (R23)",
                        ps->p->domain));
  kith_activity_user *who = NULL;
  int rel = -1;
  const char *account = NULL;
  if (!kith_rules_choose_account(d, ps->matches, users, TRUE, &account, &who, &rel, error))
    return FALSE;
  if (!account) {
    const kith_account_match *m = g_ptr_array_index(ps->matches, 0);
    g_autofree char *name = kith_lookup_record_name(d->store, "Account", m->account_id, error);
    if (!name)
      return FALSE;
    g_autofree char *creators = users_list(users, TRUE);
    return creation_no(
        out, KITH_REASON_USER_NOT_ON_ACCOUNT, "R24",
        g_strdup_printf("not created: %s's domain matches %s (%s)%s, but none of %s is its owner, "
                        "an opportunity owner or on its team (R24)",
                        email, name, m->account_id,
                        ps->matches->len > 1 ? " and other accounts" : "", creators));
  }
  if (a->unauthenticated)
    return creation_no(
        out, KITH_REASON_UNAUTHENTICATED, "R12",
        g_strdup_printf("not created: the email naming %s failed the org's authentication checks "
                        "(Authentication-Results), so it creates no contact and no role (R12)",
                        email));
  g_autofree char *name = kith_lookup_record_name(d->store, "Account", account, error);
  if (!name)
    return FALSE;
  gboolean conversation = TRUE;
  if (creator->profile->conversation_only &&
      !kith_rules_conversation(d, a, account, &conversation, error))
    return FALSE;
  if (!conversation) {
    const kith_participant *from = sender(a);
    return creation_no(
        out, KITH_REASON_NOT_CONVERSATION, "R28",
        g_strdup_printf("not created: the %s was sent by %s, who is neither internal nor at %s "
                        "(%s), so it is no conversation with that account (R28)",
                        a->kind, from ? from->email : "nobody", name, account));
  }
  if (kith_rules_too_many(creator->profile, a))
    return creation_no(
        out, KITH_REASON_TOO_MANY_PARTICIPANTS, "R29",
        g_strdup_printf("not created: the %s names %u addresses, more than max_participants = "
                        "%d (R29)",
                        a->kind, a->participants->len, creator->profile->max_participants));
  out->account_id = account;
  out->account_name = g_steal_pointer(&name);
  out->user = who;
  out->relation = rel;
  /* R26: the user of R24 when that User is active, else integration_user. */
  out->owner_id = who->active ? who->user_id : d->config->integration_user;
  return TRUE;
}

/* ---- R28, R29 ------------------------------------------------------------------ */

/* The activity's sender: email From, meeting ORGANIZER, else its first
 * participant (R28). */
static const kith_participant *sender(const kith_stored_activity *a)
{
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (p->role == KITH_PART_FROM || p->role == KITH_PART_ORGANIZER)
      return p;
  }
  return a->participants->len ? g_ptr_array_index(a->participants, 0) : NULL;
}

/* R28: looks at A's sender, once an activity: internal, or the accounts
 * its domain matches. */
static gboolean conversation_sender(kith_decider *d, const kith_stored_activity *a, GError **error)
{
  if (g_strcmp0(d->conv_id, a->id) == 0)
    return TRUE;
  g_clear_pointer(&d->conv_id, g_free);
  g_clear_pointer(&d->conv_accounts, g_ptr_array_unref);
  d->conv_internal = FALSE;
  const kith_participant *from = sender(a);
  if (from) {
    kith_reason why = KITH_REASON_NONE;
    if (!kith_rules_participant_skip(d, from->email, KITH_CUTYPE_PERSON, &why, NULL, error))
      return FALSE;
    /* a user, an alias or a colleague at an internal domain */
    d->conv_internal = why == KITH_REASON_INTERNAL;
    if (!d->conv_internal && !(d->conv_accounts = matching_accounts(d, from->domain, error)))
      return FALSE;
  }
  d->conv_id = g_strdup(a->id); /* only once it is all known */
  return TRUE;
}

gboolean kith_rules_conversation(kith_decider *d, const kith_stored_activity *a,
                                 const char *account_id, gboolean *yes, GError **error)
{
  /* Asked for every participant and account of an activity: the sender is
   * looked at once. */
  *yes = FALSE;
  if (!conversation_sender(d, a, error))
    return FALSE;
  if (d->conv_internal)
    *yes = TRUE;
  for (guint i = 0; !*yes && d->conv_accounts && i < d->conv_accounts->len; i++)
    *yes = strcmp(((kith_account_match *)g_ptr_array_index(d->conv_accounts, i))->account_id,
                  account_id) == 0;
  return TRUE;
}

gboolean kith_rules_too_many(const kith_profile *profile, const kith_stored_activity *a)
{
  return profile->max_participants > 0 && a->participants->len > (guint)profile->max_participants;
}

/* ---- R43, R44 ----------------------------------------------------------------- */

/* FIRST without its initials (one-letter words, with or without a period)
 * and LAST, folded: how R43 compares names. */
static char *person_key(const char *first, const char *last)
{
  g_autoptr(GString) given = g_string_new(NULL);
  g_auto(GStrv) words = g_strsplit(first ? first : "", " ", -1);
  for (char **w = words; *w; w++) {
    glong n = g_utf8_strlen(*w, -1);
    if (n == 0 || n == 1 || (n == 2 && g_str_has_suffix(*w, ".")))
      continue;
    g_string_append_printf(given, "%s%s", given->len ? " " : "", *w);
  }
  g_autofree char *f = kith_text_fold(given->str), *l = kith_text_fold(last);
  return g_strconcat(f, "\x01", l, NULL);
}

/* The Contacts R43 compares: bounded, since a mailbox may name every account. */
#define ACCOUNT_NAMES_MAX 200000

static void add_account_name(kith_decider *d, GHashTable *names, kith_account_person *c)
{
  char *key = person_key(c->first_name, c->last_name);
  if (g_hash_table_contains(names, key)) {
    g_free(key); /* the first in Id order, the CRM's before queued ones, is the one */
    kith_account_person_free(c);
    return;
  }
  g_hash_table_insert(names, key, c);
  d->account_names_size++;
}

/* R43: ACCOUNT_ID's contacts by name key, read from the store the first
 * time an ingest asks about the account. NULL with ERROR on a failed read. */
static GHashTable *account_names(kith_decider *d, const char *account_id, GError **error)
{
  GHashTable *names = g_hash_table_lookup(d->account_names, account_id);
  if (names)
    return names;
  g_autoptr(GPtrArray) people = kith_person_account_contacts(d->store, account_id, error);
  if (!people)
    return NULL;
  if (d->account_names_size + people->len > ACCOUNT_NAMES_MAX) {
    g_hash_table_remove_all(d->account_names);
    d->account_names_size = 0;
  }
  names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, kith_account_person_free);
  g_ptr_array_set_free_func(people, NULL);
  for (guint i = 0; i < people->len; i++)
    add_account_name(d, names, g_ptr_array_index(people, i));
  g_hash_table_insert(d->account_names, g_strdup(account_id), names);
  return names;
}

/* EMAIL's newest observed FirstName and LastName (newly allocated; NULL when none). */
static gboolean observed_name(kith_decider *d, const char *email, char **first, char **last,
                              GError **error)
{
  if (kith_state_observation(d->store, email, "FirstName", first, NULL, error) ==
          KITH_LOOKUP_ERROR ||
      kith_state_observation(d->store, email, "LastName", last, NULL, error) == KITH_LOOKUP_ERROR) {
    g_clear_pointer(first, g_free);
    return FALSE;
  }
  return TRUE;
}

/* A contact just queued for EMAIL on ACCOUNT_ID, for R43 to find. */
static gboolean queued_account_name(kith_decider *d, const char *email, const char *account_id,
                                    const char *id, GError **error)
{
  GHashTable *names = g_hash_table_lookup(d->account_names, account_id);
  if (!names)
    return TRUE; /* read from the store, queued contacts with it, when first asked */
  kith_account_person *c = g_new0(kith_account_person, 1);
  if (!observed_name(d, email, &c->first_name, &c->last_name, error)) {
    kith_account_person_free(c);
    return FALSE;
  }
  c->id = g_strdup(id);
  c->email = g_strdup(email);
  c->created_by_kith = c->queued = TRUE;
  add_account_name(d, names, c);
  return TRUE;
}

/* R44: whether contact C's own address bounced later than the latest
 * activity naming it (any bounce, when none does); *WHEN is the bounce. */
static gboolean address_moved(kith_decider *d, const kith_account_person *c, gint64 *when,
                              GError **error)
{
  if (c->queued || !*c->email)
    return FALSE;
  if (!c->created_by_kith && !(d->config->enrich_enabled && d->config->enrich_email_on_bounce))
    return FALSE;
  kith_lookup_answer b = kith_state_bounced(d->store, c->email, when, NULL, error);
  if (b != KITH_LOOKUP_FOUND)
    return FALSE;
  gint64 seen = 0;
  GError *local = NULL;
  gboolean any = kith_person_last_seen(d->store, c->email, &seen, &local);
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  return !any || *when > seen;
}

gboolean kith_rules_same_name(kith_decider *d, const char *email, const char *account_id,
                              const kith_account_person **same, char **first, char **last,
                              GError **error)
{
  *same = NULL;
  if (!observed_name(d, email, first, last, error))
    return FALSE;
  if (!*last)
    return TRUE;
  GHashTable *names = account_names(d, account_id, error);
  if (!names)
    return FALSE;
  g_autofree char *key = person_key(*first, *last);
  const kith_account_person *c = g_hash_table_lookup(names, key);
  if (c && strcmp(c->email, email) != 0)
    *same = c;
  return TRUE;
}

gboolean kith_rules_same_person(kith_decider *d, const kith_stored_activity *a,
                                kith_person_state *ps, const char *account_id, gboolean *handled,
                                GError **error)
{
  *handled = FALSE;
  const char *email = ps->p->email;
  g_autofree char *first = NULL, *last = NULL;
  const kith_account_person *same = NULL;
  if (!kith_rules_same_name(d, email, account_id, &same, &first, &last, error))
    return FALSE;
  if (!same)
    return TRUE;
  *handled = TRUE;
  ps->contact_id = g_strdup(same->id);
  ps->contact_account = g_strdup(account_id);
  gint64 bounced = 0;
  GError *local = NULL;
  gboolean moved = address_moved(d, same, &bounced, &local);
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  if (moved) {
    /* R44: the person's address changed; the contact follows it. */
    g_autofree char *when = kith_time_format(bounced);
    g_autofree char *why = g_strdup_printf(
        "Email: contact %s's address %s bounced at %s, after the last activity naming it, and "
        "%s with the same name now writes from %s (R44)",
        same->id, same->email, when, first ? first : "", email);
    kith_decision x = {.action = KITH_ACTION_FIELD_UPDATED,
                       .rule = "R44",
                       .activity_id = a->id,
                       .email = email,
                       .object_type = "Contact",
                       .object_id = same->id,
                       .contact_id = same->id,
                       .field = "Email",
                       .value = email,
                       .old_value = same->email,
                       .obs_time = a->time,
                       .detail = why};
    return kith_decider_emit(d, &x, error); /* linked to the contact too */
  }
  g_autofree char *why = g_strdup_printf(
      "not created: contact %s on account %s has the same name (%s %s) at %s; %s is listed as "
      "an alternate address (R43)",
      same->id, account_id, first ? first : "", last, same->email, email);
  kith_decision x = {.action = KITH_ACTION_SKIPPED,
                     .reason = KITH_REASON_SAME_PERSON,
                     .rule = "R43",
                     .activity_id = a->id,
                     .email = email,
                     .object_type = "Contact",
                     .object_id = same->id,
                     .detail = why};
  ps->logged = KITH_REASON_SAME_PERSON;
  return kith_decider_emit(d, &x, error); /* linked to the contact too */
}

gboolean kith_rules_participant_account(kith_decider *d, const char *domain, GPtrArray *users,
                                        GPtrArray **matches, const char **account, GError **error)
{
  *account = NULL;
  *matches = matching_accounts(d, domain, error);
  return *matches &&
         kith_rules_choose_account(d, *matches, users, FALSE, account, NULL, NULL, error);
}

gboolean kith_rules_decide(kith_decider *d, const kith_stored_activity *a, GError **error)
{
  g_autoptr(GPtrArray) users = kith_rules_activity_users(d, a->participants, error);
  if (!users)
    return FALSE;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func(person_state_free);
  for (guint i = 0; i < a->participants->len; i++) {
    kith_person_state *ps = g_new0(kith_person_state, 1);
    ps->p = g_ptr_array_index(a->participants, i);
    g_ptr_array_add(people, ps);
    if (!kith_rules_participant_skip(d, ps->p->email, ps->p->cutype, &ps->skip, NULL, error))
      return FALSE;
    if (ps->skip) {
      g_autofree char *why = g_strdup_printf("skipped: %s %s (R11)", ps->p->email,
                                             skip_sentence(ps->skip));
      if (!skip(d, a, ps, ps->skip, "R11", why, error))
        return FALSE;
      continue;
    }
    const char *account = NULL;
    if (!kith_rules_participant_account(d, ps->p->domain, users, &ps->matches, &account, error))
      return FALSE;
    ps->account_id = g_strdup(account);
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
