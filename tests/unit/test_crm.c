/* test_crm.c - CRM CSV import and export (CONTRACT.md section 2) on a real store file. */
#include "store/crm.h"
#include "util/error.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *dir;
  kith_store *store;
  GPtrArray *errors;
} fixture;

static void setup(fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp("kith-test-crm-XXXXXX", NULL);
  g_autofree char *db = g_build_filename(f->dir, "kith.db", NULL);
  g_autoptr(GError) error = NULL;
  f->store = kith_store_open(db, KITH_STORE_CREATE, &error);
  g_assert_no_error(error);
  f->errors = g_ptr_array_new_with_free_func(g_free);
}

static void teardown(fixture *f, gconstpointer data)
{
  kith_store_close(f->store);
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
  g_assert_cmpint(system(cmd), ==, 0);
  g_free(f->dir);
  g_ptr_array_unref(f->errors);
}

static void on_error(const char *where, const char *why, gpointer data)
{
  fixture *f = data;
  if (g_str_has_prefix(why, "warning: "))
    return; /* unknown and missing columns (section 2): test_crm_files.sh checks them */
  g_ptr_array_add(f->errors, g_strdup_printf("%s: %s", where, why));
}

static gboolean import(fixture *f, const char *object, const char *text, kith_import_stats *st,
                       GError **error)
{
  g_autofree char *path = g_build_filename(f->dir, "in.csv", NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  return kith_crm_import(f->store, kith_crm_object_lookup(object), path, on_error, f, st, error);
}

typedef struct {
  GPtrArray *rows;
  guint n;
} grab_ctx;

static gboolean grab_row(const char *const *values, gpointer data)
{
  grab_ctx *c = data;
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < c->n; i++)
    g_string_append_printf(s, "%s%s", i ? "|" : "", values[i]);
  g_ptr_array_add(c->rows, g_string_free(s, FALSE));
  return TRUE;
}

/* Each exported row, its column values joined by "|" in the columns' order. */
static GPtrArray *rows_of(fixture *f, const char *object)
{
  const kith_crm_object *o = kith_crm_object_lookup(object);
  grab_ctx c = {g_ptr_array_new_with_free_func(g_free), o->n_columns};
  g_assert_true(kith_crm_export(f->store, o, grab_row, &c, NULL));
  return c.rows;
}

static void test_import_any_column_order_and_unknown_columns(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_autoptr(GError) e = NULL;
  g_assert_true(import(f, "User",
                       "Email,Extra__c,Id,LastName,IsActive,FirstName\r\n"
                       "ann@corp.example,x,005000000000001AAA,Lee,TRUE,Ann\r\n",
                       &st, &e));
  g_assert_no_error(e);
  g_assert_cmpuint(st.rows, ==, 1);
  g_autoptr(GPtrArray) rows = rows_of(f, "User");
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==,
                  "005000000000001AAA|Ann|Lee|ann@corp.example|true");
}

static void test_import_bom_crlf_quoted_newline(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(
      import(f, "Account",
             "\xEF\xBB\xBFId,Name,Website\r\n"
             "001000000000001AAA,\"Acme, \"\"the\"\"\nCompany\",https://www.Acme.com/about\r\n",
             &st, NULL));
  g_assert_cmpuint(st.rows, ==, 1);
  g_autoptr(GPtrArray) rows = rows_of(f, "Account");
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==,
                  "001000000000001AAA|Acme, \"the\"\nCompany|https://www.Acme.com/about||");
}

static void test_import_bad_rows_reported_good_rows_kept(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_autoptr(GError) e = NULL;
  g_assert_true(import(f, "User",
                       "Id,Email,IsActive\n"
                       "005000000000001AAA,a@corp.example,yes-ish\n"
                       ",b@corp.example,true\n"
                       "005000000000003AAA,c@corp.example,1,extra\n"
                       "005000000000004AAA,d@corp.example,0\n",
                       &st, &e));
  g_assert_no_error(e);
  g_assert_cmpuint(st.rows, ==, 1);
  g_assert_cmpuint(st.bad_rows, ==, 3);
  g_assert_cmpuint(f->errors->len, ==, 3);
  g_assert_true(strstr(g_ptr_array_index(f->errors, 0), "in.csv:2: IsActive"));
  g_assert_true(strstr(g_ptr_array_index(f->errors, 1), "in.csv:3: no Id"));
  g_assert_true(strstr(g_ptr_array_index(f->errors, 2), "in.csv:4: 4 fields, the header has 3"));
  g_autoptr(GPtrArray) rows = rows_of(f, "User");
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "005000000000004AAA|||d@corp.example|false");
}

static void test_import_duplicate_ids_last_wins(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(import(f, "Lead",
                       "Id,FirstName,Email,IsConverted\n"
                       "00Q000000000001AAA,Old,x@acme.com,false\n"
                       "00Q000000000001AAA,New,x@acme.com,True\n",
                       &st, NULL));
  g_autoptr(GPtrArray) rows = rows_of(f, "Lead");
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "00Q000000000001AAA|New||x@acme.com|||true");
}

/* Many rows: good rows are written in batches, a very long row alone, and
 * whatever the path, the last good row of each Id wins and each bad row is
 * reported at its own line. */
static void test_import_duplicate_ids_last_wins_across_batches(fixture *f, gconstpointer d)
{
  g_autoptr(GString) csv = g_string_new("Id,FirstName,Title,Created_By_Kith__c\n");
  g_autofree char *long_title = g_strnfill(70 * 1024, 't');
  char *want[50] = {NULL};
  guint bad = 0;
  for (guint i = 0; i < 300; i++) {
    gboolean is_bad = i % 7 == 3;
    const char *title = i % 61 == 5 ? long_title : "Eng";
    g_string_append_printf(csv, "003%015u,v%u,%s,%s\n", i % 50, i, title, is_bad ? "maybe" : "0");
    if (is_bad) {
      bad++;
      continue;
    }
    g_free(want[i % 50]);
    want[i % 50] = g_strdup_printf("003%015u|v%u|%s", i % 50, i, title);
  }
  kith_import_stats st = {0};
  g_assert_true(import(f, "Contact", csv->str, &st, NULL));
  g_assert_cmpuint(st.rows, ==, 300 - bad);
  g_assert_cmpuint(st.bad_rows, ==, bad);
  g_assert_true(strstr(g_ptr_array_index(f->errors, 0), "in.csv:5: Created_By_Kith__c"));
  g_assert_true(strstr(g_ptr_array_index(f->errors, bad - 1), "in.csv:299: Created_By_Kith__c"));
  g_autoptr(GPtrArray) rows = rows_of(f, "Contact");
  g_assert_cmpuint(rows->len, ==, 50);
  for (guint i = 0; i < 50; i++) {
    g_auto(GStrv) cols = g_strsplit(g_ptr_array_index(rows, i), "|", -1);
    g_autofree char *got = g_strdup_printf("%s|%s|%s", cols[0], cols[2], cols[5]);
    g_assert_cmpstr(got, ==, want[i]);
    g_free(want[i]);
  }
}

static void test_import_not_csv_changes_nothing(fixture *f, gconstpointer d)
{
  g_autoptr(GError) e = NULL;
  g_assert_true(import(f, "Contact", "Id,Email\n003000000000001AAA,a@acme.com\n", NULL, NULL));
  g_assert_false(import(f, "Contact", "\x89PNG\r\n\x1a\n\0\0\0binary", NULL, &e));
  g_assert_nonnull(e);
  g_clear_error(&e);
  g_assert_false(import(f, "Contact", "Name,Email\nx,y\n", NULL, &e));
  g_assert_true(strstr(e->message, "no Id column"));
  g_clear_error(&e);
  g_assert_false(import(f, "Contact", "", NULL, &e));
  g_autoptr(GPtrArray) rows = rows_of(f, "Contact");
  g_assert_cmpuint(rows->len, ==, 1);
}

static void test_export_sorted_by_id_booleans(fixture *f, gconstpointer d)
{
  g_assert_true(import(f, "OpportunityContactRole",
                       "Id,OpportunityId,ContactId,Role,IsPrimary,Created_By_Kith__c\n"
                       "00K000000000002AAA,006A,003A,,1,0\n"
                       "00K000000000001AAA,006B,003B,Decision Maker,false,TRUE\n",
                       NULL, NULL));
  g_autoptr(GPtrArray) rows = rows_of(f, "OpportunityContactRole");
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==,
                  "00K000000000001AAA|006B|003B|Decision Maker|false|true");
  g_assert_cmpstr(g_ptr_array_index(rows, 1), ==, "00K000000000002AAA|006A|003A||true|false");
}

static void test_import_bad_created_date(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(import(f, "Opportunity",
                       "Id,AccountId,IsClosed,CreatedDate\n006A,001A,false,yesterday\n"
                       "006B,001A,false,2025-12-01T09:00:00.000+0000\n",
                       &st, NULL));
  g_assert_cmpuint(st.rows, ==, 1);
  g_assert_cmpuint(st.bad_rows, ==, 1);
}

/* Lines without quotes are split by kith itself, the others by libcsv: the
 * same records written both ways (each row of the second file has one
 * field quoted) must import the same, blanks around fields trimmed. */
static void test_import_plain_lines_split_like_libcsv(fixture *f, gconstpointer d)
{
  const char *rows[] = {
      " 003000000000001AAA ,\t001A\t, Ann  ,Lee,ANN@Acme.com , %s",
      "003000000000002AAA,,,, , %s",
      "003000000000003AAA,001B,\tBo\tb\t,,b@acme.com,%s",
  };
  GPtrArray *exported[2] = {NULL, NULL};
  for (int quoted = 0; quoted < 2; quoted++) {
    g_autoptr(GString) csv = g_string_new("Id,AccountId,FirstName,LastName,Email,Note\n");
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
      g_string_append_printf(csv, rows[i], quoted ? "\"q\"" : "q");
      g_string_append(csv, i == 1 ? "\r\n" : "\n");
      if (i == 0)
        g_string_append(csv, "\n \t \r\n"); /* blank lines: no record */
    }
    kith_import_stats st = {0};
    g_autoptr(GError) e = NULL;
    g_assert_true(import(f, "Contact", csv->str, &st, &e));
    g_assert_no_error(e);
    g_assert_cmpuint(st.rows, ==, 3);
    g_assert_cmpuint(st.bad_rows, ==, 0);
    exported[quoted] = rows_of(f, "Contact");
    g_autofree char *sql = g_strdup("DELETE FROM Contact");
    g_assert_true(kith_store_exec(f->store, sql, NULL));
  }
  g_assert_cmpuint(exported[0]->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr(g_ptr_array_index(exported[0], i), ==, g_ptr_array_index(exported[1], i));
  g_assert_cmpstr(g_ptr_array_index(exported[0], 0), ==,
                  "003000000000001AAA|001A|Ann|Lee|ANN@Acme.com||||||||||false|");
  g_assert_cmpstr(g_ptr_array_index(exported[0], 2), ==,
                  "003000000000003AAA|001B|Bo\tb||b@acme.com||||||||||false|");
  g_ptr_array_unref(exported[0]);
  g_ptr_array_unref(exported[1]);
}

/* A record across lines, a lone CR ending a record and a last line with no
 * newline: each bad row is still reported at the line it starts on. */
static void test_import_line_numbers_across_multiline_records(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(import(f, "User",
                       "Id,FirstName,IsActive\n"
                       "005000000000001AAA,\"two\nlines\",true\n"
                       "005000000000002AAA,x,maybe\n"
                       "005000000000003AAA,y,1\r005000000000004AAA,z,perhaps\n"
                       "005000000000005AAA,w,no",
                       &st, NULL));
  g_assert_cmpuint(st.rows, ==, 2);
  g_assert_cmpuint(f->errors->len, ==, 3);
  g_assert_true(strstr(g_ptr_array_index(f->errors, 0), "in.csv:4: IsActive"));
  g_assert_true(strstr(g_ptr_array_index(f->errors, 1), "in.csv:5: IsActive"));
  g_assert_true(strstr(g_ptr_array_index(f->errors, 2), "in.csv:6: IsActive"));
  g_autoptr(GPtrArray) rows = rows_of(f, "User");
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "005000000000001AAA|two\nlines|||true");
  g_assert_cmpstr(g_ptr_array_index(rows, 1), ==, "005000000000003AAA|y|||true");
}

/* Only the object's own columns must be UTF-8; an ignored column may hold anything. */
static void test_import_utf8_checked_in_known_columns_only(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(import(f, "Lead",
                       "Id,FirstName,Junk\n"
                       "00Q000000000001AAA,J\xC3\xA9r\xC3\xB4me,\xFF\xFE\n"
                       "00Q000000000002AAA,Bad\xC3,ok\n",
                       &st, NULL));
  g_assert_cmpuint(st.rows, ==, 1);
  g_assert_cmpuint(f->errors->len, ==, 1);
  g_assert_true(strstr(g_ptr_array_index(f->errors, 0), "in.csv:3: FirstName is not UTF-8 text"));
}

/* How many Contacts have the look-up key ADDRESS. */
static gint64 with_key(fixture *f, const char *address)
{
  g_autoptr(GError) e = NULL;
  sqlite3_stmt *st = kith_store_stmt(f->store, "SELECT count(*) FROM Contact WHERE email_key = ?",
                                     &e);
  g_assert_nonnull(st);
  sqlite3_bind_text(st, 1, address, -1, SQLITE_TRANSIENT);
  g_assert_true(kith_store_row(f->store, st, &e));
  gint64 n = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return n;
}

/* R1: the look-up key of an imported address, plain ASCII or not. */
static void test_import_email_key_r1_normalised(fixture *f, gconstpointer d)
{
  g_assert_true(import(f, "Contact",
                       "Id,Email\n"
                       "003000000000001AAA,Ann.Lee@Example.COM\n"
                       "003000000000002AAA,\" <mailto:ann.lee@example.com.> \"\n"
                       "003000000000003AAA,Bob@B\xC3\xBC"
                       "cher.example\n"
                       "003000000000004AAA,not an address\n",
                       NULL, NULL));
  g_assert_cmpint(with_key(f, "ann.lee@example.com"), ==, 2);
  g_assert_cmpint(with_key(f, "bob@xn--bcher-kva.example"), ==, 1);
  g_assert_cmpint(with_key(f, "not an address"), ==, 1);
}

/* A record longer than the import's bound is one bad row; a single field
 * longer than that (an unclosed quote) stops the import, changing nothing. */
static void test_import_record_too_long(fixture *f, gconstpointer d)
{
  g_autofree char *chunk = g_strnfill(3 * 1024 * 1024, 'x');
  g_autoptr(GString) csv = g_string_new("Id,FirstName,LastName,Title,Phone,Department,Persona__c\n"
                                        "003000000000001AAA");
  for (int field = 0; field < 6; field++)
    g_string_append_printf(csv, ",\"%s\n%s\"", chunk, "y");
  g_string_append(csv, "\n003000000000002AAA,Ann,,,,,\n");
  kith_import_stats st = {0};
  g_assert_true(import(f, "Contact", csv->str, &st, NULL));
  g_assert_cmpuint(st.rows, ==, 1);
  g_assert_cmpuint(f->errors->len, ==, 1);
  g_assert_true(strstr(g_ptr_array_index(f->errors, 0), "in.csv:2: longer than"));

  g_string_assign(csv, "Id,FirstName\n003000000000003AAA,\"");
  for (int line = 0; line < 6; line++)
    g_string_append_printf(csv, "%s\n", chunk);
  g_autoptr(GError) e = NULL;
  g_assert_false(import(f, "Contact", csv->str, NULL, &e));
  g_assert_true(strstr(e->message, "a field longer than"));
  g_autoptr(GPtrArray) rows = rows_of(f, "Contact");
  g_assert_cmpuint(rows->len, ==, 1);
}

/* kith_crm_upsert (used by sync) writes one record; NULL values are empty. */
static void test_upsert_one_record(fixture *f, gconstpointer d)
{
  const kith_crm_object *o = kith_crm_object_lookup("User");
  const char *vals[] = {" 005000000000001AAA ", "Ann", NULL, "Ann@Corp.example", "0"};
  g_autofree char *why = NULL;
  g_assert_true(kith_crm_upsert(f->store, o, vals, &why, NULL));
  const char *bad[] = {"005000000000002AAA", NULL, NULL, NULL, "sometimes"};
  g_assert_false(kith_crm_upsert(f->store, o, bad, &why, NULL));
  g_assert_true(strstr(why, "IsActive"));
  g_autoptr(GPtrArray) rows = rows_of(f, "User");
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "005000000000001AAA|Ann||Ann@Corp.example|false");
}

static void test_object_lookup(void)
{
  g_assert_nonnull(kith_crm_object_lookup("OpportunityContactRole"));
  g_assert_null(kith_crm_object_lookup("contact"));
  g_assert_null(kith_crm_object_lookup("Case"));
  g_assert_cmpuint(kith_crm_object_lookup("Contact")->n_columns, ==, 16);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add("/crm/" name, fixture, NULL, setup, fn, teardown)
  ADD("import_any_column_order_and_unknown_columns",
      test_import_any_column_order_and_unknown_columns);
  ADD("import_bom_crlf_quoted_newline", test_import_bom_crlf_quoted_newline);
  ADD("import_bad_rows_reported_good_rows_kept", test_import_bad_rows_reported_good_rows_kept);
  ADD("import_duplicate_ids_last_wins", test_import_duplicate_ids_last_wins);
  ADD("import_duplicate_ids_last_wins_across_batches",
      test_import_duplicate_ids_last_wins_across_batches);
  ADD("import_not_csv_changes_nothing", test_import_not_csv_changes_nothing);
  ADD("export_sorted_by_id_booleans", test_export_sorted_by_id_booleans);
  ADD("import_bad_created_date", test_import_bad_created_date);
  ADD("import_plain_lines_split_like_libcsv", test_import_plain_lines_split_like_libcsv);
  ADD("import_line_numbers_across_multiline_records",
      test_import_line_numbers_across_multiline_records);
  ADD("import_utf8_checked_in_known_columns_only", test_import_utf8_checked_in_known_columns_only);
  ADD("import_email_key_r1_normalised", test_import_email_key_r1_normalised);
  ADD("import_record_too_long", test_import_record_too_long);
  ADD("upsert_one_record", test_upsert_one_record);
  g_test_add_func("/crm/object_lookup", test_object_lookup);
  return g_test_run();
}
