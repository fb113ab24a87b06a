/* test_bounce.c - R45: delivery-status notifications read at capture, bounces kept in the store. */
#include "capture/dsn.h"
#include "capture/mime.h"
#include "store/bounce.h"
#include "store/privacy.h"
#include "store/state.h"

#include <glib/gstdio.h>
#include <string.h>
#include "corpus.h"

/* ---- helpers ---- */

/* A notification from the org's own mail server about a mail Ann sent to
 * Jane and Bob: Jane's delivery failed, Bob's is only delayed. No
 * Auto-Submitted header, as some servers send them. */
static const char dsn_two[] =
    "From: Mail Delivery System <MAILER-DAEMON@mx.corp.example>\n"
    "To: Ann Lee <ann.lee@corp.example>\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "Date: Tue, 10 Nov 2026 10:00:00 +0000\n"
    "Message-ID: <dsn1@mx.corp.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "\tboundary=\"B1\"\n"
    "\n"
    "--B1\n"
    "Content-Type: text/plain\n"
    "\n"
    "I could not deliver your message to jane@acme.com.\n"
    "\n"
    "--B1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.corp.example\n"
    "Arrival-Date: Tue, 10 Nov 2026 09:59:58 +0000\n"
    "\n"
    "Final-Recipient: rfc822; Jane@Acme.com\n"
    "Original-Recipient: rfc822; jane.old@acme.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <jane@acme.com>: Recipient address\n"
    "    rejected: User unknown\n"
    "\n"
    "Final-Recipient: rfc822; bob@acme.com\n"
    "Action: delayed\n"
    "Status: 4.4.1\n"
    "\n"
    "--B1\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "From: Ann Lee <ann.lee@corp.example>\n"
    "To: jane@acme.com, bob@acme.com\n"
    "Subject: Proposal\n"
    "\n"
    "--B1--\n";

/* The org's own domain: a body kith_mime_parse_bytes is asked about and
 * told not to read. */
static gboolean outside_only(const char *domain, gpointer data)
{
  return strcmp(domain, (const char *)data) != 0;
}

/* TEXT read as a message of an mbox is: every header or only those kith
 * keeps; OWN_DOMAIN's bodies not wanted (NULL: every body wanted). */
static kith_activity *parse(const char *text, gsize len, gboolean all, const char *own_domain)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)text, len);
  g_autofree char *why = NULL;
  kith_mime_keep_all_headers(all);
  kith_activity *a = kith_mime_parse_bytes(
      b->data, b->len, "t.mbox:1", own_domain ? outside_only : NULL, (gpointer)own_domain, &why);
  kith_mime_keep_all_headers(FALSE);
  g_assert_null(why);
  g_assert_nonnull(a);
  return a;
}

/* The bounced addresses, one line each; "" for none. */
static char *bounced_text(GPtrArray *bounced)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; bounced && i < bounced->len; i++)
    g_string_append_printf(s, "%s\n", (const char *)g_ptr_array_index(bounced, i));
  return g_string_free(s, FALSE);
}

/* TEXT with its first OLD replaced by NEW. */
static char *replaced(const char *text, const char *old, const char *new)
{
  const char *at = strstr(text, old);
  g_assert_nonnull(at);
  return g_strdup_printf("%.*s%s%s", (int)(at - text), text, new, at + strlen(old));
}

static char *status_failed(const char *text)
{
  g_autoptr(GPtrArray) failed = kith_dsn_parse_status(text, strlen(text));
  return bounced_text(failed);
}

static char *corpus_path(const char *name)
{
  const char *shared = g_getenv("KITH_SHARED");
  char *path = shared ? g_build_filename(shared, "corpora", "email", "cpython", name, NULL) : NULL;
  if (!path || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    kith_test_no_corpus("the shared email corpora are not there (KITH_SHARED)");
    g_free(path);
    return NULL;
  }
  return path;
}

/* ---- capture ---- */

static void test_bounce_r45_failed_recipient_marked(void)
{
  g_autoptr(kith_activity) a = parse(dsn_two, strlen(dsn_two), FALSE, NULL);
  g_assert_nonnull(a->bounced);
  g_assert_cmpuint(a->bounced->len, ==, 1);
  /* Final-Recipient, normalised; Original-Recipient only stands in. */
  g_assert_cmpstr(g_ptr_array_index(a->bounced, 0), ==, "jane@acme.com");
  g_assert_cmpstr(a->id, ==, "dsn1@mx.corp.example");
  g_assert_cmpint(a->time, ==, 1794304800); /* its Date */
  /* The people it names are its own sender and recipient, never the bounced. */
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    g_assert_cmpstr(p->email, !=, "jane@acme.com");
  }
}

static void test_bounce_r45_delayed_is_no_bounce(void)
{
  static const char *const not_failed[] = {"delayed",  "delivered", "relayed",
                                           "expanded", "failedx",   ""};
  for (guint i = 0; i < G_N_ELEMENTS(not_failed); i++) {
    g_autofree char *text = g_strdup_printf("Reporting-MTA: dns; mx.example\n\n"
                                            "Final-Recipient: rfc822; jane@acme.com\n"
                                            "Action: %s\nStatus: 2.0.0\n",
                                            not_failed[i]);
    g_autofree char *got = status_failed(text);
    g_assert_cmpstr(got, ==, "");
  }
  /* A notification of only delayed recipients is still automatic mail. */
  g_autofree char *delayed = replaced(dsn_two, "Action: failed", "Action: delayed");
  g_autoptr(kith_activity) a = parse(delayed, strlen(delayed), FALSE, NULL);
  g_assert_null(a->bounced);
  g_assert_true(a->automatic);
}

static void test_bounce_r45_notification_is_automatic(void)
{
  /* No Auto-Submitted, Precedence or List-Id: the report type alone. */
  g_assert_null(strstr(dsn_two, "Auto-Submitted"));
  g_autoptr(kith_activity) a = parse(dsn_two, strlen(dsn_two), FALSE, NULL);
  g_assert_true(a->automatic);
  g_assert_null(a->sender_text); /* R10: no signature is read from it */
  /* A report of another kind is not a bounce; the same message as plain
   * mail is not automatic. */
  g_autofree char *plain = replaced(dsn_two, "multipart/report", "multipart/mixed");
  g_autoptr(kith_activity) b = parse(plain, strlen(plain), FALSE, NULL);
  g_assert_false(b->automatic);
  g_assert_null(b->bounced);
  /* report-type missing, yet a message/delivery-status part: read. */
  g_autofree char *untyped = replaced(dsn_two, " report-type=delivery-status;", "");
  g_autoptr(kith_activity) c = parse(untyped, strlen(untyped), FALSE, NULL);
  g_assert_true(c->automatic);
  g_assert_nonnull(c->bounced);
}

/* The org's own server sends most notifications, and the body of the
 * org's own mail is otherwise left unread: a report's is read all the
 * same, and every header given to GMime or only those kith keeps gives
 * the same activity. */
static void test_bounce_r45_own_server_notification_read(void)
{
  /* The type on a folded line of its own, too. */
  g_autofree char *folded = replaced(dsn_two, "Content-Type: multipart/report",
                                     "Content-Type:\n multipart/report");
  const char *texts[] = {dsn_two, folded};
  for (guint t = 0; t < G_N_ELEMENTS(texts); t++) {
    for (int all = 0; all <= 1; all++) {
      for (int own = 0; own <= 1; own++) {
        g_test_message("text %u, all headers %d, own domain %d", t, all, own);
        g_autoptr(kith_activity)
            a = parse(texts[t], strlen(texts[t]), all, own ? "mx.corp.example" : NULL);
        g_autofree char *got = bounced_text(a->bounced);
        g_assert_cmpstr(got, ==, "jane@acme.com\n");
        g_assert_true(a->automatic);
        g_assert_cmpstr(a->id, ==, "dsn1@mx.corp.example");
      }
    }
  }
}

static void test_bounce_r45_real_samples(void)
{
  static const struct {
    const char *name;
    guint n;           /* addresses that failed */
    const char *first; /* the first of them */
  } cases[] = {
      /* report-type left out, the part's type in capitals, Precedence bulk */
      {"msg_16.txt", 1, "jangel1@cougar.noc.ucla.edu"},
      /* 25 recipients that failed, 11 distinct addresses; From "<>" */
      {"msg_43.txt", 11, "xxxxxxx@dot.ca.gov"},
      /* a report with no delivery-status part */
      {"msg_05.txt", 0, NULL},
      /* a boundary cut short: GMime finds no parts */
      {"msg_25.txt", 0, NULL},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = corpus_path(cases[i].name);
    if (!path)
      return;
    g_test_message("%s", cases[i].name);
    g_autofree char *why = NULL;
    g_autoptr(kith_activity) a = kith_mime_parse_file(path, &why);
    g_assert_null(why);
    g_assert_true(a->automatic);
    g_assert_cmpuint(a->bounced ? a->bounced->len : 0, ==, cases[i].n);
    if (cases[i].first)
      g_assert_cmpstr(g_ptr_array_index(a->bounced, 0), ==, cases[i].first);
    /* Read as an mbox message, body wanted or not, the same. */
    g_autofree char *text = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    g_autofree char *want = bounced_text(a->bounced);
    const char *owns[] = {NULL, "ucla.edu", "zinfandel.lacita.com", "mail.example.com"};
    for (guint k = 0; k < G_N_ELEMENTS(owns); k++) {
      g_autoptr(kith_activity) b = parse(text, len, FALSE, owns[k]);
      g_autofree char *got = bounced_text(b->bounced);
      g_assert_cmpstr(got, ==, want);
      g_assert_true(b->automatic);
    }
  }
}

static void test_bounce_r45_status_fields(void)
{
  struct {
    const char *text;
    const char *failed;
  } cases[] = {
      /* Original-Recipient only when Final-Recipient is missing */
      {"Action: failed\nOriginal-Recipient: rfc822;old@acme.com\n", "old@acme.com\n"},
      {"Original-Recipient: rfc822;old@acme.com\nFinal-Recipient: rfc822;new@acme.com\n"
       "Action: failed\n",
       "new@acme.com\n"},
      /* names and values in any case, spaces before the colon, CRLF, a
       * comment after the action, angle brackets, a folded value */
      {"final-recipient : RFC822; <Mary@Acme.COM>\r\naction: FAILED (permanent)\r\n\r\n",
       "mary@acme.com\n"},
      {"Final-Recipient:\n rfc822;\n  lee@acme.com\nAction: failed\n", "lee@acme.com\n"},
      /* no address type: read as an address; another type: not one */
      {"Final-Recipient: kim@acme.com\nAction: failed\n", "kim@acme.com\n"},
      {"Final-Recipient: x400; /G=Kim/S=Lee/O=Acme/\nAction: failed\n", ""},
      {"Final-Recipient: rfc822; not an address\nAction: failed\n", ""},
      /* no action, or no recipient */
      {"Final-Recipient: rfc822; kim@acme.com\nStatus: 5.0.0\n", ""},
      {"Action: failed\nStatus: 5.0.0\n", ""},
      /* an address twice is one; two blocks in order; blank lines of spaces */
      {"Final-Recipient: rfc822; b@acme.com\nAction: failed\n  \n"
       "Final-Recipient: rfc822; a@acme.com\nAction: failed\n\n"
       "Final-Recipient: rfc822; B@acme.com\nAction: failed\n",
       "b@acme.com\na@acme.com\n"},
      /* a field named twice in a block: the first */
      {"Final-Recipient: rfc822; one@acme.com\nFinal-Recipient: rfc822; two@acme.com\n"
       "Action: failed\n",
       "one@acme.com\n"},
      {"", ""},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_message("case %u", i);
    g_autofree char *got = status_failed(cases[i].text);
    g_assert_cmpstr(got, ==, cases[i].failed);
  }
}

static void test_bounce_r45_bounded(void)
{
  /* At most KITH_DSN_RECIPIENTS_MAX recipients are read, failed or not. */
  GString *s = g_string_new("Reporting-MTA: dns; mx.example\n\n");
  for (guint i = 0; i < 150; i++)
    g_string_append_printf(s, "Final-Recipient: rfc822; p%u@acme.com\nAction: %s\n\n", i,
                           i == 0 ? "delayed" : "failed");
  g_autoptr(GPtrArray) failed = kith_dsn_parse_status(s->str, s->len);
  g_assert_cmpuint(failed->len, ==, KITH_DSN_RECIPIENTS_MAX - 1);
  g_string_free(s, TRUE);

  /* A delivery-status part longer than KITH_DSN_TEXT_MAX is read to its
   * last whole block before the limit: an address the limit cuts in two
   * ("cut@acme.com" of cut@acme.com.example) is not read at all. */
  static const char addr[] = "cut@acme.com.example";
  static const char tail[] = "\nAction: failed\nFinal-Recipient: rfc822; ";
  const gsize before = KITH_DSN_TEXT_MAX - strlen("cut@acme.com");
  GString *part = g_string_new("Reporting-MTA: dns; mx.example\n");
  g_autofree char *filler = g_strnfill(990, 'x');
  while (part->len + 1000 + strlen(tail) < before)
    g_string_append_printf(part, "X-Note: %s\n", filler);
  g_autofree char *pad = g_strnfill(before - strlen(tail) - part->len - 9, 'y');
  g_string_append_printf(part, "X-Note: %s\n%s", pad, tail);
  g_assert_cmpuint(part->len, ==, before);
  g_string_append_printf(part, "%s\n", addr);
  g_autofree char *whole = status_failed(part->str);
  g_assert_cmpstr(whole, ==, "cut@acme.com.example\n"); /* read whole, it is there */
  g_autofree char *m = g_strdup_printf(
      "From: MAILER-DAEMON@mx.example\nTo: ann@corp.example\nMessage-ID: <big@mx.example>\n"
      "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
      " boundary=\"B\"\n\n--B\nContent-Type: message/delivery-status\n\n%s\n--B--\n",
      part->str);
  g_string_free(part, TRUE);
  g_autoptr(kith_activity) a = parse(m, strlen(m), FALSE, NULL);
  g_assert_null(a->bounced);
  g_assert_true(a->automatic);
}

/* ---- store ---- */

static kith_store *memory_store(void)
{
  g_autoptr(GError) e = NULL;
  kith_store *s = kith_store_open(":memory:", KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  return s;
}

/* Stores an email FROM sent at TIME, as the pipeline does: automatic or
 * not (R10), authenticated or not (R12); and notes its bounces. */
static void store_mail(kith_store *s, const char *id, const char *from, gint64 time,
                       gboolean automatic, gboolean unauthenticated, const char *bounced)
{
  g_autoptr(kith_activity) a = kith_activity_new(KITH_ACTIVITY_EMAIL);
  a->id = g_strdup(id);
  a->time = time;
  a->automatic = automatic;
  a->unauthenticated = unauthenticated;
  g_assert_true(kith_activity_add_participant(a, from, NULL, KITH_PART_FROM, KITH_CUTYPE_PERSON));
  g_assert_true(kith_activity_add_participant(a, "ann.lee@corp.example", NULL, KITH_PART_TO,
                                              KITH_CUTYPE_PERSON));
  if (bounced) {
    a->bounced = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(a->bounced, g_strdup(bounced));
  }
  g_autoptr(GError) e = NULL;
  gint64 seq = 0;
  g_assert_true(kith_state_activity_insert(s, a, automatic ? "skipped" : "pending",
                                           automatic ? "automatic" : NULL, &seq, &e));
  g_assert_cmpint(seq, >, 0);
  g_assert_true(kith_state_participants_add(s, seq, a, NULL, NULL, &e));
  g_assert_true(kith_state_bounce_note(s, a, &e));
  g_assert_no_error(e);
}

/* The time EMAIL bounced at, or -1 when it is not bounced. */
static gint64 bounced_at(kith_store *s, const char *email, char **activity)
{
  g_autoptr(GError) e = NULL;
  gint64 t = 0;
  kith_lookup_answer b = kith_state_bounced(s, email, &t, activity, &e);
  g_assert_no_error(e);
  g_assert_cmpint(b, !=, KITH_LOOKUP_ERROR);
  return b == KITH_LOOKUP_FOUND ? t : -1;
}

static void test_bounce_r45_store_keeps_latest(void)
{
  g_autoptr(kith_store) s = memory_store();
  g_autoptr(GError) e = NULL;
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, -1);
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 2000, "dsn-b", &e));
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 1000, "dsn-a", &e)); /* older */
  g_autofree char *id = NULL;
  g_assert_cmpint(bounced_at(s, "jane@acme.com", &id), ==, 2000);
  g_assert_cmpstr(id, ==, "dsn-b");
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 3000, "dsn-c", &e));
  g_clear_pointer(&id, g_free);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", &id), ==, 3000);
  g_assert_cmpstr(id, ==, "dsn-c");
  /* At the same time, the greater Id: either order gives one answer. */
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 3000, "dsn-d", &e));
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 3000, "dsn-0", &e));
  g_clear_pointer(&id, g_free);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", &id), ==, 3000);
  g_assert_cmpstr(id, ==, "dsn-d");
  g_assert_cmpint(bounced_at(s, "bob@acme.com", NULL), ==, -1);
  g_assert_no_error(e);
}

static void test_bounce_r45_later_mail_unbounces(void)
{
  g_autoptr(kith_store) s = memory_store();
  store_mail(s, "m1@acme.com", "jane@acme.com", 1000, FALSE, FALSE, NULL);
  store_mail(s, "dsn1@corp.example", "mailer-daemon@corp.example", 2000, TRUE, FALSE,
             "jane@acme.com");
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 2000);
  /* Mail at the bounce's own time is not after it. */
  store_mail(s, "m2@acme.com", "jane@acme.com", 2000, FALSE, FALSE, NULL);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 2000);
  store_mail(s, "m3@acme.com", "jane@acme.com", 2001, FALSE, FALSE, NULL);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, -1);
  /* ... and the row is gone, not only outweighed. */
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_state_bounce_clear_if_older(s, "jane@acme.com", 0, &e));
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(
      sqlite3_prepare_v2(kith_store_db(s), "SELECT count(*) FROM bounce", -1, &st, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
  sqlite3_finalize(st);
  /* A new bounce after that mail counts again. */
  store_mail(s, "dsn2@corp.example", "mailer-daemon@corp.example", 3000, TRUE, FALSE,
             "jane@acme.com");
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 3000);
}

static void test_bounce_r45_automatic_or_forged_mail_leaves_bounce(void)
{
  g_autoptr(kith_store) s = memory_store();
  store_mail(s, "dsn1@corp.example", "mailer-daemon@corp.example", 2000, TRUE, FALSE,
             "jane@acme.com");
  /* Her out-of-office reply (R10) and mail in her name that fails the
   * org's checks (R12) do not show that she reads her mail. */
  store_mail(s, "ooo@acme.com", "jane@acme.com", 2500, TRUE, FALSE, NULL);
  store_mail(s, "forged@acme.com", "jane@acme.com", 2600, FALSE, TRUE, NULL);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 2000);
  /* Nor does mail that only names her. */
  store_mail(s, "to-jane@corp.example", "ann.lee@corp.example", 2700, FALSE, FALSE, NULL);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 2000);
  /* A forged notification marks nobody. */
  store_mail(s, "dsn-forged@corp.example", "mailer-daemon@corp.example", 2800, TRUE, TRUE,
             "bob@acme.com");
  g_assert_cmpint(bounced_at(s, "bob@acme.com", NULL), ==, -1);
}

/* Mail ingested before the notification that it came after ends the
 * bounce all the same: the order of ingestion changes nothing. */
static void test_bounce_r45_order_does_not_matter(void)
{
  g_autoptr(kith_store) s = memory_store();
  store_mail(s, "m3@acme.com", "jane@acme.com", 3000, FALSE, FALSE, NULL);
  store_mail(s, "dsn1@corp.example", "mailer-daemon@corp.example", 2000, TRUE, FALSE,
             "jane@acme.com");
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, -1);
  store_mail(s, "dsn2@corp.example", "mailer-daemon@corp.example", 4000, TRUE, FALSE,
             "jane@acme.com");
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 4000);
}

/* A failed look-up is an error, never "not bounced". */
static void test_bounce_r45_lookup_error_is_no_answer(void)
{
  g_autoptr(kith_store) s = memory_store();
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_store_exec(s, "DROP TABLE bounce", &e));
  gint64 t = 42;
  g_autofree char *id = NULL;
  g_assert_cmpint(kith_state_bounced(s, "jane@acme.com", &t, &id, &e), ==, KITH_LOOKUP_ERROR);
  g_assert_nonnull(e);
  g_assert_null(id);
  g_clear_error(&e);
  g_assert_false(kith_state_bounce_record(s, "jane@acme.com", 1, "x", &e));
  g_assert_nonnull(e);
}

static void test_bounce_r45_purge_and_retention(void)
{
  g_autoptr(kith_store) s = memory_store();
  g_autoptr(GError) e = NULL;
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 1000, "dsn1", &e));
  g_assert_true(kith_state_bounce_record(s, "old@acme.com", 1000, "dsn1", &e));
  g_assert_true(kith_state_bounce_record(s, "new@acme.com", 5000, "dsn2", &e));
  g_assert_true(kith_state_bounce_record(s, "known@acme.com", 1000, "dsn1", &e));
  g_assert_true(kith_store_exec(s,
                                "INSERT INTO Contact(Id, Email, email_key) VALUES"
                                "('003000000000001AAA', 'known@acme.com', 'known@acme.com')",
                                &e));
  /* kith purge ADDR erases its bounce. */
  kith_purge_counts n = {0};
  g_assert_true(kith_privacy_purge_address(s, "jane@acme.com", &n, &e));
  g_assert_cmpint(n.observations, ==, 1);
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, -1);
  /* Retention drops the old bounces of addresses the CRM does not hold. */
  g_assert_true(kith_privacy_purge_expired(s, 3000, &n, &e));
  g_assert_no_error(e);
  g_assert_cmpint(n.observations, ==, 1);
  g_assert_cmpint(bounced_at(s, "old@acme.com", NULL), ==, -1);
  g_assert_cmpint(bounced_at(s, "new@acme.com", NULL), ==, 5000);
  g_assert_cmpint(bounced_at(s, "known@acme.com", NULL), ==, 1000);
}

/* A store of schema 6 gets the bounce table when a writer opens it. */
static void test_bounce_r45_migration(void)
{
  g_autofree char *dir = g_dir_make_tmp("kith-test-bounce-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "kith.db", NULL);
  g_autoptr(GError) e = NULL;
  kith_store *s = kith_store_open(path, KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  g_assert_true(kith_store_exec(
      s, "DROP TABLE bounce; DROP INDEX outbox_account; DROP TABLE review; PRAGMA user_version = 6",
      &e));
  kith_store_close(s);
  s = kith_store_open(path, KITH_STORE_WRITE, &e);
  g_assert_no_error(e);
  g_assert_true(kith_state_bounce_record(s, "jane@acme.com", 1, "dsn1", &e));
  g_assert_cmpint(bounced_at(s, "jane@acme.com", NULL), ==, 1);
  kith_store_close(s);
  g_autofree char *wal = g_strconcat(path, "-wal", NULL);
  g_autofree char *shm = g_strconcat(path, "-shm", NULL);
  g_unlink(wal);
  g_unlink(shm);
  g_unlink(path);
  g_rmdir(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bounce/r45_failed_recipient_marked", test_bounce_r45_failed_recipient_marked);
  g_test_add_func("/bounce/r45_delayed_is_no_bounce", test_bounce_r45_delayed_is_no_bounce);
  g_test_add_func("/bounce/r45_notification_is_automatic",
                  test_bounce_r45_notification_is_automatic);
  g_test_add_func("/bounce/r45_own_server_notification_read",
                  test_bounce_r45_own_server_notification_read);
  g_test_add_func("/bounce/r45_real_samples", test_bounce_r45_real_samples);
  g_test_add_func("/bounce/r45_status_fields", test_bounce_r45_status_fields);
  g_test_add_func("/bounce/r45_bounded", test_bounce_r45_bounded);
  g_test_add_func("/bounce/r45_store_keeps_latest", test_bounce_r45_store_keeps_latest);
  g_test_add_func("/bounce/r45_later_mail_unbounces", test_bounce_r45_later_mail_unbounces);
  g_test_add_func("/bounce/r45_automatic_or_forged_mail_leaves_bounce",
                  test_bounce_r45_automatic_or_forged_mail_leaves_bounce);
  g_test_add_func("/bounce/r45_order_does_not_matter", test_bounce_r45_order_does_not_matter);
  g_test_add_func("/bounce/r45_lookup_error_is_no_answer",
                  test_bounce_r45_lookup_error_is_no_answer);
  g_test_add_func("/bounce/r45_purge_and_retention", test_bounce_r45_purge_and_retention);
  g_test_add_func("/bounce/r45_migration", test_bounce_r45_migration);
  return g_test_run();
}
