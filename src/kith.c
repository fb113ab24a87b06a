/* kith.c - the command table and main(): global options, then one command. */
#include "cmd/cmd.h"

#include <gmime/gmime.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  const char *name;
  int (*run)(kith_cmd *cmd);
  kith_cmd_store_mode store; /* how kith_cmd_store() opens it for the command */
  const char *summary;
} command;

static const command commands[] = {
    {.name = "init",
     .run = kith_cmd_init,
     .store = KITH_CMD_STORE_CREATE,
     .summary = "create an empty store"},
    {.name = "crm",
     .run = kith_cmd_crm,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "crm import OBJECT FILE.csv | crm export OBJECT [--format csv|json]"},
    {.name = "ingest",
     .run = kith_cmd_ingest,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "capture activities from files and folders, decide, queue"},
    {.name = "sync",
     .run = kith_cmd_sync,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "apply the outbox to the CRM"},
    {.name = "run",
     .run = kith_cmd_run,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "ingest, then sync"},
    {.name = "dedup",
     .run = kith_cmd_dedup,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "remove the duplicate contacts kith made (R40-R42)"},
    {.name = "log",
     .run = kith_cmd_log,
     .store = KITH_CMD_STORE_READ,
     .summary = "the engagement log"},
    {.name = "remove",
     .run = kith_cmd_remove,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "remove a contact kith created (R50)"},
    {.name = "unsuppress",
     .run = kith_cmd_unsuppress,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "let a removed address be created again"},
    {.name = "purge",
     .run = kith_cmd_purge,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "forget one address: observations, participant rows, log rows"},
    {.name = "report",
     .run = kith_cmd_report,
     .store = KITH_CMD_STORE_READ,
     .summary = "report created: every contact kith created"},
    {.name = "explain",
     .run = kith_cmd_explain,
     .store = KITH_CMD_STORE_READ,
     .summary = "every decision taken about one address, and why"},
    {.name = "demo",
     .run = kith_cmd_demo,
     .store = KITH_CMD_STORE_NONE,
     .summary = "run the whole job on a generated organisation and mailbox"},
    {.name = "config",
     .run = kith_cmd_config,
     .store = KITH_CMD_STORE_NONE,
     .summary = "show the configuration as kith understands it"},
    {.name = "serve",
     .run = kith_cmd_serve,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "run as a service: capture, sync, dedup, and the console"},
    {.name = "review",
     .run = kith_cmd_review,
     .store = KITH_CMD_STORE_WRITE,
     .summary = "decisions to look at: list, accept ID, reject ID"},
};

static void usage(FILE *out)
{
  fprintf(out, "usage: kith [--db PATH] [--config PATH] COMMAND [ARGS...]\n\ncommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n'kith COMMAND --help' tells more. The store defaults to ./kith.db ($KITH_DB),\n"
               "the configuration to ./kith.conf when it exists ($KITH_CONFIG).\n");
}

/* Takes --db and --config (as "--db X" or "--db=X") out of ARGV wherever they
 * stand, before or after the command's name. */
static gboolean take_global(int *argc, char **argv, const char *opt, const char **out)
{
  gsize ol = strlen(opt);
  for (int i = 1; i < *argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    int take = 0;
    if (strcmp(argv[i], opt) == 0) {
      if (i + 1 >= *argc) {
        kith_cmd_error("%s: needs a value", opt);
        return FALSE;
      }
      *out = argv[i + 1];
      take = 2;
    } else if (strncmp(argv[i], opt, ol) == 0 && argv[i][ol] == '=') {
      *out = argv[i] + ol + 1;
      take = 1;
    }
    if (take) {
      memmove(&argv[i], &argv[i + take], (*argc - i - take + 1) * sizeof(char *));
      *argc -= take;
      i--;
    }
  }
  return TRUE;
}

int main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  /* The store (and the WAL and SHM SQLite gives its mode), state files and
   * tokens hold the team's contacts and secrets: their owner's only. */
  umask(077);
  g_set_prgname("kith");
  const char *db = NULL, *config = NULL;
  if (!take_global(&argc, argv, "--db", &db) || !take_global(&argc, argv, "--config", &config))
    return KITH_EXIT_USAGE;
  if (argc < 2) {
    usage(stderr);
    return KITH_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return KITH_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("kith %s\n", KITH_VERSION);
    return KITH_EXIT_OK;
  }
  if (!db)
    db = g_getenv("KITH_DB");
  if (!db || !*db)
    db = "kith.db";
  if (!config)
    config = g_getenv("KITH_CONFIG");
  if (config && !*config)
    config = NULL;
  if (!config && g_file_test("kith.conf", G_FILE_TEST_IS_REGULAR))
    config = "kith.conf";

  for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (strcmp(argv[1], commands[i].name) != 0)
      continue;
    g_mime_init();
    kith_cmd cmd = {.name = commands[i].name,
                    .db_path = db,
                    .config_path = config,
                    .argc = argc - 1,
                    .argv = argv + 1,
                    .store_mode = commands[i].store};
    int status = commands[i].run(&cmd);
    g_clear_pointer(&cmd.store, kith_store_close);
    fflush(stdout);
    g_mime_shutdown();
    return status;
  }
  kith_cmd_error("%s: unknown command (see 'kith --help')", argv[1]);
  return KITH_EXIT_USAGE;
}
