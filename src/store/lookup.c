/* lookup.c - CRM look-ups for the rules, over the mirror and the pending outbox. */
#include "store/lookup.h"

#include "store/crmwrite.h"

#include "core/address.h"
#include "config/config.h"

#include <string.h>

/* Not a contact that a queued delete or removal will take away. A correlated
 * test, so that it is one look-up on outbox_object per row, not a scan of
 * every pending entry each time (the outbox grows through a long ingest).
 * Its ops are parameters ?7 and ?8, which bind_ops() binds. */
#define NOT_GOING(col)                                                                             \
  " NOT EXISTS (SELECT 1 FROM outbox g WHERE g.object_id = " col " AND g.op IN"                    \
  " (?7, ?8) AND g.state = 'pending')"

/* Binds the outbox ops the look-ups name: NOT_GOING's, and QUEUED (the op
 * whose pending entries a look-up reads too) as ?9. A statement without
 * ?9 ignores it. */
static void bind_ops(sqlite3_stmt *st, kith_op queued)
{
  sqlite3_bind_text(st, 7, kith_op_name(KITH_OP_CONTACT_DELETE), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, kith_op_name(KITH_OP_CONTACT_REMOVE), -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count(st) >= 9)
    sqlite3_bind_text(st, 9, kith_op_name(queued), -1, SQLITE_STATIC);
}

void kith_contact_ref_clear(kith_contact_ref *c)
{
  g_clear_pointer(&c->id, g_free);
  g_clear_pointer(&c->account_id, g_free);
}

static sqlite3_stmt *q(kith_store *s, const char *sql)
{
  sqlite3_stmt *st = kith_store_stmt(s, sql, NULL);
  /* The look-ups are fixed SQL: one that does not prepare is a bug. */
  if (!st)
    g_error("%s: %s", sql, sqlite3_errmsg(kith_store_db(s)));
  return st;
}

/* Read in place, not copied: every look-up runs its statement before the
 * value goes, and kith_store_stmt clears the bindings before the next use. */
static void bind(sqlite3_stmt *st, int i, const char *v)
{
  sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* The answer of ST's one-row look-up, ST reset after. */
static kith_lookup_answer one_row(kith_store *s, sqlite3_stmt *st, GError **error)
{
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  sqlite3_reset(st);
  return found;
}

/* The oldest of several contacts with one address: mirrored before queued,
 * then by creation time (unknown last), then by Id. Chosen here rather than
 * by ORDER BY, which would make SQLite build a temporary b-tree per look-up. */
typedef struct {
  gboolean set, queued, has_ts;
  gint64 ts;
  char *id, *account_id;
  gboolean by_kith;
} contact_pick;

static gboolean contact_pick_better(const contact_pick *b, gboolean queued, gboolean has_ts,
                                    gint64 ts, const char *id)
{
  if (!b->set)
    return TRUE;
  if (queued != b->queued)
    return !queued;
  if (has_ts != b->has_ts)
    return has_ts;
  if (has_ts && ts != b->ts)
    return ts < b->ts;
  return strcmp(id, b->id) < 0;
}

/* What the mirror's Contact and Lead tables hold for an address. */
typedef struct {
  char *id, *account_id;
  gboolean by_kith, has_ts;
  gint64 ts;
} mirror_contact;

typedef struct {
  GArray *contacts; /* mirror_contact */
  char *lead_id;    /* the lowest unconverted Lead's Id, or NULL */
} mirror_entry;

struct kith_mirror_cache {
  GHashTable *entries; /* address -> mirror_entry* */
};

#define MIRROR_CACHE_MAX 65536

static void mirror_contact_clear(gpointer p)
{
  mirror_contact *m = p;
  g_free(m->id);
  g_free(m->account_id);
}

static void mirror_entry_free(gpointer p)
{
  mirror_entry *e = p;
  g_array_unref(e->contacts);
  g_free(e->lead_id);
  g_free(e);
}

kith_mirror_cache *kith_mirror_cache_new(void)
{
  kith_mirror_cache *c = g_new0(kith_mirror_cache, 1);
  c->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, mirror_entry_free);
  return c;
}

void kith_mirror_cache_clear(kith_mirror_cache *c)
{
  if (c)
    g_hash_table_remove_all(c->entries);
}

void kith_mirror_cache_free(kith_mirror_cache *c)
{
  if (!c)
    return;
  g_hash_table_unref(c->entries);
  g_free(c);
}

/* The mirror's rows for ADDRESS: from CACHE when it has them, else read
 * (and kept there when CACHE is not NULL). NULL with ERROR when the store
 * fails; otherwise owned by CACHE, or by the caller when CACHE is NULL. */
static mirror_entry *mirror_read(kith_store *s, kith_mirror_cache *cache, const char *address,
                                 GError **error)
{
  mirror_entry *e = cache ? g_hash_table_lookup(cache->entries, address) : NULL;
  if (e)
    return e;
  e = g_new0(mirror_entry, 1);
  e->contacts = g_array_new(FALSE, FALSE, sizeof(mirror_contact));
  g_array_set_clear_func(e->contacts, mirror_contact_clear);
  sqlite3_stmt *st = q(
      s, "SELECT Id, AccountId, Created_By_Kith__c, created_ts FROM Contact WHERE email_key = ?");
  bind(st, 1, address);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    mirror_contact m = {.id = g_strdup(kith_store_col(st, 0)),
                        .account_id = g_strdup(kith_store_col(st, 1)),
                        .by_kith = sqlite3_column_int(st, 2) != 0,
                        .has_ts = sqlite3_column_type(st, 3) != SQLITE_NULL,
                        .ts = sqlite3_column_int64(st, 3)};
    g_array_append_val(e->contacts, m);
  }
  if (r != KITH_LOOKUP_ERROR) {
    sqlite3_reset(st);
    /* The lowest Id, chosen here: no temporary b-tree for an ORDER BY. */
    st = q(s, "SELECT Id FROM Lead WHERE email_key = ? AND IsConverted = 0");
    bind(st, 1, address);
    while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
      const char *v = kith_store_col(st, 0);
      if (!e->lead_id || strcmp(v, e->lead_id) < 0) {
        g_free(e->lead_id);
        e->lead_id = g_strdup(v);
      }
    }
    if (r != KITH_LOOKUP_ERROR)
      sqlite3_reset(st);
  }
  if (r == KITH_LOOKUP_ERROR) {
    mirror_entry_free(e);
    return NULL;
  }
  if (cache) {
    if (g_hash_table_size(cache->entries) >= MIRROR_CACHE_MAX)
      g_hash_table_remove_all(cache->entries);
    g_hash_table_insert(cache->entries, g_strdup(address), e);
  }
  return e;
}

static void pick(contact_pick *b, gboolean queued, gboolean has_ts, gint64 ts, const char *id,
                 const char *account_id, gboolean by_kith)
{
  if (!contact_pick_better(b, queued, has_ts, ts, id))
    return;
  g_free(b->id);
  g_free(b->account_id);
  *b = (contact_pick){.set = TRUE,
                      .queued = queued,
                      .has_ts = has_ts,
                      .ts = ts,
                      .id = g_strdup(id),
                      .account_id = g_strdup(account_id),
                      .by_kith = by_kith};
}

kith_lookup_answer kith_lookup_contact_by_email(kith_store *s, const char *address,
                                                kith_contact_ref *out, GError **error)
{
  return kith_lookup_contact_by_email_cached(s, NULL, address, out, error);
}

kith_lookup_answer kith_lookup_contact_by_email_cached(kith_store *s, kith_mirror_cache *cache,
                                                       const char *address, kith_contact_ref *out,
                                                       GError **error)
{
  mirror_entry *e = mirror_read(s, cache, address, error);
  if (!e)
    return KITH_LOOKUP_ERROR;
  contact_pick b = {0};
  kith_lookup_answer r = KITH_LOOKUP_NONE;
  /* The mirror's contacts but those a queued delete or removal takes away. */
  for (guint i = 0; r != KITH_LOOKUP_ERROR && i < e->contacts->len; i++) {
    const mirror_contact *m = &g_array_index(e->contacts, mirror_contact, i);
    sqlite3_stmt *st = q(s, "SELECT 1 FROM outbox WHERE object_id = ?1 AND op IN (?7, ?8)"
                            " AND state = 'pending' LIMIT 1");
    bind(st, 1, m->id);
    bind_ops(st, KITH_OP_CONTACT_CREATE);
    r = one_row(s, st, error);
    if (r == KITH_LOOKUP_NONE)
      pick(&b, FALSE, m->has_ts, m->ts, m->id, m->account_id, m->by_kith);
  }
  /* And the contacts queued for creation. */
  if (r != KITH_LOOKUP_ERROR) {
    sqlite3_stmt *st = q(s, "SELECT object_id, account_id FROM outbox"
                            " WHERE email = ?1 AND op = ?9 AND state = 'pending'");
    bind(st, 1, address);
    bind_ops(st, KITH_OP_CONTACT_CREATE);
    while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND)
      pick(&b, TRUE, FALSE, 0, kith_store_col(st, 0), kith_store_col(st, 1), TRUE);
    if (r != KITH_LOOKUP_ERROR)
      sqlite3_reset(st);
  }
  if (!cache)
    mirror_entry_free(e);
  if (r == KITH_LOOKUP_ERROR) {
    g_free(b.id);
    g_free(b.account_id);
    return KITH_LOOKUP_ERROR;
  }
  if (b.set && out) {
    out->id = b.id;
    out->account_id = b.account_id;
    out->created_by_kith = b.by_kith;
    out->queued = b.queued;
  } else {
    g_free(b.id);
    g_free(b.account_id);
  }
  return b.set ? KITH_LOOKUP_FOUND : KITH_LOOKUP_NONE;
}

kith_lookup_answer kith_lookup_contact_by_id(kith_store *s, const char *id, kith_contact_ref *out,
                                             char **email, GError **error)
{
  sqlite3_stmt *st = q(
      s, "SELECT Id, AccountId, Created_By_Kith__c, 0, email_key FROM Contact WHERE Id = ?1"
         " AND" NOT_GOING(
             "Contact.Id") " UNION ALL SELECT object_id, account_id, 1, 1, email FROM outbox"
                           " WHERE object_id = ?1 AND op = ?9 AND state = 'pending'");
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind(st, 1, id);
  bind_ops(st, KITH_OP_CONTACT_CREATE);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_ERROR)
    return found;
  if (found == KITH_LOOKUP_FOUND) {
    if (out) {
      out->id = g_strdup(kith_store_col(st, 0));
      out->account_id = g_strdup(kith_store_col(st, 1));
      out->created_by_kith = sqlite3_column_int(st, 2) != 0;
      out->queued = sqlite3_column_int(st, 3) != 0;
    }
    if (email)
      *email = g_strdup(kith_store_col(st, 4));
  }
  sqlite3_reset(st);
  return found;
}

kith_lookup_answer kith_lookup_lead_by_email(kith_store *s, const char *address, char **out,
                                             GError **error)
{
  return kith_lookup_lead_by_email_cached(s, NULL, address, out, error);
}

kith_lookup_answer kith_lookup_lead_by_email_cached(kith_store *s, kith_mirror_cache *cache,
                                                    const char *address, char **out, GError **error)
{
  *out = NULL;
  mirror_entry *e = mirror_read(s, cache, address, error);
  if (!e)
    return KITH_LOOKUP_ERROR;
  *out = g_strdup(e->lead_id);
  if (!cache)
    mirror_entry_free(e);
  return *out ? KITH_LOOKUP_FOUND : KITH_LOOKUP_NONE;
}

kith_lookup_answer kith_lookup_user_by_email(kith_store *s, const char *address, char **out,
                                             gboolean *active, GError **error)
{
  *out = NULL;
  /* An active user before an inactive one, then the lowest Id; chosen here
   * rather than by ORDER BY (a temporary b-tree per look-up). */
  sqlite3_stmt *st = q(s, "SELECT Id, IsActive FROM \"User\" WHERE email_key = ?");
  bind(st, 1, address);
  g_autofree char *id = NULL;
  gboolean best_active = FALSE;
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    const char *v = kith_store_col(st, 0);
    gboolean a = sqlite3_column_int(st, 1) != 0;
    if (!id || (a && !best_active) || (a == best_active && strcmp(v, id) < 0)) {
      g_free(id);
      id = g_strdup(v);
      best_active = a;
    }
  }
  if (r == KITH_LOOKUP_ERROR)
    return r;
  sqlite3_reset(st);
  if (id && active)
    *active = best_active;
  *out = g_steal_pointer(&id);
  return *out ? KITH_LOOKUP_FOUND : KITH_LOOKUP_NONE;
}

GPtrArray *kith_lookup_active_user_emails(kith_store *s, GError **error)
{
  sqlite3_stmt *st = q(s, "SELECT DISTINCT email_key FROM \"User\" WHERE IsActive = 1 AND "
                          "email_key <> '' ORDER BY email_key");
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
  kith_lookup_answer a;
  while ((a = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND)
    g_ptr_array_add(out, g_strdup(kith_store_col(st, 0)));
  if (a == KITH_LOOKUP_ERROR)
    return NULL;
  sqlite3_reset(st);
  return g_steal_pointer(&out);
}

kith_lookup_answer kith_lookup_user_active(kith_store *s, const char *user_id, gboolean *active,
                                           GError **error)
{
  sqlite3_stmt *st = q(s, "SELECT IsActive FROM \"User\" WHERE Id = ?");
  bind(st, 1, user_id);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (active)
    *active = found == KITH_LOOKUP_FOUND && sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return found;
}

static void match_free(gpointer p)
{
  kith_account_match *m = p;
  g_free(m->account_id);
  g_free(m);
}

GPtrArray *kith_lookup_matching_accounts(kith_store *s, const char *domain, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(match_free);
  sqlite3_stmt *st = q(s, "SELECT account_id, is_primary FROM account_domain WHERE domain = ?"
                          " ORDER BY account_id");
  /* Most specific first: the domain itself, then each parent, stopping at a
   * public suffix, which never matches (R3). */
  for (const char *d = domain; d && *d; d = strchr(d, '.') ? strchr(d, '.') + 1 : NULL) {
    if (kith_domain_is_public_suffix(d))
      break;
    bind(st, 1, d);
    kith_lookup_answer r;
    while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
      kith_account_match *m = g_new0(kith_account_match, 1);
      m->account_id = g_strdup(kith_store_col(st, 0));
      m->primary = sqlite3_column_int(st, 1) != 0;
      g_ptr_array_add(out, m);
    }
    if (r == KITH_LOOKUP_ERROR)
      return NULL;
    sqlite3_reset(st);
    if (out->len)
      break;
  }
  return g_steal_pointer(&out);
}

kith_lookup_answer kith_lookup_account_owned_by(kith_store *s, const char *account_id,
                                                const char *user_id, GError **error)
{
  sqlite3_stmt *st = q(s, "SELECT 1 FROM Account WHERE Id = ? AND OwnerId = ?");
  bind(st, 1, account_id);
  bind(st, 2, user_id);
  return one_row(s, st, error);
}

kith_lookup_answer kith_lookup_user_owns_opportunity_on(kith_store *s, const char *account_id,
                                                        const char *user_id, GError **error)
{
  sqlite3_stmt *st = q(s, "SELECT 1 FROM Opportunity WHERE OwnerId = ? AND AccountId = ? LIMIT 1");
  bind(st, 1, user_id);
  bind(st, 2, account_id);
  return one_row(s, st, error);
}

kith_lookup_answer kith_lookup_user_on_team(kith_store *s, const char *account_id,
                                            const char *user_id, GError **error)
{
  sqlite3_stmt *st = q(s, "SELECT 1 FROM AccountTeamMember WHERE AccountId = ? AND UserId = ?"
                          " LIMIT 1");
  bind(st, 1, account_id);
  bind(st, 2, user_id);
  return one_row(s, st, error);
}

void kith_opportunity_free(gpointer p)
{
  kith_opportunity *o = p;
  g_free(o->id);
  g_free(o->owner_id);
  g_free(o);
}

static gint opportunity_by_id(gconstpointer a, gconstpointer b)
{
  const kith_opportunity *x = *(kith_opportunity *const *)a, *y = *(kith_opportunity *const *)b;
  return strcmp(x->id, y->id);
}

GPtrArray *kith_lookup_open_opportunities(kith_store *s, const char *account_id, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(kith_opportunity_free);
  sqlite3_stmt *st = q(s, "SELECT Id, OwnerId, created_ts FROM Opportunity"
                          " WHERE AccountId = ? AND IsClosed = 0");
  bind(st, 1, account_id);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    kith_opportunity *o = g_new0(kith_opportunity, 1);
    o->id = g_strdup(kith_store_col(st, 0));
    o->owner_id = g_strdup(kith_store_col(st, 1));
    o->created = sqlite3_column_type(st, 2) == SQLITE_NULL ? G_MININT64
                                                           : sqlite3_column_int64(st, 2);
    g_ptr_array_add(out, o);
  }
  if (r == KITH_LOOKUP_ERROR) {
    g_ptr_array_unref(out);
    return NULL;
  }
  sqlite3_reset(st);
  /* By Id, sorted here: an account has a handful of open opportunities. */
  g_ptr_array_sort(out, opportunity_by_id);
  return out;
}

kith_lookup_answer kith_lookup_role_exists(kith_store *s, const char *opportunity_id,
                                           const char *contact_id, GError **error)
{
  const char *type = NULL;
  g_autofree char *cid = kith_crmw_resolve(s, contact_id, &type, error);
  if (!cid)
    return KITH_LOOKUP_ERROR;
  sqlite3_stmt *st = q(
      s, "SELECT 1 FROM OpportunityContactRole WHERE OpportunityId = ?1 AND ContactId = ?2"
         " AND" NOT_GOING("OpportunityContactRole.ContactId") " UNION ALL SELECT 1 FROM outbox "
                                                              "WHERE op = ?9 AND state = 'pending'"
                                                              " AND opportunity_id = ?1 AND "
                                                              "contact_id IN (?2, ?3) LIMIT 1");
  bind_ops(st, KITH_OP_ROLE_CREATE);
  bind(st, 1, opportunity_id);
  bind(st, 2, cid);
  bind(st, 3, contact_id);
  return one_row(s, st, error);
}

kith_lookup_answer kith_lookup_opportunity_has_role(kith_store *s, const char *opportunity_id,
                                                    GError **error)
{
  sqlite3_stmt *st = q(
      s, "SELECT 1 FROM OpportunityContactRole WHERE OpportunityId = ?1 AND" NOT_GOING(
             "OpportunityContactRole.ContactId") " UNION ALL SELECT 1 FROM outbox WHERE op = ?9 "
                                                 "AND state = 'pending'"
                                                 " AND opportunity_id = ?1 LIMIT 1");
  bind_ops(st, KITH_OP_ROLE_CREATE);
  bind(st, 1, opportunity_id);
  return one_row(s, st, error);
}

GPtrArray *kith_lookup_contact_roles(kith_store *s, const char *contact_id, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  sqlite3_stmt *st = q(
      s, "SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = ?1"
         " UNION SELECT opportunity_id FROM outbox WHERE op = ?2 AND state = 'pending'"
         " AND contact_id = ?1 ORDER BY 1");
  bind(st, 1, contact_id);
  bind(st, 2, kith_op_name(KITH_OP_ROLE_CREATE));
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND)
    g_ptr_array_add(out, g_strdup(kith_store_col(st, 0)));
  if (r == KITH_LOOKUP_ERROR) {
    g_ptr_array_unref(out);
    return NULL;
  }
  sqlite3_reset(st);
  return out;
}

kith_lookup_answer kith_lookup_role_value(kith_store *s, const char *opportunity_id,
                                          const char *contact_id, char **role, GError **error)
{
  *role = NULL;
  sqlite3_stmt *st = q(
      s, "SELECT Role FROM OpportunityContactRole WHERE OpportunityId = ?1 AND ContactId = ?2"
         " UNION ALL SELECT value FROM outbox WHERE op = ?3 AND state = 'pending'"
         " AND opportunity_id = ?1 AND contact_id = ?2 LIMIT 1");
  bind(st, 1, opportunity_id);
  bind(st, 2, contact_id);
  bind(st, 3, kith_op_name(KITH_OP_ROLE_CREATE));
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_FOUND)
    *role = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return found;
}

/* The one column of the one row ST finds: *VALUE newly allocated, NULL when
 * there is none. */
static kith_lookup_answer one_value(kith_store *s, sqlite3_stmt *st, char **value, GError **error)
{
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_FOUND)
    *value = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return found;
}

gboolean kith_lookup_contact_field(kith_store *s, const char *id, const char *field, char **value,
                                   GError **error)
{
  *value = NULL;
  if (kith_field_lookup(field) < 0) {
    *value = g_strdup("");
    return TRUE;
  }
  sqlite3_stmt *st = q(s, "SELECT value FROM outbox WHERE op = ?3 AND"
                          " state = 'pending' AND contact_id = ?1 AND field = ?2"
                          " ORDER BY seq DESC LIMIT 1");
  bind(st, 1, id);
  bind(st, 2, field);
  bind(st, 3, kith_op_name(KITH_OP_FIELD_UPDATE));
  kith_lookup_answer found = one_value(s, st, value, error);
  if (found != KITH_LOOKUP_NONE)
    return found == KITH_LOOKUP_FOUND;
  /* The column name comes from the fixed field table, never from input. */
  g_autofree char *sql = g_strdup_printf("SELECT %s FROM Contact WHERE Id = ?", field);
  sqlite3_stmt *col = q(s, sql);
  bind(col, 1, id);
  found = one_value(s, col, value, error);
  if (found == KITH_LOOKUP_NONE)
    *value = g_strdup("");
  return found != KITH_LOOKUP_ERROR;
}

typedef struct {
  char *email;
  GPtrArray *ids;
  GArray *flags;
} dup_group;

static void dup_group_free(gpointer p)
{
  dup_group *g = p;
  g_free(g->email);
  g_ptr_array_unref(g->ids);
  g_array_unref(g->flags);
  g_free(g);
}

/* The groups are read first and handed out after, so that what FN queues in
 * the outbox cannot change the reading under way. */
gboolean kith_lookup_each_duplicate_group(kith_store *s, kith_duplicate_fn fn, gpointer user_data,
                                          GError **error)
{
  sqlite3_stmt *st = NULL;
  const char *sql =
      "SELECT email_key, Id, Created_By_Kith__c FROM Contact WHERE email_key IN"
      " (SELECT email_key FROM Contact WHERE email_key IS NOT NULL AND email_key <> ''"
      "  AND" NOT_GOING(
          "Contact.Id") " GROUP BY email_key HAVING count(*) > 1)"
                        " AND" NOT_GOING(
                            "Contact.Id") " ORDER BY email_key, created_ts IS NULL, created_ts, Id";
  if (sqlite3_prepare_v2(kith_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    return kith_store_fail(s, error, "dedup");
  bind_ops(st, KITH_OP_CONTACT_DELETE);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func(dup_group_free);
  dup_group *cur = NULL;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *e = kith_store_col(st, 0);
    if (!cur || strcmp(cur->email, e) != 0) {
      cur = g_new0(dup_group, 1);
      cur->email = g_strdup(e);
      cur->ids = g_ptr_array_new_with_free_func(g_free);
      cur->flags = g_array_new(FALSE, FALSE, sizeof(gboolean));
      g_ptr_array_add(groups, cur);
    }
    g_ptr_array_add(cur->ids, g_strdup(kith_store_col(st, 1)));
    gboolean k = sqlite3_column_int(st, 2) != 0;
    g_array_append_val(cur->flags, k);
  }
  gboolean ok = rc == SQLITE_DONE;
  if (!ok)
    kith_store_fail(s, error, "dedup");
  sqlite3_finalize(st);
  for (guint i = 0; ok && i < groups->len; i++) {
    dup_group *g = g_ptr_array_index(groups, i);
    ok = fn(g->email, g->ids, g->flags, user_data, error);
  }
  return ok;
}

char *kith_lookup_record_name(kith_store *s, const char *table, const char *id, GError **error)
{
  const char *sql = g_strcmp0(table, "Account") == 0 ? "SELECT Name FROM Account WHERE Id = ?"
                    : g_strcmp0(table, "User") == 0
                        ? "SELECT trim(ifnull(FirstName, '') || ' ' || ifnull(LastName, ''))"
                          " FROM \"User\" WHERE Id = ?"
                        : "SELECT Name FROM Opportunity WHERE Id = ?";
  sqlite3_stmt *st = q(s, sql);
  bind(st, 1, id);
  char *v = NULL;
  kith_lookup_answer found = one_value(s, st, &v, error);
  if (found == KITH_LOOKUP_NONE)
    v = g_strdup("");
  return v;
}
