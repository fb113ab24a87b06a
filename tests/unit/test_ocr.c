/* test_ocr.c - Opportunity Contact Roles from who meets whom (R30-R35). */
#include "rules_fixture.h"

#define OCR_CONF(extra) FX_ORG "[profile Sales]\nusers = *\nocr = on\nocr_role = Influencer\n" extra

#define ACCOUNTS                                                                                   \
  "Id,Name,Website,Secondary_Domains__c,OwnerId\n"                                                 \
  "001ACME,Acme,acme.com,,005ANN\n"                                                                \
  "001BETA,Beta,beta.example,,005ANN\n"                                                            \
  "001ELSE,Else,else.example,,005BOB\n"

#define CONTACTS                                                                                   \
  "Id,AccountId,FirstName,LastName,Email,OwnerId,Created_By_Kith__c,CreatedDate\n"                 \
  "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n"                     \
  "003LISA,001ACME,Lisa,Lo,lisa@acme.com,005ANN,false,2025-01-01T00:00:00Z\n"                      \
  "003MIKE,001ACME,Mike,Moe,mike@acme.com,005ANN,false,2025-01-01T00:00:00Z\n"

/* Acme's one open deal, Bob's. */
#define DEAL_A1 "006A1,001ACME,Deal,005BOB,Open,false,2025-06-01T00:00:00Z\n"

#define OPPS_HEADER "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
#define ROLES_HEADER "Id,OpportunityId,ContactId,Role,IsPrimary,Created_By_Kith__c\n"

/* The organisation with Acme's three contacts, OPPS and ROLES (CSV rows
 * without header; NULL for none). */
static fx *ocr_org(const char *conf, const char *opps, const char *roles)
{
  fx *f = fx_new(conf);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACCOUNTS);
  fx_import(f, "Contact", CONTACTS);
  if (opps) {
    g_autofree char *csv = g_strconcat(OPPS_HEADER, opps, NULL);
    fx_import(f, "Opportunity", csv);
  }
  if (roles) {
    g_autofree char *csv = g_strconcat(ROLES_HEADER, roles, NULL);
    fx_import(f, "OpportunityContactRole", csv);
  }
  return f;
}

static guint roles_on(fx *f, const char *opportunity_id)
{
  return fx_count(f, "OpportunityContactRole", "OpportunityId", opportunity_id);
}

/* Whether the contact with address EMAIL has a role on OPP. */
static gboolean has_role(fx *f, const char *opportunity_id, const char *email)
{
  g_autofree char *id = fx_contact(f, email, "Id");
  return id && fx_role(f, opportunity_id, id, NULL);
}

/* ---- R30 ------------------------------------------------------------------ */

static void test_ocr_r30_standard_roles_for_the_others(void)
{
  g_autoptr(fx)
      f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,Decision Maker,true,false\n");
  fx_ingest(f, fx_meeting("uid-1", "2026-01-05T09:00:00Z", "Review", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>",
                          "Pat New <pat@acme.com>", "Zed Zu <zed@beta.example>", NULL));
  fx_sync(f);
  g_assert_true(has_role(f, "006A1", "jane@acme.com"));
  g_assert_true(has_role(f, "006A1", "mike@acme.com"));
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  /* Zed's domain does not match the opportunity's account. */
  g_assert_false(has_role(f, "006A1", "zed@beta.example"));
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "zed@beta.example"), ==, 1);
  /* Jane's own role is not made twice. */
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 3);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "ocr_created", NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "ocr_created", NULL), ==, 0);
  g_autofree char *rule = fx_log_rule(f, "mike@acme.com", "ocr_created", NULL);
  g_assert_cmpstr(rule, ==, "R30");
}

static void test_ocr_r30_ocr_off_makes_no_roles(void)
{
  g_autoptr(fx) f = ocr_org(FX_ORG, DEAL_A1, "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 1);
}

static void test_ocr_r30_first_users_profile_decides(void)
{
  const char *conf = FX_ORG "[profile NoRoles]\nusers = ann@corp.example\nocr = off\n"
                            "[profile Sales]\nusers = *\nocr = on\n";
  const char *opps = "006A1,001ACME,Deal,005BOB,Open,false,2025-06-01T00:00:00Z\n";
  const char *roles = "00KJ1,006A1,003JANE,,false,false\n";
  {
    g_autoptr(fx) f = ocr_org(conf, opps, roles);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Bob Roy <bob@corp.example>", "Jane Doe <jane@acme.com>",
                          "Pat New <pat@acme.com>", NULL));
    fx_sync(f);
    g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  }
  {
    g_autoptr(fx) f = ocr_org(conf, opps, roles);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Bob Roy <bob@corp.example>",
                          "Ann Lee <ann@corp.example>", "Jane Doe <jane@acme.com>",
                          "Pat New <pat@acme.com>", NULL));
    fx_sync(f);
    g_assert_cmpuint(roles_on(f, "006A1"), ==, 2);
    g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  }
}

static void test_ocr_r30_anchor_must_be_contact_on_the_account(void)
{
  /* Jane has a role on Acme's deal but is a contact on another account:
   * she does not anchor it. */
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,,false,false\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,OwnerId,Created_By_Kith__c\n"
            "003JANE,001ELSE,Jane,Doe,jane@acme.com,005BOB,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  g_assert_false(has_role(f, "006A1", "pat@acme.com"));
}

static void test_ocr_r30_lead_gets_no_role(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,,false,false\n");
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QLEE,Lee,Ray,lee@acme.com,Acme,005BOB,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Lee Ray <lee@acme.com>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "lee@acme.com"), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "lee@acme.com", "ocr_created", NULL), ==, 0);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 2);
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
}

static void test_ocr_r30_closed_opportunity_never(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("first_ocr = on\nnew_ocr = on\nmulti_opportunity = on\n"),
                            "006AX,001ACME,Old deal,005ANN,Closed Won,true,2025-06-01T00:00:00Z\n",
                            "00KJ1,006AX,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>",
                        "Mike Moe <mike@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(roles_on(f, "006AX"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, NULL, "ocr_created", NULL), ==, 0);
}

static void test_ocr_r30_second_activity_adds_nothing_twice(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  /* Before and after the sync, the same people meet again. */
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Re: Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  fx_ingest(f, fx_email("e3", "2026-01-07T09:00:00Z", "Re: Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 2);
  g_assert_cmpuint(fx_log_count(f, NULL, "ocr_created", NULL), ==, 1);
}

/* ---- R31 ------------------------------------------------------------------ */

static void test_ocr_r31_contact_on_other_account_keeps_contact(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), DEAL_A1, "00KM1,006A1,003MIKE,,false,false\n");
  fx_import(f, "Contact",
            "Id,AccountId,FirstName,LastName,Email,OwnerId,Created_By_Kith__c\n"
            "003JANE,001ELSE,Jane,Doe,jane@acme.com,005BOB,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "jane@acme.com"), ==, 1);
  g_assert_true(fx_role(f, "006A1", "003JANE", NULL));
  g_autofree char *account = fx_contact(f, "jane@acme.com", "AccountId");
  g_assert_cmpstr(account, ==, "001ELSE");
}

/* Ann-less Acme: owned by Bob, whose deal Jane anchors; FROM sends. */
static fx *r31_org(const char *from, const char *extra_user)
{
  fx *f = fx_new(OCR_CONF(""));
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001ACME,Acme,acme.com,,005BOB\n");
  fx_import(f, "Contact", CONTACTS);
  fx_import(f, "Opportunity", OPPS_HEADER DEAL_A1);
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_import(f, "AccountTeamMember",
            "Id,AccountId,UserId,TeamMemberRole\n01MANN,001ACME,005ANN,x\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", from, extra_user,
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  return f;
}

static void test_ocr_r31_contact_owned_by_first_user(void)
{
  /* Cal is on nothing: R24 makes no contact, R31 makes one, Cal's. */
  g_autoptr(fx) f = r31_org("Cal Ng <cal@corp.example>", "Zed Zu <zed@beta.example>");
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "skipped", "user_not_on_account"), ==, 1);
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_autofree char *account = fx_contact(f, "pat@acme.com", "AccountId");
  g_assert_cmpstr(owner, ==, "005CAL");
  g_assert_cmpstr(account, ==, "001ACME");
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  g_autofree char *rule = fx_log_rule(f, "pat@acme.com", "contact_created", NULL);
  g_assert_cmpstr(rule, ==, "R31");
}

static void test_ocr_r31_inactive_first_user_gives_integration_user(void)
{
  g_autoptr(fx) f = r31_org("Ivy Old <ivy@corp.example>", "Cal Ng <cal@corp.example>");
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005INTEGRATION");
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
}

static void test_ocr_r31_r26_owner_is_kept(void)
{
  /* Ann (second) is on Acme's team: R24 creates Pat as Ann's, and the role
   * does not change that though Cal is the first user. */
  g_autoptr(fx) f = r31_org("Cal Ng <cal@corp.example>", "Ann Lee <ann@corp.example>");
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005ANN");
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  g_autofree char *rule = fx_log_rule(f, "pat@acme.com", "contact_created", NULL);
  g_assert_cmpstr(rule, ==, "R25");
}

static void test_ocr_r31_r22_still_applies(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 0);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "skipped", "missing_field"), ==, 1);
}

/* ---- R32 ------------------------------------------------------------------ */

static void test_ocr_r32_most_anchors_wins(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                            "006A2,001ACME,Two,005CAL,Open,false,2025-05-01T00:00:00Z\n",
                            "00KJ1,006A1,003JANE,,false,false\n"
                            "00KM2,006A2,003MIKE,,false,false\n"
                            "00KL2,006A2,003LISA,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>",
                        "Lisa Lo <lisa@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_true(has_role(f, "006A2", "pat@acme.com"));
  g_assert_true(has_role(f, "006A2", "jane@acme.com"));
  g_assert_false(has_role(f, "006A1", "pat@acme.com"));
  g_assert_false(has_role(f, "006A1", "mike@acme.com"));
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  g_assert_cmpuint(roles_on(f, "006A2"), ==, 4);
}

static void test_ocr_r32_multi_on_every_anchored(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("multi_opportunity = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                            "006A2,001ACME,Two,005CAL,Open,false,2025-05-01T00:00:00Z\n"
                            "006A3,001ACME,Three,005CAL,Open,false,2025-05-01T00:00:00Z\n",
                            "00KJ1,006A1,003JANE,,false,false\n"
                            "00KM2,006A2,003MIKE,,false,false\n"
                            "00KL2,006A2,003LISA,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>",
                        "Lisa Lo <lisa@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  g_assert_true(has_role(f, "006A1", "mike@acme.com"));
  g_assert_true(has_role(f, "006A1", "lisa@acme.com"));
  g_assert_true(has_role(f, "006A2", "pat@acme.com"));
  g_assert_true(has_role(f, "006A2", "jane@acme.com"));
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 4);
  g_assert_cmpuint(roles_on(f, "006A2"), ==, 4);
  /* Not anchored: nothing. */
  g_assert_cmpuint(roles_on(f, "006A3"), ==, 0);
}

/* Jane anchors A1, Mike A2 (one each); which one does Pat get a role on? */
static char *tie_winner(const char *opps, const char *from, const char *second_user)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF(""), opps,
                            "00KJ1,006A1,003JANE,,false,false\n"
                            "00KM2,006A2,003MIKE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", from, second_user,
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  gboolean a1 = has_role(f, "006A1", "pat@acme.com"), a2 = has_role(f, "006A2", "pat@acme.com");
  g_assert_true(a1 != a2);
  return g_strdup(a1 ? "006A1" : "006A2");
}

static void test_ocr_r32_tie_owned_by_an_activity_user(void)
{
  const char *opps = "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                     "006A2,001ACME,Two,005CAL,Open,false,2025-05-01T00:00:00Z\n";
  const char *ann = "Ann Lee <ann@corp.example>";
  g_autofree char *with_cal = tie_winner(opps, ann, "Cal Ng <cal@corp.example>");
  g_autofree char *with_bob = tie_winner(opps, ann, "Bob Roy <bob@corp.example>");
  g_assert_cmpstr(with_cal, ==, "006A2");
  g_assert_cmpstr(with_bob, ==, "006A1");
}

static void test_ocr_r32_tie_newest_created(void)
{
  const char *newer_two = "006A1,001ACME,One,005BOB,Open,false,2025-05-01T00:00:00Z\n"
                          "006A2,001ACME,Two,005CAL,Open,false,2025-08-01T00:00:00Z\n";
  const char *newer_one = "006A1,001ACME,One,005BOB,Open,false,2025-08-01T10:00:00Z\n"
                          "006A2,001ACME,Two,005CAL,Open,false,2025-08-01T09:00:00Z\n";
  const char *ann = "Ann Lee <ann@corp.example>", *zed = "Zed Zu <zed@beta.example>";
  g_autofree char *a = tie_winner(newer_two, ann, zed);
  g_autofree char *b = tie_winner(newer_one, ann, zed);
  g_assert_cmpstr(a, ==, "006A2");
  g_assert_cmpstr(b, ==, "006A1");
}

static void test_ocr_r32_tie_lowest_id(void)
{
  const char *same = "006A2,001ACME,Two,005CAL,Open,false,2025-08-01T00:00:00Z\n"
                     "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n";
  g_autofree char *got = tie_winner(same, "Ann Lee <ann@corp.example>",
                                    "Zed Zu <zed@beta.example>");
  g_assert_cmpstr(got, ==, "006A1");
}

/* ---- R33 ------------------------------------------------------------------ */

static void test_ocr_r33_new_ocr_without_anchor(void)
{
  const char *opps = "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                     "006A2,001ACME,Two,005BOB,Open,false,2025-05-01T00:00:00Z\n";
  /* Lisa, not at the meeting, has a role on A1; A2 has none. */
  const char *roles = "00KL1,006A1,003LISA,,false,false\n";
  {
    g_autoptr(fx) f = ocr_org(OCR_CONF("new_ocr = on\n"), opps, roles);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
    fx_sync(f);
    g_assert_true(has_role(f, "006A1", "pat@acme.com"));
    g_assert_true(has_role(f, "006A1", "jane@acme.com"));
    g_assert_cmpuint(roles_on(f, "006A2"), ==, 0);
    g_autofree char *rule = fx_log_rule(f, "pat@acme.com", "ocr_created", NULL);
    g_assert_cmpstr(rule, ==, "R33");
  }
  {
    g_autoptr(fx) f = ocr_org(OCR_CONF(""), opps, roles);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
    fx_sync(f);
    g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
  }
}

static void test_ocr_r33_not_used_when_anchored(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("new_ocr = on\nmulti_opportunity = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                            "006A2,001ACME,Two,005BOB,Open,false,2025-05-01T00:00:00Z\n",
                            "00KJ1,006A1,003JANE,,false,false\n"
                            "00KL2,006A2,003LISA,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_true(has_role(f, "006A1", "pat@acme.com"));
  g_assert_false(has_role(f, "006A2", "pat@acme.com"));
  g_assert_cmpuint(roles_on(f, "006A2"), ==, 1);
}

static void test_ocr_r33_picks_by_r32(void)
{
  /* Both have roles, neither is anchored, neither owned by Ann: the newer. */
  g_autoptr(fx) f = ocr_org(OCR_CONF("new_ocr = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-05-01T00:00:00Z\n"
                            "006A2,001ACME,Two,005BOB,Open,false,2025-08-01T00:00:00Z\n",
                            "00KL1,006A1,003LISA,,false,false\n"
                            "00KM2,006A2,003MIKE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_true(has_role(f, "006A2", "pat@acme.com"));
  g_assert_false(has_role(f, "006A1", "pat@acme.com"));
}

/* ---- R34 ------------------------------------------------------------------ */

static void test_ocr_r34_first_ocr_one_opportunity(void)
{
  const char *opps = "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                     "006AX,001ACME,Lost,005BOB,Closed Lost,true,2025-01-01T00:00:00Z\n";
  {
    g_autoptr(fx) f = ocr_org(OCR_CONF("first_ocr = on\n"), opps, NULL);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>",
                          "Zed Zu <zed@beta.example>", NULL));
    fx_sync(f);
    g_assert_true(has_role(f, "006A1", "jane@acme.com"));
    g_assert_true(has_role(f, "006A1", "pat@acme.com"));
    g_assert_false(has_role(f, "006A1", "zed@beta.example"));
    g_assert_cmpuint(roles_on(f, "006A1"), ==, 2);
    g_autofree char *rule = fx_log_rule(f, "jane@acme.com", "ocr_created", NULL);
    g_assert_cmpstr(rule, ==, "R34");
  }
  {
    g_autoptr(fx) f = ocr_org(OCR_CONF(""), opps, NULL);
    fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                          "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
    fx_sync(f);
    g_assert_cmpuint(roles_on(f, "006A1"), ==, 0);
  }
}

static void test_ocr_r34_two_possible_across_two_accounts(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("first_ocr = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                            "006B1,001BETA,Beta deal,005ANN,Open,false,2025-08-01T00:00:00Z\n",
                            NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", "Zed Zu <zed@beta.example>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", NULL, NULL), ==, 0);
}

static void test_ocr_r34_two_on_one_account(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("first_ocr = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n"
                            "006A2,001ACME,Two,005BOB,Open,false,2025-08-01T00:00:00Z\n",
                            NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", NULL, NULL), ==, 0);
}

static void test_ocr_r34_only_opportunity_with_a_role_is_not_first(void)
{
  g_autoptr(fx) f = ocr_org(OCR_CONF("first_ocr = on\n"),
                            "006A1,001ACME,One,005BOB,Open,false,2025-08-01T00:00:00Z\n",
                            "00KL1,006A1,003LISA,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_assert_cmpuint(roles_on(f, "006A1"), ==, 1);
}

/* ---- R35 ------------------------------------------------------------------ */

static void test_ocr_r35_created_role_fields(void)
{
  g_autoptr(fx)
      f = ocr_org(OCR_CONF(""), DEAL_A1, "00KJ1,006A1,003JANE,Decision Maker,true,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>", NULL));
  fx_sync(f);
  g_autoptr(GPtrArray) rows = fx_rows(f, "OpportunityContactRole");
  g_assert_cmpuint(rows->len, ==, 2);
  int id = fx_col("OpportunityContactRole", "Id");
  int contact = fx_col("OpportunityContactRole", "ContactId");
  for (guint i = 0; i < rows->len; i++) {
    char **r = g_ptr_array_index(rows, i);
    if (strcmp(r[contact], "003MIKE") != 0)
      continue;
    g_assert_cmpuint(strlen(r[id]), ==, 18);
    g_assert_true(g_str_has_prefix(r[id], "00K"));
    g_assert_cmpstr(r[fx_col("OpportunityContactRole", "Role")], ==, "Influencer");
    g_assert_cmpstr(r[fx_col("OpportunityContactRole", "IsPrimary")], ==, "false");
    g_assert_cmpstr(r[fx_col("OpportunityContactRole", "Created_By_Kith__c")], ==, "true");
  }
  /* Jane's own role is left as it was. */
  g_autofree char *role = NULL;
  g_assert_true(fx_role(f, "006A1", "003JANE", &role));
  g_assert_cmpstr(role, ==, "Decision Maker");
}

static void test_ocr_r35_empty_role_by_default(void)
{
  g_autoptr(fx) f = ocr_org(FX_ORG "[profile Sales]\nusers = *\nocr = on\n",
                            "006A1,001ACME,Deal,005BOB,Open,false,2025-06-01T00:00:00Z\n",
                            "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Mike Moe <mike@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *role = NULL;
  g_assert_true(fx_role(f, "006A1", "003MIKE", &role));
  g_assert_cmpstr(role, ==, "");
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/ocr/r30/standard_roles_for_the_others",
                  test_ocr_r30_standard_roles_for_the_others);
  g_test_add_func("/ocr/r30/ocr_off_makes_no_roles", test_ocr_r30_ocr_off_makes_no_roles);
  g_test_add_func("/ocr/r30/first_users_profile_decides", test_ocr_r30_first_users_profile_decides);
  g_test_add_func("/ocr/r30/anchor_must_be_contact_on_the_account",
                  test_ocr_r30_anchor_must_be_contact_on_the_account);
  g_test_add_func("/ocr/r30/lead_gets_no_role", test_ocr_r30_lead_gets_no_role);
  g_test_add_func("/ocr/r30/closed_opportunity_never", test_ocr_r30_closed_opportunity_never);
  g_test_add_func("/ocr/r30/second_activity_adds_nothing_twice",
                  test_ocr_r30_second_activity_adds_nothing_twice);
  g_test_add_func("/ocr/r31/contact_on_other_account_keeps_contact",
                  test_ocr_r31_contact_on_other_account_keeps_contact);
  g_test_add_func("/ocr/r31/contact_owned_by_first_user", test_ocr_r31_contact_owned_by_first_user);
  g_test_add_func("/ocr/r31/inactive_first_user_gives_integration_user",
                  test_ocr_r31_inactive_first_user_gives_integration_user);
  g_test_add_func("/ocr/r31/r26_owner_is_kept", test_ocr_r31_r26_owner_is_kept);
  g_test_add_func("/ocr/r31/r22_still_applies", test_ocr_r31_r22_still_applies);
  g_test_add_func("/ocr/r32/most_anchors_wins", test_ocr_r32_most_anchors_wins);
  g_test_add_func("/ocr/r32/multi_on_every_anchored", test_ocr_r32_multi_on_every_anchored);
  g_test_add_func("/ocr/r32/tie_owned_by_an_activity_user",
                  test_ocr_r32_tie_owned_by_an_activity_user);
  g_test_add_func("/ocr/r32/tie_newest_created", test_ocr_r32_tie_newest_created);
  g_test_add_func("/ocr/r32/tie_lowest_id", test_ocr_r32_tie_lowest_id);
  g_test_add_func("/ocr/r33/new_ocr_without_anchor", test_ocr_r33_new_ocr_without_anchor);
  g_test_add_func("/ocr/r33/not_used_when_anchored", test_ocr_r33_not_used_when_anchored);
  g_test_add_func("/ocr/r33/picks_by_r32", test_ocr_r33_picks_by_r32);
  g_test_add_func("/ocr/r34/first_ocr_one_opportunity", test_ocr_r34_first_ocr_one_opportunity);
  g_test_add_func("/ocr/r34/two_possible_across_two_accounts",
                  test_ocr_r34_two_possible_across_two_accounts);
  g_test_add_func("/ocr/r34/two_on_one_account", test_ocr_r34_two_on_one_account);
  g_test_add_func("/ocr/r34/only_opportunity_with_a_role_is_not_first",
                  test_ocr_r34_only_opportunity_with_a_role_is_not_first);
  g_test_add_func("/ocr/r35/created_role_fields", test_ocr_r35_created_role_fields);
  g_test_add_func("/ocr/r35/empty_role_by_default", test_ocr_r35_empty_role_by_default);
  return g_test_run();
}
