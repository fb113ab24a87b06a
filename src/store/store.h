/* store.h - the one SQLite file: CRM mirror and kith's own state. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef struct kith_store kith_store;

typedef enum {
  KITH_STORE_READ,   /* an existing store, read only */
  KITH_STORE_WRITE,  /* an existing store, read and write */
  KITH_STORE_CREATE, /* create it when missing (kith init) */
} kith_store_mode;

#define KITH_SCHEMA_VERSION 9

/* Opens the store at PATH (":memory:" for a throw-away one), applying the
 * numbered migrations. Refuses a file that is not a kith store or that a
 * newer kith wrote. */
kith_store *kith_store_open(const char *path, kith_store_mode mode, GError **error);
void kith_store_close(kith_store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_store, kith_store_close)

const char *kith_store_path(kith_store *store);

/* Transactions; batches of writes go in one. begin is IMMEDIATE so that a
 * second writer waits (busy timeout) rather than failing mid-way. */
gboolean kith_store_begin(kith_store *store, GError **error);
gboolean kith_store_commit(kith_store *store, GError **error);
void kith_store_rollback(kith_store *store);

/* A store used by several threads (kith serve: its work and its API) is
 * used under LOCK, taken by kith_store_lock for one transaction or one read
 * at a time and never held across network I/O: a sync or a capture takes it
 * only to read what it will send and to store what came back. Not
 * recursive. Without kith_store_share (or with NULL), the store is one
 * thread's and the lock calls do nothing. */
void kith_store_share(kith_store *store, GMutex *lock);
void kith_store_lock(kith_store *store);
void kith_store_unlock(kith_store *store);

/* --- for src/store/ only ------------------------------------------------ */

sqlite3 *kith_store_db(kith_store *store);
/* A cached prepared statement for SQL (reset and cleared before it is
 * returned). Borrowed: do not finalize. NULL with ERROR set on failure. */
sqlite3_stmt *kith_store_stmt(kith_store *store, const char *sql, GError **error);
gboolean kith_store_exec(kith_store *store, const char *sql, GError **error);
/* Runs SQL that sorts a whole table (CREATE INDEX, INSERT ... SELECT ...
 * ORDER BY) with a small page cache for the while: SQLite's sort takes as
 * much memory as the cache may, and a command's peak memory should not
 * grow with the table sorted. */
gboolean kith_store_exec_sorted(kith_store *store, const char *sql, GError **error);
gboolean kith_store_fail(kith_store *store, GError **error, const char *what);
/* Column text as a borrowed string, "" for NULL. */
const char *kith_store_col(sqlite3_stmt *st, int col);
/* Column COL as a new string, NULL when the value is NULL. */
char *kith_store_col_dup(sqlite3_stmt *st, int col);
/* Runs a statement that returns no rows to completion. */
gboolean kith_store_step_done(kith_store *store, sqlite3_stmt *st, GError **error);

/* A look-up's answer: found, not found, or the store could not tell (the
 * GError says why). An error is never "not found": that is how duplicates
 * are made. */
typedef enum {
  KITH_LOOKUP_ERROR = -1,
  KITH_LOOKUP_NONE = 0,
  KITH_LOOKUP_FOUND = 1,
} kith_lookup_answer;

/* Steps ST: KITH_LOOKUP_FOUND at a row, KITH_LOOKUP_NONE at the end, and
 * KITH_LOOKUP_ERROR (ERROR set, ST reset) when the step fails. */
kith_lookup_answer kith_store_step_row(kith_store *store, sqlite3_stmt *st, GError **error);
/* Steps ST: TRUE at a row; FALSE at the end (ST reset, *ERROR unset) or on
 * an error (*ERROR set). */
gboolean kith_store_row(kith_store *store, sqlite3_stmt *st, GError **error);

/* For tests: kith_store_step_row fails, as a read of a corrupt or locked
 * file would, for every statement whose SQL contains SQL_PART (NULL: none). */
void kith_store_fail_reads(kith_store *store, const char *sql_part);

/* meta key/value */
/* KEY's value in *VALUE (a new string) when FOUND; *VALUE is NULL otherwise. */
kith_lookup_answer kith_store_meta_get(kith_store *store, const char *key, char **value,
                                       GError **error);
gboolean kith_store_meta_set(kith_store *store, const char *key, const char *value, GError **error);
