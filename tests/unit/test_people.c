/* test_people.c - who a person is on real mail: user aliases (R2), conversations (R28),
 * many participants (R29), one person one contact (R43) and address changes (R44). */
#include "rules_fixture.h"
#include "store/bounce.h"
#include "store/person.h"

#define ACCOUNTS                                                                                   \
  "Id,Name,Website,Secondary_Domains__c,OwnerId\n"                                                 \
  "001ACME,Acme,acme.com,,005ANN\n"                                                                \
  "001FAB,Fabrikam,fabrikam.com,,005ANN\n"

static fx *org(const char *conf)
{
  fx *f = fx_new(conf ? conf : FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACCOUNTS);
  return f;
}

/* ---- R2: aliases ----------------------------------------------------------- */

static void test_rules_r2_configured_alias_is_the_user(void)
{
  g_autoptr(fx) f = org(FX_ORG "[aliases]\nannie@corp.example = ann@corp.example\n");
  /* Only the alias on the activity: it has a user, Ann, who owns Acme. */
  g_assert_null(fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi",
                                      "Jane Doe <jane@acme.com>", "annie@corp.example", NULL)));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005ANN");
}

static void test_rules_r2_alias_of_no_user_is_ignored(void)
{
  g_autoptr(fx) f = org(FX_ORG "learn_aliases = off\n"
                               "[aliases]\nannie@corp.example = nobody@corp.example\n");
  g_assert_cmpstr(fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi",
                                        "Jane Doe <jane@acme.com>", "annie@corp.example", NULL)),
                  ==, "no_users");
}

static void test_rules_r2_alias_learned_from_display_name(void)
{
  g_autoptr(fx) f = org(NULL);
  /* The real-mail case: mail to a User's other address, under their name. */
  g_assert_null(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                            "Ann Lee <alee@corp.example>", NULL)));
  g_assert_cmpuint(fx_log_count(f, "alee@corp.example", "alias_learned", NULL), ==, 1);
  g_autofree char *user = fx_log_object(f, "alee@corp.example", "alias_learned", NULL);
  g_assert_cmpstr(user, ==, "005ANN");
  g_autofree char *rule = fx_log_rule(f, "alee@corp.example", "alias_learned", NULL);
  g_assert_cmpstr(rule, ==, "R2");
  /* Learned once: later mail to the alias, even without a name, is Ann's. */
  g_assert_null(fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Hi again",
                                      "Joe Ray <joe@acme.com>", "alee@corp.example", NULL)));
  g_assert_cmpuint(fx_log_count(f, "alee@corp.example", "alias_learned", NULL), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "joe@acme.com"), ==, 1);
}

static void test_rules_r2_alias_needs_one_active_user(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "User",
            "Id,FirstName,LastName,Email,IsActive\n"
            "005BO2,Bob,Roy,bob.roy@corp.example,true\n");
  /* Two Users are called Bob Roy; Ivy Old is inactive; nobody is Zed Zed. */
  const char *names[] = {"Bob Roy <broy@corp.example>", "Ivy Old <iold@corp.example>",
                         "Zed Zed <zz@corp.example>"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *id = g_strdup_printf("n%u", i);
    g_assert_cmpstr(fx_ingest(f, fx_email(id, "2026-01-05T09:00:00Z", "Hi",
                                          "Jane Doe <jane@acme.com>", names[i], NULL)),
                    ==, "no_users");
  }
  g_assert_cmpuint(fx_log_count(f, NULL, "alias_learned", NULL), ==, 0);
}

static void test_rules_r2_learning_off(void)
{
  g_autoptr(fx) f = org(FX_ORG "learn_aliases = off\n");
  g_assert_cmpstr(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                            "Ann Lee <alee@corp.example>", NULL)),
      ==, "no_users");
}

/* A learned name is compared in any case and without accents; an
 * external address is never an alias. */
static void test_rules_r2_alias_name_folded_and_internal_only(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "User",
            "Id,FirstName,LastName,Email,IsActive\n"
            "005ZOE,Zoë,Ångström,zoe@corp.example,true\n");
  g_assert_null(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                            "ZOE ANGSTROM <z.angstrom@corp.example>", NULL)));
  g_assert_cmpuint(fx_log_count(f, "z.angstrom@corp.example", "alias_learned", NULL), ==, 1);
  fx_ingest(f, fx_email("e2", "2026-01-05T10:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                        "Ann Lee <ann.lee@gmail.com>", "Ann Lee <ann@corp.example>", NULL));
  g_assert_cmpuint(fx_log_count(f, "ann.lee@gmail.com", "alias_learned", NULL), ==, 0);
}

/* ---- R28: conversation ------------------------------------------------------ */

static void test_rules_r28_third_party_sender_creates_nobody(void)
{
  g_autoptr(fx) f = org(NULL);
  /* A recruiter (no Account) writes to Ann, copying Jane of Acme. */
  fx_ingest(f,
            fx_email("e1", "2026-01-05T09:00:00Z", "Candidates", "Rex Cruit <rex@recruit.example>",
                     "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "not_conversation"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "skipped", "not_conversation");
  g_assert_cmpstr(rule, ==, "R28");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 0);
}

static void test_rules_r28_sender_at_the_account_or_internal(void)
{
  g_autoptr(fx) f = org(NULL);
  /* Jane of Acme writes, copying her colleague Joe: both are Acme's. */
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Order", "Jane Doe <jane@acme.com>",
                        "Ann Lee <ann@corp.example>", "Joe Ray <joe@acme.com>",
                        "Fay Fab <fay@fabrikam.com>", NULL));
  /* Fay of Fabrikam is in mail from Acme: no conversation with Fabrikam. */
  g_assert_cmpuint(fx_log_count(f, "fay@fabrikam.com", "skipped", "not_conversation"), ==, 1);
  /* A colleague at an internal domain who is no User is internal too. */
  fx_ingest(f, fx_email("e2", "2026-01-05T10:00:00Z", "Intro", "Pat Poe <pat@corp.example>",
                        "Ann Lee <ann@corp.example>", "Fay Fab <fay@fabrikam.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "joe@acme.com"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "fay@fabrikam.com"), ==, 1);
}

static void test_rules_r28_linking_still_happens(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JOE,001ACME,Joe,Ray,joe@acme.com,false\n");
  fx_ingest(f,
            fx_email("e1", "2026-01-05T09:00:00Z", "Candidates", "Rex Cruit <rex@recruit.example>",
                     "Ann Lee <ann@corp.example>", "Joe Ray <joe@acme.com>", NULL));
  g_autofree char *link = fx_link(f, "e1", "joe@acme.com");
  g_assert_cmpstr(link, ==, "Contact:003JOE");
}

static void test_rules_r28_off_creates_as_before(void)
{
  g_autoptr(fx) f = org(FX_ORG "[profile All]\nusers = *\nconversation_only = off\n");
  fx_ingest(f,
            fx_email("e1", "2026-01-05T09:00:00Z", "Candidates", "Rex Cruit <rex@recruit.example>",
                     "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

/* A meeting's sender is its ORGANIZER. */
static void test_rules_r28_meeting_organizer_is_the_sender(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f,
            fx_meeting("m1", "2026-01-05T09:00:00Z", "Webinar", "Vera Vendor <vera@vendor.example>",
                       "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "not_conversation"), ==, 1);
  fx_ingest(f, fx_meeting("m2", "2026-01-06T09:00:00Z", "Review", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

/* ---- R29: many participants ------------------------------------------------- */

static void test_rules_r29_too_many_participants(void)
{
  g_autoptr(fx) f = org(FX_ORG "[profile All]\nusers = *\nmax_participants = 5\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003SAL,001FAB,Sally,Fab,sally@fabrikam.com,false\n");
  /* Six addresses (Ann and five at Fabrikam): more than five. */
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Briefing", "Ann Lee <ann@corp.example>",
                        "A One <a1@fabrikam.com>", "B Two <b2@fabrikam.com>",
                        "C Three <c3@fabrikam.com>", "D Four <d4@fabrikam.com>",
                        "Sally Fab <sally@fabrikam.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, NULL, "skipped", "too_many_participants"), ==, 4);
  g_autofree char *rule = fx_log_rule(f, "a1@fabrikam.com", "skipped", "too_many_participants");
  g_assert_cmpstr(rule, ==, "R29");
  g_autofree char *link = fx_link(f, "e1", "sally@fabrikam.com");
  g_assert_cmpstr(link, ==, "Contact:003SAL");
  /* Five addresses is not more than five. */
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Smaller", "Ann Lee <ann@corp.example>",
                        "A One <a1@fabrikam.com>", "B Two <b2@fabrikam.com>",
                        "C Three <c3@fabrikam.com>", "D Four <d4@fabrikam.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "AccountId", "001FAB"), ==, 5);
}

static void test_rules_r29_zero_is_no_limit(void)
{
  g_autoptr(fx) f = org(FX_ORG "[profile All]\nusers = *\nmax_participants = 0\n");
  kith_activity *a = fx_email("e1", "2026-01-05T09:00:00Z", "All hands",
                              "Ann Lee <ann@corp.example>", NULL);
  for (int i = 0; i < 80; i++) {
    g_autofree char *p = g_strdup_printf("Per Son%c <p%d@acme.com>", 'a' + i % 26, i);
    fx_person(a, p, KITH_PART_TO);
  }
  fx_ingest(f, a);
  g_assert_cmpuint(fx_log_count(f, NULL, "skipped", "too_many_participants"), ==, 0);
}

/* The default limit is 50 addresses, whatever their role or CUTYPE. */
static void test_rules_r29_default_fifty(void)
{
  g_autoptr(fx) f = org(NULL);
  kith_activity *a = fx_email("e1", "2026-01-05T09:00:00Z", "Announcement",
                              "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL);
  for (int i = 0; i < 49; i++) {
    g_autofree char *p = g_strdup_printf("colleague%d@corp.example", i);
    fx_person(a, p, KITH_PART_BCC);
  }
  fx_ingest(f, a);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "too_many_participants"), ==, 1);
}

/* ---- R43: one person, one contact -------------------------------------------- */

static void test_rules_r43_same_name_same_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003ROS,001ACME,Rosalind,Franklin,rosalind.franklin@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Rosalind Franklin <rfranklin@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "rfranklin@acme.com", "skipped", "same_person"), ==, 1);
  g_autofree char *object = fx_log_object(f, "rfranklin@acme.com", "skipped", "same_person");
  g_assert_cmpstr(object, ==, "003ROS");
  g_autofree char *rule = fx_log_rule(f, "rfranklin@acme.com", "skipped", "same_person");
  g_assert_cmpstr(rule, ==, "R43");
  g_autofree char *link = fx_link(f, "e1", "rfranklin@acme.com");
  g_assert_cmpstr(link, ==, "Contact:003ROS");
  /* No other log row for the address. */
  g_assert_cmpuint(fx_log_count(f, "rfranklin@acme.com", NULL, NULL), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "AccountId", "001ACME"), ==, 1);
}

static gboolean count_alternate(const char *const *v, gpointer user_data)
{
  GPtrArray *rows = user_data;
  g_ptr_array_add(rows, g_strjoin("|", v[0], v[1], v[2], v[3], v[4], v[5], NULL));
  return TRUE;
}

static void test_rules_r43_alternates_listed(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003ROS,001ACME,Rosalind,Franklin,rosalind.franklin@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Rosalind Franklin <rfranklin@acme.com>", NULL));
  fx_ingest(f, fx_email("e2", "2026-01-07T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Rosalind Franklin <rfranklin@acme.com>", NULL));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_person_alternates_each(f->store, count_alternate, rows, &error));
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(rows, 0), ==,
                  "rfranklin@acme.com|Rosalind|Franklin|001ACME|003ROS|2026-01-07T09:00:00Z");
}

/* Initials, case and accents do not make another person. */
static void test_rules_r43_initials_case_accents(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003MAR,001ACME,Mary,Rembert,mary.rembert@acme.com,false\n"
            "003DAV,001ACME,David,Follett,dfollett@acme.com,false\n"
            "003JOS,001ACME,José,Núñez,jnunez@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Mary S. Rembert <msr@acme.com>", "Follett, B. David <bdf@acme.com>",
                        "JOSE NUNEZ <jose.nunez@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, NULL, "skipped", "same_person"), ==, 3);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "AccountId", "001ACME"), ==, 3);
}

/* A contact queued earlier in the same ingest counts, and so does one on
 * the same account only. */
static void test_rules_r43_queued_and_other_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_capture(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                         "Lise Meitner <lise.meitner@acme.com>", NULL));
  fx_capture(f, fx_email("e2", "2026-01-06T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                         "Lise Meitner <lmeitner@acme.com>", "Lise Meitner <lise@fabrikam.com>",
                         NULL));
  fx_decide(f);
  g_assert_cmpuint(fx_log_count(f, "lmeitner@acme.com", "skipped", "same_person"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "AccountId", "001ACME"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "lise@fabrikam.com"), ==, 1);
}

/* ---- R44: the address changes after a bounce ---------------------------------- */

static void bounce(fx *f, const char *email, const char *time)
{
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_bounce_record(f->store, email, fx_time(time), "dsn", &error));
  g_assert_no_error(error);
}

static void test_rules_r44_kith_contact_follows_bounce(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Lise Meitner <lise.meitner@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *id = fx_contact(f, "lise.meitner@acme.com", "Id");
  bounce(f, "lise.meitner@acme.com", "2026-01-10T09:00:00Z");
  fx_ingest(f, fx_email("e2", "2026-01-12T09:00:00Z", "New address",
                        "Lise Meitner <l.meitner@acme.com>", "Ann Lee <ann@corp.example>", NULL));
  g_assert_cmpuint(fx_log_count(f, "l.meitner@acme.com", "skipped", "same_person"), ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "AccountId", "001ACME"), ==, 1);
  g_autofree char *email = fx_contact(f, "l.meitner@acme.com", "Id");
  g_assert_cmpstr(email, ==, id);
  g_assert_cmpuint(fx_log_count(f, "l.meitner@acme.com", "field_updated", "Email"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "l.meitner@acme.com", "field_updated", "Email");
  g_assert_cmpstr(rule, ==, "R44");
}

/* A bounce older than the last mail naming the address is no move. */
static void test_rules_r44_bounce_before_last_activity(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Lise Meitner <lise.meitner@acme.com>", NULL));
  fx_sync(f);
  bounce(f, "lise.meitner@acme.com", "2026-01-04T09:00:00Z");
  fx_ingest(f, fx_email("e2", "2026-01-12T09:00:00Z", "Hi", "Lise Meitner <l.meitner@acme.com>",
                        "Ann Lee <ann@corp.example>", NULL));
  g_assert_cmpuint(fx_log_count(f, "l.meitner@acme.com", "skipped", "same_person"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "lise.meitner@acme.com"), ==, 1);
}

/* Another contact's Email changes only with enrichment on and Email =
 * on_bounce. */
static void test_rules_r44_others_only_on_bounce(void)
{
  const char *contact = "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
                        "003ROS,001ACME,Rosalind,Franklin,rosalind@acme.com,false\n";
  for (int on = 0; on < 2; on++) {
    g_autoptr(fx) f = org(on ? FX_ORG "[enrichment]\nenabled = on\nEmail = on_bounce\n" : NULL);
    fx_import(f, "Contact", contact);
    bounce(f, "rosalind@acme.com", "2026-01-10T09:00:00Z");
    fx_ingest(f, fx_email("e1", "2026-01-12T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Rosalind Franklin <rfranklin@acme.com>", NULL));
    fx_sync(f);
    g_assert_cmpuint(fx_count(f, "Contact", "Email", "rfranklin@acme.com"), ==, on ? 1 : 0);
    g_assert_cmpuint(fx_log_count(f, "rfranklin@acme.com", "skipped", "same_person"), ==,
                     on ? 0 : 1);
  }
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/rules/r2/configured_alias_is_the_user",
                  test_rules_r2_configured_alias_is_the_user);
  g_test_add_func("/rules/r2/alias_of_no_user_is_ignored",
                  test_rules_r2_alias_of_no_user_is_ignored);
  g_test_add_func("/rules/r2/alias_learned_from_display_name",
                  test_rules_r2_alias_learned_from_display_name);
  g_test_add_func("/rules/r2/alias_needs_one_active_user",
                  test_rules_r2_alias_needs_one_active_user);
  g_test_add_func("/rules/r2/learning_off", test_rules_r2_learning_off);
  g_test_add_func("/rules/r2/alias_name_folded_and_internal_only",
                  test_rules_r2_alias_name_folded_and_internal_only);
  g_test_add_func("/rules/r28/third_party_sender_creates_nobody",
                  test_rules_r28_third_party_sender_creates_nobody);
  g_test_add_func("/rules/r28/sender_at_the_account_or_internal",
                  test_rules_r28_sender_at_the_account_or_internal);
  g_test_add_func("/rules/r28/linking_still_happens", test_rules_r28_linking_still_happens);
  g_test_add_func("/rules/r28/off_creates_as_before", test_rules_r28_off_creates_as_before);
  g_test_add_func("/rules/r28/meeting_organizer_is_the_sender",
                  test_rules_r28_meeting_organizer_is_the_sender);
  g_test_add_func("/rules/r29/too_many_participants", test_rules_r29_too_many_participants);
  g_test_add_func("/rules/r29/zero_is_no_limit", test_rules_r29_zero_is_no_limit);
  g_test_add_func("/rules/r29/default_fifty", test_rules_r29_default_fifty);
  g_test_add_func("/rules/r43/same_name_same_account", test_rules_r43_same_name_same_account);
  g_test_add_func("/rules/r43/alternates_listed", test_rules_r43_alternates_listed);
  g_test_add_func("/rules/r43/initials_case_accents", test_rules_r43_initials_case_accents);
  g_test_add_func("/rules/r43/queued_and_other_account", test_rules_r43_queued_and_other_account);
  g_test_add_func("/rules/r44/kith_contact_follows_bounce",
                  test_rules_r44_kith_contact_follows_bounce);
  g_test_add_func("/rules/r44/bounce_before_last_activity",
                  test_rules_r44_bounce_before_last_activity);
  g_test_add_func("/rules/r44/others_only_on_bounce", test_rules_r44_others_only_on_bounce);
  return g_test_run();
}
