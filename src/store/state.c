/* state.c - kith's own tables: activities, observations, links, log, suppression, Ids. */
#include "store/state.h"

#include "store/schema.h"

#include "config/config.h"
#include "util/error.h"
#include "util/sfid.h"
#include "util/timeutil.h"

#include <string.h>

#define STMT(var, sql)                                                                             \
  sqlite3_stmt *var = kith_store_stmt(s, sql, error);                                              \
  if (!var)                                                                                        \
  return FALSE

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* For the statements run once or more for every activity captured: the
 * value is read in place, not copied, so it must live until the statement
 * has run; the caller clears the bindings right after. */
static void bind_borrowed(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

static gboolean step_then_unbind(kith_store *s, sqlite3_stmt *st, GError **error)
{
  gboolean ok = kith_store_step_done(s, st, error);
  sqlite3_clear_bindings(st);
  return ok;
}

void kith_stored_activity_free(kith_stored_activity *a)
{
  if (!a)
    return;
  g_free(a->id);
  g_free(a->kind);
  g_free(a->subject);
  g_free(a->origin);
  if (a->participants)
    g_ptr_array_unref(a->participants);
  g_free(a);
}

/* The stored words back to their enums; a word no table has (a store
 * written by hand) reads as the commonest value. */
static kith_cutype cutype_parse(const char *s)
{
  kith_cutype c = KITH_CUTYPE_PERSON;
  return kith_cutype_from_name(s, &c) ? c : KITH_CUTYPE_PERSON;
}

static kith_part_role role_parse(const char *s)
{
  kith_part_role r = KITH_PART_TO;
  return kith_part_role_from_name(s, &r) ? r : KITH_PART_TO;
}

gint64 kith_state_activities_stored(kith_store *s)
{
  /* The greatest key: as many as were ever stored, found without a count. */
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT max(seq) FROM activity", NULL);
  if (!st)
    return 0;
  gint64 n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return n;
}

gboolean kith_state_activity_insert(kith_store *s, const kith_activity *a, const char *state,
                                    const char *reason, gint64 *seq, GError **error)
{
  /* A second ingest of the same activity inserts nothing: *SEQ 0. */
  STMT(st, "INSERT INTO activity(id, kind, time, subject, origin, state, reason, ingested_at,"
           " flags) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING");
  g_autofree char *now = kith_time_now();
  bind_borrowed(st, 1, a->id);
  bind_borrowed(st, 2, kith_activity_kind_name(a->kind));
  sqlite3_bind_int64(st, 3, a->time);
  bind_borrowed(st, 4, a->subject ? a->subject : "");
  bind_borrowed(st, 5, a->origin);
  bind_borrowed(st, 6, state);
  bind_borrowed(st, 7, reason);
  bind_borrowed(st, 8, now);
  sqlite3_bind_int(st, 9, a->unauthenticated ? KITH_ACTIVITY_FLAG_UNAUTHENTICATED : 0);
  if (!step_then_unbind(s, st, error))
    return FALSE;
  sqlite3 *db = kith_store_db(s);
  *seq = sqlite3_changes(db) > 0 ? sqlite3_last_insert_rowid(db) : 0;
  return TRUE;
}

gboolean kith_state_participants_add(kith_store *s, gint64 seq, const kith_activity *a,
                                     char **firsts, char **lasts, GError **error)
{
  STMT(pt, "INSERT INTO participant(activity, pos, email, name, role, cutype,"
           " first_name, last_name) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    sqlite3_reset(pt);
    sqlite3_bind_int64(pt, 1, seq);
    sqlite3_bind_int(pt, 2, i);
    bind_borrowed(pt, 3, p->email);
    bind_borrowed(pt, 4, p->name);
    bind_borrowed(pt, 5, kith_part_role_name(p->role));
    bind_borrowed(pt, 6, kith_cutype_name(p->cutype));
    bind_borrowed(pt, 7, firsts ? firsts[i] : NULL);
    bind_borrowed(pt, 8, lasts ? lasts[i] : NULL);
    if (!step_then_unbind(s, pt, error))
      return FALSE;
  }
  return TRUE;
}

gboolean kith_state_activity_set_state(kith_store *s, const char *id, const char *state,
                                       const char *reason, GError **error)
{
  STMT(st, "UPDATE activity SET state = ?, reason = ? WHERE id = ?");
  bind_text(st, 1, state);
  bind_text(st, 2, reason);
  bind_text(st, 3, id);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_decided_through(kith_store *s, gint64 time, const char *id, GError **error)
{
  STMT(st, "UPDATE activity SET state = 'decided', reason = NULL"
           " WHERE state = 'pending' AND (time, id) <= (?, ?)");
  sqlite3_bind_int64(st, 1, time);
  bind_text(st, 2, id);
  return kith_store_step_done(s, st, error);
}

kith_stored_activity *kith_state_activity_as_stored(const kith_activity *a, char **firsts,
                                                    char **lasts)
{
  kith_stored_activity *out = g_new0(kith_stored_activity, 1);
  out->id = g_strdup(a->id);
  out->kind = g_strdup(kith_activity_kind_name(a->kind));
  out->time = a->time;
  out->subject = g_strdup(a->subject ? a->subject : "");
  out->origin = g_strdup(a->origin ? a->origin : ""); /* as kith_store_col reads a NULL */
  out->unauthenticated = a->unauthenticated;
  out->participants = g_ptr_array_new_full(a->participants->len, kith_participant_free);
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    kith_participant *q = g_new0(kith_participant, 1);
    q->email = g_strdup(p->email);
    q->domain = strrchr(q->email, '@') ? strrchr(q->email, '@') + 1 : q->email;
    q->name = g_strdup(p->name);
    q->role = p->role;
    q->cutype = p->cutype;
    q->first_name = g_strdup(firsts ? firsts[i] : NULL);
    q->last_name = g_strdup(lasts ? lasts[i] : NULL);
    g_ptr_array_add(out->participants, q);
  }
  return out;
}

GPtrArray *kith_state_pending_activities(kith_store *s, GError **error)
{
  gint64 time = G_MININT64;
  g_autofree char *id = g_strdup("");
  return kith_state_pending_page(s, &time, &id, G_MAXINT, error);
}

GPtrArray *kith_state_pending_page(kith_store *s, gint64 *time, char **id, guint limit,
                                   GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT id, time FROM activity WHERE state = 'pending' AND (time, id) > (?, ?)"
      " ORDER BY time, id LIMIT ?",
      error);
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, *time);
  sqlite3_bind_text(st, 2, *id ? *id : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, limit);
  GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    g_ptr_array_add(ids, g_strdup(kith_store_col(st, 0)));
    *time = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    g_ptr_array_unref(ids);
    kith_store_fail(s, error, "pending activities");
    return NULL;
  }
  if (ids->len) {
    g_free(*id);
    *id = g_strdup(g_ptr_array_index(ids, ids->len - 1));
  }
  return ids;
}

kith_stored_activity *kith_state_activity_load(kith_store *s, const char *id, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT kind, time, subject, origin, seq, flags FROM activity WHERE id = ?", error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found != KITH_LOOKUP_FOUND) {
    sqlite3_reset(st);
    if (found == KITH_LOOKUP_NONE)
      g_set_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND, "no activity %s", id);
    return NULL;
  }
  kith_stored_activity *a = g_new0(kith_stored_activity, 1);
  a->id = g_strdup(id);
  a->kind = g_strdup(kith_store_col(st, 0));
  a->time = sqlite3_column_int64(st, 1);
  a->subject = g_strdup(kith_store_col(st, 2));
  a->origin = g_strdup(kith_store_col(st, 3));
  sqlite3_int64 seq = sqlite3_column_int64(st, 4);
  a->unauthenticated = (sqlite3_column_int(st, 5) & KITH_ACTIVITY_FLAG_UNAUTHENTICATED) != 0;
  sqlite3_reset(st);
  a->participants = g_ptr_array_new_with_free_func(kith_participant_free);
  sqlite3_stmt *pt = kith_store_stmt(
      s,
      "SELECT email, name, role, cutype, first_name, last_name FROM participant"
      " WHERE activity = ? ORDER BY pos",
      error);
  if (!pt) {
    kith_stored_activity_free(a);
    return NULL;
  }
  sqlite3_bind_int64(pt, 1, seq);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, pt, error)) == KITH_LOOKUP_FOUND) {
    kith_participant *p = g_new0(kith_participant, 1);
    p->email = g_strdup(kith_store_col(pt, 0));
    p->domain = strrchr(p->email, '@') ? strrchr(p->email, '@') + 1 : p->email;
    p->name = sqlite3_column_type(pt, 1) == SQLITE_NULL ? NULL : g_strdup(kith_store_col(pt, 1));
    p->role = role_parse(kith_store_col(pt, 2));
    p->cutype = cutype_parse(kith_store_col(pt, 3));
    p->first_name = sqlite3_column_type(pt, 4) == SQLITE_NULL ? NULL
                                                              : g_strdup(kith_store_col(pt, 4));
    p->last_name = sqlite3_column_type(pt, 5) == SQLITE_NULL ? NULL
                                                             : g_strdup(kith_store_col(pt, 5));
    g_ptr_array_add(a->participants, p);
  }
  sqlite3_reset(pt);
  if (r == KITH_LOOKUP_ERROR) {
    /* Never decided on some of its people only. */
    kith_stored_activity_free(a);
    return NULL;
  }
  return a;
}

gboolean kith_state_observation_newer(gint64 time, const char *activity_id, gint64 than_time,
                                      const char *than_activity_id)
{
  return time > than_time || (time == than_time && strcmp(activity_id, than_activity_id) > 0);
}

/* Binds an observation to ST's five parameters in the order both of the
 * statements below take them, steps it and lets the values go. */
static gboolean step_observation(kith_store *s, sqlite3_stmt *st, const char *email,
                                 const char *field, const char *value, gint64 time,
                                 const char *activity_id, GError **error)
{
  bind_borrowed(st, 1, email);
  bind_borrowed(st, 2, field);
  bind_borrowed(st, 3, value);
  sqlite3_bind_int64(st, 4, time);
  bind_borrowed(st, 5, activity_id);
  return step_then_unbind(s, st, error);
}

gboolean kith_state_observe(kith_store *s, const char *email, const char *field, const char *value,
                            gint64 time, const char *activity_id, GError **error)
{
  if (!value || !*value)
    return TRUE; /* showing no value is not an observation */
  STMT(st, "INSERT INTO observation(email, field, value, time, activity_id) VALUES(?, ?, ?, ?, "
           "?)" KITH_SCHEMA_OBSERVATION_UPSERT);
  return step_observation(s, st, email, field, value, time, activity_id, error);
}

gboolean kith_state_observe_later(kith_store *s, const char *email, const char *field,
                                  const char *value, gint64 time, const char *activity_id,
                                  GError **error)
{
  if (!value || !*value)
    return TRUE;
  STMT(st, "INSERT INTO observation_log(email, field, value, time, activity_id)"
           " VALUES(?, ?, ?, ?, ?)");
  return step_observation(s, st, email, field, value, time, activity_id, error);
}

gboolean kith_state_observations_merge(kith_store *s, GError **error)
{
  return kith_store_exec_sorted(s, KITH_SCHEMA_OBSERVATION_MERGE, error);
}

kith_lookup_answer kith_state_observation_full(kith_store *s, const char *email, const char *field,
                                               char **value, gint64 *time, char **activity_id,
                                               GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT value, time, activity_id FROM observation WHERE email = ? AND field = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_text(st, 1, email);
  bind_text(st, 2, field);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_FOUND) {
    if (value)
      *value = g_strdup(kith_store_col(st, 0));
    if (time)
      *time = sqlite3_column_int64(st, 1);
    if (activity_id)
      *activity_id = g_strdup(kith_store_col(st, 2));
  }
  sqlite3_reset(st);
  return found;
}

kith_lookup_answer kith_state_observation(kith_store *s, const char *email, const char *field,
                                          char **value, gint64 *time, GError **error)
{
  return kith_state_observation_full(s, email, field, value, time, NULL, error);
}

G_STATIC_ASSERT(KITH_FIELD_COUNT < 31); /* kith_state_observed_fields' bits, and one to spare */

gboolean kith_state_observed_fields(kith_store *s, const char *email, guint32 *fields,
                                    GError **error)
{
  *fields = 0;
  STMT(st, "SELECT field FROM observation WHERE email = ?");
  bind_text(st, 1, email);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    int f = kith_field_lookup(kith_store_col(st, 0));
    if (f >= 0)
      *fields |= 1u << f;
  }
  sqlite3_reset(st);
  return r != KITH_LOOKUP_ERROR;
}

static void observations_clear(char **values, gint64 *times, char **activity_ids)
{
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    g_clear_pointer(&values[f], g_free);
    times[f] = 0;
    if (activity_ids)
      g_clear_pointer(&activity_ids[f], g_free);
  }
}

gboolean kith_state_observations_full(kith_store *s, const char *email, char **values,
                                      gint64 *times, char **activity_ids, GError **error)
{
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    values[f] = NULL;
    times[f] = 0;
    if (activity_ids)
      activity_ids[f] = NULL;
  }
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT field, value, time, activity_id FROM observation WHERE email = ?", error);
  if (!st)
    return FALSE;
  bind_text(st, 1, email);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND) {
    int f = kith_field_lookup(kith_store_col(st, 0));
    if (f < 0)
      continue;
    g_free(values[f]);
    values[f] = g_strdup(kith_store_col(st, 1));
    times[f] = sqlite3_column_int64(st, 2);
    if (activity_ids) {
      g_free(activity_ids[f]);
      activity_ids[f] = g_strdup(kith_store_col(st, 3));
    }
  }
  sqlite3_reset(st);
  if (r == KITH_LOOKUP_ERROR) {
    observations_clear(values, times, activity_ids);
    return FALSE;
  }
  return TRUE;
}

gboolean kith_state_observations(kith_store *s, const char *email, char **values, gint64 *times,
                                 GError **error)
{
  return kith_state_observations_full(s, email, values, times, NULL, error);
}

kith_lookup_answer kith_state_field_source(kith_store *s, const char *contact_id, const char *field,
                                           gint64 *time, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT time FROM field_source WHERE contact_id = ? AND field = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_text(st, 1, contact_id);
  bind_text(st, 2, field);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_FOUND)
    *time = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return found;
}

gboolean kith_state_set_field_source(kith_store *s, const char *contact_id, const char *field,
                                     gint64 time, GError **error)
{
  STMT(st, "INSERT INTO field_source(contact_id, field, time) VALUES(?, ?, ?)"
           " ON CONFLICT DO UPDATE SET time = max(time, excluded.time)");
  bind_text(st, 1, contact_id);
  bind_text(st, 2, field);
  sqlite3_bind_int64(st, 3, time);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_link(kith_store *s, const char *activity_id, const char *email,
                         const char *object_type, const char *object_id, GError **error)
{
  STMT(st, "INSERT INTO activity_link(activity_id, email, object_type, object_id)"
           " VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET object_type = excluded.object_type,"
           " object_id = excluded.object_id");
  bind_text(st, 1, activity_id);
  bind_text(st, 2, email);
  bind_text(st, 3, object_type);
  bind_text(st, 4, object_id);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_link_address(kith_store *s, const char *email, const char *object_type,
                                 const char *object_id, GError **error)
{
  /* Every activity naming the address, decided or skipped for a person. */
  STMT(st, "INSERT INTO activity_link(activity_id, email, object_type, object_id)"
           " SELECT DISTINCT a.id, p.email, ?2, ?3 FROM participant p"
           " JOIN activity a ON a.seq = p.activity WHERE p.email = ?1 AND a.state = 'decided'"
           " ON CONFLICT DO UPDATE SET object_type = excluded.object_type,"
           " object_id = excluded.object_id");
  bind_text(st, 1, email);
  bind_text(st, 2, object_type);
  bind_text(st, 3, object_id);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_relink(kith_store *s, const char *from_id, const char *to_type,
                           const char *to_id, GError **error)
{
  STMT(st, "UPDATE activity_link SET object_type = ?, object_id = ? WHERE object_id = ?");
  bind_text(st, 1, to_type);
  bind_text(st, 2, to_id);
  bind_text(st, 3, from_id);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_log(kith_store *s, const kith_log_entry *e, GError **error)
{
  STMT(st, "INSERT INTO engagement_log(time, activity_id, email, action, reason, object_id,"
           " rule, detail) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  g_autofree char *now = kith_time_now();
  bind_borrowed(st, 1, now);
  bind_borrowed(st, 2, e->activity_id ? e->activity_id : "");
  bind_borrowed(st, 3, e->email ? e->email : "");
  bind_borrowed(st, 4, e->action);
  bind_borrowed(st, 5, e->reason ? e->reason : "");
  bind_borrowed(st, 6, e->object_id ? e->object_id : "");
  bind_borrowed(st, 7, e->rule ? e->rule : "");
  bind_borrowed(st, 8, e->detail ? e->detail : "");
  return step_then_unbind(s, st, error);
}

gboolean kith_state_log_each(kith_store *s, const char *email, kith_log_row_fn row,
                             gpointer user_data, GError **error)
{
  const char *sql = email ? "SELECT time, activity_id, email, action, reason, object_id, rule,"
                            " detail FROM engagement_log WHERE email = ? ORDER BY seq"
                          : "SELECT time, activity_id, email, action, reason, object_id, rule,"
                            " detail FROM engagement_log ORDER BY seq";
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kith_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    return kith_store_fail(s, error, "log");
  if (email)
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    kith_log_entry e = {kith_store_col(st, 1), kith_store_col(st, 2), kith_store_col(st, 3),
                        kith_store_col(st, 4), kith_store_col(st, 5), kith_store_col(st, 6),
                        kith_store_col(st, 7)};
    if (!row(kith_store_col(st, 0), &e, user_data))
      break;
  }
  gboolean ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
  if (!ok)
    kith_store_fail(s, error, "log");
  sqlite3_finalize(st);
  return ok;
}

/* The answer of ST's one-row look-up, ST reset after. */
static kith_lookup_answer any_row(kith_store *s, sqlite3_stmt *st, GError **error)
{
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  sqlite3_reset(st);
  return found;
}

kith_lookup_answer kith_state_is_suppressed(kith_store *s, const char *email, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT 1 FROM suppression WHERE email = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_text(st, 1, email);
  return any_row(s, st, error);
}

gboolean kith_state_suppress(kith_store *s, const char *email, const char *contact_id,
                             GError **error)
{
  STMT(st, "INSERT INTO suppression(email, contact_id, time) VALUES(?, ?, ?)"
           " ON CONFLICT DO UPDATE SET contact_id = excluded.contact_id, time = excluded.time");
  g_autofree char *now = kith_time_now();
  bind_text(st, 1, email);
  bind_text(st, 2, contact_id);
  bind_text(st, 3, now);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_unsuppress(kith_store *s, const char *email, gboolean *was, GError **error)
{
  STMT(st, "DELETE FROM suppression WHERE email = ?");
  bind_text(st, 1, email);
  if (!kith_store_step_done(s, st, error))
    return FALSE;
  *was = sqlite3_changes(kith_store_db(s)) > 0;
  return TRUE;
}

char *kith_state_new_id(kith_store *s, const char *prefix, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "INSERT INTO id_counter(prefix, next) VALUES(?, 2) ON CONFLICT DO UPDATE SET"
      " next = next + 1 RETURNING next - 1",
      error);
  if (!st)
    return NULL;
  for (int tries = 0; tries < 1000; tries++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
      kith_store_fail(s, error, "new id");
      sqlite3_reset(st);
      return NULL;
    }
    gint64 serial = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    char *id = kith_sfid_make(prefix, (guint64)serial);
    /* An imported record could hold the same Id: never reuse one. */
    sqlite3_stmt *used = kith_store_stmt(
        s,
        "SELECT 1 FROM Contact WHERE Id = ?1 UNION ALL SELECT 1 FROM OpportunityContactRole"
        " WHERE Id = ?1 UNION ALL SELECT 1 FROM outbox WHERE object_id = ?1",
        error);
    if (!used) {
      g_free(id);
      return NULL;
    }
    sqlite3_bind_text(used, 1, id, -1, SQLITE_TRANSIENT);
    kith_lookup_answer taken = any_row(s, used, error);
    if (taken == KITH_LOOKUP_NONE)
      return id;
    g_free(id);
    if (taken == KITH_LOOKUP_ERROR)
      return NULL; /* never an Id that may be taken */
  }
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "no free Id for prefix %s", prefix);
  return NULL;
}

gboolean kith_state_activities_for(kith_store *s, const char *email, kith_activity_row_fn fn,
                                   gpointer user_data, GError **error)
{
  STMT(st, "SELECT a.id, a.kind, a.time, a.subject, p.role, a.state, a.reason FROM"
           " participant p JOIN activity a ON a.seq = p.activity WHERE p.email = ?"
           " ORDER BY a.time, a.id");
  bind_text(st, 1, email);
  kith_lookup_answer r;
  while ((r = kith_store_step_row(s, st, error)) == KITH_LOOKUP_FOUND)
    if (!fn(kith_store_col(st, 0), kith_store_col(st, 1), sqlite3_column_int64(st, 2),
            kith_store_col(st, 3), kith_store_col(st, 4), kith_store_col(st, 5),
            kith_store_col(st, 6), user_data))
      break;
  sqlite3_reset(st);
  return r != KITH_LOOKUP_ERROR;
}

kith_lookup_answer kith_state_source_get(kith_store *s, const char *source, const char *key,
                                         char **value, GError **error)
{
  *value = NULL;
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT value FROM source_state WHERE source = ? AND key = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_text(st, 1, source);
  bind_text(st, 2, key);
  kith_lookup_answer found = kith_store_step_row(s, st, error);
  if (found == KITH_LOOKUP_FOUND)
    *value = g_strdup(kith_store_col(st, 0));
  sqlite3_reset(st);
  return found;
}

gboolean kith_state_source_set(kith_store *s, const char *source, const char *key,
                               const char *value, GError **error)
{
  STMT(st, "INSERT INTO source_state(source, key, value) VALUES(?, ?, ?)"
           " ON CONFLICT DO UPDATE SET value = excluded.value");
  bind_text(st, 1, source);
  bind_text(st, 2, key);
  bind_text(st, 3, value);
  return kith_store_step_done(s, st, error);
}

gboolean kith_state_source_clear(kith_store *s, const char *source, const char *prefix,
                                 GError **error)
{
  STMT(st, "DELETE FROM source_state WHERE source = ? AND substr(key, 1, length(?2)) = ?2");
  bind_text(st, 1, source);
  bind_text(st, 2, prefix);
  return kith_store_step_done(s, st, error);
}

kith_lookup_answer kith_state_file_seen(kith_store *s, const char *path, gint64 size, gint64 mtime,
                                        GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT 1 FROM source_file WHERE path = ? AND size = ? AND mtime = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_text(st, 1, path);
  sqlite3_bind_int64(st, 2, size);
  sqlite3_bind_int64(st, 3, mtime);
  return any_row(s, st, error);
}

gboolean kith_state_file_read(kith_store *s, const char *path, gint64 size, gint64 mtime,
                              GError **error)
{
  STMT(st, "INSERT INTO source_file(path, size, mtime, read_at) VALUES(?, ?, ?, ?)"
           " ON CONFLICT DO UPDATE SET size = excluded.size, mtime = excluded.mtime,"
           " read_at = excluded.read_at");
  g_autofree char *now = kith_time_now();
  bind_text(st, 1, path);
  sqlite3_bind_int64(st, 2, size);
  sqlite3_bind_int64(st, 3, mtime);
  bind_text(st, 4, now);
  return kith_store_step_done(s, st, error);
}
