/* person.c - telling one person from another (R2, R43, R44); see person.h. */
#include "store/person.h"

#include "core/vocab.h"

#include "util/timeutil.h"

#include <string.h>

gboolean kith_person_users_each(kith_store *s, kith_user_fn fn, gpointer user_data, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT Id, FirstName, LastName, IsActive FROM \"User\" ORDER BY Id", error);
  if (!st)
    return FALSE;
  GError *local = NULL;
  while (kith_store_row(s, st, &local))
    fn(kith_store_col(st, 0), kith_store_col(st, 1), kith_store_col(st, 2),
       sqlite3_column_int(st, 3) != 0, user_data);
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  return TRUE;
}

gboolean kith_person_learned_alias(kith_store *s, const char *email, char **user_id, GError **error)
{
  *user_id = NULL;
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT object_id FROM engagement_log WHERE email = ?1 AND action = ?2"
      " ORDER BY seq DESC LIMIT 1",
      error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kith_action_name(KITH_ACTION_ALIAS_LEARNED), -1, SQLITE_STATIC);
  if (!kith_store_row(s, st, error))
    return FALSE;
  *user_id = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return TRUE;
}

gboolean kith_person_user_email(kith_store *s, const char *user_id, char **email, GError **error)
{
  *email = NULL;
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT email_key FROM \"User\" WHERE Id = ?", error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, user_id, -1, SQLITE_TRANSIENT);
  if (!kith_store_row(s, st, error))
    return FALSE;
  *email = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return TRUE;
}

void kith_account_person_free(gpointer p)
{
  kith_account_person *c = p;
  if (!c)
    return;
  g_free(c->id);
  g_free(c->email);
  g_free(c->first_name);
  g_free(c->last_name);
  g_free(c);
}

/* The newest observation of FIELD for EMAIL, or NULL. */
static char *observed(kith_store *s, const char *email, const char *field, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT value FROM observation WHERE email = ? AND field = ?", error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
  if (!kith_store_row(s, st, error))
    return NULL;
  char *v = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return v;
}

GPtrArray *kith_person_account_contacts(kith_store *s, const char *account_id, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(kith_account_person_free);
  /* Contacts queued for deletion or removal are as good as gone. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT Id, email_key, FirstName, LastName, Created_By_Kith__c FROM Contact c"
      " WHERE AccountId = ?1 AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.object_id = c.Id"
      " AND o.op IN (?2, ?3) AND o.state = 'pending')"
      " ORDER BY Id",
      error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, account_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kith_op_name(KITH_OP_CONTACT_DELETE), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kith_op_name(KITH_OP_CONTACT_REMOVE), -1, SQLITE_STATIC);
  GError *local = NULL;
  while (kith_store_row(s, st, &local)) {
    kith_account_person *c = g_new0(kith_account_person, 1);
    c->id = g_strdup(kith_store_col(st, 0));
    c->email = g_strdup(kith_store_col(st, 1));
    c->first_name = kith_store_col_dup(st, 2);
    c->last_name = kith_store_col_dup(st, 3);
    c->created_by_kith = sqlite3_column_int(st, 4) != 0;
    g_ptr_array_add(out, c);
  }
  if (local) {
    g_propagate_error(error, local);
    return NULL;
  }
  st = kith_store_stmt(s,
                       "SELECT object_id, email FROM outbox WHERE op = ?2"
                       " AND state = 'pending' AND account_id = ?1 ORDER BY object_id",
                       error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, account_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kith_op_name(KITH_OP_CONTACT_CREATE), -1, SQLITE_STATIC);
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func(kith_account_person_free);
  while (kith_store_row(s, st, &local)) {
    kith_account_person *c = g_new0(kith_account_person, 1);
    c->id = g_strdup(kith_store_col(st, 0));
    c->email = g_strdup(kith_store_col(st, 1));
    c->created_by_kith = c->queued = TRUE;
    g_ptr_array_add(queued, c);
  }
  if (local) {
    g_propagate_error(error, local);
    return NULL;
  }
  /* A queued contact's names are what sync will give it: the newest observed. */
  for (guint i = 0; i < queued->len; i++) {
    kith_account_person *c = g_ptr_array_index(queued, i);
    c->first_name = observed(s, c->email, "FirstName", &local);
    if (!local)
      c->last_name = observed(s, c->email, "LastName", &local);
    if (local) {
      g_propagate_error(error, local);
      return NULL;
    }
  }
  for (guint i = 0; i < queued->len; i++)
    g_ptr_array_add(out, g_steal_pointer(&g_ptr_array_index(queued, i)));
  g_ptr_array_set_free_func(queued, NULL);
  return g_steal_pointer(&out);
}

gboolean kith_person_last_seen(kith_store *s, const char *email, gint64 *time, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT max(a.time) FROM participant p JOIN activity a ON a.seq = p.activity"
      " WHERE p.email = ?",
      error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  if (!kith_store_row(s, st, error))
    return FALSE;
  gboolean any = sqlite3_column_type(st, 0) != SQLITE_NULL;
  *time = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return any;
}

const char *const kith_alternate_columns[KITH_ALTERNATE_N_COLUMNS] = {
    "Email", "FirstName", "LastName", "AccountId", "ContactId", "Seen"};

gboolean kith_person_alternates_each(kith_store *s, kith_alternate_fn fn, gpointer user_data,
                                     GError **error)
{
  /* The latest same_person decision per address names the contact; the
   * contact's account is the CRM's, or the queued create's. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT l.email, l.object_id,"
      " coalesce((SELECT AccountId FROM Contact WHERE Id = l.object_id),"
      "          (SELECT account_id FROM outbox WHERE object_id = l.object_id"
      "           AND op = ?1 ORDER BY seq DESC LIMIT 1), ''),"
      " (SELECT value FROM observation WHERE email = l.email AND field = 'FirstName'),"
      " (SELECT value FROM observation WHERE email = l.email AND field = 'LastName'),"
      " (SELECT max(a.time) FROM participant p JOIN activity a ON a.seq = p.activity"
      "  WHERE p.email = l.email)"
      " FROM engagement_log l"
      " WHERE l.seq IN (SELECT max(seq) FROM engagement_log WHERE action = ?2"
      "                 AND reason = ?3 GROUP BY email)"
      " AND NOT EXISTS(SELECT 1 FROM Contact WHERE email_key = l.email)"
      " AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.op = ?4 AND o.field = 'Email'"
      "                AND o.value = l.email AND o.state = 'pending')"
      " ORDER BY l.email",
      error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, kith_op_name(KITH_OP_CONTACT_CREATE), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, kith_action_name(KITH_ACTION_SKIPPED), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kith_reason_name(KITH_REASON_SAME_PERSON), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, kith_op_name(KITH_OP_FIELD_UPDATE), -1, SQLITE_STATIC);
  GError *local = NULL;
  while (kith_store_row(s, st, &local)) {
    g_autofree char *seen = sqlite3_column_type(st, 5) == SQLITE_NULL
                                ? g_strdup("")
                                : kith_time_format(sqlite3_column_int64(st, 5));
    const char *v[] = {kith_store_col(st, 0), kith_store_col(st, 3), kith_store_col(st, 4),
                       kith_store_col(st, 2), kith_store_col(st, 1), seen};
    if (!fn(v, user_data)) {
      sqlite3_reset(st);
      return TRUE;
    }
  }
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  return TRUE;
}
