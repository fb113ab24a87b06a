/* report.c - JSON views of the store for kith serve's API. */
#include "store/report.h"

#include "store/crm.h"
#include "store/outbox.h"
#include "store/state.h"
#include "util/timeutil.h"

#include <string.h>

static gint64 scalar(kith_store *s, const char *sql)
{
  sqlite3_stmt *st = kith_store_stmt(s, sql, NULL);
  if (!st)
    return -1;
  gint64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return v;
}

json_t *kith_report_totals(kith_store *s)
{
  return json_pack("{s:I, s:I, s:I, s:I}", "activities",
                   (json_int_t)scalar(s, "SELECT count(*) FROM activity"), "activities_skipped",
                   (json_int_t)scalar(s, "SELECT count(*) FROM activity WHERE state = 'skipped'"),
                   "contacts_created",
                   (json_int_t)scalar(s, "SELECT count(*) FROM Contact WHERE Created_By_Kith__c = 1"),
                   "outbox_depth", (json_int_t)kith_outbox_depth(s));
}

static const char *const day_actions[] = {"contact_created", "contact_linked", "lead_linked",
                                          "ocr_created", "field_updated", "skipped"};

json_t *kith_report_counts(kith_store *s, int days, gint64 now)
{
  days = CLAMP(days, 1, 366);
  gint64 first = (now / 86400 - (days - 1)) * 86400;
  g_autofree char *since = kith_time_format(first);
  json_t *list = json_array();
  GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int d = 0; d < days; d++) {
    g_autofree char *stamp = kith_time_format(first + (gint64)d * 86400);
    char *date = g_strndup(stamp, 10);
    json_t *day = json_pack("{s:s}", "date", date);
    for (guint a = 0; a < G_N_ELEMENTS(day_actions); a++)
      json_object_set_new(day, day_actions[a], json_integer(0));
    json_array_append_new(list, day);
    g_hash_table_insert(index, date, day);
  }
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT substr(time, 1, 10), action, count(*) FROM engagement_log WHERE time >= ?"
         " GROUP BY 1, 2",
      NULL);
  json_t *reasons = json_object();
  if (st) {
    sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
      json_t *day = g_hash_table_lookup(index, kith_store_col(st, 0));
      const char *action = kith_store_col(st, 1);
      if (day && json_object_get(day, action))
        json_object_set_new(day, action, json_integer(sqlite3_column_int64(st, 2)));
    }
    sqlite3_reset(st);
  }
  st = kith_store_stmt(s, "SELECT reason, count(*) FROM engagement_log WHERE time >= ? AND"
                          " action IN ('skipped', 'activity_skipped') GROUP BY 1 ORDER BY 2 DESC",
                       NULL);
  if (st) {
    sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW)
      json_object_set_new(reasons, kith_store_col(st, 0), json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
  }
  g_hash_table_unref(index);
  return json_pack("{s:o, s:o}", "days", list, "skipped_by_reason", reasons);
}

static json_t *log_entry(sqlite3_stmt *st)
{
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
                   (json_int_t)sqlite3_column_int64(st, 0), "time", kith_store_col(st, 1),
                   "activity_id", kith_store_col(st, 2), "email", kith_store_col(st, 3), "action",
                   kith_store_col(st, 4), "reason", kith_store_col(st, 5), "object_id",
                   kith_store_col(st, 6), "rule", kith_store_col(st, 7), "detail",
                   kith_store_col(st, 8));
}

#define LOG_FILTER                                                                                \
  " FROM engagement_log WHERE (?1 = '' OR email = ?1) AND (?2 = '' OR action = ?2) AND"           \
  " (?3 = '' OR reason = ?3) AND (?4 = '' OR instr(email, ?4) > 0 OR instr(object_id, ?4) > 0 OR" \
  " instr(activity_id, ?4) > 0 OR instr(lower(detail), lower(?4)) > 0)"

json_t *kith_report_log(kith_store *s, const char *email, const char *action, const char *reason,
                        const char *query, int limit, int offset)
{
  limit = CLAMP(limit, 1, 500);
  offset = MAX(offset, 0);
  const char *args[] = {email ? email : "", action ? action : "", reason ? reason : "",
                        query ? query : ""};
  json_t *entries = json_array();
  gint64 total = 0;
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT count(*)" LOG_FILTER, NULL);
  if (st) {
    for (int i = 0; i < 4; i++)
      sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
  }
  st = kith_store_stmt(s, "SELECT seq, time, activity_id, email, action, reason, object_id, rule,"
                          " detail" LOG_FILTER " ORDER BY seq DESC LIMIT ?5 OFFSET ?6",
                       NULL);
  if (st) {
    for (int i = 0; i < 4; i++)
      sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, limit);
    sqlite3_bind_int(st, 6, offset);
    while (sqlite3_step(st) == SQLITE_ROW)
      json_array_append_new(entries, log_entry(st));
    sqlite3_reset(st);
  }
  return json_pack("{s:I, s:o}", "total", (json_int_t)total, "entries", entries);
}

static gboolean add_person(const char *type, const char *id, const char *account_id,
                           gboolean by_kith, gpointer data)
{
  json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:b}", "type", type, "id", id,
                                        "account_id", account_id, "created_by_kith", by_kith));
  return TRUE;
}

static gboolean add_activity(const char *id, const char *kind, gint64 time, const char *subject,
                             const char *role, const char *state, const char *reason, gpointer data)
{
  g_autofree char *when = kith_time_format(time);
  json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "kind",
                                        kind, "time", when, "subject", subject, "role", role,
                                        "state", state, "reason", reason ? reason : ""));
  return TRUE;
}

static gboolean add_decision(const char *time, const kith_log_entry *e, gpointer data)
{
  json_array_append_new(
      data, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "time", time, "activity_id",
                      e->activity_id, "email", e->email, "action", e->action, "reason", e->reason,
                      "object_id", e->object_id, "rule", e->rule, "detail", e->detail));
  return TRUE;
}

static gboolean add_queued(const kith_outbox_entry *e, const char *state, gpointer data)
{
  if (strcmp(state, "pending") == 0)
    json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:s}", "op", e->op, "object_id",
                                          e->object_id ? e->object_id : "", "rule",
                                          e->rule ? e->rule : "", "detail",
                                          e->detail ? e->detail : ""));
  return TRUE;
}

json_t *kith_report_explain(kith_store *s, const char *email, GError **error)
{
  json_t *people = json_array(), *activities = json_array(), *decisions = json_array(),
         *queued = json_array();
  kith_lookup_answer suppressed = KITH_LOOKUP_ERROR;
  if (!kith_crm_people_with(s, email, add_person, people, error) ||
      !kith_state_activities_for(s, email, add_activity, activities, error) ||
      !kith_state_log_each(s, email, add_decision, decisions, error) ||
      !kith_outbox_each_for_email(s, email, add_queued, queued, error) ||
      (suppressed = kith_state_is_suppressed(s, email, error)) == KITH_LOOKUP_ERROR) {
    json_decref(people);
    json_decref(activities);
    json_decref(decisions);
    json_decref(queued);
    return NULL;
  }
  return json_pack("{s:s, s:o, s:b, s:o, s:o, s:o}", "email", email, "people", people, "suppressed",
                   suppressed == KITH_LOOKUP_FOUND, "activities", activities, "decisions",
                   decisions, "queued", queued);
}

static gboolean add_contact(const char *const *values, gpointer data)
{
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  json_t *c = json_object();
  for (guint i = 0; i < o->n_columns; i++)
    json_object_set_new(c, o->columns[i].name,
                        o->columns[i].type == KITH_COL_BOOL
                            ? json_boolean(strcmp(values[i], "true") == 0)
                            : json_string(values[i]));
  json_array_append_new(data, c);
  return TRUE;
}

json_t *kith_report_created(kith_store *s)
{
  json_t *list = json_array();
  kith_crm_export_created(s, add_contact, list, NULL);
  return json_pack("{s:o}", "contacts", list);
}

json_t *kith_report_metrics(kith_store *s)
{
  json_t *decisions = json_array(), *activities = json_object();
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT action, reason, count(*) FROM engagement_log GROUP BY 1, 2 ORDER BY 1, 2", NULL);
  if (st) {
    while (sqlite3_step(st) == SQLITE_ROW)
      json_array_append_new(decisions,
                            json_pack("{s:s, s:s, s:I}", "action", kith_store_col(st, 0), "reason",
                                      kith_store_col(st, 1), "count",
                                      (json_int_t)sqlite3_column_int64(st, 2)));
    sqlite3_reset(st);
  }
  st = kith_store_stmt(s, "SELECT state, count(*) FROM activity GROUP BY 1", NULL);
  if (st) {
    while (sqlite3_step(st) == SQLITE_ROW)
      json_object_set_new(activities, kith_store_col(st, 0),
                          json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
  }
  return json_pack("{s:o, s:o}", "decisions", decisions, "activities", activities);
}
