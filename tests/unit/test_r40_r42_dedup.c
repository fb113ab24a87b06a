/* test_r40_r42_dedup.c - dedup of the contacts kith made: the survivor (R40), never a record kith did not make (R41), roles and links move to the survivor (R42). */
#include "sync_fixture.h"

/* ---- R40-R42 -------------------------------------------------------------- */

static kith_dedup_stats dedup(fx *f)
{
  g_autoptr(GError) error = NULL;
  kith_dedup_stats stats = {0};
  g_assert_true(kith_rules_dedup(&f->d, FALSE, NULL, NULL, &stats, &error));
  g_assert_no_error(error);
  return stats;
}

static void test_r40_survivor_earliest_created(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            CONTACT_HEADER "003A,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-05-01T00:00:00Z\n"
                           "003B,001ACME,Jane,Doe,Jane@Acme.com,005ANN,true,2025-03-01T00:00:00Z\n"
                           "003C,001ACME,Jane,Doe,JANE@acme.com,005ANN,true,2025-04-01T00:00:00Z\n"
                           "003D,001ACME,Joe,Ray,joe@acme.com,005ANN,true,2025-04-01T00:00:00Z\n");
  kith_dedup_stats s = dedup(f);
  g_assert_cmpuint(s.groups, ==, 1);
  g_assert_cmpuint(s.deleted, ==, 2);
  /* Queued, not applied. */
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 4);
  kith_sync_stats st = fx_sync(f);
  g_assert_cmpuint(st.contacts_deleted, ==, 2);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003B"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003A"), ==, 0);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003C"), ==, 0);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003D"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, NULL, "contact_deleted", NULL), ==, 2);
  g_autofree char *rule = fx_log_rule(f, NULL, "contact_deleted", NULL);
  g_assert_cmpstr(rule, ==, "R41");
}

static void test_r40_tie_lowest_id(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003Y,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-03-01T00:00:00Z\n"
            "003X,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-03-01T00:00:00Z\n");
  dedup(f);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003X"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003Y"), ==, 0);
}

static void test_r41_non_kith_never_deleted(void)
{
  g_autoptr(fx) f = org(NULL);
  /* A kith contact survives (earliest); two hand-made ones stay too. */
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003K,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-01-01T00:00:00Z\n"
            "003H,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-02-01T00:00:00Z\n"
            "003I,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-03-01T00:00:00Z\n");
  kith_dedup_stats s = dedup(f);
  g_assert_cmpuint(s.deleted, ==, 0);
  g_assert_cmpuint(s.kept, ==, 2);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 3);
  g_assert_cmpuint(fx_log_count(f, NULL, "contact_deleted", NULL), ==, 0);
}

static void test_r42_roles_move_to_survivor(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006O1,001ACME,One,005ANN,Open,false,2025-06-01T00:00:00Z\n"
            "006O2,001ACME,Two,005ANN,Open,false,2025-06-01T00:00:00Z\n"
            "006O3,001ACME,Three,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003S,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-01-01T00:00:00Z\n"
            "003D1,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-02-01T00:00:00Z\n"
            "003D2,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-03-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole",
            ROLES_HEADER "00KS1,006O1,003S,Buyer,true,false\n"
                         "00KD11,006O1,003D1,Influencer,false,true\n"
                         "00KD12,006O2,003D1,Champion,false,true\n"
                         "00KD22,006O2,003D2,Influencer,false,true\n"
                         "00KD23,006O3,003D2,Evaluator,false,true\n");
  kith_dedup_stats s = dedup(f);
  g_assert_cmpuint(s.deleted, ==, 2);
  g_assert_cmpuint(s.roles_moved, ==, 2);
  fx_sync(f);
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL;
  g_assert_true(fx_role(f, "006O1", "003S", &r1));
  g_assert_true(fx_role(f, "006O2", "003S", &r2));
  g_assert_true(fx_role(f, "006O3", "003S", &r3));
  /* The survivor's own role is untouched; moved ones keep what they said. */
  g_assert_cmpstr(r1, ==, "Buyer");
  g_assert_cmpstr(r2, ==, "Champion");
  g_assert_cmpstr(r3, ==, "Evaluator");
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", NULL, NULL), ==, 3);
  /* Re-created, with new Ids. */
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "Id", "00KD12"), ==, 0);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "Id", "00KD23"), ==, 0);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", "Id", "00KS1"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  assert_roles_point_at_contacts(f);
}

static void test_r42_role_on_closed_opportunity_moves(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006WON,001ACME,Won,005ANN,Closed Won,true,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003S,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-01-01T00:00:00Z\n"
            "003D1,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-02-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KD1,006WON,003D1,Champion,false,true\n");
  dedup(f);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", "003D1"), ==, 0);
  /* R42 says the roles move; the closed-deal restriction is written for
   * R30-R35. Deleting the duplicate must not lose the deal's history. */
  g_assert_true(fx_role(f, "006WON", "003S", NULL));
}

static void test_r42_links_move_to_survivor(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003S,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-01-01T00:00:00Z\n"
            "003D1,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-02-01T00:00:00Z\n");
  /* An activity an earlier run linked to the duplicate. */
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_link(f->store, "e1", "jane@acme.com", "Contact", "003D1", &error));
  dedup(f);
  fx_sync(f);
  g_autofree char *link = fx_link(f, "e1", "jane@acme.com");
  g_assert_cmpstr(link, ==, "Contact:003S");
}

static void test_r42_dedup_twice_is_safe(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006O2,001ACME,Two,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003S,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-01-01T00:00:00Z\n"
            "003D1,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-02-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KD12,006O2,003D1,Champion,false,true\n");
  dedup(f);
  gint64 depth = kith_outbox_depth(f->store);
  /* Again before the sync: the first run's queue already counts. */
  kith_dedup_stats again = dedup(f);
  g_assert_cmpuint(again.deleted, ==, 0);
  g_assert_cmpuint(again.roles_moved, ==, 0);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, depth);
  fx_sync(f);
  g_autofree char *contacts = fx_dump(f, "Contact");
  g_autofree char *roles = fx_dump(f, "OpportunityContactRole");
  /* And after it. */
  kith_dedup_stats after = dedup(f);
  g_assert_cmpuint(after.groups, ==, 0);
  kith_sync_stats s = fx_sync(f);
  g_assert_true(stats_zero(&s));
  g_autofree char *contacts2 = fx_dump(f, "Contact");
  g_autofree char *roles2 = fx_dump(f, "OpportunityContactRole");
  g_assert_cmpstr(contacts2, ==, contacts);
  g_assert_cmpstr(roles2, ==, roles);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", NULL, NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, NULL, "contact_deleted", NULL), ==, 1);
}

static void test_r40_dry_run_queues_nothing(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003S,001ACME,Jane,Doe,jane@acme.com,005BOB,false,2025-01-01T00:00:00Z\n"
            "003D1,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-02-01T00:00:00Z\n");
  g_autoptr(GError) error = NULL;
  kith_dedup_stats s = {0};
  g_assert_true(kith_rules_dedup(&f->d, TRUE, NULL, NULL, &s, &error));
  g_assert_cmpuint(s.deleted, ==, 1);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/r40/survivor_earliest_created", test_r40_survivor_earliest_created);
  g_test_add_func("/r40/tie_lowest_id", test_r40_tie_lowest_id);
  g_test_add_func("/r40/dry_run_queues_nothing", test_r40_dry_run_queues_nothing);
  g_test_add_func("/r41/non_kith_never_deleted", test_r41_non_kith_never_deleted);
  g_test_add_func("/r42/roles_move_to_survivor", test_r42_roles_move_to_survivor);
  g_test_add_func("/r42/role_on_closed_opportunity_moves",
                  test_r42_role_on_closed_opportunity_moves);
  g_test_add_func("/r42/links_move_to_survivor", test_r42_links_move_to_survivor);
  g_test_add_func("/r42/dedup_twice_is_safe", test_r42_dedup_twice_is_safe);
  return g_test_run();
}
