/* report.c - JSON views of the store for kith serve's API. */
#include "store/report.h"

#include "store/crm.h"
#include "store/lookup.h"
#include "store/outbox.h"
#include "store/state.h"
#include "core/field.h"
#include "util/regex.h"
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
  return json_pack(
      "{s:I, s:I, s:I, s:I}", "activities", (json_int_t)scalar(s, "SELECT count(*) FROM activity"),
      "activities_skipped",
      (json_int_t)scalar(s, "SELECT count(*) FROM activity WHERE state = 'skipped'"),
      "contacts_created",
      (json_int_t)scalar(s, "SELECT count(*) FROM Contact WHERE Created_By_Kith__c = 1"),
      "outbox_depth", (json_int_t)kith_outbox_depth(s));
}

static const kith_action day_actions[] = {KITH_ACTION_CONTACT_CREATED, KITH_ACTION_CONTACT_LINKED,
                                          KITH_ACTION_LEAD_LINKED,     KITH_ACTION_OCR_CREATED,
                                          KITH_ACTION_FIELD_UPDATED,   KITH_ACTION_SKIPPED};

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
      json_object_set_new(day, kith_action_name(day_actions[a]), json_integer(0));
    json_array_append_new(list, day);
    g_hash_table_insert(index, date, day);
  }
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT substr(time, 1, 10), action, count(*) FROM engagement_log WHERE time >= ?"
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
  /* People skipped (R11, R12, R20-R29, R43) apart from activities skipped
   * whole (R10): an activity skipped is not a person kith left out. */
  json_t *activity_reasons = json_object();
  st = kith_store_stmt(s,
                       "SELECT action, reason, count(*) FROM engagement_log WHERE time >= ? AND"
                       " action IN (?, ?) GROUP BY 1, 2 ORDER BY 3 DESC",
                       NULL);
  if (st) {
    sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, kith_action_name(KITH_ACTION_SKIPPED), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kith_action_name(KITH_ACTION_ACTIVITY_SKIPPED), -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
      json_object_set_new(strcmp(kith_store_col(st, 0), kith_action_name(KITH_ACTION_SKIPPED)) == 0
                              ? reasons
                              : activity_reasons,
                          kith_store_col(st, 1), json_integer(sqlite3_column_int64(st, 2)));
    sqlite3_reset(st);
  }
  g_hash_table_unref(index);
  return json_pack("{s:o, s:o, s:o}", "days", list, "skipped_by_reason", reasons,
                   "activities_skipped_by_reason", activity_reasons);
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

#define LOG_FILTER                                                                                 \
  " FROM engagement_log WHERE (?1 = '' OR email = ?1) AND (?2 = '' OR action = ?2) AND"            \
  " (?3 = '' OR reason = ?3) AND (?4 = '' OR instr(email, ?4) > 0 OR instr(object_id, ?4) > 0 OR"  \
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
  st = kith_store_stmt(s,
                       "SELECT seq, time, activity_id, email, action, reason, object_id, rule,"
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

typedef struct {
  kith_store *store;
  json_t *list;
  GError *error; /* a look-up a row needed failed: the walk stops */
} explain_ctx;

static gboolean add_activity(const char *id, const char *kind, gint64 time, const char *subject,
                             const char *role, const char *state, const char *reason, gpointer data)
{
  explain_ctx *c = data;
  g_autofree char *when = kith_time_format(time);
  /* How many contacts removing "everything created from this activity"
   * would remove (R50): the console offers it only where there are some. */
  g_autoptr(GPtrArray) created = kith_report_created_from(c->store, id, &c->error);
  if (!created)
    return FALSE;
  json_array_append_new(c->list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "id", id,
                                           "kind", kind, "time", when, "subject", subject, "role",
                                           role, "state", state, "reason", reason ? reason : "",
                                           "contacts_created", (int)created->len));
  return TRUE;
}

static gboolean add_decision(const char *time, const kith_log_entry *e, gpointer data)
{
  explain_ctx *c = data;
  json_t *activity = NULL;
  if (e->activity_id && *e->activity_id &&
      kith_report_activity(c->store, e->activity_id, &activity, &c->error) == KITH_LOOKUP_ERROR)
    return FALSE;
  g_autofree char *named = kith_report_name_ids(c->store, e->detail, &c->error);
  if (!named) {
    json_decref(activity);
    return FALSE;
  }
  json_array_append_new(c->list,
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "time",
                                  time, "activity_id", e->activity_id, "email", e->email, "action",
                                  e->action, "reason", e->reason, "object_id", e->object_id, "rule",
                                  e->rule, "detail", e->detail, "detail_named", named, "activity",
                                  activity ? activity : json_null()));
  return TRUE;
}

static gboolean add_queued(const kith_outbox_entry *e, const char *state, gpointer data)
{
  if (strcmp(state, "pending") == 0)
    json_array_append_new(data,
                          json_pack("{s:s, s:s, s:s, s:s}", "op", kith_op_name(e->op), "object_id",
                                    e->object_id ? e->object_id : "", "rule",
                                    e->rule ? e->rule : "", "detail", e->detail ? e->detail : ""));
  return TRUE;
}

/* Walks one of explain's lists: FALSE with ERROR when the walk or a
 * look-up a row needed failed. */
static gboolean walked(gboolean ok, explain_ctx *c, GError **error)
{
  if (c->error) {
    g_clear_error(error);
    g_propagate_error(error, g_steal_pointer(&c->error));
    return FALSE;
  }
  return ok;
}

json_t *kith_report_explain(kith_store *s, const char *email, GError **error)
{
  json_t *queued = json_array(), *observed = json_array(), *people = NULL;
  explain_ctx activities = {s, json_array(), NULL}, decisions = {s, json_array(), NULL};
  kith_lookup_answer suppressed = KITH_LOOKUP_ERROR;
  gboolean ok = (people = kith_report_people(s, email, error)) != NULL &&
                walked(kith_state_activities_for(s, email, add_activity, &activities, error),
                       &activities, error) &&
                walked(kith_state_log_each(s, email, add_decision, &decisions, error), &decisions,
                       error) &&
                kith_outbox_each_for_email(s, email, add_queued, queued, error) &&
                (suppressed = kith_state_is_suppressed(s, email, error)) != KITH_LOOKUP_ERROR;
  for (int f = 0; ok && f < KITH_FIELD_COUNT; f++) {
    json_t *ev = NULL;
    kith_lookup_answer found = kith_report_evidence(s, email, kith_field_name(f), NULL, &ev, error);
    ok = found != KITH_LOOKUP_ERROR;
    if (found == KITH_LOOKUP_FOUND)
      json_array_append_new(observed, ev);
  }
  if (!ok) {
    /* A failed read, never an explanation with a part left out. */
    json_decref(people);
    json_decref(activities.list);
    json_decref(decisions.list);
    json_decref(queued);
    json_decref(observed);
    return NULL;
  }
  return json_pack("{s:s, s:o, s:b, s:o, s:o, s:o, s:o}", "email", email, "people", people,
                   "suppressed", suppressed == KITH_LOOKUP_FOUND, "activities", activities.list,
                   "observed", observed, "decisions", decisions.list, "queued", queued);
}

/* ---- evidence ------------------------------------------------------------------ */

kith_lookup_answer kith_report_activity(kith_store *s, const char *id, json_t **out, GError **error)
{
  *out = NULL;
  sqlite3_stmt *st = kith_store_stmt(s, "SELECT kind, time, subject FROM activity WHERE id = ?",
                                     error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    g_autofree char *when = kith_time_format(sqlite3_column_int64(st, 1));
    *out = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "kind", kith_store_col(st, 0), "time", when,
                     "subject", kith_store_col(st, 2));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    kith_store_fail(s, error, "read an activity");
    return KITH_LOOKUP_ERROR;
  }
  return *out ? KITH_LOOKUP_FOUND : KITH_LOOKUP_NONE;
}

/* What of activity ACTIVITY_ID showed FIELD = VALUE of EMAIL (ingest's
 * observe_participant): a name comes from the display name (or a
 * meeting's CN) when it gave a full name or this one, else from the
 * sender's signature (R4), else from a quoted header; every other field
 * only from the sender's signature (R5). NULL with ERROR on a failed read. */
static const char *source_of(kith_store *s, const char *email, const char *field, const char *value,
                             const char *activity_id, GError **error)
{
  gboolean name = strcmp(field, "FirstName") == 0 || strcmp(field, "LastName") == 0;
  if (!name)
    return "signature";
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT p.role, p.first_name, p.last_name FROM participant p JOIN activity a"
      " ON a.seq = p.activity WHERE a.id = ? AND p.email = ? ORDER BY p.pos LIMIT 1",
      error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, activity_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, email, -1, SQLITE_TRANSIENT);
  const char *source = "quoted header"; /* not a participant: a name the text tied to it */
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *shown = strcmp(field, "FirstName") == 0 ? kith_store_col(st, 1)
                                                        : kith_store_col(st, 2);
    if (*kith_store_col(st, 2) || strcmp(shown, value) == 0)
      source = "display name";
    else if (strcmp(kith_store_col(st, 0), "from") == 0)
      source = "signature";
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    kith_store_fail(s, error, "read an activity's participant");
    return NULL;
  }
  return source;
}

kith_lookup_answer kith_report_evidence(kith_store *s, const char *email, const char *field,
                                        const char *value, json_t **out, GError **error)
{
  *out = NULL;
  g_autofree char *seen = NULL, *activity_id = NULL;
  gint64 time = 0;
  kith_lookup_answer found = kith_state_observation_full(s, email, field, &seen, &time,
                                                         &activity_id, error);
  if (found != KITH_LOOKUP_FOUND)
    return found;
  if (value && strcmp(seen, value) != 0)
    return KITH_LOOKUP_NONE;
  g_autofree char *when = kith_time_format(time);
  json_t *activity = NULL;
  if (kith_report_activity(s, activity_id, &activity, error) == KITH_LOOKUP_ERROR)
    return KITH_LOOKUP_ERROR;
  const char *source = source_of(s, email, field, seen, activity_id, error);
  if (!source) {
    json_decref(activity);
    return KITH_LOOKUP_ERROR;
  }
  if (!activity) /* the activity's row is gone: its Id is still the evidence */
    activity = json_pack("{s:s, s:s, s:s, s:s}", "id", activity_id, "kind", "", "time", when,
                         "subject", "");
  *out = json_pack("{s:s, s:s, s:s, s:s, s:o}", "field", field, "value", seen, "time", when,
                   "source", source, "activity", activity);
  return KITH_LOOKUP_FOUND;
}

/* Each field kith observes, as its Contact column, in kith_field order. */
#define PERSON_FIELDS                                                                              \
  "c.FirstName, c.LastName, c.Title, c.Phone, c.Department, c.Seniority__c, c.Persona__c,"         \
  " c.MailingCountry, c.MailingState"
G_STATIC_ASSERT(KITH_FIELD_COUNT == 9);

/* One person's row as kith_report_people gives it; NULL with ERROR when an
 * evidence look-up failed. */
static json_t *person_json(kith_store *s, const char *email, char **row, GError **error)
{
  gboolean contact = strcmp(row[0], "Contact") == 0;
  json_t *fields = json_array();
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    const char *value = row[8 + f];
    if (!*value)
      continue;
    json_t *ev = NULL;
    if (kith_report_evidence(s, email, kith_field_name(f), value, &ev, error) ==
        KITH_LOOKUP_ERROR) {
      json_decref(fields);
      return NULL;
    }
    json_array_append_new(fields, json_pack("{s:s, s:s, s:o}", "field", kith_field_name(f), "value",
                                            value, "evidence", ev ? ev : json_null()));
  }
  json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "type", row[0], "id", row[1],
                        "account_id", row[2], contact ? "account_name" : "company", row[3],
                        "owner_id", row[4], "owner_name", row[5], "created_by_kith",
                        strcmp(row[6], "1") == 0, "fields", fields);
  if (contact)
    json_object_set_new(p, "created_date", json_string(row[7]));
  return p;
}

json_t *kith_report_people(kith_store *s, const char *email, GError **error)
{
  /* The evidence look-ups use statements of their own, so the rows are
   * read first and explained after. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT 'Contact', c.Id, c.AccountId, ifnull(a.Name, ''), c.OwnerId,"
      " trim(ifnull(u.FirstName, '') || ' ' || ifnull(u.LastName, '')), c.Created_By_Kith__c,"
      " ifnull(c.CreatedDate, ''), " PERSON_FIELDS " FROM Contact c"
      " LEFT JOIN Account a ON a.Id = c.AccountId LEFT JOIN \"User\" u ON u.Id = c.OwnerId"
      " WHERE c.email_key = ?1"
      " UNION ALL SELECT 'Lead', c.Id, '', ifnull(c.Company, ''), c.OwnerId,"
      " trim(ifnull(u.FirstName, '') || ' ' || ifnull(u.LastName, '')), 0, '', c.FirstName,"
      " c.LastName, '', '', '', '', '', '', '' FROM Lead c LEFT JOIN \"User\" u"
      " ON u.Id = c.OwnerId WHERE c.email_key = ?1 AND c.IsConverted = 0 ORDER BY 1, 2",
      error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int n = sqlite3_column_count(st);
    char **row = g_new0(char *, n + 1);
    for (int i = 0; i < n; i++)
      row[i] = g_strdup(kith_store_col(st, i));
    g_ptr_array_add(rows, row);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    kith_store_fail(s, error, "read the contacts and leads of an address");
    return NULL;
  }
  json_t *people = json_array();
  for (guint r = 0; r < rows->len; r++) {
    json_t *p = person_json(s, email, g_ptr_array_index(rows, r), error);
    if (!p) {
      json_decref(people);
      return NULL;
    }
    json_array_append_new(people, p);
  }
  return people;
}

GPtrArray *kith_report_created_from(kith_store *s, const char *activity_id, GError **error)
{
  /* Created and synced (the log's contact_created, R25/R31), or still
   * queued; either way not already on its way out. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT Id FROM (SELECT c.Id, c.created_ts AS t FROM Contact c WHERE c.Created_By_Kith__c = 1"
      " AND c.Id IN (SELECT object_id FROM engagement_log WHERE activity_id = ?1"
      " AND action = 'contact_created')"
      " UNION SELECT o.object_id, NULL FROM outbox o WHERE o.activity_id = ?1"
      " AND o.op = 'contact_create' AND o.state = 'pending')"
      " WHERE Id NOT IN (SELECT object_id FROM outbox WHERE op = 'contact_remove'"
      " AND state = 'pending') ORDER BY t IS NULL, t, Id",
      error);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, activity_id, -1, SQLITE_TRANSIENT);
  GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    g_ptr_array_add(ids, g_strdup(kith_store_col(st, 0)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    kith_store_fail(s, error, "read the contacts an activity created");
    g_ptr_array_unref(ids);
    return NULL;
  }
  return ids;
}

char *kith_report_record_name(kith_store *s, const char *id, GError **error)
{
  if (g_str_has_prefix(id, "001"))
    return kith_lookup_record_name(s, "Account", id, error);
  if (g_str_has_prefix(id, "005"))
    return kith_lookup_record_name(s, "User", id, error);
  return g_strdup("");
}

typedef struct {
  kith_store *store;
  GError *error;
} naming;

static gboolean put_name(const GMatchInfo *m, GString *out, gpointer data)
{
  naming *n = data;
  g_autofree char *id = g_match_info_fetch(m, 1);
  g_autofree char *name = kith_report_record_name(n->store, id, &n->error);
  if (!name)
    return TRUE; /* stops the replacing: the caller gives up the text */
  if (*name)
    g_string_append_printf(out, "%s (%s)", name, id);
  else
    g_string_append(out, id);
  return FALSE;
}

char *kith_report_name_ids(kith_store *s, const char *text, GError **error)
{
  static gsize once;
  static GRegex *ids;
  if (g_once_init_enter(&once)) {
    ids = g_regex_new("(?<![\\w(])(00[15][A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)(?![\\w)])",
                      kith_regex_optimize(), 0, NULL);
    g_once_init_leave(&once, 1);
  }
  naming n = {s, NULL};
  char *out = text && ids ? g_regex_replace_eval(ids, text, -1, 0, 0, put_name, &n, NULL) : NULL;
  if (n.error) {
    g_free(out);
    g_propagate_error(error, n.error);
    return NULL;
  }
  return out ? out : g_strdup(text ? text : "");
}

json_t *kith_report_last_sync(kith_store *s, const char *key)
{
  /* The status shows what it can: a failed read shows no last sync, as none. */
  g_autofree char *text = NULL;
  if (kith_store_meta_get(s, key, &text, NULL) != KITH_LOOKUP_FOUND)
    return NULL;
  json_t *j = json_loads(text, 0, NULL);
  if (j && !json_is_object(j)) {
    json_decref(j);
    j = NULL;
  }
  return j;
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
  /* Names beside the Ids: an administrator knows accounts and owners by name. */
  size_t i;
  json_t *c;
  json_array_foreach(list, i, c)
  {
    g_autofree char *account = kith_report_record_name(
        s, json_string_value(json_object_get(c, "AccountId")), NULL);
    g_autofree char *owner = kith_report_record_name(
        s, json_string_value(json_object_get(c, "OwnerId")), NULL);
    /* A name that cannot be read shows as none: the Ids beside stay exact. */
    json_object_set_new(c, "AccountName", json_string(account ? account : ""));
    json_object_set_new(c, "OwnerName", json_string(owner ? owner : ""));
  }
  return json_pack("{s:o}", "contacts", list);
}

json_t *kith_report_metrics(kith_store *s)
{
  json_t *decisions = json_array(), *activities = json_object();
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT action, reason, count(*) FROM engagement_log GROUP BY 1, 2 ORDER BY 1, 2", NULL);
  if (st) {
    while (sqlite3_step(st) == SQLITE_ROW)
      json_array_append_new(decisions, json_pack("{s:s, s:s, s:I}", "action", kith_store_col(st, 0),
                                                 "reason", kith_store_col(st, 1), "count",
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
