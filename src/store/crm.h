/* crm.h - the seven CRM objects of CONTRACT.md section 2: import and export. */
#pragma once

#include "store/store.h"

typedef enum {
  KITH_COL_TEXT,
  KITH_COL_BOOL,  /* true/false on export; 1/0 and any case on import */
  KITH_COL_EMAIL, /* also kept R1-normalised for look-up */
  KITH_COL_TIME,  /* ISO 8601, kept as written, also as Unix seconds */
} kith_col_type;

typedef struct {
  const char *name;
  kith_col_type type;
} kith_crm_column;

typedef struct {
  const char *name;   /* Salesforce object name, also the table */
  const char *prefix; /* the 3-character key prefix of its Ids */
  const kith_crm_column *columns;
  guint n_columns;
} kith_crm_object;

/* The object called NAME (exact, as in the contract), or NULL. */
const kith_crm_object *kith_crm_object_lookup(const char *name);
/* "User, Account, ..." for error messages. */
const char *kith_crm_object_names(void);

/* Called for each bad row: WHERE is "FILE:LINE", WHY the cause. */
typedef void (*kith_row_error_fn)(const char *where, const char *why, gpointer user_data);

typedef struct {
  guint rows;     /* good rows upserted */
  guint bad_rows; /* rows reported and skipped */
} kith_import_stats;

/* Upserts OBJECT's records by Id from the CSV file at PATH, in one
 * transaction: good rows go in (the last of a repeated Id wins), bad rows
 * are reported and skipped (also a record over 16 MB). Returns FALSE (and
 * writes nothing) when the file as a whole cannot be imported (not CSV, no
 * Id column, a NUL byte, a line over 4 MB, a field over 16 MB). */
gboolean kith_crm_import(kith_store *store, const kith_crm_object *object, const char *path,
                         kith_row_error_fn on_row_error, gpointer user_data,
                         kith_import_stats *stats, GError **error);

/* Upserts one record of OBJECT by Id: VALUES are OBJECT's columns in order
 * (NULL is empty). A bad value sets *WHY (and no ERROR) and writes nothing;
 * a store failure sets ERROR. */
gboolean kith_crm_upsert(kith_store *store, const kith_crm_object *object,
                         const char *const *values, char **why, GError **error);
gboolean kith_crm_delete(kith_store *store, const kith_crm_object *object, const char *id,
                         GError **error);

/* Calls ROW for every record of OBJECT sorted by Id, with the values of
 * OBJECT's columns in order (booleans as "true"/"false"). */
typedef gboolean (*kith_crm_row_fn)(const char *const *values, gpointer user_data);
gboolean kith_crm_export(kith_store *store, const kith_crm_object *object, kith_crm_row_fn row,
                         gpointer user_data, GError **error);

/* Like kith_crm_export for Contact, only the contacts kith created. */
gboolean kith_crm_export_created(kith_store *store, kith_crm_row_fn row, gpointer user_data,
                                 GError **error);
