/* store.c - opening the SQLite store, migrations, statements, transactions. */
#include "store/store.h"

#include "store/schema.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KITH_APPLICATION_ID 0x6B697468 /* "kith" */
#define CACHE_KIB 16000                /* SQLite's page cache */
#define SORT_CACHE_KIB 2000            /* the same while a whole table is sorted */

struct kith_store {
  sqlite3 *db;
  char *path;
  GHashTable *stmts; /* sql -> sqlite3_stmt* */
  /* The same statements by the address of the caller's SQL text: nearly all
   * of it is string literals, and hashing a long statement's every byte on
   * each use cost more than some look-ups it ran. Checked with strcmp, so a
   * reused address with other text falls back to STMTS. */
  struct {
    const char *sql;
    sqlite3_stmt *st;
  } recent[256];
  char *fail_reads;    /* kith_store_fail_reads, for tests */
  GMutex *lock;        /* kith_store_share: NULL while the store is one thread's */
  GHashTable *profile; /* KITH_SQL_PROFILE: statement text -> sql_cost */
};

/* KITH_SQL_PROFILE=FILE, a developer's aid (docs/benchmarks.md): every
 * statement's runs and time, summed by its text and written to FILE, the
 * costliest first, when the store is closed. */
typedef struct {
  guint64 runs, ns;
} sql_cost;

static int profile_statement(unsigned type, void *ctx, void *p, void *x)
{
  kith_store *store = ctx;
  if (type != SQLITE_TRACE_PROFILE)
    return 0;
  const char *sql = sqlite3_sql(p);
  sql_cost *c = g_hash_table_lookup(store->profile, sql);
  if (!c) {
    c = g_new0(sql_cost, 1);
    g_hash_table_insert(store->profile, g_strdup(sql ? sql : "?"), c);
  }
  c->runs++;
  c->ns += *(sqlite3_int64 *)x;
  return 0;
}

static gint by_cost(gconstpointer a, gconstpointer b, gpointer profile)
{
  const sql_cost *x = g_hash_table_lookup(profile, *(char *const *)a);
  const sql_cost *y = g_hash_table_lookup(profile, *(char *const *)b);
  return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void profile_write(kith_store *store)
{
  const char *path = g_getenv("KITH_SQL_PROFILE");
  FILE *f = path ? fopen(path, "a") : NULL;
  if (!f)
    return;
  guint n = 0;
  g_autofree gpointer *sqls = g_hash_table_get_keys_as_array(store->profile, &n);
  g_qsort_with_data(sqls, (gint)n, sizeof *sqls, by_cost, store->profile);
  fprintf(f, "# %s: ms, runs, us/run, statement\n", store->path);
  for (guint i = 0; i < n; i++) {
    const sql_cost *c = g_hash_table_lookup(store->profile, sqls[i]);
    g_autofree char *flat = g_strdelimit(g_strndup(sqls[i], 160), "\n\t", ' ');
    fprintf(f, "%9.1f %9" G_GUINT64_FORMAT " %8.2f  %s\n", c->ns / 1e6, c->runs,
            c->ns / 1e3 / (double)c->runs, flat);
  }
  fclose(f);
}

static void stmt_finalize(gpointer p)
{
  sqlite3_finalize(p);
}

gboolean kith_store_fail(kith_store *store, GError **error, const char *what)
{
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s: %s", store->path, what,
              sqlite3_errmsg(store->db));
  return FALSE;
}

kith_lookup_answer kith_store_step_row(kith_store *store, sqlite3_stmt *st, GError **error)
{
  if (G_UNLIKELY(store->fail_reads) && strstr(sqlite3_sql(st), store->fail_reads)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: read: disk I/O error (injected)",
                store->path);
    sqlite3_reset(st);
    return KITH_LOOKUP_ERROR;
  }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return KITH_LOOKUP_FOUND;
  if (rc == SQLITE_DONE)
    return KITH_LOOKUP_NONE;
  kith_store_fail(store, error, "read");
  sqlite3_reset(st);
  return KITH_LOOKUP_ERROR;
}

void kith_store_fail_reads(kith_store *store, const char *sql_part)
{
  g_free(store->fail_reads);
  store->fail_reads = g_strdup(sql_part);
}

gboolean kith_store_exec(kith_store *store, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", store->path,
                msg ? msg : sqlite3_errmsg(store->db));
    sqlite3_free(msg);
    return FALSE;
  }
  return TRUE;
}

gboolean kith_store_exec_sorted(kith_store *store, const char *sql, GError **error)
{
  /* One helper thread sorts beside this one (the capture's other cores are
   * idle by then): a fifth off the merge of a long capture's observations. */
  gboolean ok = kith_store_exec(
                    store,
                    "PRAGMA cache_size = -" G_STRINGIFY(SORT_CACHE_KIB) ";"
                                                                        "PRAGMA threads = 1",
                    error) &&
                kith_store_exec(store, sql, error);
  /* The usual cache back whatever happened. */
  return kith_store_exec(store, "PRAGMA threads = 0; PRAGMA cache_size = -" G_STRINGIFY(CACHE_KIB),
                         ok ? error : NULL) &&
         ok;
}

static int pragma_int(kith_store *store, const char *sql)
{
  sqlite3_stmt *st = NULL;
  int v = -1;
  if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Applies every migration above the file's user_version, each in its own
 * transaction, so a store is never left between two versions. */
static gboolean migrate(kith_store *store, GError **error)
{
  int version = pragma_int(store, "PRAGMA user_version");
  int app = pragma_int(store, "PRAGMA application_id");
  int tables = pragma_int(store, "SELECT count(*) FROM sqlite_master");
  if (version < 0 || app < 0 || tables < 0) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: not a kith store (%s)", store->path,
                sqlite3_errmsg(store->db));
    return FALSE;
  }
  if (tables > 0 && app != KITH_APPLICATION_ID) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: not a kith store (an SQLite file of another program)", store->path);
    return FALSE;
  }
  if (version > KITH_SCHEMA_VERSION) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: store schema version %d is newer than this kith knows (%d); upgrade kith",
                store->path, version, KITH_SCHEMA_VERSION);
    return FALSE;
  }
  for (int v = version + 1; v <= KITH_SCHEMA_VERSION; v++) {
    const char *sql = kith_schema_migration(v);
    g_autofree char *bump = g_strdup_printf("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                            KITH_APPLICATION_ID, v);
    if (!kith_store_exec(store, "BEGIN IMMEDIATE", error))
      return FALSE;
    if (!kith_store_exec(store, sql, error) || !kith_store_exec(store, bump, error)) {
      kith_store_rollback(store);
      g_prefix_error(error, "migration %d: ", v);
      return FALSE;
    }
    if (!kith_store_exec(store, "COMMIT", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean looks_like_sqlite(const char *path, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return TRUE; /* let SQLite report it */
  char head[16] = {0};
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  if (n == 0)
    return TRUE; /* an empty file becomes a store */
  if (n < 16 || memcmp(head, "SQLite format 3", 16) != 0) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: not a kith store (not an SQLite file)",
                path);
    return FALSE;
  }
  return TRUE;
}

kith_store *kith_store_open(const char *path, kith_store_mode mode, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  gboolean memory = strcmp(path, ":memory:") == 0;
  if (!memory) {
    if (mode != KITH_STORE_CREATE && !g_file_test(path, G_FILE_TEST_EXISTS)) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                  "%s: no store there (run 'kith init' first)", path);
      return NULL;
    }
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: is a folder, not a store", path);
      return NULL;
    }
    if (!looks_like_sqlite(path, error))
      return NULL;
  }
  kith_store *store = g_new0(kith_store, 1);
  store->path = g_strdup(path);
  store->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, stmt_finalize);
  int flags = mode == KITH_STORE_READ ? SQLITE_OPEN_READONLY
                                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  /* A connection is only ever used by one thread at a time (kith serve
   * holds its store lock around every use; capture workers never touch
   * it), so SQLite need not lock it on every call; nor count its memory,
   * which takes a global lock on every allocation. Together a few percent
   * of a capture. */
  static gsize configured = 0;
  if (g_once_init_enter(&configured)) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* before SQLite's first use */
    g_once_init_leave(&configured, 1);
  }
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &store->db, flags, NULL) != SQLITE_OK) {
    kith_store_fail(store, error, "cannot open");
    kith_store_close(store);
    return NULL;
  }
  if (mode == KITH_STORE_READ && !memory &&
      pragma_int(store, "SELECT count(*) FROM sqlite_master") < 0) {
    /* In a folder kith may not write to, SQLite cannot make the WAL index
     * file a reader needs: read the file as it stands instead. */
    sqlite3_close(store->db);
    store->db = NULL;
    g_autofree char *uri = g_strdup_printf("file:%s?immutable=1", path);
    if (sqlite3_open_v2(uri, &store->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
      kith_store_fail(store, error, "cannot open");
      kith_store_close(store);
      return NULL;
    }
  }
  sqlite3_busy_timeout(store->db, 10000);
  if (g_getenv("KITH_SQL_PROFILE")) {
    store->profile = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sqlite3_trace_v2(store->db, SQLITE_TRACE_PROFILE, profile_statement, store);
  }
  sqlite3_extended_result_codes(store->db, 1);
  if (mode != KITH_STORE_READ && !memory &&
      !kith_store_exec(store, "PRAGMA journal_mode = WAL", error)) {
    kith_store_close(store);
    return NULL;
  }
  if (!kith_store_exec(
          store,
          "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;"
          "PRAGMA cache_size = -" G_STRINGIFY(CACHE_KIB) ";"
                                                         "PRAGMA wal_autocheckpoint = 16384;",
          error)) {
    kith_store_close(store);
    return NULL;
  }
  if (mode == KITH_STORE_READ) {
    int version = pragma_int(store, "PRAGMA user_version");
    int app = pragma_int(store, "PRAGMA application_id");
    if (app != KITH_APPLICATION_ID || version != KITH_SCHEMA_VERSION) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                  version > KITH_SCHEMA_VERSION ? "%s: store schema is newer than this kith knows"
                                                : "%s: not a kith store (or an older one: open it "
                                                  "once with a writing command)",
                  path);
      kith_store_close(store);
      return NULL;
    }
  } else if (!migrate(store, error) || !kith_store_exec(store, KITH_SCHEMA_DEFERRED_INDEX, error) ||
             !kith_store_exec(store, KITH_SCHEMA_DECISION_INDEXES, error) ||
             (pragma_int(store, "SELECT EXISTS(SELECT 1 FROM observation_log)") == 1 &&
              !kith_store_exec(store, "BEGIN IMMEDIATE;" KITH_SCHEMA_OBSERVATION_MERGE "COMMIT",
                               error))) {
    kith_store_close(store);
    return NULL;
  }
  return store;
}

void kith_store_close(kith_store *store)
{
  if (!store)
    return;
  g_clear_pointer(&store->stmts, g_hash_table_destroy);
  if (store->profile) {
    profile_write(store);
    g_hash_table_destroy(store->profile);
  }
  if (store->db)
    sqlite3_close(store->db);
  g_free(store->path);
  g_free(store->fail_reads);
  g_free(store);
}

const char *kith_store_path(kith_store *store)
{
  return store->path;
}

sqlite3 *kith_store_db(kith_store *store)
{
  return store->db;
}

sqlite3_stmt *kith_store_stmt(kith_store *store, const char *sql, GError **error)
{
  guint slot = (guint)(((guintptr)sql >> 3) * 2654435761u) & 255u;
  if (store->recent[slot].sql == sql && strcmp(sqlite3_sql(store->recent[slot].st), sql) == 0) {
    sqlite3_stmt *hit = store->recent[slot].st;
    sqlite3_reset(hit);
    sqlite3_clear_bindings(hit);
    return hit;
  }
  sqlite3_stmt *st = g_hash_table_lookup(store->stmts, sql);
  if (st) {
    store->recent[slot].sql = sql;
    store->recent[slot].st = st;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
  }
  if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK) {
    kith_store_fail(store, error, "prepare");
    return NULL;
  }
  g_hash_table_insert(store->stmts, g_strdup(sql), st);
  store->recent[slot].sql = sql;
  store->recent[slot].st = st;
  return st;
}

gboolean kith_store_step_done(kith_store *store, sqlite3_stmt *st, GError **error)
{
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE) {
    kith_store_fail(store, error, "write");
    sqlite3_reset(st);
    return FALSE;
  }
  sqlite3_reset(st);
  return TRUE;
}

const char *kith_store_col(sqlite3_stmt *st, int col)
{
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? (const char *)t : "";
}

gboolean kith_store_begin(kith_store *store, GError **error)
{
  return kith_store_exec(store, "BEGIN IMMEDIATE", error);
}

gboolean kith_store_commit(kith_store *store, GError **error)
{
  return kith_store_exec(store, "COMMIT", error);
}

void kith_store_rollback(kith_store *store)
{
  if (!sqlite3_get_autocommit(store->db))
    sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

void kith_store_share(kith_store *store, GMutex *lock)
{
  store->lock = lock;
}

void kith_store_lock(kith_store *store)
{
  if (store->lock)
    g_mutex_lock(store->lock);
}

void kith_store_unlock(kith_store *store)
{
  if (store->lock)
    g_mutex_unlock(store->lock);
}

kith_lookup_answer kith_store_meta_get(kith_store *store, const char *key, char **value,
                                       GError **error)
{
  *value = NULL;
  sqlite3_stmt *st = kith_store_stmt(store, "SELECT value FROM meta WHERE key = ?", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  kith_lookup_answer a = kith_store_step_row(store, st, error);
  if (a == KITH_LOOKUP_FOUND) {
    *value = g_strdup(kith_store_col(st, 0));
    sqlite3_reset(st);
  }
  return a;
}

gboolean kith_store_meta_set(kith_store *store, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(store,
                                     "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) "
                                     "DO UPDATE SET value = excluded.value",
                                     error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  return kith_store_step_done(store, st, error);
}

gboolean kith_store_row(kith_store *store, sqlite3_stmt *st, GError **error)
{
  kith_lookup_answer r = kith_store_step_row(store, st, error);
  if (r == KITH_LOOKUP_NONE)
    sqlite3_reset(st);
  return r == KITH_LOOKUP_FOUND;
}

char *kith_store_col_dup(sqlite3_stmt *st, int col)
{
  return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : g_strdup(kith_store_col(st, col));
}
