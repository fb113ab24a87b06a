/* log.c - kith log, kith report created, kith explain. */
#include "cmd/cmd.h"

#include "core/address.h"
#include "store/bounce.h"
#include "store/crm.h"
#include "store/lookup.h"
#include "store/outbox.h"
#include "store/person.h"
#include "store/report.h"
#include "store/review.h"
#include "store/state.h"
#include "util/timeutil.h"

#include <string.h>
#include <unistd.h>

static const char *const log_columns[] = {"Time",   "ActivityId", "Email", "Action",
                                          "Reason", "ObjectId",   "Rule"};

typedef struct {
  kith_printer *printer;
  gboolean detail;
  const char *action, *reason, *since; /* filters, NULL for none */
} log_ctx;

static gboolean log_row(const char *time, const kith_log_entry *e, gpointer user_data)
{
  log_ctx *c = user_data;
  /* Times are ISO 8601 UTC written alike, so they compare as text. */
  if ((c->action && g_strcmp0(e->action, c->action) != 0) ||
      (c->reason && g_strcmp0(e->reason, c->reason) != 0) ||
      (c->since && strcmp(time, c->since) < 0))
    return TRUE;
  const char *v[] = {time,      e->activity_id, e->email, e->action,
                     e->reason, e->object_id,   e->rule,  e->detail};
  kith_printer_row(c->printer, v);
  return TRUE;
}

static kith_format default_format(void)
{
  return isatty(STDOUT_FILENO) ? KITH_FORMAT_TEXT : KITH_FORMAT_CSV;
}

int kith_cmd_log(kith_cmd *cmd)
{
  g_autofree char *email_arg = NULL, *format_name = NULL, *action = NULL, *reason = NULL,
                  *since_arg = NULL;
  GOptionEntry entries[] = {
      {"email", 'e', 0, G_OPTION_ARG_STRING, &email_arg, "only the entries about this address",
       "ADDR"},
      {"action", 'a', 0, G_OPTION_ARG_STRING, &action,
       "only entries of this action (skipped, contact_created, ...)", "ACTION"},
      {"reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
       "only entries of this reason (no_account, ...)", "REASON"},
      {"since", 's', 0, G_OPTION_ARG_STRING, &since_arg,
       "only entries written at or after this time (2026-01-31 or 2026-01-31T09:00:00Z)", "TIME"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "csv, json or text", "FORMAT"},
      {NULL}};
  if (!kith_cmd_parse(cmd, entries, "", "The engagement log: every decision, oldest first."))
    return KITH_EXIT_USAGE;
  kith_format format;
  if (!kith_format_parse(format_name, default_format(), &format)) {
    kith_cmd_error("log: --format %s: not csv, json or text", format_name);
    return KITH_EXIT_USAGE;
  }
  if (cmd->argc > 1) {
    kith_cmd_error("log: unexpected argument '%s'", cmd->argv[1]);
    return KITH_EXIT_USAGE;
  }
  g_autofree char *since = NULL;
  if (since_arg) {
    gint64 t;
    if (!kith_time_parse(since_arg, &t)) {
      kith_cmd_error("log: --since %s: not a date or time like 2026-01-31T09:00:00Z", since_arg);
      return KITH_EXIT_USAGE;
    }
    since = kith_time_format(t);
  }
  g_autofree char *email = NULL;
  if (email_arg) {
    g_autoptr(GError) e = NULL;
    email = kith_address_normalize(email_arg, &e);
    if (!email) {
      kith_cmd_error("log: --email: %s", e->message);
      return KITH_EXIT_USAGE;
    }
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  /* JSON also carries the sentence behind each entry; CSV keeps the
   * contract's seven columns. */
  guint n = format == KITH_FORMAT_JSON ? 8 : 7;
  const char *cols[8];
  memcpy(cols, log_columns, sizeof log_columns);
  cols[7] = "Detail";
  log_ctx c = {kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, cols, n, NULL),
               format == KITH_FORMAT_JSON, action, reason, since};
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_state_log_each(store, email, log_row, &c, &error);
  kith_printer_finish(c.printer);
  return ok ? KITH_EXIT_OK : kith_cmd_fail(error);
}

static gboolean report_row(const char *const *values, gpointer user_data)
{
  kith_printer_row(user_data, values);
  return TRUE;
}

/* A report's rows on a terminal: the contract's columns, then the names of
 * the Account and the User whose Ids columns ACCOUNT and OWNER hold (-1 for
 * none), for people who know them by name. CSV and JSON keep the contract's
 * columns alone. */
typedef struct {
  kith_printer *printer;
  kith_store *store;
  guint n;
  int account, owner;
  GError *error; /* a name could not be read: the report stops */
} named_report;

static gboolean named_row(const char *const *values, gpointer user_data)
{
  named_report *r = user_data;
  const char *row[34];
  g_autofree char *account = NULL, *owner = NULL;
  memcpy(row, values, r->n * sizeof *row);
  guint k = r->n;
  if (r->account >= 0 &&
      !(row[k++] = account = kith_report_record_name(r->store, values[r->account], &r->error)))
    return FALSE;
  if (r->owner >= 0 &&
      !(row[k++] = owner = kith_report_record_name(r->store, values[r->owner], &r->error)))
    return FALSE;
  kith_printer_row(r->printer, row);
  return TRUE;
}

/* OK, unless a name the report needed could not be read (ERROR then). */
static gboolean named_report_end(named_report *r, gboolean ok, GError **error)
{
  if (!r->error)
    return ok;
  g_clear_error(error);
  g_propagate_error(error, r->error);
  return FALSE;
}

int kith_cmd_report(kith_cmd *cmd)
{
  g_autofree char *format_name = NULL;
  GOptionEntry entries[] = {
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "csv, json or text", "FORMAT"}, {NULL}};
  if (!kith_cmd_parse(cmd, entries, "created|alternates",
                      "Reports. 'created': every contact kith created. 'alternates': every address "
                      "kept from becoming a second contact for one person (R43)."))
    return KITH_EXIT_USAGE;
  gboolean alternates = cmd->argc == 2 && strcmp(cmd->argv[1], "alternates") == 0;
  if (cmd->argc != 2 || (!alternates && strcmp(cmd->argv[1], "created") != 0)) {
    kith_cmd_error("report: the report is 'created' or 'alternates'");
    return KITH_EXIT_USAGE;
  }
  kith_format format;
  if (!kith_format_parse(format_name, default_format(), &format)) {
    kith_cmd_error("report: --format %s: not csv, json or text", format_name);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  gboolean text = format == KITH_FORMAT_TEXT;
  if (alternates) {
    static const char *const columns[] = {"Email",     "FirstName", "LastName", "AccountId",
                                          "ContactId", "Seen",      "Account"};
    guint n = G_N_ELEMENTS(columns) - 1;
    named_report r = {kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, columns,
                                       n + (text ? 1 : 0), NULL),
                      store,
                      n,
                      text ? 3 : -1,
                      -1,
                      NULL};
    g_autoptr(GError) error = NULL;
    gboolean ok = kith_person_alternates_each(store, named_row, &r, &error);
    kith_printer_finish(r.printer);
    return named_report_end(&r, ok, &error) ? KITH_EXIT_OK : kith_cmd_fail(error);
  }
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  const char *names[32];
  gboolean bools[32] = {FALSE};
  int account = -1, owner = -1;
  for (guint i = 0; i < o->n_columns; i++) {
    names[i] = o->columns[i].name;
    bools[i] = o->columns[i].type == KITH_COL_BOOL;
    if (strcmp(names[i], "AccountId") == 0)
      account = (int)i;
    else if (strcmp(names[i], "OwnerId") == 0)
      owner = (int)i;
  }
  names[o->n_columns] = "Account";
  names[o->n_columns + 1] = "Owner";
  named_report r = {kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, names,
                                     o->n_columns + (text ? 2 : 0), bools),
                    store,
                    o->n_columns,
                    text ? account : -1,
                    text ? owner : -1,
                    NULL};
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_crm_export_created(store, text ? named_row : report_row,
                                        text ? (gpointer)&r : (gpointer)r.printer, &error);
  kith_printer_finish(r.printer);
  return named_report_end(&r, ok, &error) ? KITH_EXIT_OK : kith_cmd_fail(error);
}

/* ---- explain ------------------------------------------------------------------ */

/* "NAME (ID)", or the Id alone when the store has no name for it. */
static char *named(const char *name, const char *id)
{
  return name && *name ? g_strdup_printf("%s (%s)", name, id) : g_strdup(id);
}

/* Where a value came from: "the signature of 'Subject' (email ID, TIME)". */
static char *evidence_text(json_t *ev)
{
  json_t *a = json_object_get(ev, "activity");
  const char *subject = json_string_value(json_object_get(a, "subject"));
  const char *kind = json_string_value(json_object_get(a, "kind"));
  return g_strdup_printf(
      "the %s of '%s' (%s %s, %s)", json_string_value(json_object_get(ev, "source")),
      subject ? subject : "", kind && *kind ? kind : "activity",
      json_string_value(json_object_get(a, "id")), json_string_value(json_object_get(ev, "time")));
}

/* The Contacts and Leads with the address, the names beside their Ids, and
 * each field kith observes with the activity its value came from. */
static gboolean explain_people(kith_store *store, const char *email, GError **error)
{
  json_t *people = kith_report_people(store, email, error);
  if (!people)
    return FALSE;
  size_t i;
  json_t *p;
  json_array_foreach(people, i, p)
  {
    const char *type = json_string_value(json_object_get(p, "type"));
    const char *id = json_string_value(json_object_get(p, "id"));
    const char *owner_id = json_string_value(json_object_get(p, "owner_id"));
    g_autofree char *owner = named(json_string_value(json_object_get(p, "owner_name")), owner_id);
    g_autofree char *owned = *owner_id ? g_strdup_printf(", owner %s", owner) : g_strdup("");
    if (strcmp(type, "Lead") == 0) {
      printf("  in the CRM: lead %s%s\n", id, owned);
    } else {
      /* Names beside Ids: an administrator knows accounts and users by name. */
      const char *account = json_string_value(json_object_get(p, "account_name"));
      const char *account_id = json_string_value(json_object_get(p, "account_id"));
      printf("  in the CRM: contact %s on account %s%s%s%s%s%s\n", id, *account ? account : "",
             *account ? " (" : "", account_id, *account ? ")" : "", owned,
             json_is_true(json_object_get(p, "created_by_kith")) ? ", created by kith" : "");
    }
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(p, "fields"), k, f)
    {
      json_t *ev = json_object_get(f, "evidence");
      g_autofree char *from = json_is_object(ev) ? evidence_text(ev) : NULL;
      printf("    %s: %s (%s%s)\n", json_string_value(json_object_get(f, "field")),
             json_string_value(json_object_get(f, "value")), from ? "from " : "",
             from ? from : "from the CRM: no activity kith holds shows it");
    }
  }
  json_decref(people);
  return TRUE;
}

static gboolean explain_activity(const char *id, const char *kind, gint64 time, const char *subject,
                                 const char *role, const char *state, const char *reason,
                                 gpointer user_data)
{
  (*(guint *)user_data)++;
  g_autofree char *when = kith_time_format(time);
  printf("  %s %s: %s '%s' (%s), as %s%s%s\n", when, kind, id, subject, state, role,
         reason && *reason ? ": " : "", reason ? reason : "");
  return TRUE;
}

typedef struct {
  kith_store *store;
  guint seen;
  GError *error; /* a look-up a row needed failed: the walk stops */
} explain_ctx;

static gboolean explain_log(const char *time, const kith_log_entry *e, gpointer user_data)
{
  explain_ctx *c = user_data;
  c->seen++;
  g_autofree char *detail = kith_report_name_ids(c->store, e->detail, &c->error);
  json_t *a = NULL;
  if (!detail ||
      (e->activity_id && *e->activity_id &&
       kith_report_activity(c->store, e->activity_id, &a, &c->error) == KITH_LOOKUP_ERROR))
    return FALSE;
  printf("  %s  %s%s%s [%s]\n      %s\n", time, e->action, *e->reason ? "/" : "", e->reason,
         *e->rule ? e->rule : "-", *detail ? detail : "(no further detail)");
  /* The activity the decision was taken on, by its subject and date. */
  if (a)
    printf("      activity: '%s' (%s %s, %s)\n", json_string_value(json_object_get(a, "subject")),
           json_string_value(json_object_get(a, "kind")), e->activity_id,
           json_string_value(json_object_get(a, "time")));
  json_decref(a);
  return TRUE;
}

static gboolean explain_queued(const kith_outbox_entry *e, const char *state, gpointer user_data)
{
  explain_ctx *c = user_data;
  if (strcmp(state, "pending") != 0)
    return TRUE;
  g_autofree char *detail = kith_report_name_ids(c->store, e->detail, &c->error);
  if (!detail)
    return FALSE;
  printf("  queued for the next sync: %s %s [%s]\n      %s\n", kith_op_name(e->op), e->object_id,
         e->rule ? e->rule : "-", detail);
  return TRUE;
}

int kith_cmd_explain(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "ADDRESS",
                      "Every decision kith took about one address, with its rule and reason."))
    return KITH_EXIT_USAGE;
  if (cmd->argc != 2) {
    kith_cmd_error("explain: name one address");
    return KITH_EXIT_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autofree char *email = kith_address_normalize(cmd->argv[1], &error);
  if (!email) {
    kith_cmd_error("explain: %s", error->message);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  printf("%s\n", email);
  if (!explain_people(store, email, &error))
    return kith_cmd_fail(error);
  kith_lookup_answer suppressed = kith_state_is_suppressed(store, email, &error);
  if (suppressed == KITH_LOOKUP_ERROR)
    return kith_cmd_fail(error);
  if (suppressed == KITH_LOOKUP_FOUND)
    printf("  suppressed: removed by an administrator, never created again (R50); "
           "'kith unsuppress %s' lifts it\n",
           email);
  g_autoptr(GPtrArray) reviewed = kith_review_for_email(store, email, &error);
  if (!reviewed)
    return kith_cmd_fail(error);
  for (guint i = 0; i < reviewed->len; i++) {
    const kith_review_item *it = g_ptr_array_index(reviewed, i);
    if (it->state == KITH_REVIEW_ACCEPTED || it->state == KITH_REVIEW_REJECTED)
      printf("  review: item %" G_GINT64_FORMAT " (%s) %s by an administrator at %s: %s\n", it->id,
             kith_review_kind_name(it->kind), kith_review_state_name(it->state), it->decided_at,
             it->decision);
    else
      printf("  review: item %" G_GINT64_FORMAT " (%s) %s\n", it->id,
             kith_review_kind_name(it->kind),
             it->state == KITH_REVIEW_OPEN ? "open, waiting for an administrator ('kith review')"
                                           : "settled: it no longer applies");
  }
  explain_ctx ctx = {store, 0, NULL};
  guint seen = 0;
  gint64 bounced_at = 0;
  g_autofree char *bounce_id = NULL;
  kith_lookup_answer bounce = kith_state_bounced(store, email, &bounced_at, &bounce_id, &error);
  if (bounce == KITH_LOOKUP_ERROR)
    return kith_cmd_fail(error);
  if (bounce == KITH_LOOKUP_FOUND) {
    g_autofree char *when = kith_time_format(bounced_at);
    printf("  bounced: at %s (activity %s); mail it sends later ends it (R45)\n", when, bounce_id);
    seen++;
  }
  printf("activities naming it:\n");
  if (!kith_state_activities_for(store, email, explain_activity, &seen, &error))
    return kith_cmd_fail(error);
  /* What the activities showed of the person (R4, R5): the newest value of
   * each field, with the activity it came from (R39). */
  printf("observed:\n");
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    json_t *ev = NULL;
    kith_lookup_answer found = kith_report_evidence(store, email, kith_field_name(f), NULL, &ev,
                                                    &error);
    if (found == KITH_LOOKUP_ERROR)
      return kith_cmd_fail(error);
    if (found == KITH_LOOKUP_NONE)
      continue;
    json_t *a = json_object_get(ev, "activity");
    const char *subject = json_string_value(json_object_get(a, "subject"));
    printf("  %s: %s (from %s, %s; the %s%s%s%s)\n", kith_field_name(f),
           json_string_value(json_object_get(ev, "value")),
           json_string_value(json_object_get(a, "id")),
           json_string_value(json_object_get(ev, "time")),
           json_string_value(json_object_get(ev, "source")), subject && *subject ? " of '" : "",
           subject && *subject ? subject : "", subject && *subject ? "'" : "");
    json_decref(ev);
    seen++;
  }
  printf("decisions:\n");
  gboolean ok = kith_state_log_each(store, email, explain_log, &ctx, &error) && !ctx.error &&
                kith_outbox_each_for_email(store, email, explain_queued, &ctx, &error);
  if (ctx.error) {
    g_clear_error(&error);
    g_propagate_error(&error, ctx.error);
    ok = FALSE;
  }
  if (!ok)
    return kith_cmd_fail(error);
  seen += ctx.seen;
  if (seen == 0)
    printf("kith holds nothing about %s: no activity named it, or it was purged\n", email);
  return KITH_EXIT_OK;
}
