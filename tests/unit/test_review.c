/* test_review.c - the review queue in the store (store/review.c): what the
 * log and the outbox put in it, read once; decided items stay decided; a
 * failed read is an error, never an empty queue. */
#include "pipeline/resolve.h"
#include "store/outbox.h"
#include "store/review.h"
#include "store/state.h"

#include <string.h>

static kith_store *store_new(void)
{
  g_autoptr(GError) e = NULL;
  kith_store *s = kith_store_open(":memory:", KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  g_assert_true(kith_store_exec(
      s,
      "INSERT INTO Account(Id, Name, Website, OwnerId) VALUES('001A', 'Acme', 'acme.com', '005A');"
      "INSERT INTO account_domain VALUES('acme.com', '001A', 1);"
      "INSERT INTO Contact(Id, AccountId, FirstName, LastName, Email, email_key, "
      "Created_By_Kith__c)"
      " VALUES('003A', '001A', 'Jane', 'Doe', 'jane@acme.com', 'jane@acme.com', 1);",
      &e));
  return s;
}

static void skip_row(kith_store *s, const char *activity, const char *email, const char *reason,
                     const char *object_id, const char *rule)
{
  g_autoptr(GError) e = NULL;
  kith_log_entry x = {.activity_id = activity,
                      .email = email,
                      .action = "skipped",
                      .reason = reason,
                      .object_id = object_id,
                      .rule = rule,
                      .detail = "test"};
  g_assert_true(kith_state_log(s, &x, &e));
  g_assert_no_error(e);
}

static GPtrArray *list(kith_store *s, gboolean all)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) config = kith_config_new_default();
  config->review_participants = 3;
  g_assert_true(kith_resolve_refresh(s, config, &e));
  g_assert_no_error(e);
  GPtrArray *items = kith_review_list(s, all, &e);
  g_assert_no_error(e);
  g_assert_nonnull(items);
  return items;
}

static const kith_review_item *at(GPtrArray *items, guint i)
{
  return g_ptr_array_index(items, i);
}

/* R43: a same_person skip is an alternate of the contact it names, once
 * however often it is logged; a later row brings the open item up to date. */
static void test_review_r43_alternate_once(void)
{
  g_autoptr(kith_store) s = store_new();
  skip_row(s, "m1", "jdoe@acme.com", "same_person", "003A", "R43");
  g_autoptr(GPtrArray) one = list(s, FALSE);
  g_assert_cmpuint(one->len, ==, 1);
  g_assert_cmpint(at(one, 0)->kind, ==, KITH_REVIEW_ALTERNATE);
  g_assert_cmpstr(at(one, 0)->account_id, ==, "001A");
  g_assert_cmpstr(at(one, 0)->account_name, ==, "Acme");
  g_assert_cmpstr(at(one, 0)->contact_name, ==, "Jane Doe");
  skip_row(s, "m2", "jdoe@acme.com", "same_person", "003A", "R43");
  g_autoptr(GPtrArray) again = list(s, FALSE);
  g_assert_cmpuint(again->len, ==, 1);
  g_assert_cmpint(at(again, 0)->id, ==, at(one, 0)->id);
  g_assert_cmpstr(at(again, 0)->activity_id, ==, "m2");
}

/* An alternate of a contact neither in the CRM nor queued any more has no
 * Account to show: AccountId is empty, never "0". */
static void test_review_r43_no_account_is_empty(void)
{
  g_autoptr(kith_store) s = store_new();
  skip_row(s, "m1", "jdoe@acme.com", "same_person", "003GONE", "R43");
  g_autoptr(GPtrArray) all = list(s, TRUE);
  g_assert_cmpuint(all->len, ==, 1);
  g_assert_cmpstr(at(all, 0)->contact_id, ==, "003GONE");
  g_assert_cmpstr(at(all, 0)->account_id, ==, "");
  g_assert_cmpstr(at(all, 0)->account_name, ==, "");
}

/* R22: a missing name is to review at a domain an Account has, not
 * elsewhere, and not when the name is known by now. */
static void test_review_r22_missing_name_at_an_account(void)
{
  g_autoptr(kith_store) s = store_new();
  g_autoptr(GError) e = NULL;
  skip_row(s, "m1", "kim@acme.com", "missing_field", NULL, "R22");
  skip_row(s, "m1", "ola@tailspin.example", "missing_field", NULL, "R22");
  g_assert_true(kith_state_observe(s, "leo@acme.com", "FirstName", "Leo", 1, "m0", &e));
  g_assert_true(kith_state_observe(s, "leo@acme.com", "LastName", "Park", 1, "m0", &e));
  skip_row(s, "m1", "leo@acme.com", "missing_field", NULL,
           "R22"); /* a required field, not a name */
  g_autoptr(GPtrArray) items = list(s, FALSE);
  g_assert_cmpuint(items->len, ==, 1);
  g_assert_cmpint(at(items, 0)->kind, ==, KITH_REVIEW_MISSING_NAME);
  g_assert_cmpstr(at(items, 0)->email, ==, "kim@acme.com");
  g_assert_cmpstr(at(items, 0)->account_id, ==, "001A");
}

/* A decided item stays decided when the log names its address again; an
 * open one whose address became a contact reads settled. */
static void test_review_decided_stays_settled_leaves(void)
{
  g_autoptr(kith_store) s = store_new();
  g_autoptr(GError) e = NULL;
  skip_row(s, "m1", "jdoe@acme.com", "same_person", "003A", "R43");
  skip_row(s, "m1", "kim@acme.com", "missing_field", NULL, "R22");
  g_autoptr(GPtrArray) items = list(s, FALSE);
  g_assert_cmpuint(items->len, ==, 2);
  g_assert_true(kith_review_close(s, at(items, 0)->id, KITH_REVIEW_REJECTED, "suppress", &e));
  skip_row(s, "m2", "jdoe@acme.com", "same_person", "003A", "R43");
  g_assert_true(
      kith_store_exec(s,
                      "INSERT INTO Contact(Id, AccountId, Email, email_key) VALUES('003K', '001A',"
                      " 'kim@acme.com', 'kim@acme.com')",
                      &e));
  g_autoptr(GPtrArray) open = list(s, FALSE);
  g_assert_cmpuint(open->len, ==, 0);
  g_autoptr(GPtrArray) all = list(s, TRUE);
  g_assert_cmpuint(all->len, ==, 2);
  g_assert_cmpint(at(all, 0)->state, ==, KITH_REVIEW_REJECTED);
  g_assert_cmpstr(at(all, 0)->activity_id, ==, "m1");
  g_assert_cmpstr(at(all, 0)->decision, ==, "suppress");
  g_assert_cmpint(at(all, 1)->state, ==, KITH_REVIEW_SETTLED);
}

/* Contacts the rules queued from an activity naming more addresses than
 * the threshold; not those a person asked for, nor from smaller ones. */
static void test_review_many_participants(void)
{
  g_autoptr(kith_store) s = store_new();
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_store_exec(
      s,
      "INSERT INTO activity(seq, id, kind, time, state, ingested_at) VALUES"
      " (1, 'big', 'email', 1, 'decided', 'x'), (2, 'small', 'email', 1, 'decided', 'x');"
      "INSERT INTO participant(activity, pos, email, role, cutype) VALUES"
      " (1, 0, 'a@corp.example', 'from', 'person'), (1, 1, 'b@acme.com', 'to', 'person'),"
      " (1, 2, 'c@acme.com', 'to', 'person'), (1, 3, 'd@acme.com', 'cc', 'person'),"
      " (2, 0, 'a@corp.example', 'from', 'person'), (2, 1, 'e@acme.com', 'to', 'person');",
      &e));
  g_assert_no_error(e);
  const char *rows[][4] = {{"big", "b@acme.com", "003B", "R25"},
                           {"big", "c@acme.com", "003C", "R43"},
                           {"small", "e@acme.com", "003E", "R25"}};
  for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
    kith_outbox_entry x = {.op = KITH_OP_CONTACT_CREATE,
                           .activity_id = (char *)rows[i][0],
                           .email = (char *)rows[i][1],
                           .object_id = (char *)rows[i][2],
                           .account_id = "001A",
                           .rule = (char *)rows[i][3]};
    g_assert_true(kith_outbox_add(s, &x, &e));
  }
  g_assert_true(kith_review_behind(s, &e) == KITH_LOOKUP_FOUND);
  g_autoptr(GPtrArray) items = list(s, FALSE);
  g_assert_cmpuint(items->len, ==, 1);
  g_assert_cmpint(at(items, 0)->kind, ==, KITH_REVIEW_MANY);
  g_assert_cmpstr(at(items, 0)->email, ==, "b@acme.com");
  g_assert_cmpint(at(items, 0)->participants, ==, 4);
  g_assert_true(kith_review_behind(s, &e) == KITH_LOOKUP_NONE);
}

static gint64 count_of(kith_store *s, const char *sql)
{
  g_autoptr(GError) e = NULL;
  sqlite3_stmt *st = kith_store_stmt(s, sql, &e);
  g_assert_no_error(e);
  g_assert_true(kith_store_row(s, st, &e));
  gint64 n = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return n;
}

/* An address accepted as another address of a contact: every decided
 * activity naming it is linked there (the store's one writer of links),
 * not one still waiting to be decided. */
static void test_review_link_address_decided_activities(void)
{
  g_autoptr(kith_store) s = store_new();
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_store_exec(
      s,
      "INSERT INTO activity(seq, id, kind, time, state, ingested_at) VALUES"
      " (1, 'm1', 'email', 1, 'decided', 'x'), (2, 'm2', 'email', 2, 'decided', 'x'),"
      " (3, 'm3', 'email', 3, 'pending', 'x');"
      "INSERT INTO participant(activity, pos, email, role, cutype) VALUES"
      " (1, 0, 'jdoe@acme.com', 'from', 'person'), (2, 0, 'jdoe@acme.com', 'to', 'person'),"
      " (3, 0, 'jdoe@acme.com', 'from', 'person');"
      "INSERT INTO activity_link(activity_id, email, object_type, object_id)"
      " VALUES('m1', 'jdoe@acme.com', 'Contact', '003OLD');",
      &e));
  g_assert_no_error(e);
  g_assert_true(kith_state_link_address(s, "jdoe@acme.com", "Contact", "003A", &e));
  g_assert_no_error(e);
  g_assert_cmpint(count_of(s, "SELECT count(*) FROM activity_link WHERE email = 'jdoe@acme.com'"
                              " AND object_type = 'Contact' AND object_id = '003A'"),
                  ==, 2);
  g_assert_cmpint(count_of(s, "SELECT count(*) FROM activity_link WHERE activity_id = 'm3'"), ==,
                  0);
}

/* A failed read is an error, never an empty queue. */
static void test_review_failed_read_is_an_error(void)
{
  g_autoptr(kith_store) s = store_new();
  skip_row(s, "m1", "jdoe@acme.com", "same_person", "003A", "R43");
  g_autoptr(GPtrArray) before = list(s, FALSE);
  g_assert_cmpuint(before->len, ==, 1);
  kith_store_fail_reads(s, "FROM review");
  g_autoptr(GError) e = NULL;
  g_assert_null(kith_review_list(s, FALSE, &e));
  g_assert_nonnull(e);
  g_clear_error(&e);
  kith_review_item *it = NULL;
  g_assert_true(kith_review_get(s, 1, &it, &e) == KITH_LOOKUP_ERROR);
  g_assert_null(it);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/review/r43_alternate_once", test_review_r43_alternate_once);
  g_test_add_func("/review/r43_no_account_is_empty", test_review_r43_no_account_is_empty);
  g_test_add_func("/review/r22_missing_name_at_an_account",
                  test_review_r22_missing_name_at_an_account);
  g_test_add_func("/review/decided_stays_settled_leaves", test_review_decided_stays_settled_leaves);
  g_test_add_func("/review/many_participants", test_review_many_participants);
  g_test_add_func("/review/link_address_decided_activities",
                  test_review_link_address_decided_activities);
  g_test_add_func("/review/failed_read_is_an_error", test_review_failed_read_is_an_error);
  return g_test_run();
}
