/* test_rules.c - who is who, skips, creation, enrichment (R2, R3, R10, R11, R20-R27, R37-R39). */
#include "capture/jsonl.h"
#include "rules_fixture.h"

#define ACME_OWNED_BY_ANN                                                                          \
  "Id,Name,Website,Secondary_Domains__c,OwnerId\n"                                                 \
  "001ACME,Acme,https://www.Acme.com/about,,005ANN\n"

/* The usual organisation: the four users and Acme, owned by Ann. */
static fx *org(const char *conf)
{
  fx *f = fx_new(conf ? conf : FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME_OWNED_BY_ANN);
  return f;
}

static guint outbox_ops(fx *f, const char *op)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = kith_outbox_pending(f->store, 10000, &error);
  g_assert_no_error(error);
  guint n = 0;
  for (guint i = 0; i < pending->len; i++)
    if (!op ||
        strcmp(kith_op_name(((kith_outbox_entry *)g_ptr_array_index(pending, i))->op), op) == 0)
      n++;
  return n;
}

/* ---- R2 ------------------------------------------------------------------- */

static void test_rules_r2_internal_domain_and_subdomain_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hello", "Ann Lee <ann@corp.example>",
                        "Pat Poe <pat@eu.corp.example>", "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "pat@eu.corp.example", "skipped", "internal"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "ann@corp.example", "skipped", "internal"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "pat@eu.corp.example", "skipped", "internal");
  g_assert_cmpstr(rule, ==, "R11");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@eu.corp.example"), ==, 0);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

static void test_rules_r2_user_address_is_internal_and_a_user(void)
{
  g_autoptr(fx) f = org(NULL);
  /* A User outside internal_domains: still internal, and one of the users. */
  fx_import(f, "User",
            "Id,FirstName,LastName,Email,IsActive\n"
            "005MAX,Max,Free,Max@Freelance.example,true\n");
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MMAX,001ACME,005MAX,Sales\n");
  const char *skip = fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi",
                                           "Max Free <max@freelance.example>",
                                           "Jane Doe <jane@acme.com>", NULL));
  g_assert_null(skip);
  g_assert_cmpuint(fx_log_count(f, "max@freelance.example", "skipped", "internal"), ==, 1);
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005MAX");
}

static void test_rules_r2_users_in_participant_order_inactive_included(void)
{
  g_autoptr(fx) f = org(NULL);
  g_autoptr(kith_activity) a = fx_email(
      "e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>", "Bob Roy <bob@corp.example>",
      "pat@corp.example", "Ivy Old <ivy@corp.example>", "Ann Lee <Ann@Corp.Example>", NULL);
  g_autoptr(GPtrArray) users = kith_rules_activity_users(&f->d, a->participants, NULL);
  g_assert_cmpuint(users->len, ==, 3);
  const char *want[] = {"005BOB", "005IVY", "005ANN"};
  const gboolean active[] = {TRUE, FALSE, TRUE};
  for (guint i = 0; i < 3; i++) {
    kith_activity_user *u = g_ptr_array_index(users, i);
    g_assert_cmpstr(u->user_id, ==, want[i]);
    g_assert_cmpint(u->active, ==, active[i]);
  }
}

/* ---- R3 ------------------------------------------------------------------- */

static void test_rules_r3_subdomain_matches_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@mail.eu.acme.com>", NULL));
  fx_sync(f);
  g_autofree char *account = fx_contact(f, "jane@mail.eu.acme.com", "AccountId");
  g_assert_cmpstr(account, ==, "001ACME");
}

static void test_rules_r3_most_specific_domain_wins(void)
{
  g_autoptr(fx) f = org(NULL);
  /* Acme Europe has eu.acme.com as a secondary domain; Ann owns both. */
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001EU,Acme Europe,,\"eu.acme.com; acme-eu.example\",005ANN\n"
            "001ZED,Zed,zed.example,,005BOB\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@fr.eu.acme.com>", "Joe Ray <joe@acme.com>",
                        "Eva Lind <eva@acme-eu.example>", NULL));
  fx_sync(f);
  g_autofree char *jane = fx_contact(f, "jane@fr.eu.acme.com", "AccountId");
  g_autofree char *joe = fx_contact(f, "joe@acme.com", "AccountId");
  g_autofree char *eva = fx_contact(f, "eva@acme-eu.example", "AccountId");
  g_assert_cmpstr(jane, ==, "001EU");
  g_assert_cmpstr(joe, ==, "001ACME");
  g_assert_cmpstr(eva, ==, "001EU");
}

static void test_rules_r3_most_specific_domain_even_without_user(void)
{
  g_autoptr(fx) f = org(NULL);
  /* The most specific match (Bob's) decides, though Ann owns the parent's. */
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001EU,Acme Europe,eu.acme.com,,005BOB\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@eu.acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@eu.acme.com", "skipped", "user_not_on_account"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
}

static void test_rules_r3_public_suffix_never_matches(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001UK,Bad Data,https://co.uk,com,005ANN\n"
            "001EXUK,Example UK,www.example.co.uk,,005ANN\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@foo.co.uk>", "Joe Ray <joe@sales.example.co.uk>",
                        "Sam Lo <sam@other.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@foo.co.uk", "skipped", "no_account"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "sam@other.com", "skipped", "no_account"), ==, 1);
  fx_sync(f);
  g_autofree char *joe = fx_contact(f, "joe@sales.example.co.uk", "AccountId");
  g_assert_cmpstr(joe, ==, "001EXUK");
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 1);
}

/* ---- R10 ------------------------------------------------------------------ */

static void test_rules_r10_automatic_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  kith_activity *a = fx_email("e1", "2026-01-05T09:00:00Z", "Your invoice",
                              "Jane Doe <jane@acme.com>", "Ann Lee <ann@corp.example>", NULL);
  a->automatic = TRUE;
  g_assert_cmpstr(fx_ingest(f, a), ==, "automatic");
  g_assert_cmpuint(fx_log_count(f, "", "activity_skipped", "automatic"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, NULL, "activity_skipped", "automatic");
  g_assert_cmpstr(rule, ==, "R10");
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", NULL, NULL), ==, 0);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

static void test_rules_r10_out_of_office_subject_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  const char *lines[] = {
      "{\"type\":\"email\",\"id\":\"<oof1@acme.com>\",\"time\":\"2026-01-05T09:00:00Z\","
      "\"subject\":\"Automatic reply: Pricing\",\"from\":{\"email\":\"jane@acme.com\","
      "\"name\":\"Jane Doe\"},\"to\":[{\"email\":\"ann@corp.example\",\"name\":\"Ann Lee\"}]}",
      "{\"type\":\"email\",\"id\":\"<oof2@acme.com>\",\"time\":\"2026-01-05T09:00:00Z\","
      "\"subject\":\"Out of Office: back Monday\",\"from\":{\"email\":\"joe@acme.com\","
      "\"name\":\"Joe Ray\"},\"to\":[{\"email\":\"ann@corp.example\",\"name\":\"Ann Lee\"}]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
    g_autoptr(GError) error = NULL;
    kith_activity *a = kith_jsonl_parse_line(lines[i], strlen(lines[i]), "t.jsonl:1", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(fx_ingest(f, a), ==, "automatic");
  }
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
}

static void test_rules_r10_subject_filtered(void)
{
  g_autoptr(fx) f = org(FX_ORG "[filters]\nexclude_subjects = personal, confidential\n");
  g_assert_cmpstr(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Strictly CONFIDENTIAL: plan",
                            "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL)),
      ==, "subject_filtered");
  g_assert_null(
      fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Pricing", "Ann Lee <ann@corp.example>",
                            "Joe Ray <joe@acme.com>", NULL)));
  g_assert_cmpuint(fx_log_count(f, "", "activity_skipped", "subject_filtered"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 0);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "joe@acme.com"), ==, 1);
}

static void test_rules_r10_cancelled_meeting_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  kith_activity *a = fx_meeting("uid-1", "2026-01-05T09:00:00Z", "Sync",
                                "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL);
  a->cancelled = TRUE;
  g_assert_cmpstr(fx_ingest(f, a), ==, "cancelled");
  g_assert_cmpuint(fx_log_count(f, "", "activity_skipped", "cancelled"), ==, 1);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

static void test_rules_r10_no_users_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  /* pat is internal by domain but not a User: no users at all. */
  g_assert_cmpstr(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                            "Pat Poe <pat@corp.example>", NULL)),
      ==, "no_users");
  g_assert_cmpuint(fx_log_count(f, "", "activity_skipped", "no_users"), ==, 1);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

static void test_rules_r10_inactive_user_is_still_a_user(void)
{
  g_autoptr(fx) f = org(NULL);
  g_assert_null(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                            "Ivy Old <ivy@corp.example>", NULL)));
  g_assert_cmpuint(fx_log_count(f, "ivy@corp.example", "skipped", "internal"), ==, 1);
}

static void test_rules_r10_duplicate_activity_skipped(void)
{
  g_autoptr(fx) f = org(NULL);
  g_assert_null(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                            "Jane Doe <jane@acme.com>", NULL)));
  gint64 depth = kith_outbox_depth(f->store);
  guint logged = fx_log_count(f, NULL, NULL, NULL);
  g_assert_cmpstr(
      fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                            "Jane Doe <jane@acme.com>", "Joe Ray <joe@acme.com>", NULL)),
      ==, "duplicate_activity");
  g_assert_cmpint(kith_outbox_depth(f->store), ==, depth);
  /* Section 6: an activity ingested before is not logged again. */
  g_assert_cmpuint(fx_log_count(f, NULL, NULL, NULL), ==, logged);
  g_assert_cmpuint(fx_log_count(f, "", "activity_skipped", "duplicate_activity"), ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 1);
}

/* ---- R11 ------------------------------------------------------------------ */

typedef struct {
  const char *email;
  kith_cutype cutype;
  const char *want;
} skip_case;

static void check_skips(fx *f, const skip_case *cases, guint n)
{
  for (guint i = 0; i < n; i++) {
    const char *got = fx_skip(f, cases[i].email, cases[i].cutype);
    if (g_strcmp0(got, cases[i].want) != 0)
      g_error("%s (cutype %d): expected %s, got %s", cases[i].email, cases[i].cutype,
              cases[i].want ? cases[i].want : "(kept)", got ? got : "(kept)");
  }
}

static void test_rules_r11_each_reason(void)
{
  g_autoptr(fx) f = org(FX_ORG "[filters]\n"
                               "exclude_domains = partner.example\n"
                               "exclude_addresses = Someone@ACME.com\n"
                               "exclude_local_parts = News*, *-bounces\n"
                               "personal_domains = builtin, mymail.example\n");
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_suppress(f->store, "gone@acme.com", "003GONE", &error));
  const skip_case cases[] = {
      {"ann@corp.example", KITH_CUTYPE_PERSON, "internal"},
      {"pat@corp.example", KITH_CUTYPE_PERSON, "internal"},
      {"pat@eu.corp.example", KITH_CUTYPE_PERSON, "internal"},
      {"gone@acme.com", KITH_CUTYPE_PERSON, "suppressed"},
      {"x@partner.example", KITH_CUTYPE_PERSON, "filtered"},
      {"x@eu.partner.example", KITH_CUTYPE_PERSON, "filtered"},
      {"someone@acme.com", KITH_CUTYPE_PERSON, "filtered"},
      {"newsletter@acme.com", KITH_CUTYPE_PERSON, "filtered"},
      {"list-bounces@acme.com", KITH_CUTYPE_PERSON, "filtered"},
      {"joe@gmail.com", KITH_CUTYPE_PERSON, "personal_domain"},
      {"joe@uk.yahoo.com", KITH_CUTYPE_PERSON, "personal_domain"},
      {"joe@mymail.example", KITH_CUTYPE_PERSON, "personal_domain"},
      {"joe@hotmail.com", KITH_CUTYPE_PERSON, "personal_domain"},
      {"noreply@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"no-reply@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"donotreply@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"do-not-reply@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"mailer-daemon@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"postmaster@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"bounce-42@acme.com", KITH_CUTYPE_PERSON, "role_address"},
      {"boardroom@acme.com", KITH_CUTYPE_ROOM, "resource"},
      {"projector@acme.com", KITH_CUTYPE_RESOURCE, "resource"},
      {"team@acme.com", KITH_CUTYPE_GROUP, "resource"},
      {"jane@acme.com", KITH_CUTYPE_PERSON, NULL},
      {"jane@notpartner.example", KITH_CUTYPE_PERSON, NULL},
  };
  check_skips(f, cases, G_N_ELEMENTS(cases));
}

static void test_rules_r11_precedence_order(void)
{
  g_autoptr(fx) f = org(FX_ORG "[filters]\n"
                               "exclude_domains = gmail.com\n"
                               "exclude_addresses = pat@corp.example, gone@acme.com\n"
                               "exclude_local_parts = *-bounces\n");
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_suppress(f->store, "pat@corp.example", "003P", &error));
  g_assert_true(kith_state_suppress(f->store, "gone@acme.com", "003G", &error));
  g_assert_true(kith_state_suppress(f->store, "lost@hotmail.com", "003L", &error));
  const skip_case cases[] = {
      /* internal before suppressed and filtered */
      {"pat@corp.example", KITH_CUTYPE_PERSON, "internal"},
      /* suppressed before filtered, personal_domain */
      {"gone@acme.com", KITH_CUTYPE_PERSON, "suppressed"},
      {"lost@hotmail.com", KITH_CUTYPE_PERSON, "suppressed"},
      /* filtered before personal_domain and role_address */
      {"jane@gmail.com", KITH_CUTYPE_PERSON, "filtered"},
      {"noreply-bounces@acme.com", KITH_CUTYPE_PERSON, "filtered"},
      /* personal_domain before role_address */
      {"noreply@yahoo.com", KITH_CUTYPE_PERSON, "personal_domain"},
      /* personal_domain before resource */
      {"room1@outlook.com", KITH_CUTYPE_ROOM, "personal_domain"},
      /* role_address before resource */
      {"noreply@acme.com", KITH_CUTYPE_ROOM, "role_address"},
      /* internal before resource */
      {"room@corp.example", KITH_CUTYPE_ROOM, "internal"},
  };
  check_skips(f, cases, G_N_ELEMENTS(cases));
}

static void test_rules_r11_builtin_personal_domains(void)
{
  g_autoptr(fx) f = org(NULL);
  const char *domains[] = {"gmail.com",   "googlemail.com", "yahoo.com",      "hotmail.com",
                           "outlook.com", "live.com",       "icloud.com",     "me.com",
                           "aol.com",     "proton.me",      "protonmail.com", "gmx.com",
                           "mail.com"};
  for (guint i = 0; i < G_N_ELEMENTS(domains); i++) {
    g_autofree char *addr = g_strdup_printf("someone@%s", domains[i]);
    g_assert_cmpstr(fx_skip(f, addr, KITH_CUTYPE_PERSON), ==, "personal_domain");
  }
}

static void test_rules_r11_personal_domains_none_and_replaced(void)
{
  {
    g_autoptr(fx) f = org(FX_ORG "[filters]\npersonal_domains = none\n");
    g_assert_null(fx_skip(f, "joe@gmail.com", KITH_CUTYPE_PERSON));
  }
  {
    g_autoptr(fx) f = org(FX_ORG "[filters]\npersonal_domains = x.example\n");
    g_assert_null(fx_skip(f, "joe@gmail.com", KITH_CUTYPE_PERSON));
    g_assert_cmpstr(fx_skip(f, "joe@x.example", KITH_CUTYPE_PERSON), ==, "personal_domain");
  }
}

static void test_rules_r11_logged_with_rule(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_meeting("uid-1", "2026-01-05T09:00:00Z", "Review", "Ann Lee <ann@corp.example>",
                          "room:Board Room <boardroom@acme.com>", "Joe <joe@gmail.com>",
                          "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "boardroom@acme.com", "skipped", "resource"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "joe@gmail.com", "skipped", "personal_domain"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "boardroom@acme.com", "skipped", "resource");
  g_assert_cmpstr(rule, ==, "R11");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 1);
}

/* ---- R20, R21 ------------------------------------------------------------- */

static void test_rules_r20_existing_contact_on_any_account_linked(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c,CreatedDate\n"
            "003JANE,001ELSE,Jane,Doe,Jane.Doe@ACME.com,false,2025-01-01T00:00:00Z\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane.doe@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane.doe@acme.com", "contact_linked", NULL), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane.doe@acme.com", "contact_linked", NULL);
  g_assert_cmpstr(rule, ==, "R20");
  g_autofree char *link = fx_link(f, "e1", "jane.doe@acme.com");
  g_assert_cmpstr(link, ==, "Contact:003JANE");
  g_assert_cmpuint(outbox_ops(f, "contact_create"), ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 1);
}

static void test_rules_r21_unconverted_lead_linked(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QJANE,Jane,Doe,jane@acme.com,Acme,005BOB,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "lead_linked", NULL), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "lead_linked", NULL);
  g_assert_cmpstr(rule, ==, "R21");
  g_autofree char *link = fx_link(f, "e1", "jane@acme.com");
  g_assert_cmpstr(link, ==, "Lead:00QJANE");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
}

static void test_rules_r21_converted_lead_ignored(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QJANE,Jane,Doe,jane@acme.com,Acme,005BOB,TRUE\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "lead_linked", NULL), ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
}

/* ---- R22, R23 ------------------------------------------------------------- */

static void test_rules_r22_contact_creation_off(void)
{
  g_autoptr(fx) f = org(FX_ORG "[profile Quiet]\nusers = *\ncontact_creation = off\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n"
            "003JOE,001ACME,Joe,Ray,joe@acme.com,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Bob Roy <bob@corp.example>", "Jane Doe <jane@acme.com>",
                        "Joe Ray <joe@acme.com>", NULL));
  /* R20 comes before R22: an existing contact is still linked. */
  g_assert_cmpuint(fx_log_count(f, "joe@acme.com", "contact_linked", NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "contact_creation_off"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "skipped", "contact_creation_off");
  g_assert_cmpstr(rule, ==, "R22");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 0);
}

static void test_rules_r22_contact_creation_off_before_missing_field(void)
{
  g_autoptr(fx) f = org(FX_ORG "[profile Quiet]\nusers = *\ncontact_creation = off\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "contact_creation_off"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "missing_field"), ==, 0);
}

static void test_rules_r22_one_user_with_creation_is_enough(void)
{
  /* Ann owns Acme but may not create; Bob, on its team, may. */
  g_autoptr(fx)
      f = org(FX_ORG "[profile Quiet]\nusers = ann@corp.example\ncontact_creation = off\n");
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MBOB,001ACME,005BOB,Sales\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Bob Roy <bob@corp.example>", "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005BOB");
}

static void test_rules_r22_missing_last_name(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane <jane@acme.com>", "joe@acme.com", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "missing_field"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "joe@acme.com", "skipped", "missing_field"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "skipped", "missing_field");
  g_assert_cmpstr(rule, ==, "R22");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
}

static void test_rules_r22_missing_field_before_no_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Sam <sam@nowhere.example>", NULL));
  g_assert_cmpuint(fx_log_count(f, "sam@nowhere.example", "skipped", "missing_field"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "sam@nowhere.example", "skipped", "no_account"), ==, 0);
}

static void test_rules_r22_required_fields(void)
{
  g_autoptr(fx)
      f = org(FX_ORG "[profile Sales]\nusers = *\nrequired_fields = Title, Email, Phone\n");
  fx_capture(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", "Joe Ray <joe@acme.com>", NULL));
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Phone", "+1 617 555 0100");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "joe@acme.com", "Title", "Engineer");
  fx_decide(f);
  g_assert_cmpuint(fx_log_count(f, "joe@acme.com", "skipped", "missing_field"), ==, 1);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "joe@acme.com"), ==, 0);
}

static void test_rules_r22_required_fields_of_first_creating_user(void)
{
  const char *conf = FX_ORG "[profile Strict]\nusers = ann@corp.example\nrequired_fields = Title\n"
                            "[profile Quiet]\nusers = cal@corp.example\ncontact_creation = off\n"
                            "required_fields = Phone\n";
  {
    /* Cal cannot create, so Ann's Title is required. */
    g_autoptr(fx) f = org(conf);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                          "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL));
    g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "missing_field"), ==, 1);
  }
  {
    /* Bob (defaults: nothing required) comes first among the creators. */
    g_autoptr(fx) f = org(conf);
    fx_import(f, "AccountTeamMember",
              "Id,AccountId,UserId,TeamMemberRole\n"
              "01MBOB,001ACME,005BOB,Sales\n");
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                          "Bob Roy <bob@corp.example>", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", NULL));
    g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", NULL), ==, 0);
    fx_sync(f);
    g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  }
}

static void test_rules_r23_no_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Sam Lo <sam@nowhere.example>", NULL));
  g_assert_cmpuint(fx_log_count(f, "sam@nowhere.example", "skipped", "no_account"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "sam@nowhere.example", "skipped", "no_account");
  g_assert_cmpstr(rule, ==, "R23");
}

/* ---- R24 ------------------------------------------------------------------ */

static void test_rules_r24_user_not_on_account(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "skipped", "user_not_on_account"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "skipped", "user_not_on_account");
  g_assert_cmpstr(rule, ==, "R24");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
}

static void test_rules_r24_owner_opportunity_owner_or_team(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001OPP,Opp Co,opp.example,,005ANN\n"
            "001TEAM,Team Co,team.example,,005ANN\n");
  /* A closed opportunity counts too. */
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006OPP,001OPP,Deal,005CAL,Closed Won,true,2025-01-01T00:00:00Z\n");
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MCAL,001TEAM,005CAL,Sales\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                        "Olga Ode <olga@opp.example>", "Tim Tam <tim@team.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *olga = fx_contact(f, "olga@opp.example", "OwnerId");
  g_autofree char *tim = fx_contact(f, "tim@team.example", "OwnerId");
  g_assert_cmpstr(olga, ==, "005CAL");
  g_assert_cmpstr(tim, ==, "005CAL");
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 0);
}

static void test_rules_r24_first_qualifying_user_in_order_owns(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MBOB,001ACME,005BOB,Sales\n");
  /* Cal has no relation, Bob is on the team, Ann owns: Bob comes first. */
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                        "Bob Roy <bob@corp.example>", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005BOB");
}

static void test_rules_r24_user_without_creation_not_considered(void)
{
  g_autoptr(fx)
      f = org(FX_ORG "[profile Quiet]\nusers = ann@corp.example\ncontact_creation = off\n");
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MBOB,001ACME,005BOB,Sales\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Bob Roy <bob@corp.example>", NULL));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005BOB");
}

/* Several Accounts share acme.com: which one gets the contact. */
static char *account_for_jane(const char *accounts_csv, const char *extra_object,
                              const char *extra_csv, const char *from)
{
  g_autoptr(fx) f = fx_new(FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", accounts_csv);
  if (extra_object)
    fx_import(f, extra_object, extra_csv);
  fx_ingest(f,
            fx_email("e1", "2026-01-05T09:00:00Z", "Hi", from, "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  return fx_contact(f, "jane@acme.com", "AccountId");
}

static void test_rules_r24_primary_before_secondary(void)
{
  /* A2 is Ann's (owner) by a secondary domain; A1 by its Website, Ann on its team. */
  g_autofree char *got = account_for_jane(
      "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
      "001A1,Acme One,acme.com,,005BOB\n"
      "001A0,Acme Zero,acme-holding.example,acme.com,005ANN\n",
      "AccountTeamMember", "Id,AccountId,UserId,TeamMemberRole\n01M1,001A1,005ANN,Sales\n",
      "Ann Lee <ann@corp.example>");
  g_assert_cmpstr(got, ==, "001A1");
}

static void test_rules_r24_owner_before_opportunity_before_team(void)
{
  const char *accounts = "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
                         "001A1,Acme One,acme.com,,005BOB\n"
                         "001A2,Acme Two,acme.com,,005BOB\n"
                         "001A3,Acme Three,acme.com,,005BOB\n";
  {
    /* A3 owned by Ann beats A1 (team) and A2 (opportunity). */
    g_autoptr(fx) f = fx_new(FX_ORG);
    fx_import(f, "User", FX_USERS);
    fx_import(f, "Account", accounts);
    fx_import(f, "Account",
              "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
              "001A3,Acme Three,acme.com,,005ANN\n");
    fx_import(f, "AccountTeamMember", "Id,AccountId,UserId,TeamMemberRole\n01M1,001A1,005ANN,x\n");
    fx_import(f, "Opportunity",
              "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
              "006A2,001A2,Deal,005ANN,Open,false,2025-01-01T00:00:00Z\n");
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", NULL));
    fx_sync(f);
    g_autofree char *got = fx_contact(f, "jane@acme.com", "AccountId");
    g_assert_cmpstr(got, ==, "001A3");
  }
  {
    /* Without the owner: the opportunity (A2) beats the team (A1). */
    g_autoptr(fx) f = fx_new(FX_ORG);
    fx_import(f, "User", FX_USERS);
    fx_import(f, "Account", accounts);
    fx_import(f, "AccountTeamMember", "Id,AccountId,UserId,TeamMemberRole\n01M1,001A1,005ANN,x\n");
    fx_import(f, "Opportunity",
              "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
              "006A2,001A2,Deal,005ANN,Open,false,2025-01-01T00:00:00Z\n");
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", NULL));
    fx_sync(f);
    g_autofree char *got = fx_contact(f, "jane@acme.com", "AccountId");
    g_assert_cmpstr(got, ==, "001A2");
  }
}

static void test_rules_r24_lowest_id_breaks_ties(void)
{
  g_autofree char *got = account_for_jane("Id,Name,Website,Secondary_Domains__c,OwnerId\n"
                                          "001B,Acme B,acme.com,,005ANN\n"
                                          "001C,Acme C,acme.com,,005ANN\n"
                                          "001A,Acme A,acme.com,,005BOB\n",
                                          NULL, NULL, "Ann Lee <ann@corp.example>");
  /* 001A is lowest but Ann has no relation to it; of the rest 001B. */
  g_assert_cmpstr(got, ==, "001B");
}

static void test_rules_r24_that_user_is_first_qualifying_per_account(void)
{
  /* Users in order: Cal, Ann. On A1 Cal (first) is on the team though Ann
   * owns it; on A2 only Ann qualifies, owning an opportunity. A1 counts as
   * "team" (Cal's relation), A2 as "opportunity": A2 wins, owned by Ann. */
  g_autoptr(fx) f = fx_new(FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001A1,Acme One,acme.com,,005ANN\n"
            "001A2,Acme Two,acme.com,,005BOB\n");
  fx_import(f, "AccountTeamMember", "Id,AccountId,UserId,TeamMemberRole\n01M1,001A1,005CAL,x\n");
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A2,001A2,Deal,005ANN,Open,false,2025-01-01T00:00:00Z\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Cal Ng <cal@corp.example>",
                        "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *account = fx_contact(f, "jane@acme.com", "AccountId");
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(account, ==, "001A2");
  g_assert_cmpstr(owner, ==, "005ANN");
}

/* ---- R25, R26, R27 -------------------------------------------------------- */

static void test_rules_r25_created_fields(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_capture(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "\"Doe, Jane\" <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Title", "VP Engineering");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Phone", "+1 617 555 0100");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Department", "Engineering");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Seniority__c", "VP");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Persona__c", "Technical Buyer");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "MailingCountry", "United States");
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "MailingState", "MA");
  fx_decide(f);
  /* Nothing reaches the CRM before sync. */
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 0);
  g_assert_cmpuint(fx_log_count(f, NULL, "contact_created", NULL), ==, 0);
  fx_sync(f);
  g_autoptr(GPtrArray) rows = fx_rows(f, "Contact");
  g_assert_cmpuint(rows->len, ==, 1);
  char **r = g_ptr_array_index(rows, 0);
  const char *want[][2] = {
      {"AccountId", "001ACME"},
      {"FirstName", "Jane"},
      {"LastName", "Doe"},
      {"Email", "jane@acme.com"},
      {"Title", "VP Engineering"},
      {"Phone", "+1 617 555 0100"},
      {"Department", "Engineering"},
      {"Seniority__c", "VP"},
      {"Persona__c", "Technical Buyer"},
      {"MailingCountry", "United States"},
      {"MailingState", "MA"},
      {"OwnerId", "005ANN"},
      {"LeadSource", "kith-test"},
      {"Created_By_Kith__c", "true"},
      {"CreatedDate", FX_NOW},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    g_assert_cmpstr(r[fx_col("Contact", want[i][0])], ==, want[i][1]);
  const char *id = r[fx_col("Contact", "Id")];
  g_assert_cmpuint(strlen(id), ==, 18);
  g_assert_true(g_str_has_prefix(id, "003"));
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "contact_created", NULL);
  g_assert_cmpstr(rule, ==, "R25");
}

static void test_rules_r25_default_lead_source(void)
{
  g_autoptr(fx) f = fx_new("[org]\ninternal_domains = corp.example\n");
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME_OWNED_BY_ANN);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *src = fx_contact(f, "jane@acme.com", "LeadSource");
  g_assert_cmpstr(src, ==, "kith");
}

static void test_rules_r26_inactive_user_gives_integration_user(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001BETA,Beta,beta.example,,005IVY\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ivy Old <ivy@corp.example>",
                        "Ann Lee <ann@corp.example>", "Ben Bo <ben@beta.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *ben = fx_contact(f, "ben@beta.example", "OwnerId");
  g_autofree char *jane = fx_contact(f, "jane@acme.com", "OwnerId");
  g_assert_cmpstr(ben, ==, "005INTEGRATION");
  g_assert_cmpstr(jane, ==, "005ANN");
}

static void test_rules_r27_named_twice_before_sync_created_once(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_ingest(f, fx_meeting("uid-2", "2026-01-06T09:00:00Z", "Call", "Ann Lee <ann@corp.example>",
                          "Jane Doe <JANE@acme.com>", NULL));
  g_assert_cmpuint(outbox_ops(f, "contact_create"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "contact_linked", NULL);
  g_assert_cmpstr(rule, ==, "R27");
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_autofree char *id = fx_contact(f, "jane@acme.com", "Id");
  g_autofree char *l1 = fx_link(f, "e1", "jane@acme.com");
  g_autofree char *l2 = fx_link(f, "uid-2", "jane@acme.com");
  g_autofree char *want = g_strdup_printf("Contact:%s", id);
  g_assert_cmpstr(l1, ==, want);
  g_assert_cmpstr(l2, ==, want);
}

static void test_rules_r27_in_one_ingest(void)
{
  g_autoptr(fx) f = org(NULL);
  /* Both captured before any decision, as one kith ingest of two files. */
  fx_capture(f, fx_email("e2", "2026-01-06T09:00:00Z", "Re: Hi", "Jane Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_capture(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                         "Jane Doe <jane@acme.com>", NULL));
  fx_decide(f);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 1);
}

/* ---- R37-R39: enrichment -------------------------------------------------- */

typedef struct {
  const char *id, *time, *display;
  const char *title, *phone, *country;
} sighting;

/* One activity in which Jane writes to Ann, with what her signature showed. */
static void see(fx *f, const sighting *s, gboolean decide)
{
  g_autofree char *from = g_strdup_printf("%s <jane@acme.com>", s->display);
  fx_capture(f, fx_email(s->id, s->time, "Note", from, "Ann Lee <ann@corp.example>", NULL));
  if (s->title)
    fx_observe(f, s->id, s->time, "jane@acme.com", "Title", s->title);
  if (s->phone)
    fx_observe(f, s->id, s->time, "jane@acme.com", "Phone", s->phone);
  if (s->country)
    fx_observe(f, s->id, s->time, "jane@acme.com", "MailingCountry", s->country);
  if (decide)
    fx_decide(f);
}

static void test_rules_r37_kith_contact_updated_from_newer(void)
{
  g_autoptr(fx) f = org(NULL);
  const sighting a = {"e1", "2026-01-05T09:00:00Z", "Jane Doe", "Engineer", NULL, NULL};
  const sighting b = {"e2", "2026-01-10T09:00:00Z", "Jane Doe", "CTO", "+1 617 555 0100", NULL};
  see(f, &a, TRUE);
  fx_sync(f);
  g_autofree char *t1 = fx_contact(f, "jane@acme.com", "Title");
  g_assert_cmpstr(t1, ==, "Engineer");
  see(f, &b, TRUE);
  /* Queued, not applied: the CRM still shows the old value. */
  g_autofree char *t2 = fx_contact(f, "jane@acme.com", "Title");
  g_assert_cmpstr(t2, ==, "Engineer");
  fx_sync(f);
  g_autofree char *t3 = fx_contact(f, "jane@acme.com", "Title");
  g_autofree char *phone = fx_contact(f, "jane@acme.com", "Phone");
  g_assert_cmpstr(t3, ==, "CTO");
  g_assert_cmpstr(phone, ==, "+1 617 555 0100");
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", "Title"), ==, 1);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "field_updated", "Title");
  g_assert_cmpstr(rule, ==, "R37");
}

static void test_rules_r37_no_value_is_not_an_observation(void)
{
  g_autoptr(fx) f = org(NULL);
  const sighting a = {"e1",       "2026-01-05T09:00:00Z", "Jane Doe",
                      "Engineer", "+1 617 555 0100",      NULL};
  see(f, &a, TRUE);
  fx_sync(f);
  /* A newer mail with no signature and no display name shows nothing. */
  fx_ingest(f, fx_email("e2", "2026-01-10T09:00:00Z", "Re", "jane@acme.com",
                        "Ann Lee <ann@corp.example>", NULL));
  fx_sync(f);
  g_autofree char *title = fx_contact(f, "jane@acme.com", "Title");
  g_autofree char *phone = fx_contact(f, "jane@acme.com", "Phone");
  g_autofree char *first = fx_contact(f, "jane@acme.com", "FirstName");
  g_autofree char *last = fx_contact(f, "jane@acme.com", "LastName");
  g_assert_cmpstr(title, ==, "Engineer");
  g_assert_cmpstr(phone, ==, "+1 617 555 0100");
  g_assert_cmpstr(first, ==, "Jane");
  g_assert_cmpstr(last, ==, "Doe");
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", NULL), ==, 0);
}

static void test_rules_r37_queued_contact_takes_later_values(void)
{
  g_autoptr(fx) f = org(NULL);
  const sighting a = {"e1", "2026-01-05T09:00:00Z", "Jane Doe", "Engineer", NULL, NULL};
  const sighting b = {"e2", "2026-01-10T09:00:00Z", "Janet Doe", "CTO", NULL, "France"};
  see(f, &a, FALSE);
  see(f, &b, FALSE);
  fx_decide(f);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", NULL, NULL), ==, 1);
  g_autofree char *title = fx_contact(f, "jane@acme.com", "Title");
  g_autofree char *first = fx_contact(f, "jane@acme.com", "FirstName");
  g_autofree char *country = fx_contact(f, "jane@acme.com", "MailingCountry");
  g_assert_cmpstr(title, ==, "CTO");
  g_assert_cmpstr(first, ==, "Janet");
  g_assert_cmpstr(country, ==, "France");
}

static const sighting order_set[] = {
    {"e1", "2026-01-05T09:00:00Z", "Jane Doe", "Engineer", "+1 617 555 0100", NULL},
    {"e2", "2026-01-10T09:00:00Z", "Janet Doe", "CTO", NULL, NULL},
    {"e3", "2026-01-07T09:00:00Z", "Jane Doe", "Director", NULL, "France"},
};
static const guint orders[][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

/* Ingests ORDER_SET in ORDER, one ingest and sync per activity (or all in
 * one ingest with ONE_BATCH); returns the final Contact export. */
static char *run_order(const char *conf, const char *contacts_csv, const guint *order,
                       gboolean one_batch)
{
  g_autoptr(fx) f = org(conf);
  if (contacts_csv)
    fx_import(f, "Contact", contacts_csv);
  for (guint i = 0; i < 3; i++) {
    see(f, &order_set[order[i]], !one_batch);
    if (!one_batch)
      fx_sync(f);
  }
  if (one_batch) {
    fx_decide(f);
    fx_sync(f);
  }
  return fx_dump(f, "Contact");
}

static void test_rules_r39_order_does_not_change_kith_contact(void)
{
  g_autofree char *first = run_order(NULL, NULL, orders[0], FALSE);
  /* The newest of each field: Janet (e2), CTO (e2), the phone (e1 only),
   * France (e3 only). */
  g_assert_nonnull(strstr(first, "|Janet|Doe|jane@acme.com|CTO|+1 617 555 0100|"));
  g_assert_nonnull(strstr(first, "|France|"));
  for (guint i = 1; i < G_N_ELEMENTS(orders); i++) {
    g_autofree char *other = run_order(NULL, NULL, orders[i], FALSE);
    g_assert_cmpstr(other, ==, first);
  }
  g_autofree char *batch = run_order(NULL, NULL, orders[3], TRUE);
  g_assert_cmpstr(batch, ==, first);
}

#define JANE_IMPORTED                                                                              \
  "Id,AccountId,FirstName,LastName,Email,Title,Phone,OwnerId,Created_By_Kith__c,CreatedDate\n"     \
  "003JANE,001ACME,Jane,Doe,jane@acme.com,VP Sales,,005BOB,false,2025-01-01T00:00:00Z\n"

static void test_rules_r39_order_does_not_change_enriched_contact(void)
{
  const char *conf = FX_ORG "[enrichment]\nenabled = on\nFirstName = always\nTitle = always\n"
                            "MailingCountry = always\n";
  g_autofree char *first = run_order(conf, JANE_IMPORTED, orders[0], FALSE);
  g_assert_nonnull(strstr(first, "003JANE|001ACME|Janet|Doe|jane@acme.com|CTO||"));
  g_assert_nonnull(strstr(first, "|France|"));
  for (guint i = 1; i < G_N_ELEMENTS(orders); i++) {
    g_autofree char *other = run_order(conf, JANE_IMPORTED, orders[i], FALSE);
    g_assert_cmpstr(other, ==, first);
  }
  g_autofree char *batch = run_order(conf, JANE_IMPORTED, orders[5], TRUE);
  g_assert_cmpstr(batch, ==, first);
}

/* if_empty protects a filled field: whichever observation fills it first
 * stays, as the contract's enrichment scenario shows (a manual contact keeps
 * the Title kith filled in). So with if_empty the ingest order may decide
 * which value fills the field; a field that only one activity shows comes
 * out the same in every order. */
static void test_rules_r38_if_empty_first_fill_stays(void)
{
  const char *conf = FX_ORG "[enrichment]\nenabled = on\nTitle = if_empty\nPhone = if_empty\n";
  const char *contacts =
      "Id,AccountId,FirstName,LastName,Email,Title,Phone,OwnerId,Created_By_Kith__c,CreatedDate\n"
      "003JANE,001ACME,Jane,Doe,jane@acme.com,,,005BOB,false,2025-01-01T00:00:00Z\n";
  for (guint i = 0; i < G_N_ELEMENTS(orders); i++) {
    g_autofree char *rows = run_order(conf, contacts, orders[i], FALSE);
    g_assert_nonnull(strstr(rows, "|+1 617 555 0100|"));
  }
  /* In time order, the oldest title fills the field and newer ones leave it. */
  g_autofree char *in_order = run_order(conf, contacts, orders[0], FALSE);
  g_assert_nonnull(strstr(in_order, "|Engineer|"));
}

static void test_rules_r38_enrichment_off_changes_nothing(void)
{
  g_autoptr(fx) f = org(FX_ORG "[enrichment]\nenabled = off\nTitle = always\npersona = always\n");
  fx_import(f, "Contact", JANE_IMPORTED);
  fx_capture(f, fx_email("e1", "2026-01-10T09:00:00Z", "Hi", "Janet Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Persona__c", "Executive");
  fx_decide(f);
  fx_sync(f);
  g_autofree char *title = fx_contact(f, "jane@acme.com", "Title");
  g_autofree char *persona = fx_contact(f, "jane@acme.com", "Persona__c");
  g_autofree char *first = fx_contact(f, "jane@acme.com", "FirstName");
  g_assert_cmpstr(title, ==, "VP Sales");
  g_assert_cmpstr(persona, ==, "");
  g_assert_cmpstr(first, ==, "Jane");
  g_assert_cmpuint(fx_log_count(f, NULL, "field_updated", NULL), ==, 0);
}

static void test_rules_r38_always_if_empty_never(void)
{
  g_autoptr(fx) f = org(FX_ORG "[enrichment]\nenabled = on\nTitle = always\nPhone = if_empty\n"
                               "MailingState = if_empty\nMailingCountry = never\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Title,Phone,MailingCountry,"
            "MailingState,OwnerId,Created_By_Kith__c,CreatedDate\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,VP Sales,,Germany,Bavaria,005BOB,"
            "false,2025-01-01T00:00:00Z\n");
  fx_capture(f, fx_email("e1", "2026-01-10T09:00:00Z", "Hi", "Janet Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Phone", "+49 89 1234567");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "MailingCountry", "France");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "MailingState", "Hessen");
  fx_decide(f);
  fx_sync(f);
  const char *want[][2] = {{"Title", "CTO"},
                           {"Phone", "+49 89 1234567"},
                           {"MailingCountry", "Germany"},
                           {"MailingState", "Bavaria"},
                           {"FirstName", "Jane"}};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    g_autofree char *got = fx_contact(f, "jane@acme.com", want[i][0]);
    g_assert_cmpstr(got, ==, want[i][1]);
  }
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", "Title"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", "Phone"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", NULL), ==, 2);
  g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "field_updated", "Title");
  g_assert_cmpstr(rule, ==, "R38");
}

static void test_rules_r38_always_ignores_older_than_written(void)
{
  g_autoptr(fx) f = org(FX_ORG "[enrichment]\nenabled = on\nTitle = always\n");
  fx_import(f, "Contact", JANE_IMPORTED);
  const sighting newer = {"e2", "2026-01-10T09:00:00Z", "Jane Doe", "CTO", NULL, NULL};
  const sighting older = {"e1", "2026-01-05T09:00:00Z", "Jane Doe", "Engineer", NULL, NULL};
  see(f, &newer, TRUE);
  fx_sync(f);
  see(f, &older, TRUE);
  fx_sync(f);
  g_autofree char *title = fx_contact(f, "jane@acme.com", "Title");
  g_assert_cmpstr(title, ==, "CTO");
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", "Title"), ==, 1);
}

/* Persona, Department, Seniority of Jane after one newer observation of each. */
static void classify_fields(const char *enrichment, char **persona, char **department,
                            char **seniority)
{
  g_autofree char *conf = g_strdup_printf(FX_ORG "[enrichment]\n%s", enrichment);
  g_autoptr(fx) f = org(conf);
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Department,Seniority__c,"
            "Persona__c,OwnerId,Created_By_Kith__c,CreatedDate\n"
            "003JANE,001ACME,Jane,Doe,jane@acme.com,Sales,,Buyer,005BOB,false,"
            "2025-01-01T00:00:00Z\n");
  fx_capture(f, fx_email("e1", "2026-01-10T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Persona__c", "Technical");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Department", "Engineering");
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane@acme.com", "Seniority__c", "Executive");
  fx_decide(f);
  fx_sync(f);
  *persona = fx_contact(f, "jane@acme.com", "Persona__c");
  *department = fx_contact(f, "jane@acme.com", "Department");
  *seniority = fx_contact(f, "jane@acme.com", "Seniority__c");
}

static void test_rules_r38_persona_department_seniority_separate(void)
{
  {
    /* The lower-case settings alone. */
    g_autofree char *p = NULL, *d = NULL, *s = NULL;
    classify_fields("enabled = on\npersona = always\ndepartment = if_empty\nseniority = if_empty\n",
                    &p, &d, &s);
    g_assert_cmpstr(p, ==, "Technical");
    g_assert_cmpstr(d, ==, "Sales");
    g_assert_cmpstr(s, ==, "Executive");
  }
  {
    /* The API-name keys alone. */
    g_autofree char *p = NULL, *d = NULL, *s = NULL;
    classify_fields("enabled = on\nPersona__c = always\nDepartment = always\n", &p, &d, &s);
    g_assert_cmpstr(p, ==, "Technical");
    g_assert_cmpstr(d, ==, "Engineering");
    g_assert_cmpstr(s, ==, "");
  }
  {
    /* Either is enough: the one that allows more wins. */
    g_autofree char *p = NULL, *d = NULL, *s = NULL;
    classify_fields("enabled = on\nPersona__c = never\npersona = always\nDepartment = always\n"
                    "department = off\nSeniority__c = if_empty\nseniority = off\n",
                    &p, &d, &s);
    g_assert_cmpstr(p, ==, "Technical");
    g_assert_cmpstr(d, ==, "Engineering");
    g_assert_cmpstr(s, ==, "Executive");
  }
  {
    /* Nothing at all without enabled = on. */
    g_autofree char *p = NULL, *d = NULL, *s = NULL;
    classify_fields("persona = always\ndepartment = always\nseniority = always\n", &p, &d, &s);
    g_assert_cmpstr(p, ==, "Buyer");
    g_assert_cmpstr(d, ==, "Sales");
    g_assert_cmpstr(s, ==, "");
  }
}

static void test_rules_r39_owner_account_email_never_changed(void)
{
  g_autoptr(fx) f = org(FX_ORG "[enrichment]\nenabled = on\nFirstName = always\nLastName = always\n"
                               "Title = always\nPhone = always\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,Title,OwnerId,Created_By_Kith__c,"
            "CreatedDate\n"
            "003JANE,001ELSE,Jane,Doe,Jane.Doe@ACME.com,VP,005BOB,false,"
            "2025-01-01T00:00:00Z\n");
  fx_capture(f, fx_email("e1", "2026-01-10T09:00:00Z", "Hi", "Janet Roe <jane.doe@acme.com>",
                         "Ann Lee <ann@corp.example>", NULL));
  fx_observe(f, "e1", "2026-01-10T09:00:00Z", "jane.doe@acme.com", "Title", "CTO");
  fx_decide(f);
  fx_sync(f);
  g_autoptr(GPtrArray) rows = fx_rows(f, "Contact");
  g_assert_cmpuint(rows->len, ==, 1);
  char **r = g_ptr_array_index(rows, 0);
  g_assert_cmpstr(r[fx_col("Contact", "Email")], ==, "Jane.Doe@ACME.com");
  g_assert_cmpstr(r[fx_col("Contact", "OwnerId")], ==, "005BOB");
  g_assert_cmpstr(r[fx_col("Contact", "AccountId")], ==, "001ELSE");
  g_assert_cmpstr(r[fx_col("Contact", "Title")], ==, "CTO");
  g_assert_cmpstr(r[fx_col("Contact", "FirstName")], ==, "Janet");
  g_assert_cmpstr(r[fx_col("Contact", "LastName")], ==, "Roe");
  g_assert_cmpstr(r[fx_col("Contact", "Created_By_Kith__c")], ==, "false");
}

static void test_rules_r39_kith_contact_owner_and_account_kept(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n"
            "01MBOB,001ACME,005BOB,Sales\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  /* A later activity of Bob's would give Bob; the contact stays Ann's. */
  fx_ingest(f, fx_email("e2", "2026-01-10T09:00:00Z", "Hi", "Bob Roy <bob@corp.example>",
                        "Janet Doe <jane@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "jane@acme.com", "OwnerId");
  g_autofree char *account = fx_contact(f, "jane@acme.com", "AccountId");
  g_autofree char *first = fx_contact(f, "jane@acme.com", "FirstName");
  g_assert_cmpstr(owner, ==, "005ANN");
  g_assert_cmpstr(account, ==, "001ACME");
  g_assert_cmpstr(first, ==, "Janet");
}

static void test_rules_r39_config_refuses_owner_account_email(void)
{
  const char *keys[] = {"OwnerId", "AccountId", "Email"};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    g_autofree char *dir = g_dir_make_tmp("kith-conf-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "kith.conf", NULL);
    g_autofree char *text = g_strdup_printf("[enrichment]\nenabled = on\n%s = always\n", keys[i]);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(kith_config) c = kith_config_load(path, &error);
    g_assert_null(c);
    g_assert_error(error, KITH_ERROR, KITH_ERROR_USAGE);
    g_assert_nonnull(strstr(error->message, keys[i]));
    g_unlink(path);
    g_rmdir(dir);
  }
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/rules/r2/internal_domain_and_subdomain_skipped",
                  test_rules_r2_internal_domain_and_subdomain_skipped);
  g_test_add_func("/rules/r2/user_address_is_internal_and_a_user",
                  test_rules_r2_user_address_is_internal_and_a_user);
  g_test_add_func("/rules/r2/users_in_participant_order_inactive_included",
                  test_rules_r2_users_in_participant_order_inactive_included);
  g_test_add_func("/rules/r3/subdomain_matches_account", test_rules_r3_subdomain_matches_account);
  g_test_add_func("/rules/r3/most_specific_domain_wins", test_rules_r3_most_specific_domain_wins);
  g_test_add_func("/rules/r3/most_specific_domain_even_without_user",
                  test_rules_r3_most_specific_domain_even_without_user);
  g_test_add_func("/rules/r3/public_suffix_never_matches",
                  test_rules_r3_public_suffix_never_matches);
  g_test_add_func("/rules/r10/automatic_skipped", test_rules_r10_automatic_skipped);
  g_test_add_func("/rules/r10/out_of_office_subject_skipped",
                  test_rules_r10_out_of_office_subject_skipped);
  g_test_add_func("/rules/r10/subject_filtered", test_rules_r10_subject_filtered);
  g_test_add_func("/rules/r10/cancelled_meeting_skipped", test_rules_r10_cancelled_meeting_skipped);
  g_test_add_func("/rules/r10/no_users_skipped", test_rules_r10_no_users_skipped);
  g_test_add_func("/rules/r10/inactive_user_is_still_a_user",
                  test_rules_r10_inactive_user_is_still_a_user);
  g_test_add_func("/rules/r10/duplicate_activity_skipped",
                  test_rules_r10_duplicate_activity_skipped);
  g_test_add_func("/rules/r11/each_reason", test_rules_r11_each_reason);
  g_test_add_func("/rules/r11/precedence_order", test_rules_r11_precedence_order);
  g_test_add_func("/rules/r11/builtin_personal_domains", test_rules_r11_builtin_personal_domains);
  g_test_add_func("/rules/r11/personal_domains_none_and_replaced",
                  test_rules_r11_personal_domains_none_and_replaced);
  g_test_add_func("/rules/r11/logged_with_rule", test_rules_r11_logged_with_rule);
  g_test_add_func("/rules/r20/existing_contact_on_any_account_linked",
                  test_rules_r20_existing_contact_on_any_account_linked);
  g_test_add_func("/rules/r21/unconverted_lead_linked", test_rules_r21_unconverted_lead_linked);
  g_test_add_func("/rules/r21/converted_lead_ignored", test_rules_r21_converted_lead_ignored);
  g_test_add_func("/rules/r22/contact_creation_off", test_rules_r22_contact_creation_off);
  g_test_add_func("/rules/r22/contact_creation_off_before_missing_field",
                  test_rules_r22_contact_creation_off_before_missing_field);
  g_test_add_func("/rules/r22/one_user_with_creation_is_enough",
                  test_rules_r22_one_user_with_creation_is_enough);
  g_test_add_func("/rules/r22/missing_last_name", test_rules_r22_missing_last_name);
  g_test_add_func("/rules/r22/missing_field_before_no_account",
                  test_rules_r22_missing_field_before_no_account);
  g_test_add_func("/rules/r22/required_fields", test_rules_r22_required_fields);
  g_test_add_func("/rules/r22/required_fields_of_first_creating_user",
                  test_rules_r22_required_fields_of_first_creating_user);
  g_test_add_func("/rules/r23/no_account", test_rules_r23_no_account);
  g_test_add_func("/rules/r24/user_not_on_account", test_rules_r24_user_not_on_account);
  g_test_add_func("/rules/r24/owner_opportunity_owner_or_team",
                  test_rules_r24_owner_opportunity_owner_or_team);
  g_test_add_func("/rules/r24/first_qualifying_user_in_order_owns",
                  test_rules_r24_first_qualifying_user_in_order_owns);
  g_test_add_func("/rules/r24/user_without_creation_not_considered",
                  test_rules_r24_user_without_creation_not_considered);
  g_test_add_func("/rules/r24/primary_before_secondary", test_rules_r24_primary_before_secondary);
  g_test_add_func("/rules/r24/owner_before_opportunity_before_team",
                  test_rules_r24_owner_before_opportunity_before_team);
  g_test_add_func("/rules/r24/lowest_id_breaks_ties", test_rules_r24_lowest_id_breaks_ties);
  g_test_add_func("/rules/r24/that_user_is_first_qualifying_per_account",
                  test_rules_r24_that_user_is_first_qualifying_per_account);
  g_test_add_func("/rules/r25/created_fields", test_rules_r25_created_fields);
  g_test_add_func("/rules/r25/default_lead_source", test_rules_r25_default_lead_source);
  g_test_add_func("/rules/r26/inactive_user_gives_integration_user",
                  test_rules_r26_inactive_user_gives_integration_user);
  g_test_add_func("/rules/r27/named_twice_before_sync_created_once",
                  test_rules_r27_named_twice_before_sync_created_once);
  g_test_add_func("/rules/r27/in_one_ingest", test_rules_r27_in_one_ingest);
  g_test_add_func("/rules/r37/kith_contact_updated_from_newer",
                  test_rules_r37_kith_contact_updated_from_newer);
  g_test_add_func("/rules/r37/no_value_is_not_an_observation",
                  test_rules_r37_no_value_is_not_an_observation);
  g_test_add_func("/rules/r37/queued_contact_takes_later_values",
                  test_rules_r37_queued_contact_takes_later_values);
  g_test_add_func("/rules/r38/enrichment_off_changes_nothing",
                  test_rules_r38_enrichment_off_changes_nothing);
  g_test_add_func("/rules/r38/always_if_empty_never", test_rules_r38_always_if_empty_never);
  g_test_add_func("/rules/r38/always_ignores_older_than_written",
                  test_rules_r38_always_ignores_older_than_written);
  g_test_add_func("/rules/r38/persona_department_seniority_separate",
                  test_rules_r38_persona_department_seniority_separate);
  g_test_add_func("/rules/r39/order_does_not_change_kith_contact",
                  test_rules_r39_order_does_not_change_kith_contact);
  g_test_add_func("/rules/r39/order_does_not_change_enriched_contact",
                  test_rules_r39_order_does_not_change_enriched_contact);
  g_test_add_func("/rules/r38/if_empty_first_fill_stays", test_rules_r38_if_empty_first_fill_stays);
  g_test_add_func("/rules/r39/owner_account_email_never_changed",
                  test_rules_r39_owner_account_email_never_changed);
  g_test_add_func("/rules/r39/kith_contact_owner_and_account_kept",
                  test_rules_r39_kith_contact_owner_and_account_kept);
  g_test_add_func("/rules/r39/config_refuses_owner_account_email",
                  test_rules_r39_config_refuses_owner_account_email);
  return g_test_run();
}
