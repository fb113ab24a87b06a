/* privacy.c - forgetting people: retention and erasure (docs/privacy.md). */
#include "store/privacy.h"

#include "util/timeutil.h"

/* Runs SQL (one statement) with TEXT bound to every ?1 and INT to ?2;
 * adds the rows it changed to *COUNT. */
static gboolean run(kith_store *s, const char *sql, const char *text, gint64 num, gint64 *count,
                    GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, sql, error);
  if (!st)
    return FALSE;
  if (text)
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count(st) >= 2)
    sqlite3_bind_int64(st, 2, num);
  if (!kith_store_step_done(s, st, error))
    return FALSE;
  *count += sqlite3_changes(kith_store_db(s));
  return TRUE;
}

gboolean kith_privacy_purge_address(kith_store *s, const char *email, kith_purge_counts *out,
                                    GError **error)
{
  *out = (kith_purge_counts){0};
  if (!kith_store_begin(s, error))
    return FALSE;
  gboolean ok =
      run(s, "DELETE FROM observation WHERE email = ?1", email, 0, &out->observations, error) &&
      run(s, "DELETE FROM observation_log WHERE email = ?1", email, 0, &out->observations, error) &&
      run(s, "DELETE FROM participant WHERE email = ?1", email, 0, &out->participants, error) &&
      run(s, "DELETE FROM engagement_log WHERE email = ?1", email, 0, &out->log_rows, error) &&
      run(s, "DELETE FROM activity_link WHERE email = ?1", email, 0, &out->links, error) &&
      /* R45: a bounce is a fact observed about the address; counted so. */
      run(s, "DELETE FROM bounce WHERE email = ?1", email, 0, &out->observations, error) &&
      /* The review queue's item about it (docs/review.md), a view of its log rows. */
      run(s, "DELETE FROM review WHERE email = ?1", email, 0, &out->log_rows, error) &&
      kith_store_commit(s, error);
  if (!ok)
    kith_store_rollback(s);
  return ok;
}

/* An address (the column named) that the CRM holds, or will once the
 * outbox is applied: its data is kept. */
#define KNOWN(col)                                                                                 \
  "(EXISTS(SELECT 1 FROM Contact WHERE email_key = " col ")"                                       \
  " OR EXISTS(SELECT 1 FROM Lead WHERE email_key = " col ")"                                       \
  " OR EXISTS(SELECT 1 FROM outbox WHERE outbox.email = " col "))"

gboolean kith_privacy_purge_expired(kith_store *s, gint64 cutoff, kith_purge_counts *out,
                                    GError **error)
{
  *out = (kith_purge_counts){0};
  g_autofree char *iso = kith_time_format(cutoff);
  if (!kith_store_begin(s, error))
    return FALSE;
  gboolean ok = run(s,
                    "DELETE FROM observation WHERE time < ?2 AND NOT " KNOWN("observation.email"),
                    NULL, cutoff, &out->observations, error) &&
                run(s,
                    "UPDATE participant SET name = NULL, first_name = NULL, last_name = NULL"
                    " WHERE (name IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL)"
                    " AND activity IN (SELECT seq FROM activity WHERE time < ?2)"
                    " AND NOT " KNOWN("participant.email"),
                    NULL, cutoff, &out->participants, error) &&
                run(s,
                    "UPDATE engagement_log SET detail = NULL WHERE detail IS NOT NULL AND time < ?1"
                    " AND email IS NOT NULL AND email <> '' AND NOT " KNOWN("engagement_log.email"),
                    iso, 0, &out->log_rows, error) &&
                run(s, "DELETE FROM bounce WHERE time < ?2 AND NOT " KNOWN("bounce.email"), NULL,
                    cutoff, &out->observations, error) &&
                kith_store_commit(s, error);
  if (!ok)
    kith_store_rollback(s);
  return ok;
}
