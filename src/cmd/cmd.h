/* cmd.h - the command table's shared context, printers and error output. */
#pragma once

#include "capture/capture.h"
#include "config/config.h"
#include "pipeline/ingest.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/csv.h"

#include <stdio.h>

/* How a command uses the store, a flag of the command table (kith.c). */
typedef enum {
  KITH_CMD_STORE_NONE,   /* none: demo makes its own, config only looks into one */
  KITH_CMD_STORE_READ,   /* an existing store, read only */
  KITH_CMD_STORE_WRITE,  /* an existing store, read and write */
  KITH_CMD_STORE_CREATE, /* created when missing (kith init) */
} kith_cmd_store_mode;

typedef struct {
  const char *name;        /* the command's name, e.g. "ingest" */
  const char *db_path;     /* --db, $KITH_DB or ./kith.db */
  const char *config_path; /* --config, $KITH_CONFIG, ./kith.conf when present, or NULL */
  int argc;                /* the command's own arguments, argv[0] = command name */
  char **argv;
  kith_cmd_store_mode store_mode; /* the table's flag; kith_cmd_read_only() lowers it */
  kith_store *store;              /* opened by kith_cmd_store(), closed by main after the command */
} kith_cmd;

/* Exit statuses (CONTRACT.md section 1). */
enum { KITH_EXIT_OK = 0, KITH_EXIT_FAILED = 1, KITH_EXIT_USAGE = 2 };

/* Prints "kith: MESSAGE" on stderr. */
void kith_cmd_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Prints a GError as "kith: MESSAGE" and returns the exit status it means. */
int kith_cmd_fail(GError *error);
/* Parses the command's options; prints the usage error and returns FALSE. */
gboolean kith_cmd_parse(kith_cmd *cmd, GOptionEntry *entries, const char *params,
                        const char *summary);
/* The store, opened in the mode of the command table the first time it is
 * asked for: after the command has read its arguments, so a usage error
 * comes before a store error (section 1). Borrowed: main closes it. NULL
 * with *STATUS set when it cannot be opened. */
kith_store *kith_cmd_store(kith_cmd *cmd, int *status);
/* For a run that changes nothing (crm export, dedup --dry-run): the store
 * is opened read only. Before kith_cmd_store(). */
void kith_cmd_read_only(kith_cmd *cmd);
kith_config *kith_cmd_load_config(kith_cmd *cmd, int *status);
/* The configuration (owned by the caller), then the store (borrowed, as
 * kith_cmd_store gives it), so the configuration's errors come first;
 * FALSE with *STATUS set when either fails. */
gboolean kith_cmd_open(kith_cmd *cmd, kith_config **config, kith_store **store, int *status);

/* ---- output formats ----------------------------------------------------- */

typedef enum { KITH_FORMAT_TEXT, KITH_FORMAT_CSV, KITH_FORMAT_JSON } kith_format;

/* Parses "csv", "json" or "text"; NULL means the command's default DEF. */
gboolean kith_format_parse(const char *name, kith_format def, kith_format *out);

typedef struct kith_printer kith_printer;
/* A printer of rows with COLUMNS. CELLS says how CSV writes values: for
 * people to open (kith log, kith report) or as stored (kith crm export);
 * section 6. BOOLS (may be NULL) marks the columns whose "true"/"false"
 * values are JSON booleans. No format prints a control character other
 * than the tab, CR and LF that CSV quotes and JSON escapes. */
kith_printer *kith_printer_new(kith_format format, kith_csv_cells cells, FILE *out,
                               const char *const *columns, guint n_columns, const gboolean *bools);
void kith_printer_row(kith_printer *p, const char *const *values);
/* Flushes (the text table is aligned here) and frees the printer. */
void kith_printer_finish(kith_printer *p);

/* The commands. Each returns an exit status. */
int kith_cmd_init(kith_cmd *cmd);
int kith_cmd_crm(kith_cmd *cmd);
int kith_cmd_ingest(kith_cmd *cmd);
int kith_cmd_sync(kith_cmd *cmd);
int kith_cmd_run(kith_cmd *cmd);
int kith_cmd_dedup(kith_cmd *cmd);
int kith_cmd_log(kith_cmd *cmd);
int kith_cmd_remove(kith_cmd *cmd);
int kith_cmd_unsuppress(kith_cmd *cmd);
int kith_cmd_purge(kith_cmd *cmd);
int kith_cmd_report(kith_cmd *cmd);
int kith_cmd_explain(kith_cmd *cmd);
int kith_cmd_demo(kith_cmd *cmd);
int kith_cmd_config(kith_cmd *cmd);
int kith_cmd_serve(kith_cmd *cmd);
/* review.c: the review queue (docs/review.md) */
int kith_cmd_review(kith_cmd *cmd);

/* ---- shared by ingest, run and demo ------------------------------------------ */

/* The ingest's report for a terminal: errors as kith: WHERE: WHY lines,
 * progress when stderr is a terminal. */
extern const kith_ingest_report kith_cmd_ingest_report;
void kith_ingest_print(const kith_ingest_result *r, kith_store *store, FILE *out);
/* The line kith sync prints, also after kith run and kith demo. */
void kith_cmd_print_sync(const kith_sync_stats *st, FILE *out);
/* Warns (without failing) when [org] integration_user is not a User. */
void kith_cmd_check_org(kith_store *store, const kith_config *config);
