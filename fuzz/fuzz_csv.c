/* fuzz_csv.c - fuzz target: CSV bytes through kith_crm_import of Contact records. */
#include "store/crm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *csv_path;
static kith_store *store;

static void remove_csv(void)
{
  if (csv_path)
    unlink(csv_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  /* One scratch file per process (kith_crm_import reads a path). */
  csv_path = g_strdup_printf("%s/kith-fuzz-csv-%d.csv", g_get_tmp_dir(), (int)getpid());
  atexit(remove_csv);
  /* One store for the process: opening one (all migrations) costs more
   * than an import; the Contact table is emptied after every input. */
  store = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  if (!store)
    __builtin_trap();
  return 0;
}

static void on_row_error(const char *where, const char *why, gpointer user_data)
{
  guint *n = user_data;
  (*n)++;
}

static gboolean on_row(const char *const *values, gpointer user_data)
{
  return TRUE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!csv_path)
    LLVMFuzzerInitialize(NULL, NULL);
  FILE *f = fopen(csv_path, "wb");
  if (!f)
    return 0;
  if (size && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return 0;
  }
  fclose(f);
  const kith_crm_object *contact = kith_crm_object_lookup("Contact");
  guint bad = 0;
  kith_import_stats stats = {0};
  g_autoptr(GError) error = NULL;
  if (kith_crm_import(store, contact, csv_path, on_row_error, &bad, &stats, &error)) {
    /* What went in must come out again. */
    if (!kith_crm_export(store, contact, on_row, NULL, NULL))
      __builtin_trap();
  }
  /* Every input starts from an empty table, so that a crash replays alone. */
  if (!kith_store_exec(store, "DELETE FROM Contact", NULL))
    __builtin_trap();
  return 0;
}
