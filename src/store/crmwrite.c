/* crmwrite.c - writes to the local CRM tables (the embedded default CRM). */
#include "store/crmwrite.h"

#include "config/config.h"
#include "store/crm.h"
#include "util/timeutil.h"

#include <string.h>

static void bind(sqlite3_stmt *st, int i, const char *v)
{
  sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

/* The INSERT of a new Contact: the Contact columns of section 2 as crm.c
 * lists them, then the look-up keys. Made once, so the statement cache
 * finds it again. */
static const char *contact_insert_sql(void)
{
  static char *sql;
  if (g_once_init_enter(&sql)) {
    const kith_crm_object *o = kith_crm_object_lookup("Contact");
    GString *s = g_string_new("INSERT INTO Contact(");
    for (guint i = 0; i < o->n_columns; i++)
      g_string_append_printf(s, "%s, ", o->columns[i].name);
    g_string_append(s, "email_key, created_ts) VALUES(");
    for (guint i = 0; i < o->n_columns + 2; i++)
      g_string_append(s, i ? ", ?" : "?");
    g_string_append_c(s, ')');
    g_once_init_leave(&sql, g_string_free(s, FALSE));
  }
  return sql;
}

/* The value of Contact column NAME for C: a kith_field, or one of the
 * columns kith sets itself. */
static const char *contact_value(const kith_new_contact *c, const char *name)
{
  int f = kith_field_lookup(name);
  if (f >= 0)
    return c->fields[f];
  static const char *const own[] = {"Id",      "AccountId",  "Email",
                                    "OwnerId", "LeadSource", "CreatedDate"};
  const char *const values[] = {c->id,       c->account_id,  c->email,
                                c->owner_id, c->lead_source, c->created_date};
  for (guint i = 0; i < G_N_ELEMENTS(own); i++)
    if (strcmp(own[i], name) == 0)
      return values[i];
  g_return_val_if_reached(NULL); /* a Contact column kith does not know how to fill */
}

gboolean kith_crmw_insert_contact(kith_store *s, const kith_new_contact *c, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, contact_insert_sql(), error);
  if (!st)
    return FALSE;
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  for (guint i = 0; i < o->n_columns; i++) {
    const kith_crm_column *col = &o->columns[i];
    if (strcmp(col->name, "Created_By_Kith__c") == 0) /* R25: kith made it */
      sqlite3_bind_int(st, (int)i + 1, 1);
    else
      bind(st, (int)i + 1, contact_value(c, col->name));
  }
  bind(st, (int)o->n_columns + 1, c->email);
  gint64 t = 0;
  if (kith_time_parse(c->created_date, &t))
    sqlite3_bind_int64(st, (int)o->n_columns + 2, t);
  return kith_store_step_done(s, st, error);
}

gboolean kith_crmw_insert_role(kith_store *s, const char *id, const char *opportunity_id,
                               const char *contact_id, const char *role, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "INSERT INTO OpportunityContactRole(Id, OpportunityId, ContactId, Role, IsPrimary,"
      " Created_By_Kith__c) VALUES(?, ?, ?, ?, 0, 1)",
      error);
  if (!st)
    return FALSE;
  bind(st, 1, id);
  bind(st, 2, opportunity_id);
  bind(st, 3, contact_id);
  bind(st, 4, role);
  return kith_store_step_done(s, st, error);
}

gboolean kith_crmw_update_field(kith_store *s, const char *id, const char *field, const char *value,
                                char **old, GError **error)
{
  gboolean email = strcmp(field, "Email") == 0; /* R44 */
  g_return_val_if_fail(email || kith_field_lookup(field) >= 0, FALSE);
  /* FIELD is one of the fixed API names, never input text. */
  g_autofree char *get = g_strdup_printf("SELECT %s FROM Contact WHERE Id = ?", field);
  sqlite3_stmt *st = kith_store_stmt(s, get, error);
  if (!st)
    return FALSE;
  bind(st, 1, id);
  kith_lookup_answer had = kith_store_step_row(s, st, error);
  if (had == KITH_LOOKUP_ERROR)
    return FALSE;
  if (old)
    *old = g_strdup(had == KITH_LOOKUP_FOUND ? kith_store_col(st, 0) : "");
  sqlite3_reset(st);
  /* An Email keeps its look-up key (R1) in step with it. */
  g_autofree char *set = email ? g_strdup("UPDATE Contact SET Email = ?1, email_key = lower(?1)"
                                          " WHERE Id = ?2")
                               : g_strdup_printf("UPDATE Contact SET %s = ?1 WHERE Id = ?2", field);
  st = kith_store_stmt(s, set, error);
  if (!st)
    return FALSE;
  bind(st, 1, value);
  bind(st, 2, id);
  return kith_store_step_done(s, st, error);
}

gboolean kith_crmw_delete_contact(kith_store *s, const char *id, gboolean *existed, GError **error)
{
  sqlite3_stmt *roles = kith_store_stmt(s, "DELETE FROM OpportunityContactRole WHERE ContactId = ?",
                                        error);
  if (!roles)
    return FALSE;
  bind(roles, 1, id);
  if (!kith_store_step_done(s, roles, error))
    return FALSE;
  sqlite3_stmt *st = kith_store_stmt(s, "DELETE FROM Contact WHERE Id = ?", error);
  if (!st)
    return FALSE;
  bind(st, 1, id);
  if (!kith_store_step_done(s, st, error))
    return FALSE;
  if (existed)
    *existed = sqlite3_changes(kith_store_db(s)) > 0;
  return TRUE;
}

kith_lookup_answer kith_crmw_existing_for(kith_store *s, const char *address, char **id,
                                          const char **type, GError **error)
{
  *id = NULL;
  static const struct {
    const char *sql, *type;
  } looks[] = {
      {"SELECT Id FROM Contact WHERE email_key = ? ORDER BY created_ts IS NULL, created_ts, Id"
       " LIMIT 1",
       "Contact"},
      {"SELECT Id FROM Lead WHERE email_key = ? AND IsConverted = 0 ORDER BY Id LIMIT 1", "Lead"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(looks); i++) {
    sqlite3_stmt *st = kith_store_stmt(s, looks[i].sql, error);
    if (!st)
      return KITH_LOOKUP_ERROR;
    bind(st, 1, address);
    kith_lookup_answer r = kith_store_step_row(s, st, error);
    if (r == KITH_LOOKUP_ERROR)
      return r;
    if (r == KITH_LOOKUP_FOUND) {
      *id = g_strdup(kith_store_col(st, 0));
      *type = looks[i].type;
      sqlite3_reset(st);
      return r;
    }
    sqlite3_reset(st);
  }
  return KITH_LOOKUP_NONE;
}

static kith_lookup_answer exists(kith_store *s, const char *sql, const char *a, const char *b,
                                 GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, sql, error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind(st, 1, a);
  if (b)
    bind(st, 2, b);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  sqlite3_reset(st);
  return found;
}

kith_lookup_answer kith_crmw_contact_exists(kith_store *s, const char *id, GError **error)
{
  return exists(s, "SELECT 1 FROM Contact WHERE Id = ?", id, NULL, error);
}

kith_lookup_answer kith_crmw_role_exists(kith_store *s, const char *opportunity_id,
                                         const char *contact_id, GError **error)
{
  return exists(s, "SELECT 1 FROM OpportunityContactRole WHERE OpportunityId = ? AND ContactId = ?",
                opportunity_id, contact_id, error);
}

kith_lookup_answer kith_crmw_opportunity_open(kith_store *s, const char *id, GError **error)
{
  return exists(s, "SELECT 1 FROM Opportunity WHERE Id = ? AND IsClosed = 0", id, NULL, error);
}

gboolean kith_crmw_alias(kith_store *s, const char *queued, const char *actual, const char *type,
                         GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "INSERT OR REPLACE INTO id_alias(queued_id, actual_id, object_type) VALUES(?, ?, ?)",
      error);
  if (!st)
    return FALSE;
  bind(st, 1, queued);
  bind(st, 2, actual);
  bind(st, 3, type);
  return kith_store_step_done(s, st, error);
}

char *kith_crmw_resolve(kith_store *s, const char *id, const char **type, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT actual_id, object_type FROM id_alias WHERE queued_id = ?", error);
  *type = "Contact";
  if (!st)
    return NULL;
  bind(st, 1, id);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  char *out = NULL;
  if (found == KITH_LOOKUP_FOUND) {
    out = g_strdup(kith_store_col(st, 0));
    *type = strcmp(kith_store_col(st, 1), "Lead") == 0 ? "Lead" : "Contact";
  }
  sqlite3_reset(st);
  if (found == KITH_LOOKUP_ERROR)
    return NULL; /* never the queued Id: a role would go to a contact that is gone */
  return out ? out : g_strdup(id);
}
