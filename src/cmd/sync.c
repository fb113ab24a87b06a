/* sync.c - kith sync and kith run (ingest, then sync). */
#include "cmd/cmd.h"

#include "sync/salesforce.h"
#include "sync/sync.h"

void kith_cmd_print_sync(const kith_sync_stats *st, FILE *out)
{
  fprintf(out,
          "sync: %u contacts created, %u linked (they existed by then), %u roles created, "
          "%u fields updated, %u contacts deleted, %u removed",
          st->contacts_created, st->contacts_linked, st->roles_created, st->fields_updated,
          st->contacts_deleted, st->contacts_removed);
  if (st->dropped)
    fprintf(out, ", %u changes no longer applicable", st->dropped);
  fputc('\n', out);
  if (st->note[0])
    fprintf(out, "  %s\n", st->note);
}

static int do_sync(kith_store *store, const kith_config *config)
{
  kith_sync_stats st = {0};
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_sync_run(store, config, &st, &error);
  kith_cmd_print_sync(&st, stdout);
  return ok ? KITH_EXIT_OK : kith_cmd_fail(error);
}

int kith_cmd_sync(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "",
                      "Apply the outbox to the CRM; until then nothing in it changes."))
    return KITH_EXIT_USAGE;
  if (cmd->argc > 1) {
    kith_cmd_error("sync: unexpected argument '%s'", cmd->argv[1]);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  return do_sync(store, config);
}

int kith_cmd_run(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "PATH...", "Ingest the files and folders, then sync."))
    return KITH_EXIT_USAGE;
  if (cmd->argc < 2) {
    kith_cmd_error("run: name at least one file or folder");
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  kith_cmd_check_org(store, config);
  kith_ingest_result r;
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_ingest_paths(store, config, (const char *const *)cmd->argv + 1,
                                  &kith_cmd_ingest_report, &r, &error);
  kith_ingest_print(&r, store, stdout);
  kith_ingest_result_clear(&r);
  if (!ok)
    return kith_cmd_fail(error);
  /* What was decided is synced even when some input files were bad. */
  int synced = do_sync(store, config);
  if (synced != KITH_EXIT_OK)
    return synced;
  return r.capture.errors ? KITH_EXIT_FAILED : KITH_EXIT_OK;
}
