/* demo.c - kith demo: a generated organisation and mailbox, the whole job run
 * on them in a temporary store, and a summary of what happened. */
#include "cmd/cmd.h"

#include "store/crm.h"
#include "sync/sync.h"

#include <glib/gstdio.h>
#include <string.h>

#define EMAILS 240
#define MEETINGS 40

static const char *const users_csv =
    "Id,FirstName,LastName,Email,IsActive\n"
    "005000000000000AAA,Kith,Integration,integration@corp.example,true\n"
    "005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n"
    "005000000000002AAA,Bob,Stone,bob.stone@corp.example,true\n"
    "005000000000003AAA,Cat,Nguyen,cat.nguyen@corp.example,true\n"
    "005000000000004AAA,Dan,Ortiz,dan.ortiz@corp.example,false\n"
    "005000000000005AAA,Eve,Park,eve.park@corp.example,true\n";

/* Contoso: Ann owns it. Fabrikam: Bob owns it, Ann is on its team, with a
 * secondary domain. Tailspin: Cat owns it; Ann has no relation (R24).
 * Northwind: owned by Dan, who is inactive (R26). Litware: Eve owns an
 * opportunity there (R24). */
static const char *const accounts_csv =
    "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
    "001000000000101AAA,Contoso Ltd,https://www.contoso.com/,,005000000000001AAA\n"
    "001000000000102AAA,Fabrikam Inc,fabrikam.com,fabrikam.de,005000000000002AAA\n"
    "001000000000103AAA,Tailspin Toys,tailspin.io,,005000000000003AAA\n"
    "001000000000104AAA,Northwind Traders,northwindtraders.com,,005000000000004AAA\n"
    "001000000000105AAA,Litware Inc,https://litware.com,,005000000000003AAA\n";

static const char *const team_csv =
    "Id,AccountId,UserId,TeamMemberRole\n"
    "01M000000000101AAA,001000000000102AAA,005000000000001AAA,Account Executive\n"
    "01M000000000102AAA,001000000000104AAA,005000000000004AAA,Account Manager\n";

static const char *const contacts_csv =
    "Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Seniority__c,Persona__c,"
    "MailingCountry,MailingState,OwnerId,LeadSource,Created_By_Kith__c,CreatedDate\n"
    "003000000000101AAA,001000000000102AAA,Nadia,Boulanger,nadia.boulanger@fabrikam.com,"
    "Director of Procurement,,,,,,,005000000000002AAA,Web,false,2025-03-01T10:00:00Z\n"
    "003000000000102AAA,001000000000101AAA,Hedy,Lamarr,hedy.lamarr@contoso.com,,"
    "+1 310 555 0100,,,,,,005000000000001AAA,Web,false,2025-03-01T10:00:00Z\n";

static const char *const leads_csv = "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
                                     "00Q000000000101AAA,Clara,Schumann,clara.schumann@fabrikam."
                                     "com,Fabrikam,005000000000002AAA,false\n";

static const char *const opps_csv =
    "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
    "006000000000101AAA,001000000000102AAA,Fabrikam - "
    "Platform,005000000000002AAA,Negotiation/Review,"
    "false,2025-12-01T09:00:00Z\n"
    "006000000000102AAA,001000000000102AAA,Fabrikam - Pilot,005000000000002AAA,Closed Won,true,"
    "2025-06-01T09:00:00Z\n"
    "006000000000103AAA,001000000000101AAA,Contoso - "
    "Expansion,005000000000001AAA,Prospecting,false,"
    "2026-01-10T09:00:00Z\n"
    "006000000000104AAA,001000000000105AAA,Litware - "
    "Renewal,005000000000005AAA,Qualification,false,"
    "2026-02-01T09:00:00Z\n";

static const char *const roles_csv =
    "Id,OpportunityId,ContactId,Role,IsPrimary,Created_By_Kith__c\n"
    "00K000000000101AAA,006000000000101AAA,003000000000101AAA,Decision Maker,true,false\n";

static const char *const config_ini = "# The demo organisation's kith.conf\n"
                                      "[org]\n"
                                      "internal_domains = corp.example\n"
                                      "integration_user = 005000000000000AAA\n"
                                      "lead_source = kith\n\n"
                                      "[profile Sales]\n"
                                      "users = ann.lee@corp.example, bob.stone@corp.example\n"
                                      "contact_creation = on\n"
                                      "ocr = on\n"
                                      "first_ocr = on\n"
                                      "ocr_role = Influencer\n\n"
                                      "[profile Everyone]\n"
                                      "users = *\n"
                                      "contact_creation = on\n\n"
                                      "[enrichment]\n"
                                      "enabled = on\n"
                                      "Title = if_empty\n\n"
                                      "[filters]\n"
                                      "exclude_subjects = personal, confidential\n"
                                      "exclude_domains = partner.example\n";

typedef struct {
  const char *domain;
  const char *company;
} customer;

static const customer customers[] = {
    {"contoso.com", "Contoso Ltd"},        {"fabrikam.com", "Fabrikam Inc"},
    {"fabrikam.de", "Fabrikam GmbH"},      {"tailspin.io", "Tailspin Toys"},
    {"northwindtraders.com", "Northwind"}, {"litware.com", "Litware Inc"},
    {"nowhere-inc.example", "Nowhere"},    {"gmail.com", NULL},
    {"partner.example", "Partner Co"},
};

static const char *const firsts[] = {"Olivia", "Ethan", "Ada",   "Grace", "Igor", "Lili", "Pierre",
                                     "Maria",  "Jonas", "Sofia", "Liam",  "Noah", "Emma", "Mia",
                                     "Lucas",  "Chloe", "Mateo", "Zoe",   "Omar", "Priya"};
static const char *const lasts[] = {"Wright",    "Hunt",   "Lovelace", "Hopper", "Stravinsky",
                                    "Boulanger", "Boulez", "Garcia",   "Becker", "Rossi",
                                    "Murphy",    "Kim",    "Dubois",   "Novak",  "van der Berg",
                                    "O'Neil",    "Silva",  "Nakamura", "Haddad", "Patel"};
static const char *const titles[] = {
    "Head of Operations",      "VP Engineering",      "Director of IT",    "Procurement Manager",
    "Chief Financial Officer", "Senior Data Analyst", "Marketing Manager", "CTO"};
static const char *const users[] = {
    "Ann Lee <ann.lee@corp.example>", "Bob Stone <bob.stone@corp.example>",
    "Cat Nguyen <cat.nguyen@corp.example>", "Dan Ortiz <dan.ortiz@corp.example>",
    "Eve Park <eve.park@corp.example>"};

static gboolean write_file(const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  return g_file_set_contents(path, text, -1, error);
}

static char *person_address(const char *first, const char *last, const char *domain)
{
  g_autofree char *l = g_ascii_strdown(last, -1);
  g_strdelimit(l, " '", '.');
  g_autofree char *f = g_ascii_strdown(first, -1);
  return g_strdup_printf("%s.%s@%s", f, l, domain);
}

static void add_message(GString *mbox, int n, GRand *rng)
{
  const customer *c = &customers[g_rand_int_range(rng, 0, G_N_ELEMENTS(customers))];
  int who = g_rand_int_range(rng, 0, G_N_ELEMENTS(firsts));
  const char *first = firsts[who], *last = lasts[(who * 7) % G_N_ELEMENTS(lasts)];
  /* A few fixed people: a manual contact whose empty Title gets filled
   * (R38) and a lead (R21). */
  if (n % 60 == 1) {
    c = &customers[0];
    first = "Hedy", last = "Lamarr";
  } else if (n % 60 == 2) {
    c = &customers[1];
    first = "Clara", last = "Schumann";
  }
  g_autofree char *addr = person_address(first, last, c->domain);
  const char *user = users[g_rand_int_range(rng, 0, 3)];
  int day = 1 + n % 28, month = 1 + (n / 28) % 10;
  g_autofree char *date = g_strdup_printf("%02d %s 2026 %02d:%02d:00 +0000", day,
                                          (const char *[]){"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct"}[month - 1],
                                          8 + n % 9, n % 60);
  int kind = n % 12;
  const char *subject = kind == 10 ? "Personal: dinner" : "Proposal follow-up";
  gboolean reply = n % 3 == 1;
  g_string_append_printf(mbox, "From demo@kith %s\n", "Mon Jan  5 09:00:00 2026");
  g_string_append_printf(mbox, "Message-ID: <demo-%04d@mail.example>\nDate: %s\n", n, date);
  if (reply) {
    g_string_append_printf(mbox, "From: \"%s, %s\" <%s>\nTo: %s\n", last, first, addr, user);
    g_string_append_printf(mbox, "Subject: RE: %s\n", subject);
  } else {
    g_string_append_printf(mbox, "From: %s\nTo: %s %s (%s) <%s>\n", user, first, last,
                           c->company ? c->company : "home", addr);
    if (n % 5 == 0)
      g_string_append(
          mbox, "Cc: Contoso Alerts <no-reply@contoso.com>, Bob Stone <bob.stone@corp.example>\n");
    g_string_append_printf(mbox, "Subject: %s\n", subject);
  }
  if (kind == 11)
    g_string_append(mbox, "Auto-Submitted: auto-replied\n");
  g_string_append(mbox, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n");
  if (reply)
    g_string_append_printf(mbox,
                           "Thanks, that works for us.\n\nBest regards,\n%s %s\n%s\n%s\n"
                           "+1 (415) 555-%04d\n\n> earlier mail quoted here\n\n",
                           first, last,
                           strcmp(first, "Hedy") == 0
                               ? "Chief Inventor"
                               : titles[(who + n / 40) % G_N_ELEMENTS(titles)],
                           c->company ? c->company : "", 100 + who);
  else
    g_string_append(mbox, "Hi,\n\nFollowing up on our call.\n\nBest,\nAnn\n\n");
}

static void add_meeting(GString *ics, int n, GRand *rng)
{
  const customer *c = &customers[g_rand_int_range(rng, 0, 3)];
  int who = g_rand_int_range(rng, 0, G_N_ELEMENTS(firsts));
  const char *first = firsts[who], *last = lasts[(who * 7) % G_N_ELEMENTS(lasts)];
  g_autofree char *addr = person_address(first, last, c->domain);
  g_string_append_printf(
      ics,
      "BEGIN:VEVENT\r\nUID:demo-meeting-%03d@corp.example\r\nDTSTAMP:20260101T080000Z\r\n"
      "DTSTART:202603%02dT150000Z\r\nDTEND:202603%02dT160000Z\r\nSUMMARY:Evaluation %d\r\n"
      "%s"
      "ORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
      "ATTENDEE;CN=Nadia Boulanger;CUTYPE=INDIVIDUAL:mailto:nadia.boulanger@fabrikam.com\r\n"
      "ATTENDEE;CN=%s %s;CUTYPE=INDIVIDUAL:mailto:%s\r\n"
      "ATTENDEE;CN=Room 1;CUTYPE=ROOM:mailto:room1@%s\r\nEND:VEVENT\r\n",
      n, 1 + n % 28, 1 + n % 28, n, n % 10 == 9 ? "STATUS:CANCELLED\r\n" : "", first, last, addr,
      c->domain);
}

static gboolean make_demo(const char *dir, GError **error)
{
  g_autofree char *crm = g_build_filename(dir, "crm", NULL);
  g_autofree char *mail = g_build_filename(dir, "mail", NULL);
  if (g_mkdir_with_parents(crm, 0700) != 0 || g_mkdir_with_parents(mail, 0700) != 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot make folders", dir);
    return FALSE;
  }
  if (!write_file(crm, "User.csv", users_csv, error) ||
      !write_file(crm, "Account.csv", accounts_csv, error) ||
      !write_file(crm, "AccountTeamMember.csv", team_csv, error) ||
      !write_file(crm, "Contact.csv", contacts_csv, error) ||
      !write_file(crm, "Lead.csv", leads_csv, error) ||
      !write_file(crm, "Opportunity.csv", opps_csv, error) ||
      !write_file(crm, "OpportunityContactRole.csv", roles_csv, error) ||
      !write_file(dir, "kith.conf", config_ini, error))
    return FALSE;
  g_autoptr(GRand) rng = g_rand_new_with_seed(2026);
  g_autoptr(GString) mbox = g_string_new(NULL);
  for (int n = 0; n < EMAILS; n++)
    add_message(mbox, n, rng);
  g_autoptr(GString)
      ics = g_string_new("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//demo//EN\r\n");
  for (int n = 0; n < MEETINGS; n++)
    add_meeting(ics, n, rng);
  g_string_append(ics, "END:VCALENDAR\r\n");
  return write_file(mail, "team.mbox", mbox->str, error) &&
         write_file(mail, "calendar.ics", ics->str, error);
}

static void on_row_error(const char *where, const char *why, gpointer user_data)
{
  kith_cmd_error("%s: %s", where, why);
}

/* Removes PATH and everything below it (the demo's own folder). */
static void remove_tree(const char *path)
{
  g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *child = g_build_filename(path, name, NULL);
    if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
      remove_tree(child);
    else
      g_remove(child);
  }
  g_rmdir(path);
}

static int run_demo(const char *dir, gboolean keep);

int kith_cmd_demo(kith_cmd *cmd)
{
  gboolean keep = FALSE;
  GOptionEntry entries[] = {{"keep", 'k', 0, G_OPTION_ARG_NONE, &keep,
                             "keep the demo's store and files to look at", NULL},
                            {NULL}};
  if (!kith_cmd_parse(cmd, entries, "",
                      "Make a demo organisation and mailbox in a temporary store, run the whole "
                      "job, and print what happened."))
    return KITH_EXIT_USAGE;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("kith-demo-XXXXXX", &error);
  if (!dir)
    return kith_cmd_fail(error);
  int status = run_demo(dir, keep);
  if (!keep)
    remove_tree(dir);
  return status;
}

static int run_demo(const char *dir, gboolean keep)
{
  g_autoptr(GError) error = NULL;
  if (!make_demo(dir, &error))
    return kith_cmd_fail(error);
  g_autofree char *db = g_build_filename(dir, "kith.db", NULL);
  g_autofree char *conf = g_build_filename(dir, "kith.conf", NULL);
  g_autoptr(kith_config) config = kith_config_load(conf, &error);
  g_autoptr(kith_store) store = config ? kith_store_open(db, KITH_STORE_CREATE, &error) : NULL;
  if (!store)
    return kith_cmd_fail(error);
  printf("kith demo: an organisation of 5 users and 5 accounts, %d emails and %d meetings,\n"
         "in %s\n\n",
         EMAILS, MEETINGS, dir);
  const char *objects[] = {"User", "Account",     "AccountTeamMember",     "Contact",
                           "Lead", "Opportunity", "OpportunityContactRole"};
  for (guint i = 0; i < G_N_ELEMENTS(objects); i++) {
    g_autofree char *name = g_strdup_printf("%s.csv", objects[i]);
    g_autofree char *path = g_build_filename(dir, "crm", name, NULL);
    if (!kith_crm_import(store, kith_crm_object_lookup(objects[i]), path, on_row_error, NULL, NULL,
                         &error))
      return kith_cmd_fail(error);
  }
  g_autofree char *mail = g_build_filename(dir, "mail", NULL);
  const char *paths[] = {mail, NULL};
  kith_ingest_result r;
  gboolean ok = kith_ingest_paths(store, config, paths, &kith_cmd_ingest_report, &r, &error);
  kith_ingest_print(&r, store, stdout);
  kith_ingest_result_clear(&r);
  if (!ok)
    return kith_cmd_fail(error);
  kith_sync_stats st = {0};
  if (!kith_sync_local(store, config, &st, &error))
    return kith_cmd_fail(error);
  kith_cmd_print_sync(&st, stdout);
  if (!keep) {
    printf("\nThe demo's folder is removed; 'kith demo --keep' keeps it to look further.\n");
    return KITH_EXIT_OK;
  }
  printf("\nWhere to look next:\n"
         "  kith --db %s report created\n"
         "  kith --db %s log --email olivia.wright@contoso.com\n"
         "  kith --db %s explain nadia.boulanger@fabrikam.com\n"
         "  kith --db %s crm export OpportunityContactRole\n"
         "  the configuration: %s\n",
         db, db, db, db, conf);
  return KITH_EXIT_OK;
}
