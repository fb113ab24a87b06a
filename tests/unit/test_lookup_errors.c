/* test_lookup_errors.c - a look-up that fails is an error, never "not found": sync and the
 * rules stop instead of reporting success or queueing a duplicate (issue #18). */
#include "rules_fixture.h"

#include "pipeline/ingest.h"
#include "pipeline/resolve.h"
#include "store/review.h"

#define ACME "Id,Name,Website,Secondary_Domains__c,OwnerId\n001ACME,Acme,acme.com,,005ANN\n"

static fx *org(void)
{
  fx *f = fx_new(FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME);
  return f;
}

/* kith_outbox_pending once read a failed step as an empty outbox, and sync
 * said it had finished. */
static void test_sync_stops_when_the_outbox_cannot_be_read(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  kith_store_fail_reads(f->store, "FROM outbox WHERE state = 'pending' ORDER BY seq");
  g_autoptr(GError) error = NULL;
  kith_sync_stats st = {0};
  g_assert_false(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_nonnull(error);
  g_assert_nonnull(strstr(error->message, "read"));
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
  kith_store_fail_reads(f->store, NULL);
  g_clear_error(&error);
  g_assert_true(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

static void capture_only(fx *f)
{
  fx_capture(f, fx_email("e2", "2026-01-06T09:00:00Z", "Again", "Ann Lee <ann@corp.example>",
                         "Jane Doe <jane@acme.com>", NULL));
}

static gboolean decide_pending(fx *f, GError **error)
{
  g_autoptr(GPtrArray) pending = kith_state_pending_activities(f->store, NULL);
  for (guint i = 0; i < pending->len; i++) {
    g_autoptr(kith_stored_activity)
        a = kith_state_activity_load(f->store, g_ptr_array_index(pending, i), error);
    if (!a || !kith_rules_decide(&f->d, a, error))
      return FALSE;
  }
  return TRUE;
}

/* R20: a failed contact look-up must not read as "no contact": neither
 * the mirror's half nor the queued creates' half. */
static void contact_lookup_error_is_no_duplicate(const char *failing)
{
  g_autoptr(fx) f = org();
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  capture_only(f);
  kith_store_fail_reads(f->store, failing);
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 0);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
}

static void test_rules_contact_lookup_error_is_no_duplicate(void)
{
  contact_lookup_error_is_no_duplicate("FROM Contact WHERE email_key = ?");
  contact_lookup_error_is_no_duplicate("FROM outbox WHERE object_id = ?1 AND op IN");
  contact_lookup_error_is_no_duplicate("FROM outbox WHERE email = ?1 AND op = ?9");
}

/* R21: nor a failed lead look-up as "no lead". */
static void test_rules_lead_lookup_error_is_no_contact(void)
{
  g_autoptr(fx) f = org();
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,IsConverted\n"
            "00QJANE,Jane,Doe,jane@acme.com,Acme,false\n");
  capture_only(f);
  kith_store_fail_reads(f->store, "FROM Lead WHERE email_key");
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
}

/* R61: the look-again just before a create must not read a failed read as
 * "nobody has this address", or sync makes a second record. */
static void test_sync_r61_lookup_error_creates_nothing(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  /* Meanwhile somebody typed Jane in; sync cannot read the Contacts. */
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  kith_store_fail_reads(f->store, "FROM Contact WHERE email_key = ? ORDER BY created_ts");
  g_autoptr(GError) error = NULL;
  kith_sync_stats st = {0};
  g_assert_false(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_nonnull(error);
  kith_store_fail_reads(f->store, NULL);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_clear_error(&error);
  g_assert_true(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

/* ---- kith ingest: a failed read stops it, and it stores nothing half-done ---- */

#define JANE_MAIL                                                                                  \
  "From: Ann Lee <ann@corp.example>\r\n"                                                           \
  "To: Jane Doe <jane@acme.com>\r\n"                                                               \
  "Subject: Hello\r\n"                                                                             \
  "Date: Mon, 05 Jan 2026 09:00:00 +0000\r\n"                                                      \
  "Message-ID: <hello-1@corp.example>\r\n"                                                         \
  "\r\n"                                                                                           \
  "Hi Jane\r\n"

/* The entries waiting in the outbox. */
static guint queued(fx *f)
{
  g_autoptr(GPtrArray) pending = kith_outbox_pending(f->store, 100, NULL);
  return pending->len;
}

/* Runs kith ingest on one mail file holding TEXT. */
static gboolean ingest_mail(fx *f, const char *text, kith_ingest_result *result, GError **error)
{
  g_autofree char *path = g_build_filename(f->dir, "hello.eml", NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  const char *paths[] = {path, NULL};
  return kith_ingest_paths(f->store, f->config, paths, NULL, result, error);
}

/* Ingest fails with a one-line store error naming the read, and nothing of
 * the batch it was in is kept: failing IN_CAPTURE, not even the activity,
 * which the next ingest takes as new; failing while deciding, the activity
 * stays stored and undecided. Readable again, the next ingest decides it. */
static void assert_ingest_stops(fx *f, gboolean in_capture)
{
  g_autoptr(GError) error = NULL;
  kith_ingest_result r = {0};
  g_assert_false(ingest_mail(f, JANE_MAIL, &r, &error));
  kith_ingest_result_clear(&r);
  g_assert_nonnull(error);
  g_assert_nonnull(strstr(error->message, "read"));
  g_assert_null(strchr(error->message, '\n'));
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
  g_autoptr(GPtrArray) lines = fx_log_lines(f);
  g_assert_cmpuint(lines->len, ==, 0);
  kith_store_fail_reads(f->store, NULL);
  g_clear_error(&error);
  g_assert_true(ingest_mail(f, JANE_MAIL, &r, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(r.new_activities, ==, in_capture ? 1 : 0);
  g_assert_cmpuint(r.duplicates, ==, in_capture ? 0 : 1);
  g_assert_cmpuint(r.decided, ==, 1);
  kith_ingest_result_clear(&r);
}

/* R2: a User look-up that fails is no "no User": the mail is not stored as
 * skipped no_users. */
static void test_ingest_r2_user_lookup_error_stops(void)
{
  g_autoptr(fx) f = org();
  kith_store_fail_reads(f->store, "FROM \"User\" WHERE email_key");
  assert_ingest_stops(f, TRUE);
  g_assert_cmpuint(fx_log_count(f, NULL, "activity_skipped", NULL), ==, 0);
  g_assert_cmpuint(queued(f), ==, 1); /* Jane's contact, once readable */
}

/* R2: nor is a failed read of the learned aliases "never learned". */
static void test_ingest_r2_learned_alias_error_stops(void)
{
  g_autoptr(fx) f = fx_new(FX_ORG "learn_aliases = on\n");
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME);
  kith_store_fail_reads(f->store, "FROM engagement_log WHERE email = ?1 AND action = ?2");
  /* ann2@ is internal and no User's Email: is it a learned alias? */
  g_autofree char *path = g_build_filename(f->dir, "alias.eml", NULL);
  g_assert_true(g_file_set_contents(path,
                                    "From: Ann Lee <ann2@corp.example>\r\n"
                                    "To: Jane Doe <jane@acme.com>\r\n"
                                    "Subject: Hello\r\n"
                                    "Date: Mon, 05 Jan 2026 09:00:00 +0000\r\n"
                                    "Message-ID: <alias-1@corp.example>\r\n\r\nHi\r\n",
                                    -1, NULL));
  const char *paths[] = {path, NULL};
  g_autoptr(GError) error = NULL;
  kith_ingest_result r = {0};
  g_assert_false(kith_ingest_paths(f->store, f->config, paths, NULL, &r, &error));
  kith_ingest_result_clear(&r);
  g_assert_nonnull(error);
  g_autoptr(GPtrArray) lines = fx_log_lines(f);
  g_assert_cmpuint(lines->len, ==, 0);
}

/* R11, R50: a removed contact's address stays suppressed when the
 * suppression list cannot be read: ingest stops instead of creating it. */
static void test_ingest_r50_suppression_read_error_creates_nothing(void)
{
  g_autoptr(fx) f = org();
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_suppress(f->store, "jane@acme.com", "003OLD", &error));
  kith_store_fail_reads(f->store, "FROM suppression WHERE email");
  assert_ingest_stops(f, TRUE);
  g_assert_cmpuint(queued(f), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "suppressed"), ==, 1);
}

/* R3: an Account look-up that fails is no "no account". */
static void test_ingest_r3_account_lookup_error_stops(void)
{
  g_autoptr(fx) f = org();
  kith_store_fail_reads(f->store, "FROM account_domain WHERE domain");
  assert_ingest_stops(f, FALSE);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "no_account"), ==, 0);
  g_assert_cmpuint(queued(f), ==, 1); /* Jane's contact, once readable */
}

/* R22: an observation that cannot be read is no missing name. */
static void test_ingest_r22_observation_read_error_stops(void)
{
  g_autoptr(fx) f = org();
  kith_store_fail_reads(f->store, "SELECT field FROM observation WHERE email = ?");
  assert_ingest_stops(f, FALSE);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "missing_field"), ==, 0);
  g_assert_cmpuint(queued(f), ==, 1); /* Jane's contact, once readable */
}

/* An activity whose participants cannot all be read is not decided on
 * those that could. */
static void test_rules_participants_read_error_decides_nothing(void)
{
  g_autoptr(fx) f = org();
  capture_only(f);
  kith_store_fail_reads(f->store, "FROM participant WHERE activity = ? ORDER BY pos");
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
}

/* R39: a field source that cannot be read is no "written from nothing
 * yet": no update is queued from an observation that may be older. */
static void test_rules_r39_field_source_read_error_queues_no_update(void)
{
  g_autoptr(fx) f = org();
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Title,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,Engineer,true\n");
  fx_observe(f, "e0", "2026-01-04T09:00:00Z", "jane@acme.com", "Title", "CTO");
  capture_only(f);
  kith_store_fail_reads(f->store, "FROM field_source WHERE contact_id");
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
  /* Readable again, the same decision queues the update. */
  kith_store_fail_reads(f->store, NULL);
  g_clear_error(&error);
  g_assert_true(decide_pending(f, &error));
  g_autoptr(GPtrArray) after = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(after->len, ==, 1);
}

/* R30: a role look-up that fails is no "no role": no second role is queued. */
static void test_rules_r30_role_read_error_queues_no_role(void)
{
  g_autoptr(fx) f = fx_new(FX_ORG "[profile Sales]\nusers = *\nocr = on\n");
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed\n"
            "006A1,001ACME,Deal,005ANN,Open,false\n");
  fx_import(f, "OpportunityContactRole",
            "Id,OpportunityId,ContactId,Role\n"
            "00KJ1,006A1,003JANE,Decision Maker\n");
  capture_only(f);
  kith_store_fail_reads(f->store, "FROM OpportunityContactRole WHERE OpportunityId = ?1 AND"
                                  " ContactId");
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
}

/* R26 at sync: an owner whose User cannot be read is not taken as inactive
 * (nor as active): sync stops and creates nothing. */
static void test_sync_r26_owner_read_error_creates_nothing(void)
{
  g_autoptr(fx) f = org();
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  kith_store_fail_reads(f->store, "SELECT IsActive FROM \"User\" WHERE Id");
  g_autoptr(GError) error = NULL;
  kith_sync_stats st = {0};
  g_assert_false(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_nonnull(error);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 0);
  kith_store_fail_reads(f->store, NULL);
  g_clear_error(&error);
  g_assert_true(kith_sync_local(f->store, f->config, &st, &error));
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005ANN");
}

/* R30 at sync: a role the tables cannot be asked about is not taken for
 * "no such role", nor an Id whose alias cannot be read for "no alias":
 * sync stops, and the role is made once when it runs again. */
static void test_sync_r30_role_read_error_makes_no_second_role(void)
{
  const char *fails[] = {"FROM OpportunityContactRole WHERE OpportunityId = ? AND ContactId = ?",
                         "FROM id_alias WHERE queued_id"};
  for (guint i = 0; i < G_N_ELEMENTS(fails); i++) {
    g_autoptr(fx) f = fx_new(FX_ORG "[profile Sales]\nusers = *\nocr = on\n");
    fx_import(f, "User", FX_USERS);
    fx_import(f, "Account", ACME);
    fx_import(f, "Contact",
              "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
              "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n"
              "003MIKE,001ACME,Mike,Moe,mike@acme.com,false\n");
    fx_import(f, "Opportunity",
              "Id,AccountId,Name,OwnerId,StageName,IsClosed\n"
              "006A1,001ACME,Deal,005ANN,Open,false\n");
    fx_import(f, "OpportunityContactRole",
              "Id,OpportunityId,ContactId,Role\n"
              "00KJ1,006A1,003JANE,Decision Maker\n");
    fx_ingest(f, fx_meeting("uid-1", "2026-01-05T09:00:00Z", "Review", "ann@corp.example",
                            "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>", NULL));
    g_assert_cmpuint(queued(f), ==, 1); /* Mike's role (R30) */
    kith_store_fail_reads(f->store, fails[i]);
    g_autoptr(GError) error = NULL;
    kith_sync_stats st = {0};
    g_assert_false(kith_sync_local(f->store, f->config, &st, &error));
    g_assert_nonnull(error);
    g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "ContactId", "003MIKE"), ==, 0);
    kith_store_fail_reads(f->store, NULL);
    g_clear_error(&error);
    g_assert_true(kith_sync_local(f->store, f->config, &st, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "ContactId", "003MIKE"), ==, 1);
  }
}

/* A kept setting (the review queue's place in the log, the mirror's last
 * SystemModstamp, the day of the last dedup or purge) that cannot be read
 * is an error, never "unset": unset would mean reading everything anew. */
static void test_meta_read_error_is_not_unset(void)
{
  g_autoptr(fx) f = org();
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_store_meta_set(f->store, "review_log_seq", "7", &error));
  g_autofree char *v = NULL;
  g_assert_cmpint(kith_store_meta_get(f->store, "review_log_seq", &v, &error), ==,
                  KITH_LOOKUP_FOUND);
  g_assert_cmpstr(v, ==, "7");
  g_clear_pointer(&v, g_free);
  g_assert_cmpint(kith_store_meta_get(f->store, "no such key", &v, &error), ==, KITH_LOOKUP_NONE);
  g_assert_null(v);
  kith_store_fail_reads(f->store, "FROM meta WHERE key");
  g_assert_cmpint(kith_store_meta_get(f->store, "review_log_seq", &v, &error), ==,
                  KITH_LOOKUP_ERROR);
  g_assert_nonnull(error);
  g_assert_null(v);
  g_clear_error(&error);
  g_assert_false(kith_resolve_refresh(f->store, f->config, &error));
  g_assert_nonnull(error);
  kith_store_fail_reads(f->store, NULL);
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/lookup/sync_stops_when_the_outbox_cannot_be_read",
                  test_sync_stops_when_the_outbox_cannot_be_read);
  g_test_add_func("/lookup/r20_contact_lookup_error_is_no_duplicate",
                  test_rules_contact_lookup_error_is_no_duplicate);
  g_test_add_func("/lookup/r21_lead_lookup_error_is_no_contact",
                  test_rules_lead_lookup_error_is_no_contact);
  g_test_add_func("/lookup/r61_lookup_error_creates_nothing",
                  test_sync_r61_lookup_error_creates_nothing);
  g_test_add_func("/lookup/ingest_r2_user_lookup_error_stops",
                  test_ingest_r2_user_lookup_error_stops);
  g_test_add_func("/lookup/ingest_r2_learned_alias_error_stops",
                  test_ingest_r2_learned_alias_error_stops);
  g_test_add_func("/lookup/ingest_r50_suppression_read_error_creates_nothing",
                  test_ingest_r50_suppression_read_error_creates_nothing);
  g_test_add_func("/lookup/ingest_r3_account_lookup_error_stops",
                  test_ingest_r3_account_lookup_error_stops);
  g_test_add_func("/lookup/ingest_r22_observation_read_error_stops",
                  test_ingest_r22_observation_read_error_stops);
  g_test_add_func("/lookup/participants_read_error_decides_nothing",
                  test_rules_participants_read_error_decides_nothing);
  g_test_add_func("/lookup/r39_field_source_read_error_queues_no_update",
                  test_rules_r39_field_source_read_error_queues_no_update);
  g_test_add_func("/lookup/r30_role_read_error_queues_no_role",
                  test_rules_r30_role_read_error_queues_no_role);
  g_test_add_func("/lookup/sync_r26_owner_read_error_creates_nothing",
                  test_sync_r26_owner_read_error_creates_nothing);
  g_test_add_func("/lookup/sync_r30_role_read_error_makes_no_second_role",
                  test_sync_r30_role_read_error_makes_no_second_role);
  g_test_add_func("/lookup_errors/meta_read_error_is_not_unset", test_meta_read_error_is_not_unset);
  return g_test_run();
}
