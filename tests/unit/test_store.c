/* test_store.c - opening the store: migrations, refusals, Ids. */
#include "store/schema.h"
#include "store/state.h"
#include "store/store.h"
#include "util/sfid.h"
#include "util/timeutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static char *tmp_path(const char *name)
{
  static char *dir = NULL;
  if (!dir)
    dir = g_dir_make_tmp("kith-test-store-XXXXXX", NULL);
  return g_build_filename(dir, name, NULL);
}

static void test_store_init_twice_changes_nothing(void)
{
  g_autofree char *path = tmp_path("twice.db");
  g_autoptr(GError) e = NULL;
  kith_store *s = kith_store_open(path, KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  g_assert_true(kith_state_suppress(s, "x@acme.com", "003A", &e));
  kith_store_close(s);
  s = kith_store_open(path, KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  g_assert_cmpint(kith_state_is_suppressed(s, "x@acme.com", NULL), ==, KITH_LOOKUP_FOUND);
  kith_store_close(s);
}

static void test_store_missing_file_needs_init(void)
{
  g_autofree char *path = tmp_path("missing.db");
  g_autoptr(GError) e = NULL;
  g_assert_null(kith_store_open(path, KITH_STORE_WRITE, &e));
  g_assert_true(strstr(e->message, "kith init"));
  g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_store_refuses_non_store(void)
{
  g_autofree char *text = tmp_path("notes.txt");
  g_assert_true(g_file_set_contents(text, "hello, not a database at all\n", -1, NULL));
  g_autoptr(GError) e = NULL;
  g_assert_null(kith_store_open(text, KITH_STORE_WRITE, &e));
  g_assert_true(strstr(e->message, "not a kith store"));
  g_clear_error(&e);
  /* An SQLite file of another program. */
  g_autofree char *other = tmp_path("other.db");
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(other, &db), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close(db);
  g_assert_null(kith_store_open(other, KITH_STORE_CREATE, &e));
  g_assert_true(strstr(e->message, "another program"));
}

static void test_store_refuses_newer_schema(void)
{
  g_autofree char *path = tmp_path("newer.db");
  kith_store *s = kith_store_open(path, KITH_STORE_CREATE, NULL);
  g_assert_nonnull(s);
  kith_store_close(s);
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close(db);
  g_autoptr(GError) e = NULL;
  g_assert_null(kith_store_open(path, KITH_STORE_WRITE, &e));
  g_assert_true(strstr(e->message, "newer"));
}

static void test_store_new_ids_have_salesforce_shape(void)
{
  kith_store *s = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  g_autofree char *a = kith_state_new_id(s, "003", NULL);
  g_autofree char *b = kith_state_new_id(s, "003", NULL);
  g_autofree char *r = kith_state_new_id(s, "00K", NULL);
  g_assert_cmpuint(strlen(a), ==, 18);
  g_assert_true(g_str_has_prefix(a, "003"));
  g_assert_true(g_str_has_prefix(r, "00K"));
  g_assert_cmpstr(a, !=, b);
  g_assert_true(kith_sfid_valid(a));
  g_assert_true(kith_sfid_valid(r));
  kith_store_close(s);
}

static void test_sfid_checksum(void)
{
  /* The case-safe suffix: one character per 5-character chunk, bit i set
   * when character i is upper case. */
  char out[4];
  kith_sfid_suffix("001000000000000", out);
  g_assert_cmpstr(out, ==, "AAA");
  kith_sfid_suffix("00KT00000000000", out);
  g_assert_cmpstr(out, ==, "MAA"); /* K (bit 2) and T (bit 3): 12 -> 'M' */
  g_assert_true(kith_sfid_valid("003000000001041AAA"));
  g_assert_false(kith_sfid_valid("003000000001041AAB"));
  g_assert_true(kith_sfid_valid("003000000001041"));
  g_assert_false(kith_sfid_valid("003-00000001041AAA"));
}

static void test_observation_keeps_newest_whatever_the_order(void)
{
  kith_store *s = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  g_assert_true(kith_state_observe(s, "a@acme.com", "Title", "Director", 200, "m2", NULL));
  g_assert_true(kith_state_observe(s, "a@acme.com", "Title", "Analyst", 100, "m1", NULL));
  g_assert_true(kith_state_observe(s, "a@acme.com", "Title", "", 300, "m3", NULL));
  g_autofree char *v = NULL;
  gint64 t = 0;
  g_assert_cmpint(kith_state_observation(s, "a@acme.com", "Title", &v, &t, NULL), ==,
                  KITH_LOOKUP_FOUND);
  g_assert_cmpstr(v, ==, "Director");
  g_assert_cmpint(t, ==, 200);
  kith_store_close(s);
}

/* Observations a long capture appends to the log and merges at its end
 * come out as if each had been kept on the spot: the newest per address and
 * field, ties to the greater activity Id, whatever the order of the log. */
static void test_observation_log_merges_as_kept(void)
{
  static const struct {
    const char *email, *field, *value;
    gint64 time;
    const char *activity;
  } seen[] = {
      {"b@acme.com", "Title", "Analyst", 100, "m1"},
      {"a@acme.com", "Title", "CTO", 300, "m3"},
      {"a@acme.com", "Title", "VP", 200, "m2"},
      {"a@acme.com", "Phone", "+1 617 555 0100", 50, "m0"},
      {"b@acme.com", "Title", "Director", 100, "m9"},
      {"b@acme.com", "Title", "Intern", 100, "m5"},
      {"c@acme.com", "Title", "Engineer", 10, "m7"},
      {"a@acme.com", "Title", "", 400, "m4"},
  };
  kith_store *direct = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  kith_store *logged = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  /* one observation kept before the capture, older than the log's */
  g_assert_true(kith_state_observe(direct, "c@acme.com", "Title", "Trainee", 5, "m6", NULL));
  g_assert_true(kith_state_observe(logged, "c@acme.com", "Title", "Trainee", 5, "m6", NULL));
  for (guint i = 0; i < G_N_ELEMENTS(seen); i++) {
    g_assert_true(kith_state_observe(direct, seen[i].email, seen[i].field, seen[i].value,
                                     seen[i].time, seen[i].activity, NULL));
    g_assert_true(kith_state_observe_later(logged, seen[i].email, seen[i].field, seen[i].value,
                                           seen[i].time, seen[i].activity, NULL));
  }
  g_autofree char *before = NULL;
  g_assert_cmpint(kith_state_observation(logged, "b@acme.com", "Title", &before, NULL, NULL), ==,
                  KITH_LOOKUP_NONE);
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_state_observations_merge(logged, &e));
  g_assert_no_error(e);
  static const char *const keys[][2] = {{"a@acme.com", "Title"},
                                        {"a@acme.com", "Phone"},
                                        {"b@acme.com", "Title"},
                                        {"c@acme.com", "Title"}};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    g_autofree char *v1 = NULL, *v2 = NULL, *a1 = NULL, *a2 = NULL;
    gint64 t1 = 0, t2 = 0;
    g_assert_cmpint(
        kith_state_observation_full(direct, keys[i][0], keys[i][1], &v1, &t1, &a1, NULL), ==,
        KITH_LOOKUP_FOUND);
    g_assert_cmpint(
        kith_state_observation_full(logged, keys[i][0], keys[i][1], &v2, &t2, &a2, NULL), ==,
        KITH_LOOKUP_FOUND);
    g_assert_cmpstr(v2, ==, v1);
    g_assert_cmpint(t2, ==, t1);
    g_assert_cmpstr(a2, ==, a1);
  }
  g_autofree char *b = NULL;
  g_assert_cmpint(kith_state_observation(logged, "b@acme.com", "Title", &b, NULL, NULL), ==,
                  KITH_LOOKUP_FOUND);
  g_assert_cmpstr(b, ==, "Director");
  /* the log is empty after the merge: merging again changes nothing */
  g_assert_true(kith_state_observations_merge(logged, &e));
  kith_store_close(direct);
  kith_store_close(logged);
}

/* A capture stopped before its end leaves its log: the next writing open
 * keeps what it holds. */
static void test_observation_log_merged_at_open(void)
{
  g_autofree char *path = tmp_path("obslog.db");
  kith_store *s = kith_store_open(path, KITH_STORE_CREATE, NULL);
  g_assert_nonnull(s);
  g_assert_true(kith_state_observe_later(s, "jane@acme.com", "Title", "CTO", 100, "m1", NULL));
  kith_store_close(s);
  /* A reading open leaves the log as it is... */
  s = kith_store_open(path, KITH_STORE_READ, NULL);
  g_autofree char *v = NULL;
  g_assert_cmpint(kith_state_observation(s, "jane@acme.com", "Title", &v, NULL, NULL), ==,
                  KITH_LOOKUP_NONE);
  kith_store_close(s);
  /* ...a writing one merges it. */
  s = kith_store_open(path, KITH_STORE_WRITE, NULL);
  g_assert_nonnull(s);
  kith_store_close(s);
  s = kith_store_open(path, KITH_STORE_READ, NULL);
  g_assert_cmpint(kith_state_observation(s, "jane@acme.com", "Title", &v, NULL, NULL), ==,
                  KITH_LOOKUP_FOUND);
  g_assert_cmpstr(v, ==, "CTO");
  kith_store_close(s);
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM observation_log", -1, &st, NULL), ==,
                  SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* The fast path for CRM times agrees with GLib's ISO 8601 parser. */
static void test_time_parse_forms(void)
{
  const char *forms[] = {"2026-01-31T09:00:00Z",      "2025-12-01T09:00:00.000+0000",
                         "2024-02-29T23:59:59+00:00", "1999-12-31T00:00:00Z",
                         "2026-03-01T10:00:00+01:00", "2026-03-01",
                         "2026-03-01T10:00:00"};
  for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
    gint64 t = 0;
    g_assert_true(kith_time_parse(forms[i], &t));
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autofree char *full = strlen(forms[i]) == 10 ? g_strconcat(forms[i], "T00:00:00Z", NULL)
                                                   : g_strdup(forms[i]);
    g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(full, utc);
    g_assert_nonnull(dt);
    g_assert_cmpint(t, ==, g_date_time_to_unix(dt));
  }
  gint64 t;
  g_assert_false(kith_time_parse("2026-02-29T00:00:00Z", &t));
  g_assert_false(kith_time_parse("2026-13-01T00:00:00Z", &t));
  g_assert_false(kith_time_parse("yesterday", &t));
}

/* A mail Date from Unix seconds, and back through kith_time_parse. */
static void test_time_format_mail(void)
{
  gint64 t;
  g_assert_true(kith_time_parse("2026-01-05T09:07:03Z", &t));
  g_autofree char *date = kith_time_format_mail(t);
  g_assert_cmpstr(date, ==, "5 Jan 2026 09:07:03 +0000");
  g_assert_true(kith_time_parse("2024-12-31T23:59:59Z", &t));
  g_autofree char *last = kith_time_format_mail(t);
  g_assert_cmpstr(last, ==, "31 Dec 2024 23:59:59 +0000");
}

static gboolean has_object(const char *path, const char *type, const char *name)
{
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?",
                                     -1, &st, NULL),
                  ==, SQLITE_OK);
  sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  gboolean found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return found;
}

static gboolean has_index(const char *path, const char *name)
{
  return has_object(path, "index", name);
}

/* A long ingest drops the participants' address index while it captures;
 * a store a crash left without it gets it back at the next writing open. */
static void test_store_deferred_index_rebuilt_at_open(void)
{
  g_autofree char *path = tmp_path("deferred.db");
  kith_store *s = kith_store_open(path, KITH_STORE_CREATE, NULL);
  g_assert_nonnull(s);
  kith_store_close(s);
  g_assert_true(has_index(path, KITH_SCHEMA_DEFERRED_INDEX_NAME));
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_exec(db, "DROP INDEX " KITH_SCHEMA_DEFERRED_INDEX_NAME, NULL, NULL, NULL),
                  ==, SQLITE_OK);
  sqlite3_close(db);
  /* A reading open leaves the file as it is... */
  s = kith_store_open(path, KITH_STORE_READ, NULL);
  g_assert_nonnull(s);
  kith_store_close(s);
  g_assert_false(has_index(path, KITH_SCHEMA_DEFERRED_INDEX_NAME));
  /* ...a writing one builds it again. */
  s = kith_store_open(path, KITH_STORE_WRITE, NULL);
  g_assert_nonnull(s);
  kith_store_close(s);
  g_assert_true(has_index(path, KITH_SCHEMA_DEFERRED_INDEX_NAME));
}

/* Migration 4 moves every stored activity and its participants, in order,
 * to the integer-keyed tables. */
static void test_store_migration_4_keeps_activities(void)
{
  g_autofree char *path = tmp_path("v3.db");
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  for (int v = 1; v <= 3; v++)
    g_assert_cmpint(sqlite3_exec(db, kith_schema_migration(v), NULL, NULL, NULL), ==, SQLITE_OK);
  const char *rows =
      "PRAGMA application_id = 1802073192; PRAGMA user_version = 3;"
      "INSERT INTO activity VALUES('b@x', 'email', 200, 'Second', 'f:2', 'pending', NULL, 't');"
      "INSERT INTO activity VALUES('a@x', 'email', 100, 'First', 'f:1', 'decided', NULL, 't');"
      "INSERT INTO activity_participant VALUES('a@x', 1, 'jane@acme.com', 'Jane Doe', 'to',"
      " 'person', 'Jane', 'Doe');"
      "INSERT INTO activity_participant VALUES('a@x', 0, 'ann@corp.example', 'Ann', 'from',"
      " 'person', 'Ann', NULL);"
      "INSERT INTO activity_participant VALUES('b@x', 0, 'bob@acme.com', NULL, 'from',"
      " 'person', NULL, NULL);";
  g_assert_cmpint(sqlite3_exec(db, rows, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close(db);
  g_autoptr(GError) e = NULL;
  kith_store *s = kith_store_open(path, KITH_STORE_WRITE, &e);
  g_assert_no_error(e);
  g_autoptr(kith_stored_activity) a = kith_state_activity_load(s, "a@x", &e);
  g_assert_no_error(e);
  g_assert_cmpstr(a->subject, ==, "First");
  g_assert_cmpuint(a->participants->len, ==, 2);
  const kith_participant *p0 = g_ptr_array_index(a->participants, 0);
  const kith_participant *p1 = g_ptr_array_index(a->participants, 1);
  g_assert_cmpstr(p0->email, ==, "ann@corp.example");
  g_assert_cmpstr(p1->email, ==, "jane@acme.com");
  g_assert_cmpstr(p1->last_name, ==, "Doe");
  g_autoptr(GPtrArray) pending = kith_state_pending_activities(s, &e);
  g_assert_cmpuint(pending->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(pending, 0), ==, "b@x");
  kith_store_close(s);
  g_assert_true(has_index(path, KITH_SCHEMA_DEFERRED_INDEX_NAME));
  g_assert_false(has_object(path, "table", "activity_participant"));
  g_assert_true(has_object(path, "table", "participant"));
  g_assert_true(has_object(path, "table", "observation_log")); /* migration 5 */
}

/* The activity the ingest keeps in memory for its decision is the one the
 * store would read back: the same fields, names and NULLs. */
static void assert_same_activity(const kith_stored_activity *x, const kith_stored_activity *y)
{
  g_assert_cmpstr(x->id, ==, y->id);
  g_assert_cmpstr(x->kind, ==, y->kind);
  g_assert_cmpint(x->time, ==, y->time);
  g_assert_cmpstr(x->subject, ==, y->subject);
  g_assert_cmpstr(x->origin, ==, y->origin);
  g_assert_cmpint(x->unauthenticated, ==, y->unauthenticated);
  g_assert_cmpuint(x->participants->len, ==, y->participants->len);
  for (guint i = 0; i < x->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(x->participants, i);
    const kith_participant *q = g_ptr_array_index(y->participants, i);
    g_assert_cmpstr(p->email, ==, q->email);
    g_assert_cmpstr(p->domain, ==, q->domain);
    g_assert_cmpstr(p->name, ==, q->name);
    g_assert_cmpint(p->role, ==, q->role);
    g_assert_cmpint(p->cutype, ==, q->cutype);
    g_assert_cmpstr(p->first_name, ==, q->first_name);
    g_assert_cmpstr(p->last_name, ==, q->last_name);
  }
}

static void test_activity_as_stored_is_as_read_back(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_store) s = kith_store_open(":memory:", KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  for (int round = 0; round < 2; round++) {
    g_autoptr(kith_activity)
        a = kith_activity_new(round ? KITH_ACTIVITY_MEETING : KITH_ACTIVITY_EMAIL);
    a->id = g_strdup(round ? "uid-1@cal" : "m1@acme.com");
    a->time = 1767600000 + round;
    g_free(a->subject);
    a->subject = g_strdup(round ? "" : "Pricing \xc3\xa9t\xc3\xa9");
    a->origin = round ? NULL : g_strdup("inbox.mbox:12");
    a->unauthenticated = round == 0;
    g_assert_true(kith_activity_add_participant(a, "Jane.Doe@Acme.COM", "Jane Doe", KITH_PART_FROM,
                                                KITH_CUTYPE_PERSON));
    g_assert_true(
        kith_activity_add_participant(a, "room@acme.com", NULL, KITH_PART_TO, KITH_CUTYPE_ROOM));
    g_assert_true(
        kith_activity_add_participant(a, "bob@corp.example", "", KITH_PART_CC, KITH_CUTYPE_PERSON));
    char *firsts[] = {"Jane", NULL, NULL, NULL};
    char *lasts[] = {"Doe", NULL, "", NULL};
    gint64 seq = 0;
    g_assert_true(kith_state_activity_insert(s, a, "pending", NULL, &seq, &e));
    g_assert_cmpint(seq, >, 0);
    g_assert_true(
        kith_state_participants_add(s, seq, a, round ? NULL : firsts, round ? NULL : lasts, &e));
    g_autoptr(kith_stored_activity)
        kept = kith_state_activity_as_stored(a, round ? NULL : firsts, round ? NULL : lasts);
    g_autoptr(kith_stored_activity) read = kith_state_activity_load(s, a->id, &e);
    g_assert_no_error(e);
    assert_same_activity(kept, read);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/store/init_twice_changes_nothing", test_store_init_twice_changes_nothing);
  g_test_add_func("/store/missing_file_needs_init", test_store_missing_file_needs_init);
  g_test_add_func("/store/refuses_non_store", test_store_refuses_non_store);
  g_test_add_func("/store/refuses_newer_schema", test_store_refuses_newer_schema);
  g_test_add_func("/store/deferred_index_rebuilt_at_open",
                  test_store_deferred_index_rebuilt_at_open);
  g_test_add_func("/store/migration_4_keeps_activities", test_store_migration_4_keeps_activities);
  g_test_add_func("/store/new_ids_have_salesforce_shape", test_store_new_ids_have_salesforce_shape);
  g_test_add_func("/store/sfid_checksum", test_sfid_checksum);
  g_test_add_func("/store/time_parse_forms", test_time_parse_forms);
  g_test_add_func("/store/time_format_mail", test_time_format_mail);
  g_test_add_func("/store/r39_observation_keeps_newest",
                  test_observation_keeps_newest_whatever_the_order);
  g_test_add_func("/store/observation_log_merges_as_kept", test_observation_log_merges_as_kept);
  g_test_add_func("/store/observation_log_merged_at_open", test_observation_log_merged_at_open);
  g_test_add_func("/store/activity_as_stored_is_as_read_back",
                  test_activity_as_stored_is_as_read_back);
  return g_test_run();
}
