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
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "005000000000001AAA|Ann|Lee|ann@corp.example|true");
}

static void test_import_bom_crlf_quoted_newline(fixture *f, gconstpointer d)
{
  kith_import_stats st = {0};
  g_assert_true(import(f, "Account",
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
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==, "00K000000000001AAA|006B|003B|Decision Maker|false|true");
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
  ADD("import_any_column_order_and_unknown_columns", test_import_any_column_order_and_unknown_columns);
  ADD("import_bom_crlf_quoted_newline", test_import_bom_crlf_quoted_newline);
  ADD("import_bad_rows_reported_good_rows_kept", test_import_bad_rows_reported_good_rows_kept);
  ADD("import_duplicate_ids_last_wins", test_import_duplicate_ids_last_wins);
  ADD("import_not_csv_changes_nothing", test_import_not_csv_changes_nothing);
  ADD("export_sorted_by_id_booleans", test_export_sorted_by_id_booleans);
  ADD("import_bad_created_date", test_import_bad_created_date);
  g_test_add_func("/crm/object_lookup", test_object_lookup);
  return g_test_run();
}
