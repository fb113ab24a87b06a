/* test_r50_removal.c - removing a contact kith made, its roles and its return (R50). */
#include "sync_fixture.h"

/* ---- R50 ------------------------------------------------------------------ */

/* Pat, created by kith with a role on Acme's deal, synced. */
static fx *pat_created(char **pat_id)
{
  fx *f = org(OCR_CONF);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  *pat_id = fx_contact(f, "pat@acme.com", "Id");
  g_assert_nonnull(*pat_id);
  g_assert_true(fx_role(f, "006A1", *pat_id, NULL));
  return f;
}

static void test_r50_remove_deletes_contact_and_roles_and_suppresses(void)
{
  g_autofree char *pat = NULL;
  g_autoptr(fx) f = pat_created(&pat);
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_assert_true(kith_rules_remove(&f->d, pat, FALSE, &email, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(email, ==, "pat@acme.com");
  /* Queued like every decision. */
  g_assert_cmpuint(fx_count(f, "Contact", "Id", pat), ==, 1);
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_removed, ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", pat), ==, 0);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "ContactId", pat), ==, 0);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "ContactId", "003JANE"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_removed", NULL), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "pat@acme.com", "contact_removed", NULL);
  g_assert_cmpstr(rule, ==, "R50");
  g_assert_cmpint(kith_state_is_suppressed(f->store, "pat@acme.com", NULL), ==, KITH_LOOKUP_FOUND);
  /* Named again: R11 suppressed, nothing created. */
  fx_ingest(f, fx_email("e2", "2026-01-09T09:00:00Z", "Hi again", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "skipped", "suppressed"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_removed", NULL), ==, 1);
}

static void test_r50_allow_recreate(void)
{
  g_autofree char *pat = NULL;
  g_autoptr(fx) f = pat_created(&pat);
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_rules_remove(&f->d, pat, TRUE, NULL, &error));
  fx_sync(f);
  g_assert_cmpint(kith_state_is_suppressed(f->store, "pat@acme.com", NULL), ==, KITH_LOOKUP_NONE);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 0);
  fx_ingest(f, fx_email("e2", "2026-01-09T09:00:00Z", "Hi again", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *again = fx_contact(f, "pat@acme.com", "Id");
  g_assert_nonnull(again);
  g_assert_cmpstr(again, !=, pat);
}

static void test_r50_refuses_contact_not_created_by_kith(void)
{
  g_autofree char *pat = NULL;
  g_autoptr(fx) f = pat_created(&pat);
  g_autoptr(GError) error = NULL;
  g_assert_false(kith_rules_remove(&f->d, "003JANE", FALSE, NULL, &error));
  g_assert_error(error, KITH_ERROR, KITH_ERROR_REFUSED);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003JANE"), ==, 1);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "ContactId", "003JANE"), ==, 1);
  g_assert_cmpint(kith_state_is_suppressed(f->store, "jane@acme.com", NULL), ==, KITH_LOOKUP_NONE);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_removed", NULL), ==, 0);
}

static void test_r50_unknown_id(void)
{
  g_autofree char *pat = NULL;
  g_autoptr(fx) f = pat_created(&pat);
  g_autoptr(GError) error = NULL;
  g_assert_false(kith_rules_remove(&f->d, "003NOSUCHCONTACT00", FALSE, NULL, &error));
  g_assert_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
  /* Removed once, it is unknown the second time. */
  g_clear_error(&error);
  g_assert_true(kith_rules_remove(&f->d, pat, FALSE, NULL, &error));
  g_assert_false(kith_rules_remove(&f->d, pat, FALSE, NULL, &error));
  g_assert_error(error, KITH_ERROR, KITH_ERROR_NOT_FOUND);
  fx_sync(f);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_removed", NULL), ==, 1);
}

static void test_r50_remove_queued_contact(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  g_autofree char *queued = queued_id(f, "pat@acme.com");
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_rules_remove(&f->d, queued, FALSE, NULL, &error));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_created", NULL), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_removed", NULL), ==, 1);
  g_assert_cmpint(kith_state_is_suppressed(f->store, "pat@acme.com", NULL), ==, KITH_LOOKUP_FOUND);
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/r50/remove_deletes_contact_and_roles_and_suppresses",
                  test_r50_remove_deletes_contact_and_roles_and_suppresses);
  g_test_add_func("/r50/allow_recreate", test_r50_allow_recreate);
  g_test_add_func("/r50/refuses_contact_not_created_by_kith",
                  test_r50_refuses_contact_not_created_by_kith);
  g_test_add_func("/r50/unknown_id", test_r50_unknown_id);
  g_test_add_func("/r50/remove_queued_contact", test_r50_remove_queued_contact);
  return g_test_run();
}
