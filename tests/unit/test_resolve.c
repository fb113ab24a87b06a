/* test_resolve.c - accepting and rejecting the review queue's items
 * (pipeline/resolve.c, docs/review.md): an accepted create goes through the
 * rules that would have made the contact (R22-R29, R43), so an accept never
 * makes what the rules would not; a refusal says why and writes nothing. */
#include "rules_fixture.h"

#include "pipeline/resolve.h"
#include "store/outbox.h"
#include "util/error.h"

/* Acme (acme.com) is Bob's, Ann is on its team; Tailspin (tailspin.example)
 * is Bob's alone. */
#define ACCOUNTS                                                                                   \
  "Id,Name,Website,Secondary_Domains__c,OwnerId\n"                                                 \
  "001ACME,Acme,acme.com,,005BOB\n"                                                                \
  "001TAIL,Tailspin,tailspin.example,,005BOB\n"

static fx *org(const char *profile)
{
  g_autofree char *conf = g_strconcat(FX_ORG, "[review]\nparticipants = 0\n",
                                      profile ? profile : "", NULL);
  fx *f = fx_new(conf);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACCOUNTS);
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n01MANN,001ACME,005ANN,Sales\n");
  return f;
}

static gint64 count_of(fx *f, const char *sql)
{
  g_autoptr(GError) e = NULL;
  sqlite3_stmt *st = kith_store_stmt(f->store, sql, &e);
  g_assert_no_error(e);
  g_assert_true(kith_store_row(f->store, st, &e));
  gint64 n = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return n;
}

/* The open item of EMAIL, after bringing the queue up to date. */
static kith_review_item *item_of(fx *f, const char *email)
{
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_resolve_refresh(f->store, f->config, &e));
  g_assert_no_error(e);
  g_autoptr(GPtrArray) items = kith_review_list(f->store, FALSE, &e);
  g_assert_no_error(e);
  for (guint i = 0; i < items->len; i++) {
    kith_review_item *it = g_ptr_array_index(items, i);
    if (strcmp(it->email, email) == 0) {
      g_ptr_array_steal_index(items, i);
      return it;
    }
  }
  g_error("no open review item for %s", email);
  return NULL;
}

/* What the store holds that an accept could write. */
typedef struct {
  gint64 log, outbox, observations, links, suppressed;
} snapshot;

static snapshot snap(fx *f)
{
  return (snapshot){count_of(f, "SELECT count(*) FROM engagement_log"),
                    count_of(f, "SELECT count(*) FROM outbox"),
                    count_of(f, "SELECT count(*) FROM observation"),
                    count_of(f, "SELECT count(*) FROM activity_link"),
                    count_of(f, "SELECT count(*) FROM suppression")};
}

/* Accepting ID with CHOICE is refused (REFUSED, exit 1, 409), with a
 * message naming RULE, and changes nothing; the item stays open. */
static void refused(fx *f, const kith_review_item *it, const kith_review_choice *choice,
                    const char *rule)
{
  snapshot before = snap(f);
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  g_assert_false(kith_resolve_accept(f->store, f->config, it->id, choice, &out, &e));
  g_assert_error(e, KITH_ERROR, KITH_ERROR_REFUSED);
  g_autofree char *want = g_strdup_printf("(%s)", rule);
  if (!strstr(e->message, want))
    g_error("the refusal does not name %s: %s", rule, e->message);
  g_assert_null(strchr(e->message, '\n'));
  snapshot after = snap(f);
  g_assert_cmpmem(&before, sizeof before, &after, sizeof after);
  kith_review_item *again = NULL;
  g_assert_cmpint(kith_review_get(f->store, it->id, &again, &e), ==, KITH_LOOKUP_FOUND);
  g_assert_cmpint(again->state, ==, KITH_REVIEW_OPEN);
  kith_review_item_free(again);
}

/* R43: an alternate accepted as a person of its own, under the name of the
 * contact R43 found, would be a second contact for one person: refused. */
static void test_resolve_r43_create_alternate_refused(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jdoe@acme.com>",
                        "Ann Lee <ann@corp.example>", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "jdoe@acme.com");
  g_assert_cmpint(it->kind, ==, KITH_REVIEW_ALTERNATE);
  kith_review_choice create = {.create = TRUE};
  refused(f, it, &create, "R43");
  kith_review_choice same_name = {.create = TRUE, .first_name = "Jane", .last_name = "Doe"};
  refused(f, it, &same_name, "R43");
}

/* R43 for a missing name: the name given is that of a contact on the
 * Account at another address. */
static void test_resolve_r43_create_missing_name_refused(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003KIM,001ACME,Kim,Novak,knovak@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@acme.com", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  g_assert_cmpint(it->kind, ==, KITH_REVIEW_MISSING_NAME);
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  refused(f, it, &named, "R43");
}

/* R24: nobody on the activity is Tailspin's owner, an opportunity owner or
 * on its team, so the rules would make no contact there. */
static void test_resolve_r24_create_refused(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@tailspin.example", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@tailspin.example");
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  refused(f, it, &named, "R24");
}

/* R28: mail from another company copied to Acme's Kim is no conversation
 * with Acme. */
static void test_resolve_r28_create_refused(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Pat Roe <pat@partner.example>",
                        "Ann Lee <ann@corp.example>", "kim@acme.com", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  refused(f, it, &named, "R28");
}

/* R29: an activity naming more addresses than max_participants creates no
 * contact, accepted or not. */
static void test_resolve_r29_create_refused(void)
{
  g_autoptr(fx) f = org("[profile Sales]\nusers = *\nmax_participants = 3\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@acme.com", "Leo Park <leo@acme.com>", "Mia Chu <mia@acme.com>", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  refused(f, it, &named, "R29");
}

/* What the rules allow is queued: a missing name given at Acme, where Ann
 * is on the team. */
static void test_resolve_create_missing_name_queued(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@acme.com", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  g_assert_true(kith_resolve_accept(f->store, f->config, it->id, &named, &out, &e));
  g_assert_no_error(e);
  g_assert_true(out.queued);
  g_assert_true(g_str_has_prefix(out.contact_id, "003"));
  kith_review_outcome_clear(&out);
  fx_sync(f);
  g_autofree char *account = fx_contact(f, "kim@acme.com", "AccountId");
  g_autofree char *first = fx_contact(f, "kim@acme.com", "FirstName");
  g_assert_cmpstr(account, ==, "001ACME");
  g_assert_cmpstr(first, ==, "Kim");
  /* R26: the user of R24 (Ann, on the team), not the Account's owner. */
  g_autofree char *owner = fx_contact(f, "kim@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005ANN");
}

/* R26: the user of R24 is inactive, so the integration user owns it, the
 * Account's active owner does not. */
static void test_resolve_r26_inactive_user_gives_integration_user(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n01MIVY,001TAIL,005IVY,Sales\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ivy Old <ivy@corp.example>",
                        "kim@tailspin.example", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@tailspin.example");
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  g_assert_true(kith_resolve_accept(f->store, f->config, it->id, &named, &out, &e));
  g_assert_no_error(e);
  kith_review_outcome_clear(&out);
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "kim@tailspin.example", "OwnerId");
  g_assert_cmpstr(owner, ==, "005INTEGRATION");
}

/* R3, R24: two Accounts have globex.example; the item shows, and the
 * create uses, the one the rules choose for the activity's users (Ann's),
 * not simply the lowest Id. */
static void test_resolve_r24_account_of_the_rules(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001GLOA,Globex East,globex.example,,005BOB\n"
            "001GLOB,Globex West,globex.example,,005ANN\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@globex.example", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@globex.example");
  g_assert_cmpstr(it->account_id, ==, "001GLOB");
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  g_assert_true(kith_resolve_accept(f->store, f->config, it->id, &named, &out, &e));
  g_assert_no_error(e);
  kith_review_outcome_clear(&out);
  fx_sync(f);
  g_autofree char *account = fx_contact(f, "kim@globex.example", "AccountId");
  g_assert_cmpstr(account, ==, "001GLOB");
}

/* Decide ID with CHOICE (accept, or reject when NULL), which must work. */
static void decide(fx *f, gint64 id, const kith_review_choice *choice)
{
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  g_assert_true(choice ? kith_resolve_accept(f->store, f->config, id, choice, &out, &e)
                       : kith_resolve_reject(f->store, f->config, id, &out, &e));
  g_assert_no_error(e);
  kith_review_outcome_clear(&out);
}

/* An accepted create is logged as the decider logs a contact it makes:
 * contact_created, Rule R25, by sync; and it is no item of its own, however
 * many addresses its activity names. */
static void test_resolve_create_logged_r25(void)
{
  g_autoptr(fx) f = org(NULL);
  f->config->review_participants = 1;
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@acme.com", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  kith_review_choice named = {.first_name = "Kim", .last_name = "Novak"};
  decide(f, it->id, &named);
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_resolve_refresh(f->store, f->config, &e));
  g_autoptr(GPtrArray) open = kith_review_list(f->store, FALSE, &e);
  g_assert_cmpuint(open->len, ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_log_count(f, "kim@acme.com", "contact_created", NULL), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "kim@acme.com", "contact_created", NULL);
  g_assert_cmpstr(rule, ==, "R25");
}

/* Keeping a contact made from many participants logs nothing: the rules
 * logged its creation, and the queue keeps who decided. */
static void test_resolve_keep_logs_nothing(void)
{
  g_autoptr(fx) f = org(NULL);
  f->config->review_participants = 2;
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Bob Ray <bob.ray@acme.com>", "Cat Lu <cat.lu@acme.com>", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "bob.ray@acme.com");
  g_assert_cmpint(it->kind, ==, KITH_REVIEW_MANY);
  snapshot before = snap(f);
  kith_review_choice keep = {0};
  decide(f, it->id, &keep);
  snapshot after = snap(f);
  g_assert_cmpmem(&before, sizeof before, &after, sizeof after);
  kith_review_item *again = NULL;
  g_autoptr(GError) e = NULL;
  g_assert_cmpint(kith_review_get(f->store, it->id, &again, &e), ==, KITH_LOOKUP_FOUND);
  g_assert_cmpint(again->state, ==, KITH_REVIEW_ACCEPTED);
  g_assert_true(g_str_has_prefix(again->decision, "keep 003"));
  kith_review_item_free(again);
}

/* R43 accepted: the address is another address of the contact. R43's own
 * rows (skipped, same_person, that contact) already say so; the accept
 * adds the links, no log row. */
static void test_resolve_merge_logs_nothing_new(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jdoe@acme.com>",
                        "Ann Lee <ann@corp.example>", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "jdoe@acme.com");
  gint64 log = count_of(f, "SELECT count(*) FROM engagement_log");
  kith_review_choice merge = {0};
  decide(f, it->id, &merge);
  g_assert_cmpint(count_of(f, "SELECT count(*) FROM engagement_log"), ==, log);
  g_assert_cmpint(count_of(f, "SELECT count(*) FROM activity_link WHERE email = 'jdoe@acme.com'"
                              " AND object_id = '003JANE'"),
                  ==, 1);
}

/* Rejecting an alternate or a missing name suppresses the address (R50)
 * and logs nothing: section 6 has no row for a suppression, and later mail
 * naming it is logged skipped, suppressed (R11). Lifting it logs nothing
 * either. */
static void test_resolve_reject_logs_nothing_but_suppresses(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "kim@acme.com", NULL));
  g_autoptr(kith_review_item) it = item_of(f, "kim@acme.com");
  gint64 log = count_of(f, "SELECT count(*) FROM engagement_log");
  decide(f, it->id, NULL);
  g_assert_cmpint(count_of(f, "SELECT count(*) FROM engagement_log"), ==, log);
  g_assert_cmpint(count_of(f, "SELECT count(*) FROM suppression WHERE email = 'kim@acme.com'"), ==,
                  1);
  kith_decider_forget(&f->d, "kim@acme.com"); /* another kith command */
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Kim Novak <kim@acme.com>", NULL));
  g_autofree char *rule = fx_log_rule(f, "kim@acme.com", "skipped", "suppressed");
  g_assert_cmpstr(rule, ==, "R11");
  gboolean was = FALSE;
  g_autoptr(GError) e = NULL;
  log = count_of(f, "SELECT count(*) FROM engagement_log");
  g_assert_true(kith_state_unsuppress(f->store, "kim@acme.com", &was, &e));
  g_assert_true(was);
  g_assert_cmpint(count_of(f, "SELECT count(*) FROM engagement_log"), ==, log);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/resolve/r43/create_alternate_refused",
                  test_resolve_r43_create_alternate_refused);
  g_test_add_func("/resolve/r43/create_missing_name_refused",
                  test_resolve_r43_create_missing_name_refused);
  g_test_add_func("/resolve/r24/create_refused", test_resolve_r24_create_refused);
  g_test_add_func("/resolve/r28/create_refused", test_resolve_r28_create_refused);
  g_test_add_func("/resolve/r29/create_refused", test_resolve_r29_create_refused);
  g_test_add_func("/resolve/create_missing_name_queued", test_resolve_create_missing_name_queued);
  g_test_add_func("/resolve/r26/inactive_user_gives_integration_user",
                  test_resolve_r26_inactive_user_gives_integration_user);
  g_test_add_func("/resolve/r24/account_of_the_rules", test_resolve_r24_account_of_the_rules);
  g_test_add_func("/resolve/create_logged_r25", test_resolve_create_logged_r25);
  g_test_add_func("/resolve/keep_logs_nothing", test_resolve_keep_logs_nothing);
  g_test_add_func("/resolve/merge_logs_nothing_new", test_resolve_merge_logs_nothing_new);
  g_test_add_func("/resolve/reject_logs_nothing_but_suppresses",
                  test_resolve_reject_logs_nothing_but_suppresses);
  return g_test_run();
}
