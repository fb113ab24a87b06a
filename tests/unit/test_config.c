/* test_config.c - kith.conf exactly as CONTRACT.md section 4 says. */
#include "config/config.h"
#include "util/error.h"

#include <glib/gstdio.h>
#include <string.h>

static kith_config *load(const char *text, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp("kith-test-conf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "kith.conf", NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  kith_config *c = kith_config_load(path, error);
  g_unlink(path);
  g_rmdir(dir);
  return c;
}

static const char full[] =
    "# Comments are whole lines that start with '#'.\n"
    "[org]\ninternal_domains = corp.example, Corp2.Example\n"
    "integration_user = 005000000000000AAA\nlead_source = kith\n\n"
    "[profile Sales]\nusers = Ann@corp.example, bob@corp.example\ncontact_creation = on\n"
    "required_fields = Title, Phone\nocr = on\nfirst_ocr = off\nnew_ocr = on\n"
    "multi_opportunity = off\nocr_role = Evaluator\n\n"
    "[profile Rest]\nusers = *\ncontact_creation = off\n\n"
    "[enrichment]\nenabled = on\nTitle = always\nPhone = if_empty\npersona = off\n"
    "department = always\nseniority = if_empty\nDepartment = never\n\n"
    "[filters]\nexclude_domains = partner.example\nexclude_addresses = someone@acme.com\n"
    "exclude_local_parts = noreply*, *-bounces\nexclude_subjects = personal, Confidential\n"
    "personal_domains = builtin, x.com\n";

static void test_config_reads_every_key(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load(full, &e);
  g_assert_no_error(e);
  g_assert_cmpstr(c->internal_domains[1], ==, "corp2.example");
  g_assert_cmpstr(c->integration_user, ==, "005000000000000AAA");
  const kith_profile *ann = kith_config_profile_for(c, "ann@corp.example");
  g_assert_cmpstr(ann->name, ==, "Sales");
  g_assert_true(ann->ocr && ann->new_ocr && !ann->first_ocr);
  g_assert_cmpstr(ann->ocr_role, ==, "Evaluator");
  g_assert_cmpstr(ann->required_fields[1], ==, "Phone");
  const kith_profile *eve = kith_config_profile_for(c, "eve@corp.example");
  g_assert_cmpstr(eve->name, ==, "Rest");
  g_assert_false(eve->contact_creation);
  g_assert_true(c->enrich_enabled);
  g_assert_cmpint(c->enrich[KITH_FIELD_TITLE], ==, KITH_ENRICH_ALWAYS);
  g_assert_cmpint(c->enrich[KITH_FIELD_PHONE], ==, KITH_ENRICH_IF_EMPTY);
  g_assert_cmpint(c->enrich[KITH_FIELD_DEPARTMENT], ==, KITH_ENRICH_NEVER);
  g_assert_cmpint(c->department, ==, KITH_ENRICH_ALWAYS);
  g_assert_cmpint(c->seniority, ==, KITH_ENRICH_IF_EMPTY);
  g_assert_true(kith_config_is_filtered(c, "a@sub.partner.example"));
  g_assert_true(kith_config_is_filtered(c, "someone@acme.com"));
  g_assert_true(kith_config_is_filtered(c, "noreply-billing@acme.com"));
  g_assert_true(kith_config_is_filtered(c, "news-bounces@acme.com"));
  g_assert_false(kith_config_is_filtered(c, "jane@acme.com"));
  g_assert_true(kith_config_subject_excluded(c, "RE: CONFIDENTIAL plans"));
  g_assert_true(kith_config_is_personal_domain(c, "gmail.com"));
  g_assert_true(kith_config_is_personal_domain(c, "mail.x.com"));
  g_assert_true(kith_config_is_internal_domain(c, "eu.corp.example"));
}

static void test_config_defaults(void)
{
  g_autoptr(kith_config) c = kith_config_new_default();
  const kith_profile *p = kith_config_profile_for(c, "anyone@corp.example");
  g_assert_true(p->contact_creation);
  g_assert_false(p->ocr || p->first_ocr || p->new_ocr || p->multi_opportunity);
  g_assert_cmpstr(c->lead_source, ==, "kith");
  g_assert_false(c->enrich_enabled);
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    g_assert_cmpint(c->enrich[f], ==, KITH_ENRICH_NEVER);
  /* R11's builtin personal domains, at least these. */
  const char *must[] = {"gmail.com",   "googlemail.com", "yahoo.com",      "hotmail.com",
                        "outlook.com", "live.com",       "icloud.com",     "me.com",
                        "aol.com",     "proton.me",      "protonmail.com", "gmx.com",
                        "mail.com"};
  for (guint i = 0; i < G_N_ELEMENTS(must); i++)
    g_assert_true(kith_config_is_personal_domain(c, must[i]));
  const char *roles[] = {"noreply@a.com",      "no-reply@a.com",      "donotreply@a.com",
                         "do-not-reply@a.com", "mailer-daemon@a.com", "postmaster@a.com",
                         "bounces+x@a.com",    "Bounce@a.com"};
  for (guint i = 0; i < G_N_ELEMENTS(roles); i++) {
    g_autofree char *lower = g_ascii_strdown(roles[i], -1);
    g_assert_true(kith_config_is_role_address(c, lower));
  }
  g_assert_false(kith_config_is_role_address(c, "jane@a.com"));
}

static void test_config_personal_domains_none_and_list(void)
{
  g_autoptr(kith_config) none = load("[filters]\npersonal_domains = none\n", NULL);
  g_assert_false(kith_config_is_personal_domain(none, "gmail.com"));
  g_autoptr(kith_config) list = load("[filters]\npersonal_domains = example.net\n", NULL);
  g_assert_false(kith_config_is_personal_domain(list, "gmail.com"));
  g_assert_true(kith_config_is_personal_domain(list, "example.net"));
}

static void expect_error(const char *text, const char *needle)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load(text, &e);
  g_assert_null(c);
  g_assert_error(e, KITH_ERROR, KITH_ERROR_USAGE);
  if (!strstr(e->message, needle))
    g_error("'%s' does not say '%s'", e->message, needle);
}

static void test_config_refuses_unknown_and_bad(void)
{
  expect_error("[orgs]\nx = 1\n", "[orgs]");
  expect_error("[org]\ncolour = blue\n", "[org] colour: unknown key");
  expect_error("[profile X]\nocr = maybe\n", "[profile X] ocr: 'maybe' is not on or off");
  expect_error("[enrichment]\nTitle = sometimes\n", "[enrichment] Title:");
  expect_error("[enrichment]\npersona = never\n", "[enrichment] persona:");
  expect_error("[enrichment]\ntitle = always\n", "[enrichment] title: unknown key");
  expect_error("[enrichment]\nOwnerId = always\n", "[enrichment] OwnerId:");
  expect_error("[profile X]\nrequired_fields = Shoe_Size__c\n", "[profile X] required_fields:");
  expect_error("[profile X]\nusers = not an address\n", "[profile X] users:");
  expect_error("[filters]\npersonal_domains = none, builtin\n", "[filters] personal_domains:");
  expect_error("this is not ini\n", "kith.conf");
}

/* The keys added for R2, R12, R28, R29, R44 and retention, with their
 * contract defaults. */
static void test_config_new_keys_and_defaults(void)
{
  g_autoptr(kith_config) d = kith_config_new_default();
  g_assert_cmpstr(d->authserv_ids[0], ==, NULL);
  g_assert_cmpint(d->retain_days, ==, 365);
  g_assert_true(d->learn_aliases);
  g_assert_true(d->defaults.conversation_only);
  g_assert_cmpint(d->defaults.max_participants, ==, 50);
  g_assert_false(d->enrich_email_on_bounce);
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load("[org]\nauthserv_ids = MX.Corp.Example, mx2.corp.example\n"
                                  "retain_days = 30\nlearn_aliases = off\n"
                                  "[aliases]\nJDoe@corp.example = John.Doe@corp.example\n"
                                  "[profile S]\nusers = *\nconversation_only = off\n"
                                  "max_participants = 0\n"
                                  "[enrichment]\nEmail = on_bounce\n"
                                  "[serve]\nallowed_hosts = Kith.Corp.Example, x:8080\n",
                                  &e);
  g_assert_no_error(e);
  g_assert_cmpstr(c->authserv_ids[0], ==, "mx.corp.example");
  g_assert_cmpstr(c->authserv_ids[1], ==, "mx2.corp.example");
  g_assert_cmpint(c->retain_days, ==, 30);
  g_assert_false(c->learn_aliases);
  g_assert_cmpstr(g_hash_table_lookup(c->aliases, "jdoe@corp.example"), ==,
                  "john.doe@corp.example");
  const kith_profile *p = kith_config_profile_for(c, "ann@corp.example");
  g_assert_false(p->conversation_only);
  g_assert_cmpint(p->max_participants, ==, 0);
  g_assert_true(c->enrich_email_on_bounce);
  g_assert_cmpstr(c->serve.allowed_hosts[0], ==, "kith.corp.example");
}

/* R60: [salesforce] kith_id_field names the External ID kith writes; empty
 * says the org has none; anything else must be an API name. */
static void test_config_salesforce_kith_id_field(void)
{
  g_autoptr(kith_config) d = kith_config_new_default();
  g_assert_cmpstr(d->salesforce.kith_id_field, ==, "Kith_Id__c");
  static const char sf[] = "[salesforce]\nclient_id = x\nuser = u@corp.example\n"
                           "private_key = /k.pem\n";
  g_autoptr(GError) e = NULL;
  g_autofree char *named = g_strconcat(sf, "kith_id_field = Ext_Key__c\n", NULL);
  g_autoptr(kith_config) c = load(named, &e);
  g_assert_no_error(e);
  g_assert_cmpstr(c->salesforce.kith_id_field, ==, "Ext_Key__c");
  g_autofree char *text = kith_config_describe(c);
  g_assert_nonnull(strstr(text, "kith_id_field = Ext_Key__c\n"));
  g_autofree char *empty = g_strconcat(sf, "kith_id_field =\n", NULL);
  g_autoptr(kith_config) none = load(empty, &e);
  g_assert_no_error(e);
  g_assert_cmpstr(none->salesforce.kith_id_field, ==, "");
  g_autofree char *bad = g_strconcat(sf, "kith_id_field = Kith Id\n", NULL);
  expect_error(bad, "[salesforce] kith_id_field: 'Kith Id' is not a field API name");
}

/* The team sources: google (a service account's key) and microsoft (an
 * app registration with a certificate or a secret), each over the Users
 * in its domains. */
static void test_config_team_sources(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config)
      c = load("[source ws]\ntype = google\nkey_file = /etc/kith/sa.json\ndomains = Corp.Example, "
               "eu.corp.example\n"
               "users = *\nexclude_users = CEO@corp.example\nstart_date = 2026-01-01\n\n"
               "[source m365]\ntype = microsoft\ntenant = corp.onmicrosoft.com\nclient_id = 5e6f\n"
               "certificate_file = /etc/kith/graph.pem\ndomains = corp.example\n"
               "users = Ann@corp.example\nmail_folders = inbox, archive\n",
               &e);
  g_assert_no_error(e);
  const kith_source_config *ws = kith_config_source(c, "ws");
  g_assert_cmpint(ws->type, ==, KITH_SOURCE_GOOGLE);
  g_assert_cmpstr(ws->key_file, ==, "/etc/kith/sa.json");
  g_assert_cmpstr(ws->domains[0], ==, "corp.example");
  g_assert_cmpstr(ws->domains[1], ==, "eu.corp.example");
  g_assert_null(ws->users[0]); /* "*": everyone in domains */
  g_assert_cmpstr(ws->exclude_users[0], ==, "ceo@corp.example");
  const kith_source_config *ms = kith_config_source(c, "m365");
  g_assert_cmpint(ms->type, ==, KITH_SOURCE_MICROSOFT);
  g_assert_cmpstr(ms->tenant, ==, "corp.onmicrosoft.com");
  g_assert_cmpstr(ms->users[0], ==, "ann@corp.example");
  g_assert_cmpstr(ms->folders[1], ==, "archive");
  g_autofree char *text = kith_config_describe(c);
  g_assert_nonnull(strstr(text, "[source ws]\ntype = google\nkey_file = /etc/kith/sa.json\n"
                                "domains = corp.example, eu.corp.example\n"));
  g_assert_nonnull(
      strstr(text, "[source m365]\ntype = microsoft\ntenant = corp.onmicrosoft.com\n"));
  expect_error("[source ws]\ntype = google\ndomains = corp.example\n", "[source ws] key_file");
  expect_error("[source ws]\ntype = google\nkey_file = /k.json\n", "[source ws] domains");
  expect_error("[source ws]\ntype = google\nkey_file = /k.json\ndomains = corp.example\n"
               "users = not an address\n",
               "'not an address' is not an address");
  expect_error("[source m]\ntype = microsoft\nclient_id = x\ndomains = corp.example\n"
               "client_secret_file = /s\n",
               "[source m] tenant");
  expect_error("[source m]\ntype = microsoft\ntenant = t\nclient_id = x\ndomains = corp.example\n",
               "certificate_file or client_secret_file");
  expect_error("[source m]\ntype = microsoft\ntenant = t/../x\nclient_id = x\n"
               "domains = corp.example\nclient_secret_file = /s\n",
               "is not a tenant id or domain");
  expect_error("[source x]\ntype = exchange\n", "not files, imap, caldav, google or microsoft");
}

/* A key of another source type is refused with the line unknown keys get,
 * naming the types it belongs to: it would otherwise be ignored in silence. */
static void test_config_source_key_of_another_type_refused(void)
{
  expect_error("[source ws]\ntype = google\nkey_file = /k.json\ndomains = corp.example\n"
               "tenant = corp.onmicrosoft.com\n",
               "[source ws] tenant: unknown key for a google source (a key of microsoft sources)");
  expect_error("[source ws]\ntype = google\nkey_file = /k.json\ndomains = corp.example\n"
               "mail_folders = inbox\n",
               "[source ws] mail_folders: unknown key for a google source");
  expect_error("[source m]\ntype = microsoft\ntenant = t\nclient_id = x\ndomains = corp.example\n"
               "client_secret_file = /s\nkey_file = /k.json\n",
               "[source m] key_file: unknown key for a microsoft source (a key of google sources)");
  expect_error("[source m]\ntype = microsoft\ntenant = t\nclient_id = x\ndomains = corp.example\n"
               "client_secret_file = /s\npassword_file = /p\n",
               "[source m] password_file: unknown key for a microsoft source (a key of imap, "
               "caldav sources)");
  expect_error("[source mail]\ntype = imap\nurl = imaps://imap.corp.example\nuser = ann\n"
               "password_file = /p\ndomains = corp.example\n",
               "[source mail] domains: unknown key for an imap source");
  expect_error("[source files]\npath = /mail\nurl = https://dav.example\n",
               "[source files] url: unknown key for a files source");
  expect_error("[source files]\ntype = files\npath = /mail\nstart_date = 2026-01-01\n",
               "[source files] start_date: unknown key for a files source");
  expect_error("[source mail]\ntype = imap\nurl = imaps://imap.corp.example\nuser = ann\n"
               "password_file = /p\ncolour = blue\n",
               "[source mail] colour: unknown key");
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load(
      "[source mail]\ntype = imap\nurl = imaps://imap.corp.example\nuser = ann\n"
      "password_file = /p\nfolders = INBOX\nstart_date = 2026-01-01\ntls_verify = on\n"
      "ca_file = /ca.pem\n\n"
      "[source cal]\ntype = caldav\nurl = https://dav.example\nuser = ann\npassword_file = /p\n"
      "calendars = Work\n\n[source files]\npath = /mail\n",
      &e);
  g_assert_no_error(e);
}

/* A password in a URL is refused, and the error line never shows it. */
static void test_config_url_password_refused(void)
{
  const char *bad[] = {
      "[source m]\ntype = imap\nurl = imaps://ann:s3cret@imap.corp.example\nuser = ann\n"
      "password_file = /x\n",
      "[source m]\ntype = imap\nurl = http://ann:s3cret@imap.corp.example\nuser = ann\n"
      "password_file = /x\n",
      "[source c]\ntype = caldav\nurl = https://ann:s3cret@dav.corp.example/cal\nuser = ann\n"
      "password_file = /x\n",
      "[salesforce]\nlogin_url = https://u:s3cret@login.salesforce.com\n",
      "[salesforce]\nlogin_url = ftp://u:s3cret@login.salesforce.com\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) e = NULL;
    g_autoptr(kith_config) c = load(bad[i], &e);
    g_assert_null(c);
    g_assert_error(e, KITH_ERROR, KITH_ERROR_USAGE);
    g_assert_null(strstr(e->message, "s3cret"));
    g_assert_nonnull(strstr(e->message, "before '@'"));
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/config/reads_every_key", test_config_reads_every_key);
  g_test_add_func("/config/new_keys_and_defaults", test_config_new_keys_and_defaults);
  g_test_add_func("/config/url_password_refused", test_config_url_password_refused);
  g_test_add_func("/config/team_sources", test_config_team_sources);
  g_test_add_func("/config/source_key_of_another_type_refused",
                  test_config_source_key_of_another_type_refused);
  g_test_add_func("/config/defaults_r11_builtin_lists", test_config_defaults);
  g_test_add_func("/config/personal_domains_none_and_list",
                  test_config_personal_domains_none_and_list);
  g_test_add_func("/config/refuses_unknown_and_bad", test_config_refuses_unknown_and_bad);
  g_test_add_func("/config/salesforce_kith_id_field", test_config_salesforce_kith_id_field);
  return g_test_run();
}
