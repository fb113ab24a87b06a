/* crm.c - kith init, kith crm import, kith crm export. */
#include "cmd/cmd.h"

#include "store/crm.h"

#include <string.h>

int kith_cmd_init(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "", "Create an empty store; running it again changes nothing."))
    return KITH_EXIT_USAGE;
  if (cmd->argc > 1) {
    kith_cmd_error("init: unexpected argument '%s'", cmd->argv[1]);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  printf("init: store ready at %s\n", cmd->db_path);
  return KITH_EXIT_OK;
}

static void on_row_error(const char *where, const char *why, gpointer user_data)
{
  kith_cmd_error("%s: %s", where, why);
}

static int crm_import(kith_cmd *cmd, const kith_crm_object *object, const char *path)
{
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  kith_import_stats stats = {0};
  g_autoptr(GError) error = NULL;
  if (!kith_crm_import(store, object, path, on_row_error, NULL, &stats, &error))
    return kith_cmd_fail(error);
  /* What went well goes to stdout; the bad rows were named on stderr. */
  printf("import: %u %s record%s from %s", stats.rows, object->name, stats.rows == 1 ? "" : "s",
         path);
  if (stats.bad_rows)
    printf(", %u bad row%s skipped", stats.bad_rows, stats.bad_rows == 1 ? "" : "s");
  printf("\n");
  return stats.bad_rows ? KITH_EXIT_FAILED : KITH_EXIT_OK;
}

typedef struct {
  kith_printer *printer;
} export_ctx;

static gboolean export_row(const char *const *values, gpointer user_data)
{
  export_ctx *c = user_data;
  kith_printer_row(c->printer, values);
  return TRUE;
}

static int crm_export(kith_cmd *cmd, const kith_crm_object *object, kith_format format)
{
  int status = KITH_EXIT_OK;
  kith_cmd_read_only(cmd);
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  const char *names[32];
  gboolean bools[32];
  for (guint i = 0; i < object->n_columns; i++) {
    names[i] = object->columns[i].name;
    bools[i] = object->columns[i].type == KITH_COL_BOOL;
  }
  export_ctx c = {
      kith_printer_new(format, KITH_CSV_VERBATIM, stdout, names, object->n_columns, bools)};
  g_autoptr(GError) error = NULL;
  gboolean ok = kith_crm_export(store, object, export_row, &c, &error);
  kith_printer_finish(c.printer);
  return ok ? KITH_EXIT_OK : kith_cmd_fail(error);
}

int kith_cmd_crm(kith_cmd *cmd)
{
  g_autofree char *format_name = NULL;
  GOptionEntry entries[] = {
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "csv (default) or json", "FORMAT"},
      {NULL}};
  if (!kith_cmd_parse(cmd, entries, "import OBJECT FILE.csv | export OBJECT",
                      "Import or export the CRM records kept in the store."))
    return KITH_EXIT_USAGE;
  const char *verb = cmd->argc > 1 ? cmd->argv[1] : NULL;
  if (!verb || (strcmp(verb, "import") != 0 && strcmp(verb, "export") != 0)) {
    kith_cmd_error("crm: say 'crm import OBJECT FILE.csv' or 'crm export OBJECT'");
    return KITH_EXIT_USAGE;
  }
  gboolean import = strcmp(verb, "import") == 0;
  int want = import ? 4 : 3;
  if (cmd->argc != want) {
    kith_cmd_error("crm %s: expected %s", verb, import ? "OBJECT FILE.csv" : "OBJECT");
    return KITH_EXIT_USAGE;
  }
  const kith_crm_object *object = kith_crm_object_lookup(cmd->argv[2]);
  if (!object) {
    kith_cmd_error("crm %s: %s: unknown object (one of %s)", verb, cmd->argv[2],
                   kith_crm_object_names());
    return KITH_EXIT_USAGE;
  }
  if (import) {
    if (format_name) {
      kith_cmd_error("crm import: --format is for export");
      return KITH_EXIT_USAGE;
    }
    return crm_import(cmd, object, cmd->argv[3]);
  }
  kith_format format;
  if (!kith_format_parse(format_name, KITH_FORMAT_CSV, &format) || format == KITH_FORMAT_TEXT) {
    kith_cmd_error("crm export: --format %s: not csv or json", format_name);
    return KITH_EXIT_USAGE;
  }
  return crm_export(cmd, object, format);
}
