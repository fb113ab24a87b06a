/* bounce.c - R45: the addresses a delivery-status notification said failed, and when. */
#include "store/bounce.h"

#include "store/state.h"

gboolean kith_state_bounce_record(kith_store *s, const char *email, gint64 time,
                                  const char *activity_id, GError **error)
{
  g_return_val_if_fail(email != NULL && activity_id != NULL, FALSE);
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "INSERT INTO bounce(email, time, activity_id) VALUES(?1, ?2, ?3)"
      " ON CONFLICT(email) DO UPDATE SET time = excluded.time,"
      " activity_id = excluded.activity_id"
      " WHERE excluded.time > bounce.time OR (excluded.time = bounce.time AND"
      " excluded.activity_id > bounce.activity_id)",
      error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, time);
  sqlite3_bind_text(st, 3, activity_id, -1, SQLITE_STATIC);
  gboolean ok = kith_store_step_done(s, st, error);
  sqlite3_clear_bindings(st);
  return ok;
}

gboolean kith_state_bounce_clear_if_older(kith_store *s, const char *email, gint64 time,
                                          GError **error)
{
  g_return_val_if_fail(email != NULL, FALSE);
  sqlite3_stmt *st = kith_store_stmt(s, "DELETE FROM bounce WHERE email = ?1 AND time < ?2", error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, time);
  gboolean ok = kith_store_step_done(s, st, error);
  sqlite3_clear_bindings(st);
  return ok;
}

gboolean kith_state_bounce_note(kith_store *s, const kith_activity *a, GError **error)
{
  /* R12: a forged notification marks nobody, and forged mail from an
   * address does not show that it is read again. */
  if (a->kind != KITH_ACTIVITY_EMAIL || a->unauthenticated)
    return TRUE;
  for (guint i = 0; a->bounced && i < a->bounced->len; i++)
    if (!kith_state_bounce_record(s, g_ptr_array_index(a->bounced, i), a->time, a->id, error))
      return FALSE;
  if (a->automatic)
    return TRUE; /* an auto-reply shows a mailbox that answers, not a person */
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (p->role == KITH_PART_FROM && !kith_state_bounce_clear_if_older(s, p->email, a->time, error))
      return FALSE;
  }
  return TRUE;
}

kith_lookup_answer kith_state_bounced(kith_store *s, const char *email, gint64 *time_out,
                                      char **activity_id_out, GError **error)
{
  g_return_val_if_fail(email != NULL, KITH_LOOKUP_ERROR);
  if (time_out)
    *time_out = 0;
  if (activity_id_out)
    *activity_id_out = NULL;
  /* kith_state_bounce_note clears a bounce when later mail comes after it;
   * mail ingested before the notification is found here instead. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT b.time, b.activity_id FROM bounce b WHERE b.email = ?1 AND NOT EXISTS("
      "SELECT 1 FROM participant p JOIN activity a ON a.seq = p.activity"
      " WHERE p.email = ?1 AND p.role = ?2 AND a.kind = ?3 AND a.time > b.time"
      " AND (a.flags & " G_STRINGIFY(
          KITH_ACTIVITY_FLAG_UNAUTHENTICATED) ") = 0"
                                              " AND (a.reason IS NULL OR a.reason <> 'automatic'))",
      error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, kith_part_role_name(KITH_PART_FROM), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kith_activity_kind_name(KITH_ACTIVITY_EMAIL), -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  kith_lookup_answer state = KITH_LOOKUP_NONE;
  if (rc == SQLITE_ROW) {
    state = KITH_LOOKUP_FOUND;
    if (time_out)
      *time_out = sqlite3_column_int64(st, 0);
    if (activity_id_out)
      *activity_id_out = g_strdup(kith_store_col(st, 1));
  } else if (rc != SQLITE_DONE) {
    kith_store_fail(s, error, "bounce look-up");
    state = KITH_LOOKUP_ERROR;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return state;
}
