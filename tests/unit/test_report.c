/* test_report.c - what kith explain and the console read of the store: the
 * evidence behind each value, names beside Ids, the contacts one activity
 * created (R50), the last sync, people skipped apart from activities. */
#include "rules_fixture.h"

#include "store/report.h"

/* Ids of the Salesforce shape, so the names put beside them can be found. */
#define ANN_ID "005000000000001AAA"
#define ACME_ID "001000000000001AAA"

static fx *org(void)
{
  fx *f = fx_new(FX_ORG "[profile Sales]\nusers = *\nconversation_only = off\n");
  fx_import(f, "User",
            "Id,FirstName,LastName,Email,IsActive\n" ANN_ID ",Ann,Lee,ann@corp.example,true\n");
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n" ACME_ID ",Acme,acme.com,," ANN_ID
            "\n");
  return f;
}

static const char *str(json_t *j, const char *key)
{
  return json_string_value(json_object_get(j, key));
}

static json_t *field_of(json_t *person, const char *name)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(person, "fields"), i,
                     f) if (g_strcmp0(str(f, "field"), name) == 0) return f;
  return NULL;
}

/* The evidence for FIELD of EMAIL (of VALUE when not NULL), NULL for none;
 * a failed read fails the test. */
static json_t *evidence(fx *f, const char *email, const char *field, const char *value)
{
  g_autoptr(GError) error = NULL;
  json_t *ev = NULL;
  kith_lookup_answer found = kith_report_evidence(f->store, email, field, value, &ev, &error);
  g_assert_no_error(error);
  g_assert_true((found == KITH_LOOKUP_FOUND) == (ev != NULL));
  return ev;
}

/* A value from the display name, one from the sender's signature (R5), and
 * a name the signature gave when the display name gave none (R4). */
static void test_report_evidence_sources(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Kick-off", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_capture(f, fx_email("e2", "2026-01-06T09:00:00Z", "Re: Kick-off", "Jane Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e2", "2026-01-06T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_decide(f);
  fx_sync(f);

  json_t *ev = evidence(f, "jane@acme.com", "Title", NULL);
  g_assert_nonnull(ev);
  g_assert_cmpstr(str(ev, "value"), ==, "CTO");
  g_assert_cmpstr(str(ev, "source"), ==, "signature");
  g_assert_cmpstr(str(json_object_get(ev, "activity"), "subject"), ==, "Re: Kick-off");
  g_assert_cmpstr(str(json_object_get(ev, "activity"), "time"), ==, "2026-01-06T09:00:00Z");
  json_decref(ev);
  ev = evidence(f, "jane@acme.com", "FirstName", NULL);
  g_assert_cmpstr(str(ev, "source"), ==, "display name");
  json_decref(ev);
  /* Only an observation of the value asked about is its evidence. */
  g_assert_null(evidence(f, "jane@acme.com", "Title", "CEO"));

  /* No display name: the name came from the sender's signature. */
  fx_capture(f, fx_email("e3", "2026-01-07T09:00:00Z", "Prices", "pat@acme.com",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e3", "2026-01-07T09:00:00Z", "pat@acme.com", "FirstName", "Pat");
  ev = evidence(f, "pat@acme.com", "FirstName", NULL);
  g_assert_cmpstr(str(ev, "source"), ==, "signature");
  json_decref(ev);
  /* An address no participant of the activity: a quoted header named it. */
  fx_observe(f, "e3", "2026-01-07T09:00:00Z", "lee@acme.com", "LastName", "Lee");
  ev = evidence(f, "lee@acme.com", "LastName", NULL);
  g_assert_cmpstr(str(ev, "source"), ==, "quoted header");
  json_decref(ev);
}

/* The contact's own fields, each with its evidence, and the Account's and
 * the owner's names beside their Ids. */
static void test_report_people_names_and_fields(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Kick-off", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autoptr(GError) error = NULL;
  json_t *people = kith_report_people(f->store, "jane@acme.com", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(json_array_size(people), ==, 1);
  json_t *p = json_array_get(people, 0);
  g_assert_cmpstr(str(p, "account_id"), ==, ACME_ID);
  g_assert_cmpstr(str(p, "account_name"), ==, "Acme");
  g_assert_cmpstr(str(p, "owner_id"), ==, ANN_ID);
  g_assert_cmpstr(str(p, "owner_name"), ==, "Ann Lee");
  g_assert_true(json_is_true(json_object_get(p, "created_by_kith")));
  json_t *first = field_of(p, "FirstName");
  g_assert_cmpstr(str(first, "value"), ==, "Jane");
  g_assert_cmpstr(str(json_object_get(first, "evidence"), "source"), ==, "display name");
  g_assert_null(field_of(p, "Title")); /* empty: not listed */
  json_decref(people);
}

static void test_report_name_ids(void)
{
  g_autoptr(fx) f = org();
  g_autofree char *named = kith_report_name_ids(f->store,
                                                "on Acme (" ACME_ID ") because ann owns " ACME_ID
                                                "; owner " ANN_ID
                                                " (R26); 005000000000009AAA is no User",
                                                NULL);
  g_assert_cmpstr(named, ==,
                  "on Acme (" ACME_ID ") because ann owns Acme (" ACME_ID
                  "); owner Ann Lee (" ANN_ID ") (R26); 005000000000009AAA is no User");
  g_autofree char *none = kith_report_name_ids(f->store, NULL, NULL);
  g_assert_cmpstr(none, ==, "");
}

/* One Id's name: an Account's Name, a User's FirstName LastName, "" for an
 * Id of another kind or of no record; a failed read is an error. */
static void test_report_record_name(void)
{
  g_autoptr(fx) f = org();
  g_autoptr(GError) error = NULL;
  g_autofree char *account = kith_report_record_name(f->store, ACME_ID, &error);
  g_autofree char *user = kith_report_record_name(f->store, ANN_ID, &error);
  g_autofree char *nobody = kith_report_record_name(f->store, "005000000000009AAA", &error);
  g_autofree char *other = kith_report_record_name(f->store, "003000000000001AAA", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(account, ==, "Acme");
  g_assert_cmpstr(user, ==, "Ann Lee");
  g_assert_cmpstr(nobody, ==, "");
  g_assert_cmpstr(other, ==, "");
  kith_store_fail_reads(f->store, "FROM \"User\" WHERE Id");
  g_assert_null(kith_report_record_name(f->store, ANN_ID, &error));
  g_assert_nonnull(error);
}

/* R50: what one activity created, queued or synced, until it is on its way out. */
static void test_report_created_from_r50(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Kick-off", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat Roe <pat@acme.com>", NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queued = kith_report_created_from(f->store, "e1", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(queued->len, ==, 2);
  fx_sync(f);
  g_autoptr(GPtrArray) synced = kith_report_created_from(f->store, "e1", &error);
  g_assert_cmpuint(synced->len, ==, 2);
  g_autofree char *email = NULL;
  g_assert_true(kith_rules_remove(&f->d, g_ptr_array_index(synced, 0), FALSE, &email, &error));
  g_autoptr(GPtrArray) left = kith_report_created_from(f->store, "e1", &error);
  g_assert_cmpuint(left->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(left, 0), ==, g_ptr_array_index(synced, 1));
  g_autoptr(GPtrArray) other = kith_report_created_from(f->store, "no-such-activity", &error);
  g_assert_cmpuint(other->len, ==, 0);
}

/* Any sync keeps its outcome in the store, for the console's Last sync. */
static void test_report_last_sync_kept(void)
{
  g_autoptr(fx) f = org();
  g_assert_null(kith_report_last_sync(f->store, KITH_SYNC_LAST_KEY));
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Kick-off", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  kith_sync_stats st = {0};
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_sync_run(f->store, f->config, &st, &error));
  json_t *last = kith_report_last_sync(f->store, KITH_SYNC_LAST_KEY);
  g_assert_nonnull(last);
  g_assert_true(json_is_true(json_object_get(last, "ok")));
  g_assert_cmpint(json_integer_value(json_object_get(last, "contacts_created")), ==, 1);
  g_assert_cmpstr(str(last, "time"), ==, FX_NOW);
  json_decref(last);
}

/* The dashboard: people skipped by reason, apart from activities skipped (R10). */
static void test_report_counts_people_apart_from_activities(void)
{
  g_autoptr(fx) f = org();
  g_autoptr(GError) error = NULL;
  kith_log_entry a = {"n1", "", "activity_skipped", "automatic", "", "R10", "automatic"};
  kith_log_entry p = {"e1", "ann@corp.example", "skipped", "internal", "", "R11", "internal"};
  g_assert_true(kith_state_log(f->store, &a, &error));
  g_assert_true(kith_state_log(f->store, &p, &error));
  json_t *c = kith_report_counts(f->store, 7, fx_time(FX_NOW));
  json_t *people = json_object_get(c, "skipped_by_reason");
  json_t *activities = json_object_get(c, "activities_skipped_by_reason");
  g_assert_cmpint(json_integer_value(json_object_get(people, "internal")), ==, 1);
  g_assert_null(json_object_get(people, "automatic"));
  g_assert_cmpint(json_integer_value(json_object_get(activities, "automatic")), ==, 1);
  g_assert_null(json_object_get(activities, "internal"));
  json_decref(c);
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/report/evidence/sources", test_report_evidence_sources);
  g_test_add_func("/report/people/names_and_fields", test_report_people_names_and_fields);
  g_test_add_func("/report/name_ids", test_report_name_ids);
  g_test_add_func("/report/record_name", test_report_record_name);
  g_test_add_func("/report/r50/created_from", test_report_created_from_r50);
  g_test_add_func("/report/last_sync/kept", test_report_last_sync_kept);
  g_test_add_func("/report/counts/people_apart_from_activities",
                  test_report_counts_people_apart_from_activities);
  return g_test_run();
}
