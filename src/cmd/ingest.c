/* ingest.c - kith ingest: the pipeline on files or a source, its summary and progress. */
#include "cmd/cmd.h"

#include "store/outbox.h"

#include <string.h>
#include <unistd.h>

static void print_error(const char *where, const char *why, gpointer user_data)
{
  kith_cmd_error("%s: %s", where, why);
}

/* One line rewritten in place, and only on a terminal: a log or a pipe
 * gets the summary alone. A team source's line says the Users done of
 * those to read, the messages and events read so far and the time left. */
static void print_progress(const kith_ingest_progress *p, gpointer user_data)
{
  static int tty = -1;
  if (tty < 0)
    tty = isatty(STDERR_FILENO);
  if (!tty)
    return;
  if (!p->users_total || strcmp(p->phase, "capture") != 0) {
    fprintf(stderr, "\rkith: %s: %u files, %u activities, %.0f/s, %.1fs%s", p->phase, p->files,
            p->done, p->seconds > 0 ? p->done / p->seconds : 0.0, p->seconds,
            p->last ? "\n" : "   ");
    return;
  }
  g_autofree char *eta = NULL;
  if (p->eta_seconds >= 0) {
    guint s = (guint)(p->eta_seconds + 0.5);
    eta = s >= 3600 ? g_strdup_printf(", about %uh%02um left", s / 3600, s / 60 % 60)
          : s >= 60 ? g_strdup_printf(", about %um%02us left", s / 60, s % 60)
                    : g_strdup_printf(", about %us left", s);
  }
  /* The line is cleared first (EL, erase to its end): it grows and shrinks. */
  fprintf(stderr, "\r\033[Kkith: %s: %u/%u users, %u messages and events, %u activities, %.1fs%s%s",
          p->phase, p->users_done, p->users_total, p->files, p->done, p->seconds, eta ? eta : "",
          p->last ? "\n" : "");
}

const kith_ingest_report kith_cmd_ingest_report = {print_error, print_progress, NULL};

static guint count_of(const kith_ingest_result *r, const char *key)
{
  return r->counts ? GPOINTER_TO_UINT(g_hash_table_lookup(r->counts, key)) : 0;
}

static guint count_action(const kith_ingest_result *r, kith_action action)
{
  return count_of(r, kith_action_name(action));
}

/* The counts of ACTION by reason: the decider's keys "ACTION/REASON". */
static void print_reasons(const kith_ingest_result *r, FILE *out, kith_action action,
                          const char *title)
{
  g_autofree char *prefix = g_strconcat(kith_action_name(action), "/", NULL);
  g_autoptr(GString) s = g_string_new(NULL);
  g_autoptr(GList) keys = r->counts ? g_hash_table_get_keys(r->counts) : NULL;
  keys = g_list_sort(keys, (GCompareFunc)strcmp);
  gsize plen = strlen(prefix);
  for (GList *k = keys; k; k = k->next) {
    if (strncmp(k->data, prefix, plen) != 0)
      continue;
    g_string_append_printf(s, "%s%s %u", s->len ? ", " : "", (char *)k->data + plen,
                           count_of(r, k->data));
    /* Which missing names are at an Account: those are worth chasing. */
    guint at = count_of(r, "summary/missing_field_at_account");
    if (action == KITH_ACTION_SKIPPED &&
        strcmp((char *)k->data + plen, kith_reason_name(KITH_REASON_MISSING_FIELD)) == 0)
      g_string_append_printf(s, " (%u at a matching Account)", at);
  }
  if (s->len)
    fprintf(out, "  %s: %s\n", title, s->str);
}

void kith_ingest_print(const kith_ingest_result *r, kith_store *store, FILE *out)
{
  const kith_capture_stats *cs = &r->capture;
  g_autoptr(GString) kinds = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(cs->ignored_ext) && cs->ignored_ext[i].n; i++)
    g_string_append_printf(kinds, "%s%s %u", kinds->len ? ", " : " (",
                           *cs->ignored_ext[i].ext ? cs->ignored_ext[i].ext : "no extension",
                           cs->ignored_ext[i].n);
  if (kinds->len)
    g_string_append_c(kinds, ')');
  fprintf(out,
          "ingest: %u file%s read, %u ignored%s, %u error%s; %u activities new, %u seen before\n",
          cs->files, cs->files == 1 ? "" : "s", cs->ignored, kinds->str, cs->errors,
          cs->errors == 1 ? "" : "s", r->new_activities, r->duplicates);
  print_reasons(r, out, KITH_ACTION_ACTIVITY_SKIPPED, "activities skipped");
  fprintf(out,
          "  decided: %u contacts to create, %u linked to contacts, %u linked to leads, "
          "%u roles to create, %u field updates\n",
          count_action(r, KITH_ACTION_CONTACT_CREATED), count_action(r, KITH_ACTION_CONTACT_LINKED),
          count_action(r, KITH_ACTION_LEAD_LINKED), count_action(r, KITH_ACTION_OCR_CREATED),
          count_action(r, KITH_ACTION_FIELD_UPDATED));
  print_reasons(r, out, KITH_ACTION_SKIPPED, "people skipped");
  if (r->decided)
    fprintf(out,
            "  timing: captured in %.2f s; %u activities decided in %.2f s; per activity median "
            "%.0f us, p99 %.0f us\n",
            r->capture_seconds, r->decided, r->decide_seconds, r->median_us, r->p99_us);
  gint64 depth = kith_outbox_depth(store);
  if (depth > 0)
    fprintf(out, "  outbox: %" G_GINT64_FORMAT " change%s queued; 'kith sync' applies them\n",
            depth, depth == 1 ? "" : "s");
}

int kith_cmd_ingest(kith_cmd *cmd)
{
  g_autofree char *source_name = NULL;
  GOptionEntry entries[] = {{"source", 's', 0, G_OPTION_ARG_STRING, &source_name,
                             "read a [source NAME] of kith.conf (files, IMAP or CalDAV)", "NAME"},
                            {NULL}};
  if (!kith_cmd_parse(cmd, entries, "PATH... | --source NAME",
                      "Capture activities from .eml, mbox, Maildir, .ics and .jsonl files and "
                      "folders (or a configured source), decide, and queue the CRM changes in the "
                      "outbox."))
    return KITH_EXIT_USAGE;
  if (cmd->argc < 2 && !source_name) {
    kith_cmd_error("%s: name at least one file or folder, or --source NAME", cmd->name);
    return KITH_EXIT_USAGE;
  }
  if (cmd->argc >= 2 && source_name) {
    kith_cmd_error("%s: name files or --source, not both", cmd->name);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  const kith_source_config *source = NULL;
  if (source_name && !(source = kith_config_source(config, source_name))) {
    kith_cmd_error("%s: --source %s: no [source %s] in %s", cmd->name, source_name, source_name,
                   config->path ? config->path : "the configuration");
    return KITH_EXIT_USAGE;
  }
  kith_cmd_check_org(store, config);
  kith_ingest_result r;
  g_autoptr(GError) error = NULL;
  gboolean ok = source
                    ? kith_ingest_source(store, config, source, &kith_cmd_ingest_report, &r, &error)
                    : kith_ingest_paths(store, config, (const char *const *)cmd->argv + 1,
                                        &kith_cmd_ingest_report, &r, &error);
  kith_ingest_print(&r, store, stdout);
  kith_ingest_result_clear(&r);
  if (!ok)
    return kith_cmd_fail(error);
  if (!source && r.capture.files == 0 && r.capture.errors == 0 && r.capture.ignored > 0) {
    /* A folder of files kith does not know read as success once: say so.
     * (An empty folder is no error: there was nothing to read.) */
    kith_cmd_error("%s: nothing read: no email, mbox, Maildir, .ics or .jsonl file among %u "
                   "file%s",
                   cmd->name, r.capture.ignored, r.capture.ignored == 1 ? "" : "s");
    return KITH_EXIT_FAILED;
  }
  return r.capture.errors ? KITH_EXIT_FAILED : KITH_EXIT_OK;
}
