/* test_lookup_errors.c - a look-up that fails is an error, never "not found": sync and the
 * rules stop instead of reporting success or queueing a duplicate (issue #18). */
#include "rules_fixture.h"

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
    g_autoptr(kith_stored_activity) a =
        kith_state_activity_load(f->store, g_ptr_array_index(pending, i), NULL);
    if (!kith_rules_decide(&f->d, a, error))
      return FALSE;
  }
  return TRUE;
}

/* R20: a failed contact look-up must not read as "no contact". */
static void test_rules_contact_lookup_error_is_no_duplicate(void)
{
  g_autoptr(fx) f = org();
  fx_import(f, "Contact", "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
                          "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  capture_only(f);
  kith_store_fail_reads(f->store, "FROM Contact WHERE email_key = ?1");
  g_autoptr(GError) error = NULL;
  g_assert_false(decide_pending(f, &error));
  g_assert_nonnull(error);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 0);
  g_autoptr(GPtrArray) queued = kith_outbox_pending(f->store, 100, NULL);
  g_assert_cmpuint(queued->len, ==, 0);
}

/* R21: nor a failed lead look-up as "no lead". */
static void test_rules_lead_lookup_error_is_no_contact(void)
{
  g_autoptr(fx) f = org();
  fx_import(f, "Lead", "Id,FirstName,LastName,Email,Company,IsConverted\n"
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
  fx_import(f, "Contact", "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
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
  return g_test_run();
}
