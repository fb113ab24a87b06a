/* outbox.c - queued CRM changes: add, coalesce field updates, list, mark. */
#include "store/outbox.h"

#include "util/timeutil.h"

#define COLUMNS                                                                                    \
  "seq, op, activity_id, email, object_id, account_id, opportunity_id, contact_id, owner_id,"      \
  " field, value, old_value, obs_time, rule, detail, sent_at IS NOT NULL"

void kith_outbox_entry_free(kith_outbox_entry *e)
{
  if (!e)
    return;
  g_free(e->activity_id);
  g_free(e->email);
  g_free(e->object_id);
  g_free(e->account_id);
  g_free(e->opportunity_id);
  g_free(e->contact_id);
  g_free(e->owner_id);
  g_free(e->field);
  g_free(e->value);
  g_free(e->old_value);
  g_free(e->rule);
  g_free(e->detail);
  g_free(e);
}

static void bind(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

static char *col(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL
             ? NULL
             : g_strdup((const char *)sqlite3_column_text(st, i));
}

static kith_outbox_entry *read_entry(sqlite3_stmt *st)
{
  kith_outbox_entry *e = g_new0(kith_outbox_entry, 1);
  e->seq = sqlite3_column_int64(st, 0);
  if (!kith_op_from_name((const char *)sqlite3_column_text(st, 1), &e->op))
    e->op = (kith_op)KITH_OP_COUNT; /* a word this kith does not know: sync fails the entry */
  e->activity_id = col(st, 2);
  e->email = col(st, 3);
  e->object_id = col(st, 4);
  e->account_id = col(st, 5);
  e->opportunity_id = col(st, 6);
  e->contact_id = col(st, 7);
  e->owner_id = col(st, 8);
  e->field = col(st, 9);
  e->value = col(st, 10);
  e->old_value = col(st, 11);
  e->obs_time = sqlite3_column_int64(st, 12);
  e->rule = col(st, 13);
  e->detail = col(st, 14);
  e->sent = sqlite3_column_int(st, 15) != 0;
  return e;
}

gboolean kith_outbox_add(kith_store *s, const kith_outbox_entry *e, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "INSERT INTO outbox(op, activity_id, email, object_id, account_id, opportunity_id,"
      " contact_id, owner_id, field, value, old_value, obs_time, rule, detail, queued_at)"
      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);
  if (!st)
    return FALSE;
  g_autofree char *now = kith_time_now();
  bind(st, 1, kith_op_name(e->op));
  bind(st, 2, e->activity_id);
  bind(st, 3, e->email);
  bind(st, 4, e->object_id);
  bind(st, 5, e->account_id);
  bind(st, 6, e->opportunity_id);
  bind(st, 7, e->contact_id);
  bind(st, 8, e->owner_id);
  bind(st, 9, e->field);
  bind(st, 10, e->value);
  bind(st, 11, e->old_value);
  sqlite3_bind_int64(st, 12, e->obs_time);
  bind(st, 13, e->rule);
  bind(st, 14, e->detail);
  bind(st, 15, now);
  return kith_store_step_done(s, st, error);
}

gboolean kith_outbox_set_field(kith_store *s, const kith_outbox_entry *e, GError **error)
{
  sqlite3_stmt *up = kith_store_stmt(
      s,
      "UPDATE outbox SET value = ?, obs_time = ?, activity_id = ?, rule = ?, detail = ?"
      " WHERE op = ? AND state = 'pending' AND contact_id = ? AND field = ?",
      error);
  if (!up)
    return FALSE;
  bind(up, 1, e->value);
  sqlite3_bind_int64(up, 2, e->obs_time);
  bind(up, 3, e->activity_id);
  bind(up, 4, e->rule);
  bind(up, 5, e->detail);
  bind(up, 6, kith_op_name(KITH_OP_FIELD_UPDATE));
  bind(up, 7, e->contact_id);
  bind(up, 8, e->field);
  if (!kith_store_step_done(s, up, error))
    return FALSE;
  if (sqlite3_changes(kith_store_db(s)) > 0)
    return TRUE;
  kith_outbox_entry add = *e;
  add.op = KITH_OP_FIELD_UPDATE;
  return kith_outbox_add(s, &add, error);
}

GPtrArray *kith_outbox_pending(kith_store *s, guint limit, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT " COLUMNS " FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?", error);
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, limit);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)kith_outbox_entry_free);
  kith_lookup_answer r;
  /* A failed read is an error, never an empty outbox that sync reports done. */
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND)
    g_ptr_array_add(out, read_entry(st));
  if (r == KITH_LOOKUP_ERROR)
    return NULL;
  sqlite3_reset(st);
  return g_steal_pointer(&out);
}

gboolean kith_outbox_mark(kith_store *s, gint64 seq, const char *state, const char *error_text,
                          GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "UPDATE outbox SET state = ?, error = ?, done_at = ? WHERE seq = ?", error);
  if (!st)
    return FALSE;
  g_autofree char *now = kith_time_now();
  bind(st, 1, state);
  bind(st, 2, error_text);
  bind(st, 3, now);
  sqlite3_bind_int64(st, 4, seq);
  return kith_store_step_done(s, st, error);
}

gboolean kith_outbox_cancel_object(kith_store *s, const char *object_id, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "UPDATE outbox SET state = 'cancelled', done_at = ? WHERE state = 'pending' AND"
      " (object_id = ?2 OR contact_id = ?2)",
      error);
  if (!st)
    return FALSE;
  g_autofree char *now = kith_time_now();
  bind(st, 1, now);
  bind(st, 2, object_id);
  return kith_store_step_done(s, st, error);
}

gint64 kith_outbox_depth(kith_store *s)
{
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT count(*) FROM outbox WHERE state = 'pending'",
                                     NULL);
  if (!st)
    return -1;
  gint64 n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return n;
}

kith_outbox_entry *kith_outbox_find_create(kith_store *s, const char *object_id)
{
  sqlite3_stmt *st = kith_store_stmt(s,
                                     "SELECT " COLUMNS " FROM outbox WHERE op = ? AND object_id = ?"
                                     " ORDER BY seq DESC LIMIT 1",
                                     NULL);
  if (!st)
    return NULL;
  bind(st, 1, kith_op_name(KITH_OP_CONTACT_CREATE));
  bind(st, 2, object_id);
  kith_outbox_entry *e = sqlite3_step(st) == SQLITE_ROW ? read_entry(st) : NULL;
  sqlite3_reset(st);
  return e;
}

gboolean kith_outbox_each_for_email(kith_store *s, const char *email, kith_outbox_fn fn,
                                    gpointer user_data, GError **error)
{
  sqlite3_stmt *st = NULL;
  const char *sql = "SELECT " COLUMNS ", state FROM outbox WHERE email = ?1 OR contact_id IN"
                    " (SELECT object_id FROM outbox WHERE email = ?1 AND op = ?2)"
                    " OR contact_id IN (SELECT Id FROM Contact WHERE email_key = ?1) ORDER BY seq";
  if (sqlite3_prepare_v2(kith_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    return kith_store_fail(s, error, "outbox");
  bind(st, 1, email);
  bind(st, 2, kith_op_name(KITH_OP_CONTACT_CREATE));
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    g_autoptr(kith_outbox_entry) e = read_entry(st);
    if (!fn(e, (const char *)sqlite3_column_text(st, 16), user_data))
      break;
  }
  sqlite3_finalize(st);
  return r != KITH_LOOKUP_ERROR;
}

gboolean kith_outbox_set_sent(kith_store *s, gint64 seq, gboolean sent, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, "UPDATE outbox SET sent_at = ? WHERE seq = ?", error);
  if (!st)
    return FALSE;
  g_autofree char *now = sent ? kith_time_now() : NULL;
  bind(st, 1, now);
  sqlite3_bind_int64(st, 2, seq);
  return kith_store_step_done(s, st, error);
}
