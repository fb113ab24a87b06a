/* log.c - kith log, kith report created, kith explain. */
#include "cmd/cmd.h"

#include "core/address.h"
#include "store/bounce.h"
#include "store/crm.h"
#include "store/lookup.h"
#include "store/outbox.h"
#include "store/person.h"
#include "store/state.h"
#include "util/timeutil.h"

#include <string.h>
#include <unistd.h>

static const char *const log_columns[] = {"Time", "ActivityId", "Email", "Action",
                                          "Reason", "ObjectId", "Rule"};

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
  const char *v[] = {time, e->activity_id, e->email, e->action, e->reason, e->object_id, e->rule,
                     e->detail};
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
      {"email", 'e', 0, G_OPTION_ARG_STRING, &email_arg, "only the entries about this address", "ADDR"},
      {"action", 'a', 0, G_OPTION_ARG_STRING, &action, "only entries of this action (skipped, contact_created, ...)", "ACTION"},
      {"reason", 'r', 0, G_OPTION_ARG_STRING, &reason, "only entries of this reason (no_account, ...)", "REASON"},
      {"since", 's', 0, G_OPTION_ARG_STRING, &since_arg, "only entries written at or after this time (2026-01-31 or 2026-01-31T09:00:00Z)", "TIME"},
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
  g_autoptr(kith_store) store = kith_cmd_open_store(cmd, KITH_STORE_READ, &status);
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
  g_autoptr(kith_store) store = kith_cmd_open_store(cmd, KITH_STORE_READ, &status);
  if (!store)
    return status;
  if (alternates) {
    static const char *const columns[] = {"Email",     "FirstName", "LastName",
                                          "AccountId", "ContactId", "Seen"};
    kith_printer *p = kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, columns,
                                       G_N_ELEMENTS(columns), NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok = kith_person_alternates_each(store, report_row, p, &error);
    kith_printer_finish(p);
    return ok ? KITH_EXIT_OK : kith_cmd_fail(error);
  }
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  const char *names[32];
  gboolean bools[32];
  for (guint i = 0; i < o->n_columns; i++) {
    names[i] = o->columns[i].name;
    bools[i] = o->columns[i].type == KITH_COL_BOOL;
  }
  kith_printer *p =
      kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, names, o->n_columns, bools);
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_crm_export_created(store, report_row, p, &error);
  kith_printer_finish(p);
  return ok ? KITH_EXIT_OK : kith_cmd_fail(error);
}

/* ---- explain ------------------------------------------------------------------ */

typedef struct {
  kith_store *store;
  GError *error; /* an account's name could not be read */
} explain_ctx;

static gboolean explain_person(const char *type, const char *id, const char *account_id,
                               gboolean by_kith, gpointer user_data)
{
  explain_ctx *x = user_data;
  if (strcmp(type, "Lead") == 0) {
    printf("  in the CRM: lead %s\n", id);
    return TRUE;
  }
  /* Names beside Ids: an administrator knows accounts by name. */
  g_autofree char *account = kith_lookup_record_name(x->store, "Account", account_id, &x->error);
  if (!account)
    return FALSE;
  printf("  in the CRM: contact %s on account %s%s%s%s%s\n", id, *account ? account : "",
         *account ? " (" : "", account_id, *account ? ")" : "", by_kith ? ", created by kith" : "");
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

static gboolean explain_log(const char *time, const kith_log_entry *e, gpointer user_data)
{
  (*(guint *)user_data)++;
  printf("  %s  %s%s%s [%s]\n      %s\n", time, e->action, *e->reason ? "/" : "", e->reason,
         *e->rule ? e->rule : "-", *e->detail ? e->detail : "(no further detail)");
  return TRUE;
}

static gboolean explain_queued(const kith_outbox_entry *e, const char *state, gpointer user_data)
{
  if (strcmp(state, "pending") != 0)
    return TRUE;
  printf("  queued for the next sync: %s %s [%s]\n      %s\n", e->op, e->object_id,
         e->rule ? e->rule : "-", e->detail ? e->detail : "");
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
  g_autoptr(kith_store) store = kith_cmd_open_store(cmd, KITH_STORE_READ, &status);
  if (!store)
    return status;
  printf("%s\n", email);
  explain_ctx people = {store, NULL};
  if (!kith_crm_people_with(store, email, explain_person, &people, &error))
    return kith_cmd_fail(error);
  if (people.error) {
    g_propagate_error(&error, people.error);
    return kith_cmd_fail(error);
  }
  kith_lookup_answer suppressed = kith_state_is_suppressed(store, email, &error);
  if (suppressed == KITH_LOOKUP_ERROR)
    return kith_cmd_fail(error);
  if (suppressed == KITH_LOOKUP_FOUND)
    printf("  suppressed: removed by an administrator, never created again (R50); "
           "'kith unsuppress %s' lifts it\n", email);
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
    g_autofree char *value = NULL, *activity = NULL;
    gint64 time = 0;
    kith_lookup_answer found = kith_state_observation_full(store, email, kith_field_name(f), &value,
                                                           &time, &activity, &error);
    if (found == KITH_LOOKUP_ERROR)
      return kith_cmd_fail(error);
    if (found == KITH_LOOKUP_NONE)
      continue;
    g_autofree char *when = kith_time_format(time);
    printf("  %s: %s (from %s, %s)\n", kith_field_name(f), value, activity, when);
    seen++;
  }
  printf("decisions:\n");
  if (!kith_state_log_each(store, email, explain_log, &seen, &error) ||
      !kith_outbox_each_for_email(store, email, explain_queued, NULL, &error))
    return kith_cmd_fail(error);
  if (seen == 0)
    printf("kith holds nothing about %s: no activity named it, or it was purged\n", email);
  return KITH_EXIT_OK;
}
