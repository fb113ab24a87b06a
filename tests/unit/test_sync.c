/* test_sync.c - sync (R60, R26 at sync, R61) and the engagement log (section 6). */
#include "sync_fixture.h"

/* ---- R60 ------------------------------------------------------------------ */

static void test_sync_r60_nothing_changes_before_sync(void)
{
  g_autoptr(fx) f = org(NULL);
  g_autofree char *before = fx_dump(f, "Contact");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  g_autofree char *after = fx_dump(f, "Contact");
  g_assert_cmpstr(after, ==, before);
  g_assert_cmpint(kith_outbox_depth(f->store), >, 0);
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_created, ==, 1);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

static void test_sync_r60_twice_does_nothing_twice(void)
{
  g_autoptr(fx) f = org(OCR_CONF);
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,true,2025-01-01T00:00:00Z\n");
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_capture(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                         "Ann Lee <ann@corp.example>", "Pat New <pat@acme.com>", NULL));
  fx_observe(f, "e1", "2026-01-05T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_decide(f);
  kith_sync_stats first = fx_sync(f);
  g_assert_cmpuint(first.contacts_created, ==, 1);
  g_assert_cmpuint(first.roles_created, ==, 1);
  g_assert_cmpuint(first.fields_updated, ==, 1);
  g_autofree char *contacts = fx_dump(f, "Contact");
  g_autofree char *roles = fx_dump(f, "OpportunityContactRole");
  guint logged = fx_log_count(f, NULL, NULL, NULL);
  kith_sync_stats second = fx_sync(f);
  g_assert_true(stats_zero(&second));
  g_autofree char *contacts2 = fx_dump(f, "Contact");
  g_autofree char *roles2 = fx_dump(f, "OpportunityContactRole");
  g_assert_cmpstr(contacts2, ==, contacts);
  g_assert_cmpstr(roles2, ==, roles);
  g_assert_cmpuint(fx_log_count(f, NULL, NULL, NULL), ==, logged);
}

static void test_sync_r60_failure_part_way_then_rerun_finishes(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", "Quinn Bay <quinn@acme.com>", NULL));
  g_autofree char *quinn = queued_id(f, "quinn@acme.com");
  g_assert_nonnull(quinn);
  /* Someone takes Quinn's Id meanwhile: creating Quinn must fail. */
  g_autofree char *csv = g_strdup_printf(CONTACT_HEADER "%s,001ACME,Blo,Cker,blocker@else.example,"
                                                        "005ANN,false,2025-01-01T00:00:00Z\n",
                                         quinn);
  fx_import(f, "Contact", csv);
  g_autoptr(GError) error = NULL;
  kith_sync_stats s = {0};
  g_assert_false(kith_sync_local(f->store, f->config, &s, &error));
  g_assert_nonnull(error);
  g_assert_cmpint(kith_outbox_depth(f->store), >=, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "quinn@acme.com"), ==, 0);
  /* The blocker goes away; the rerun finishes the job, once. */
  g_assert_cmpint(sqlite3_exec(kith_store_db(f->store),
                               "DELETE FROM Contact WHERE Email ="
                               " 'blocker@else.example'",
                               NULL, NULL, NULL),
                  ==, SQLITE_OK);
  fx_sync(f);
  fx_sync(f);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "quinn@acme.com"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_created", NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "quinn@acme.com", "contact_created", NULL), ==, 1);
  g_assert_cmpint(kith_outbox_depth(f->store), ==, 0);
}

/* ---- R26 at sync ------------------------------------------------------------ */

static gboolean detail_has_r26(const char *time, const kith_log_entry *e, gpointer user_data)
{
  (void)time;
  if (g_strcmp0(e->action, "contact_created") == 0 && e->detail && strstr(e->detail, "(R26)"))
    (*(guint *)user_data)++;
  return TRUE;
}

static void test_sync_r26_owner_deactivated_before_sync(void)
{
  g_autoptr(fx) f = org(OCR_CONF);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  /* Ann leaves the company between ingest and sync. */
  fx_import(f, "User",
            "Id,FirstName,LastName,Email,IsActive\n005ANN,Ann,Lee,ann@corp.example,false\n");
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_created, ==, 1);
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005INTEGRATION");
  /* Logged, and the role of the re-owned contact is still created. */
  guint logged = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_log_each(f->store, "pat@acme.com", detail_has_r26, &logged, &error));
  g_assert_cmpuint(logged, ==, 1);
  g_assert_cmpuint(s.roles_created, ==, 1);
  assert_roles_point_at_contacts(f);
}

static void test_sync_r26_active_owner_kept(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_sync(f);
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005ANN");
}

/* ---- R61 ------------------------------------------------------------------ */

static void test_sync_r61_contact_typed_in_before_sync(void)
{
  g_autoptr(fx) f = org(OCR_CONF);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  /* A second activity before the sync links to the queued contact (R27). */
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Re: Hi", "Pat New <pat@acme.com>",
                        "Ann Lee <ann@corp.example>", NULL));
  g_autofree char *queued = queued_id(f, "pat@acme.com");
  g_assert_nonnull(queued);
  /* A person types Pat in between ingest and sync. */
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003TYPED,001ACME,Pat,New,Pat@Acme.com,005BOB,false,2026-01-06T00:00:00Z\n");
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_created, ==, 0);
  g_assert_cmpuint(s.contacts_linked, ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Id", queued), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_linked", "exists_at_sync"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_created", NULL), ==, 0);
  g_autofree char *rule = fx_log_rule(f, "pat@acme.com", "contact_linked", "exists_at_sync");
  g_autofree char *object = fx_log_object(f, "pat@acme.com", "contact_linked", "exists_at_sync");
  g_assert_cmpstr(rule, ==, "R61");
  g_assert_cmpstr(object, ==, "003TYPED");
  g_autofree char *link = fx_link(f, "e1", "pat@acme.com");
  g_autofree char *link2 = fx_link(f, "e2", "pat@acme.com");
  g_assert_cmpstr(link, ==, "Contact:003TYPED");
  g_assert_cmpstr(link2, ==, "Contact:003TYPED");
  /* The typed-in contact is left as the person wrote it. */
  g_autofree char *owner = fx_contact(f, "pat@acme.com", "OwnerId");
  g_assert_cmpstr(owner, ==, "005BOB");
  assert_roles_point_at_contacts(f);
  /* And a later sync does not log it again. */
  fx_sync(f);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "contact_linked", "exists_at_sync"), ==, 1);
}

static void test_sync_r61_lead_typed_in_before_sync(void)
{
  g_autoptr(fx) f = org(OCR_CONF);
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>", NULL));
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QPAT,Pat,New,pat@acme.com,Acme,005BOB,false\n");
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_created, ==, 0);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "lead_linked", "exists_at_sync"), ==, 1);
  g_autofree char *object = fx_log_object(f, "pat@acme.com", "lead_linked", "exists_at_sync");
  g_assert_cmpstr(object, ==, "00QPAT");
  g_autofree char *link = fx_link(f, "e1", "pat@acme.com");
  g_assert_cmpstr(link, ==, "Lead:00QPAT");
  /* Never a role for a Lead. */
  g_assert_cmpuint(fx_count(f, "OpportunityContactRole", NULL, NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "pat@acme.com", "ocr_created", NULL), ==, 0);
}

static void test_sync_r61_converted_lead_does_not_stop_creation(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Pat New <pat@acme.com>", NULL));
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QPAT,Pat,New,pat@acme.com,Acme,005BOB,true\n");
  kith_sync_stats s = fx_sync(f);
  g_assert_cmpuint(s.contacts_created, ==, 1);
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "pat@acme.com"), ==, 1);
}

/* ---- section 6: the engagement log --------------------------------------- */

static void test_sync_log_decisions_at_ingest_changes_at_sync(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JOE,001ACME,Joe,Ray,joe@acme.com,005ANN,false,2025-01-01T00:00:00Z\n");
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Joe Ray <joe@acme.com>", "Sam <sam@gmail.com>",
                        NULL));
  /* Skips and links at ingest; creation only once sync applies it. */
  g_assert_cmpuint(fx_log_count(f, "sam@gmail.com", "skipped", "personal_domain"), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "joe@acme.com", "contact_linked", NULL), ==, 1);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 0);
  fx_sync(f);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 1);
  g_autofree char *object = fx_log_object(f, "jane@acme.com", "contact_created", NULL);
  g_autofree char *id = fx_contact(f, "jane@acme.com", "Id");
  g_assert_cmpstr(object, ==, id);
  fx_sync(f);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "contact_created", NULL), ==, 1);
  /* Oldest first: the ingest's entries come before the sync's. */
  g_autoptr(GPtrArray) lines = fx_log_lines(f);
  gint skipped_at = -1, created_at = -1;
  for (guint i = 0; i < lines->len; i++) {
    const char *l = g_ptr_array_index(lines, i);
    if (strstr(l, "|sam@gmail.com|skipped|"))
      skipped_at = i;
    if (strstr(l, "|jane@acme.com|contact_created|"))
      created_at = i;
  }
  g_assert_cmpint(skipped_at, >=, 0);
  g_assert_cmpint(created_at, >, skipped_at);
}

static void test_sync_log_activity_skipped_has_empty_email(void)
{
  g_autoptr(fx) f = org(NULL);
  kith_activity *a = fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                              "Ann Lee <ann@corp.example>", NULL);
  a->automatic = TRUE;
  fx_ingest(f, a);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Jane Doe <jane@acme.com>",
                        "Ann Lee <ann@corp.example>", NULL));
  g_autoptr(GPtrArray) lines = fx_log_lines(f);
  /* Section 6: the second ingest of e1 is counted, not logged again. */
  g_assert_cmpuint(lines->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(lines, 0), ==, "e1||activity_skipped|automatic||R10");
}

static const char *const actions[] = {
    "contact_created", "contact_linked",  "lead_linked",     "skipped",          "ocr_created",
    "field_updated",   "contact_deleted", "contact_removed", "activity_skipped", "alias_learned"};
/* Section 6's reasons, exactly. */
static const char *const reasons[] = {"internal",
                                      "filtered",
                                      "personal_domain",
                                      "role_address",
                                      "resource",
                                      "suppressed",
                                      "missing_field",
                                      "no_account",
                                      "user_not_on_account",
                                      "contact_creation_off",
                                      "not_conversation",
                                      "too_many_participants",
                                      "unauthenticated",
                                      "same_person",
                                      "automatic",
                                      "subject_filtered",
                                      "cancelled",
                                      "no_users",
                                      "exists_at_sync"};

static gboolean in_list(const char *s, const char *const *list, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(s, list[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef struct {
  guint rows;
  GHashTable *created; /* ObjectIds of contact_created and ocr_created rows */
} log_check;

static gboolean check_row(const char *time, const kith_log_entry *e, gpointer user_data)
{
  log_check *c = user_data;
  c->rows++;
  g_assert_cmpstr(time, ==, FX_NOW);
  g_assert_true(in_list(e->action, actions, G_N_ELEMENTS(actions)));
  g_assert_true(g_regex_match_simple("^R[0-9]+$", e->rule, 0, 0));
  if (strcmp(e->action, "skipped") == 0 || strcmp(e->action, "activity_skipped") == 0)
    g_assert_true(in_list(e->reason, reasons, G_N_ELEMENTS(reasons)));
  else if (strcmp(e->action, "field_updated") == 0)
    g_assert_cmpint(kith_field_lookup(e->reason), >=, 0);
  else if (strcmp(e->action, "contact_linked") == 0 || strcmp(e->action, "lead_linked") == 0)
    g_assert_true(*e->reason == '\0' || strcmp(e->reason, "exists_at_sync") == 0);
  else
    g_assert_cmpstr(e->reason, ==, "");
  if (strcmp(e->action, "activity_skipped") == 0)
    g_assert_cmpstr(e->email, ==, "");
  else
    g_assert_cmpstr(e->email, !=, "");
  if (strcmp(e->action, "contact_created") == 0 || strcmp(e->action, "ocr_created") == 0) {
    /* Exactly once per record. */
    g_assert_false(g_hash_table_contains(c->created, e->object_id));
    g_hash_table_add(c->created, g_strdup(e->object_id));
  }
  return TRUE;
}

static void test_sync_log_rows_well_formed(void)
{
  g_autoptr(fx) f = org(OCR_CONF "[enrichment]\nenabled = on\nTitle = always\n"
                                 "[filters]\nexclude_subjects = personal\n");
  fx_import(f, "Opportunity",
            "Id,AccountId,Name,OwnerId,StageName,IsClosed,CreatedDate\n"
            "006A1,001ACME,Deal,005ANN,Open,false,2025-06-01T00:00:00Z\n");
  fx_import(f, "Contact",
            CONTACT_HEADER
            "003JANE,001ACME,Jane,Doe,jane@acme.com,005ANN,false,2025-01-01T00:00:00Z\n"
            "003DUP1,001ACME,Dup,One,dup@acme.com,005ANN,false,2025-01-01T00:00:00Z\n"
            "003DUP2,001ACME,Dup,One,dup@acme.com,005ANN,true,2025-02-01T00:00:00Z\n");
  fx_import(f, "OpportunityContactRole", ROLES_HEADER "00KJ1,006A1,003JANE,,false,false\n");
  fx_import(f, "Lead",
            "Id,FirstName,LastName,Email,Company,OwnerId,IsConverted\n"
            "00QLEE,Lee,Ray,lee@acme.com,Acme,005BOB,false\n");
  fx_capture(f, fx_meeting("uid-1", "2026-01-05T09:00:00Z", "Review", "Ann Lee <ann@corp.example>",
                           "Jane Doe <jane@acme.com>", "Pat New <pat@acme.com>",
                           "Lee Ray <lee@acme.com>", "room:Room <room@acme.com>",
                           "noreply@acme.com", "Sam Lo <sam@nowhere.example>", "Kim <kim@acme.com>",
                           "Joe <joe@gmail.com>", NULL));
  fx_observe(f, "uid-1", "2026-01-05T09:00:00Z", "jane@acme.com", "Title", "CTO");
  fx_decide(f);
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "personal", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_ingest(f, fx_email("e3", "2026-01-06T09:00:00Z", "Hi", "Zoe <zoe@acme.com>", NULL));
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_rules_dedup(&f->d, FALSE, NULL, NULL, NULL, &error));
  fx_sync(f);
  g_autofree char *pat = fx_contact(f, "pat@acme.com", "Id");
  g_assert_true(kith_rules_remove(&f->d, pat, FALSE, NULL, &error));
  fx_sync(f);
  fx_sync(f);
  log_check c = {0, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  g_assert_true(kith_state_log_each(f->store, NULL, check_row, &c, &error));
  g_assert_cmpuint(c.rows, >=, 12);
  g_hash_table_unref(c.created);
  /* Every action of section 6 that this run makes is there. */
  const char *seen[] = {"contact_created", "contact_linked",  "lead_linked",
                        "skipped",         "ocr_created",     "field_updated",
                        "contact_deleted", "contact_removed", "activity_skipped"};
  for (guint i = 0; i < G_N_ELEMENTS(seen); i++)
    if (fx_log_count(f, NULL, seen[i], NULL) == 0)
      g_error("no %s row in the log", seen[i]);
  g_assert_cmpuint(fx_log_count(f, "jane@acme.com", "field_updated", "Title"), ==, 1);
}

typedef struct {
  const char *email;
  guint rows;
} only_email;

static gboolean count_only(const char *time, const kith_log_entry *e, gpointer user_data)
{
  only_email *o = user_data;
  g_assert_cmpstr(e->email, ==, o->email);
  o->rows++;
  return TRUE;
}

static void test_sync_log_for_one_address(void)
{
  g_autoptr(fx) f = org(NULL);
  fx_ingest(f, fx_email("e1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", "Sam <sam@gmail.com>", NULL));
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>",
                        "Jane Doe <jane@acme.com>", NULL));
  fx_sync(f);
  only_email o = {"jane@acme.com", 0};
  g_autoptr(GError) error = NULL;
  g_assert_true(kith_state_log_each(f->store, "jane@acme.com", count_only, &o, &error));
  /* linked by e2 (R27) and created at sync */
  g_assert_cmpuint(o.rows, ==, 2);
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/sync/r60/nothing_changes_before_sync",
                  test_sync_r60_nothing_changes_before_sync);
  g_test_add_func("/sync/r60/twice_does_nothing_twice", test_sync_r60_twice_does_nothing_twice);
  g_test_add_func("/sync/r60/failure_part_way_then_rerun_finishes",
                  test_sync_r60_failure_part_way_then_rerun_finishes);
  g_test_add_func("/sync/r26/owner_deactivated_before_sync",
                  test_sync_r26_owner_deactivated_before_sync);
  g_test_add_func("/sync/r26/active_owner_kept", test_sync_r26_active_owner_kept);
  g_test_add_func("/sync/r61/contact_typed_in_before_sync",
                  test_sync_r61_contact_typed_in_before_sync);
  g_test_add_func("/sync/r61/lead_typed_in_before_sync", test_sync_r61_lead_typed_in_before_sync);
  g_test_add_func("/sync/r61/converted_lead_does_not_stop_creation",
                  test_sync_r61_converted_lead_does_not_stop_creation);
  g_test_add_func("/sync/log/decisions_at_ingest_changes_at_sync",
                  test_sync_log_decisions_at_ingest_changes_at_sync);
  g_test_add_func("/sync/log/activity_skipped_has_empty_email",
                  test_sync_log_activity_skipped_has_empty_email);
  g_test_add_func("/sync/log/rows_well_formed", test_sync_log_rows_well_formed);
  g_test_add_func("/sync/log/for_one_address", test_sync_log_for_one_address);
  return g_test_run();
}
