/* test_capture.c - the capture layer: every format, R10 automatic mail, bad input, outside corpora. */
#include "capture/automatic.h"
#include "capture/capture.h"
#include "capture/ical.h"
#include "capture/jsonl.h"
#include "capture/mbox.h"
#include "capture/mime.h"
#include "capture/pool.h"
#include "core/address.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "corpus.h"

/* ---- helpers ---- */

typedef struct {
  GPtrArray *acts;   /* kith_activity*, copies */
  GPtrArray *errors; /* "WHERE|WHY" */
  guint stop_after;  /* stop the walk after this many activities (0: never) */
} collected;

static kith_activity *copy_activity(const kith_activity *a)
{
  kith_activity *c = kith_activity_new(a->kind);
  c->id = g_strdup(a->id);
  c->time = a->time;
  g_free(c->subject);
  c->subject = g_strdup(a->subject);
  c->automatic = a->automatic;
  c->cancelled = a->cancelled;
  c->sender_text = g_strdup(a->sender_text);
  c->origin = g_strdup(a->origin);
  for (guint i = 0; i < a->participants->len; i++) {
    kith_participant *p = g_ptr_array_index(a->participants, i);
    kith_activity_add_participant(c, p->email, p->name, p->role, p->cutype);
  }
  return c;
}

static gboolean on_activity(kith_activity *a, gpointer data)
{
  collected *c = data;
  g_ptr_array_add(c->acts, copy_activity(a));
  return c->stop_after == 0 || c->acts->len < c->stop_after;
}

static void on_error(const char *where, const char *why, gpointer data)
{
  collected *c = data;
  g_ptr_array_add(c->errors, g_strdup_printf("%s|%s", where, why));
}

static collected *collected_new(void)
{
  collected *c = g_new0(collected, 1);
  c->acts = g_ptr_array_new_with_free_func((GDestroyNotify)kith_activity_free);
  c->errors = g_ptr_array_new_with_free_func(g_free);
  return c;
}

static void collected_free(collected *c)
{
  g_ptr_array_unref(c->acts);
  g_ptr_array_unref(c->errors);
  g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(collected, collected_free)

static kith_capture_sink sink_for(collected *c)
{
  kith_capture_sink s = {on_activity, on_error, c};
  return s;
}

static collected *capture(const char *path, kith_capture_stats *stats)
{
  collected *c = collected_new();
  kith_capture_sink s = sink_for(c);
  const char *paths[] = {path, NULL};
  kith_capture_stats local = {0};
  kith_capture_paths(paths, &s, stats ? stats : &local);
  return c;
}

static kith_activity *act(collected *c, guint i)
{
  g_assert_cmpuint(i, <, c->acts->len);
  return g_ptr_array_index(c->acts, i);
}

static kith_participant *part(kith_activity *a, guint i)
{
  g_assert_cmpuint(i, <, a->participants->len);
  return g_ptr_array_index(a->participants, i);
}

static void assert_part(kith_activity *a, guint i, kith_part_role role, const char *email,
                        const char *name)
{
  kith_participant *p = part(a, i);
  g_assert_cmpstr(kith_part_role_name(p->role), ==, kith_part_role_name(role));
  g_assert_cmpstr(p->email, ==, email);
  g_assert_cmpstr(p->name, ==, name);
}

static const char *error_at(collected *c, guint i)
{
  g_assert_cmpuint(i, <, c->errors->len);
  return g_ptr_array_index(c->errors, i);
}

/* The test data folder, or NULL (test skipped) when the build did not say. */
static char *data_path(const char *name)
{
  const char *src = g_getenv("KITH_SOURCE_DIR");
  if (!src) {
    g_test_skip("KITH_SOURCE_DIR is not set");
    return NULL;
  }
  return g_build_filename(src, "tests", "data", "capture", name, NULL);
}

static char *shared_path(const char *rel)
{
  const char *shared = g_getenv("KITH_SHARED");
  if (!shared) {
    kith_test_no_corpus("KITH_SHARED is not set");
    return NULL;
  }
  char *p = g_build_filename(shared, rel, NULL);
  if (!g_file_test(p, G_FILE_TEST_IS_DIR)) {
    kith_test_no_corpus("shared folder missing");
    g_free(p);
    return NULL;
  }
  return p;
}

static void rm_tree(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    chmod(path, 0700);
    GDir *d = g_dir_open(path, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
      g_autofree char *child = g_build_filename(path, n, NULL);
      rm_tree(child);
    }
    if (d)
      g_dir_close(d);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static char *tmp_dir(void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("kith-capture-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static void write_file(const char *dir, const char *name, const char *data, gssize len)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_file_set_contents(path, data, len, &error);
  g_assert_no_error(error);
}

/* The activity of a message given as text, through GMime as ingest does. */
static kith_activity *message_activity(const char *text)
{
  kith_mime_init();
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer(text, strlen(text));
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  GMimeMessage *m = g_mime_parser_construct_message(parser, kith_mime_parser_options());
  g_assert_nonnull(m);
  kith_activity *a = kith_mime_activity_from_message(m, "test", NULL);
  g_object_unref(m);
  g_object_unref(parser);
  g_object_unref(stream);
  return a;
}

#define HDRS                                                                                       \
  "Message-ID: <t@acme.com>\nDate: Mon, 02 Mar 2026 09:00:00 +0000\n"                              \
  "From: Jane Doe <jane@acme.com>\nTo: Ann Lee <ann@corp.example>\n"

/* ---- email ---- */

/* CONTRACT 3: From, To, Cc, Bcc in order; an address named twice is one
 * participant at its first place; groups are walked; names are decoded. */
static void test_capture_email_participants_order_and_dedup(void)
{
  g_autofree char *path = data_path("intro.eml");
  if (!path)
    return;
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->errors->len, ==, 0);
  g_assert_cmpuint(c->acts->len, ==, 1);
  kith_activity *a = act(c, 0);
  g_assert_cmpint(a->kind, ==, KITH_ACTIVITY_EMAIL);
  g_assert_cmpstr(a->id, ==, "CAJann.20260310.1405@mail.corp.example");
  g_assert_cmpint(a->time, ==, 1773147912); /* 14:05:12 +0100 */
  g_assert_cmpstr(a->subject, ==, "Proposal \u2013 next steps");
  g_assert_cmpstr(a->origin, ==, path);
  g_assert_false(a->automatic);
  g_assert_cmpuint(a->participants->len, ==, 6);
  assert_part(a, 0, KITH_PART_FROM, "ann.lee@corp.example", "Ann Lee");
  assert_part(a, 1, KITH_PART_TO, "jane.doe@acme.com", "Doe, Jane");
  assert_part(a, 2, KITH_PART_TO, "juergen@acme.com", "J\u00fcrgen M\u00fcller");
  assert_part(a, 3, KITH_PART_CC, "bob.stone@corp.example", NULL); /* in a group */
  assert_part(a, 4, KITH_PART_CC, "wei.li@acme.com", "Li, Wei");
  assert_part(a, 5, KITH_PART_BCC, "crm-archive@corp.example", NULL);
  g_assert_cmpint(part(a, 0)->cutype, ==, KITH_CUTYPE_PERSON);
  /* The text/plain alternative, not the HTML one, not the text attachment. */
  g_assert_nonnull(a->sender_text);
  g_assert_true(g_str_has_prefix(a->sender_text, "Hi Jane, hi J\u00fcrgen,\n"));
  g_assert_nonnull(strstr(a->sender_text, "Account Executive\n"));
  g_assert_null(strstr(a->sender_text, "Internal notes"));
}

/* No Message-ID: an id derived from Date, From, To and Subject, the same on
 * every read, different for a different message. */
static void test_capture_email_derived_id_stable(void)
{
  g_autofree char *path = data_path("no-message-id.eml");
  if (!path)
    return;
  g_autoptr(collected) c1 = capture(path, NULL);
  g_autoptr(collected) c2 = capture(path, NULL);
  g_assert_cmpuint(c1->acts->len, ==, 1);
  const char *id = act(c1, 0)->id;
  g_assert_true(g_str_has_prefix(id, "kith-"));
  g_assert_cmpuint(strlen(id), ==, 5 + 32);
  g_assert_cmpstr(id, ==, act(c2, 0)->id);
  g_autoptr(kith_activity) other = message_activity(
      "Date: Thu, 12 Mar 2026 10:00:00 +0000\nFrom: Wei Li <wei.li@acme.com>\n"
      "To: Ann Lee <ann.lee@corp.example>\nSubject: Another question\n\nx\n");
  g_assert_true(g_str_has_prefix(other->id, "kith-"));
  g_assert_cmpstr(other->id, !=, id);
}

static void test_capture_email_html_only_sender_text(void)
{
  g_autofree char *path = data_path("html-only.eml");
  if (!path)
    return;
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->acts->len, ==, 1);
  g_assert_cmpstr(act(c, 0)->sender_text, ==,
                  "Thanks Ann & team \u2013 looks good.\n\nBest regards,\nJane Doe\n"
                  "VP Procurement | Acme Corp\nTel: +1 212 555 0199");
}

static void test_capture_html_to_text(void)
{
  static const struct {
    const char *html, *text;
  } cases[] = {
      {"<p>One</p><p>Two<br>Three</p>", "One\nTwo\nThree"},
      {"<div>a&nbsp;b &amp; c &lt;d&gt; &#233;&#xE9; &eacute; &uuml; &bogus;</div>",
       "a b & c <d> \u00e9\u00e9 \u00e9 \u00fc &bogus;"},
      {"<HTML><HEAD><TITLE>t</TITLE></HEAD><BODY>x<BR/>y</BODY></HTML>", "x\ny"},
      {"<style>p{}</style><script>a<b</script>ok<!-- c -->!", "ok!"},
      {"  spaced \n\n  words  ", "spaced words"},
      {"cut <b", "cut"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *t = kith_mime_html_to_text(cases[i].html, strlen(cases[i].html));
    g_assert_cmpstr(t, ==, cases[i].text);
  }
}

/* R10: each automatic header on its own, and the values that are not. */
static void test_capture_r10_automatic_headers(void)
{
  static const struct {
    const char *header;
    gboolean automatic;
  } cases[] = {
      {"Auto-Submitted: auto-replied\n", TRUE},
      {"Auto-Submitted: auto-generated; type=vacation\n", TRUE},
      {"Auto-Submitted: No\n", FALSE},
      {"Precedence: bulk\n", TRUE},
      {"Precedence: List\n", TRUE},
      {"Precedence: junk\n", TRUE},
      {"Precedence: first-class\n", FALSE},
      {"List-Id: Sales news <news.acme.com>\n", TRUE},
      {"X-Autoreply: yes\n", TRUE},
      {"X-Autorespond: Out of office\n", TRUE},
      {"X-Auto-Response-Suppress: All\n", FALSE}, /* Outlook sets it on ordinary mail */
      {"", FALSE},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strconcat(HDRS, cases[i].header, "Subject: Proposal\n\nhi\n", NULL);
    g_autoptr(kith_activity) a = message_activity(text);
    g_assert_cmpint(a->automatic, ==, cases[i].automatic);
  }
}

/* R10: out-of-office subjects in several languages, by prefix only. */
static void test_capture_r10_automatic_subjects(void)
{
  static const char *const yes[] = {
      "Automatic reply: Proposal",
      "AUTOMATIC REPLY: x",
      "  Auto: back on Monday",
      "Out of Office: Jane Doe",
      "Out of office AutoReply: Proposal",
      "Abwesenheitsnotiz: Angebot",
      "Automatische Antwort: Angebot",
      "R\u00e9ponse automatique : Proposition",
      "RE\u0301PONSE AUTOMATIQUE: x",
      "Respuesta autom\u00e1tica: Propuesta",
      "Resposta autom\u00e1tica: Proposta",
      "Risposta automatica: Proposta",
      "Automatisch antwoord: Voorstel",
      "Afwezig: Voorstel",
  };
  static const char *const no[] = {"Proposal",
                                   "Re: Automatic reply: Proposal",
                                   "Automation roadmap",
                                   "About our Out of Office policy",
                                   "",
                                   "Autonomous driving"};
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (!kith_automatic_subject(yes[i]))
      g_error("not automatic: %s", yes[i]);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(no); i++)
    g_assert_false(kith_automatic_subject(no[i]));
  g_autoptr(kith_activity)
      a = message_activity(HDRS "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique=3A?= Proposal\n\nx\n");
  g_assert_true(a->automatic);
}

/* mbox: one activity per message, origin FILE:LINE of its From_ line, a
 * From_ line with no blank line before it still starts a message. */
static void test_capture_mbox_messages(void)
{
  g_autofree char *path = data_path("inbox.mbox");
  if (!path)
    return;
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->errors->len, ==, 0);
  g_assert_cmpuint(c->acts->len, ==, 3);
  g_autofree char *o1 = g_strdup_printf("%s:1", path);
  g_autofree char *o2 = g_strdup_printf("%s:11", path);
  g_autofree char *o3 = g_strdup_printf("%s:19", path);
  g_assert_cmpstr(act(c, 0)->origin, ==, o1);
  g_assert_cmpstr(act(c, 1)->origin, ==, o2);
  g_assert_cmpstr(act(c, 2)->origin, ==, o3);
  g_assert_cmpstr(act(c, 0)->id, ==, "m1@mail.corp.example");
  g_assert_cmpstr(act(c, 2)->id, ==, "m3@email.acme.com");
  g_assert_nonnull(strstr(act(c, 0)->sender_text, ">From the start"));
  g_assert_cmpstr(act(c, 1)->sender_text, ==, "Hello Ann.");
}

/* Maildir: cur/ then new/, a Maildir++ sub-folder, other files ignored. */
static void test_capture_maildir(void)
{
  g_autofree char *path = data_path("Maildir");
  if (!path)
    return;
  kith_capture_stats st = {0};
  g_autoptr(collected) c = capture(path, &st);
  g_assert_cmpuint(c->errors->len, ==, 0);
  g_assert_cmpuint(c->acts->len, ==, 3);
  g_assert_cmpstr(act(c, 0)->id, ==, "md1@email.acme.com");
  g_assert_cmpstr(act(c, 1)->id, ==, "md2@email.acme.com");
  g_assert_cmpstr(act(c, 2)->id, ==, "md3@mail.corp.example");
  g_assert_cmpuint(st.files, ==, 3);
  g_assert_cmpuint(st.ignored, ==, 2); /* dovecot-uidlist, .Sent/new/.keep */
  g_assert_cmpuint(st.activities, ==, 3);

  /* A Maildir message named on its own is a message too. */
  g_autofree char *msg = g_build_filename(path, "new", "1772445600.M2P100.mx", NULL);
  g_autoptr(collected) one = capture(msg, NULL);
  g_assert_cmpuint(one->acts->len, ==, 1);
  g_assert_cmpuint(one->errors->len, ==, 0);
}

/* Folders: byte-wise name order, unknown and hidden files counted, not read. */
static void test_capture_walk_order_and_ignored(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *sub = g_build_filename(dir, "b-sub", NULL);
  g_mkdir(sub, 0700);
  write_file(dir, "Z.eml", "Message-ID: <z@x>\nFrom: z@acme.com\n\nz\n", -1);
  write_file(dir, "a.eml", "Message-ID: <a@x>\nFrom: a@acme.com\n\na\n", -1);
  write_file(dir, "notes.txt", "not mail\n", -1);
  write_file(dir, ".DS_Store", "\0\0\0\1Bud1", 9);
  write_file(dir, "c-old-mailbox", "From x@y Mon Mar  2 09:00:00 2026\nMessage-ID: <c@x>\n\nc\n",
             -1);
  write_file(sub, "m.jsonl", "{\"type\":\"email\",\"id\":\"j@x\"}\n", -1);
  kith_capture_stats st = {0};
  g_autoptr(collected) c = capture(dir, &st);
  g_assert_cmpuint(c->errors->len, ==, 0);
  g_assert_cmpuint(c->acts->len, ==, 4);
  g_assert_cmpstr(act(c, 0)->id, ==, "z@x"); /* 'Z' < 'a' in bytes */
  g_assert_cmpstr(act(c, 1)->id, ==, "a@x");
  g_assert_cmpstr(act(c, 2)->id, ==, "j@x");
  g_assert_cmpstr(act(c, 3)->id, ==, "c@x");
  g_assert_cmpuint(st.ignored, ==, 2);
  g_assert_cmpuint(st.files, ==, 4);
  g_assert_cmpuint(st.errors, ==, 0);
  g_assert_cmpuint(st.activities, ==, 4);
  g_assert_cmpuint(st.bytes, >, 0);

  /* Named directly, a file of no known kind is an error. */
  g_autofree char *notes = g_build_filename(dir, "notes.txt", NULL);
  g_autoptr(collected) n = capture(notes, &st);
  g_assert_cmpuint(n->errors->len, ==, 1);
  g_autofree char *want = g_strdup_printf("%s|not an email, mbox, Maildir, .ics or .jsonl file",
                                          notes);
  g_assert_cmpstr(error_at(n, 0), ==, want);

  /* A path that does not exist. */
  g_autofree char *missing = g_build_filename(dir, "missing.eml", NULL);
  g_autoptr(collected) m = capture(missing, NULL);
  g_assert_cmpuint(m->errors->len, ==, 1);
  g_assert_nonnull(strstr(error_at(m, 0), g_strerror(ENOENT)));
  rm_tree(dir);
}

/* A symbolic link back up the tree is reported once, not followed. */
static void test_capture_symlink_loop_reported_once(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *sub = g_build_filename(dir, "sub", NULL);
  g_mkdir(sub, 0700);
  write_file(sub, "one.eml", HDRS "\nx\n", -1);
  g_autofree char *link = g_build_filename(sub, "loop", NULL);
  g_assert_cmpint(symlink(dir, link), ==, 0);
  g_autofree char *self = g_build_filename(dir, "self", NULL);
  g_assert_cmpint(symlink(self, self), ==, 0); /* ELOOP */
  g_autoptr(collected) c = capture(dir, NULL);
  g_assert_cmpuint(c->acts->len, ==, 1);
  g_assert_cmpuint(c->errors->len, ==, 2);
  g_autofree char *want = g_strdup_printf("%s|symbolic link loop, not followed", link);
  gboolean found = FALSE;
  for (guint i = 0; i < c->errors->len; i++)
    found = found || strcmp(error_at(c, i), want) == 0;
  g_assert_true(found);
  rm_tree(dir);
}

static void test_capture_unreadable_file(void)
{
  if (geteuid() == 0) {
    g_test_skip("running as root: permissions do not stop reads");
    return;
  }
  g_autofree char *dir = tmp_dir();
  write_file(dir, "secret.eml", HDRS "\nx\n", -1);
  write_file(dir, "secret.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", -1);
  write_file(dir, "secret.jsonl", "{}\n", -1);
  write_file(dir, "secret.mbox", "From x\n", -1);
  const char *names[] = {"secret.eml", "secret.ics", "secret.jsonl", "secret.mbox"};
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *p = g_build_filename(dir, names[i], NULL);
    chmod(p, 0);
  }
  g_autoptr(collected) c = capture(dir, NULL);
  g_assert_cmpuint(c->acts->len, ==, 0);
  g_assert_cmpuint(c->errors->len, ==, 4);
  for (guint i = 0; i < c->errors->len; i++)
    g_assert_nonnull(strstr(error_at(c, i), g_strerror(EACCES)));
  rm_tree(dir);
}

/* The sink can stop the walk. */
static void test_capture_stop(void)
{
  g_autofree char *path = data_path("inbox.mbox");
  if (!path)
    return;
  g_autoptr(collected) c = collected_new();
  c->stop_after = 1;
  kith_capture_sink s = sink_for(c);
  const char *paths[] = {path, path, NULL};
  g_assert_false(kith_capture_paths(paths, &s, NULL));
  g_assert_cmpuint(c->acts->len, ==, 1);
}

/* Bad input is reported once or read as far as it goes; never a crash. */
static void test_capture_email_bad_input(void)
{
  g_autofree char *dir = tmp_dir();
  GString *big = g_string_new(HDRS "Subject: ");
  for (int i = 0; i < 1024 * 1024; i++)
    g_string_append_c(big, 'x');
  g_string_append(big, "\n\nbody\n");
  write_file(dir, "a-big-header.eml", big->str, big->len);
  g_string_free(big, TRUE);
  write_file(
      dir, "b-truncated.eml",
      HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhel", -1);
  write_file(dir, "c-bad-utf8.eml",
             "Message-ID: <u@y>\nFrom: J\xfcrgen M\xfcller <j@acme.com>\nTo: k@acme.com\n"
             "Subject: Gr\xfc\xdf"
             "e \xc3\x28\n\nBody \xe9t\xe9\n",
             -1);
  static const char nul[] = "Message-ID: <n@y>\nTo: jane@acme.com\nSubject: a\0b\n\nbo\0dy\n";
  write_file(dir, "d-nul.eml", nul, sizeof nul - 1);
  write_file(dir, "e-empty.eml", "", 0);
  write_file(dir, "f-binary.eml", "\x01\x02\x03\xff\xfe", 5);
  GString *deep = g_string_new(HDRS "Content-Type: multipart/mixed; boundary=b0\n\n");
  for (int i = 0; i < 3000; i++)
    g_string_append_printf(deep, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i,
                           i + 1);
  g_string_append(deep, "--b3000\nContent-Type: text/plain\n\ndeep\n");
  write_file(dir, "g-deep.eml", deep->str, deep->len);
  g_string_free(deep, TRUE);
  write_file(dir, "h-not.mbox", "hello\n", -1);
  write_file(dir, "i-empty.mbox", "", 0);

  g_autoptr(collected) c = capture(dir, NULL);
  g_assert_cmpuint(c->acts->len, ==, 5);
  kith_activity *a = act(c, 0);
  g_assert_cmpuint(strlen(a->subject), <=, 4096);
  g_assert_cmpstr(act(c, 1)->id, ==, "t@acme.com");
  a = act(c, 2);
  g_assert_cmpstr(a->subject, ==, "Gr\u00fc\u00dfe \u00c3(");
  g_assert_cmpstr(part(a, 0)->name, ==, "J\u00fcrgen M\u00fcller");
  g_assert_cmpstr(a->sender_text, ==, "Body \u00e9t\u00e9\n");
  g_assert_true(g_utf8_validate(act(c, 3)->sender_text, -1, NULL));
  g_assert_null(act(c, 4)->sender_text); /* deeper than the search goes */
  g_assert_cmpuint(c->errors->len, ==, 3);
  g_assert_true(g_str_has_suffix(error_at(c, 0), "e-empty.eml|empty file"));
  g_assert_true(g_str_has_suffix(error_at(c, 1), "f-binary.eml|not an RFC 5322 message") ||
                strstr(error_at(c, 1), "f-binary.eml|not an email"));
  g_assert_true(g_str_has_suffix(error_at(c, 2), "h-not.mbox|not an mbox file (no From_ line)"));
  rm_tree(dir);
}

/* ---- iCalendar ---- */

static void test_capture_ics_meetings(void)
{
  g_autofree char *path = data_path("meetings.ics");
  if (!path)
    return;
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->errors->len, ==, 0);
  /* The RECURRENCE-ID override of the weekly series is not a second meeting. */
  g_assert_cmpuint(c->acts->len, ==, 7);

  kith_activity *a = act(c, 0);
  g_assert_cmpint(a->kind, ==, KITH_ACTIVITY_MEETING);
  g_assert_cmpstr(a->id, ==, "040000008200E00074C5B7101A82E00800000000weekly-sync");
  g_assert_cmpstr(a->subject, ==, "Weekly sync");
  g_assert_cmpint(a->time, ==, 1782892800); /* 10:00 CEST from the file's VTIMEZONE = 08:00Z */
  g_assert_false(a->cancelled);
  g_assert_false(a->automatic);
  g_assert_null(a->sender_text);
  g_assert_cmpuint(a->participants->len, ==, 7);
  assert_part(a, 0, KITH_PART_ORGANIZER, "ann.lee@corp.example", "Lee, Ann");
  assert_part(a, 1, KITH_PART_ATTENDEE, "jane.doe@acme.com", "Doe, Jane");
  assert_part(a, 2, KITH_PART_ATTENDEE, "room-401@acme.com", "Berlin Room 4.01");
  assert_part(a, 3, KITH_PART_ATTENDEE, "projector@acme.com", "Projector");
  assert_part(a, 4, KITH_PART_ATTENDEE, "buying@acme.com", "Acme buying team");
  assert_part(a, 5, KITH_PART_ATTENDEE, "wei.li@acme.com", "Wei \"Will\" Li"); /* RFC 6868 */
  assert_part(a, 6, KITH_PART_ATTENDEE, "param.person@acme.com", "Email Param");
  g_assert_cmpint(part(a, 0)->cutype, ==, KITH_CUTYPE_PERSON);
  g_assert_cmpint(part(a, 1)->cutype, ==, KITH_CUTYPE_PERSON);
  g_assert_cmpint(part(a, 2)->cutype, ==, KITH_CUTYPE_ROOM);
  g_assert_cmpint(part(a, 3)->cutype, ==, KITH_CUTYPE_RESOURCE);
  g_assert_cmpint(part(a, 4)->cutype, ==, KITH_CUTYPE_GROUP);
  g_assert_cmpint(part(a, 5)->cutype, ==, KITH_CUTYPE_PERSON);

  g_assert_cmpint(act(c, 1)->time, ==, 1768496400); /* 12:00 America/New_York = 17:00Z */
  g_assert_cmpint(act(c, 2)->time, ==, 1779235200); /* all day 2026-05-20 = 00:00Z */
  g_assert_cmpint(act(c, 3)->time, ==, 1768464000); /* Mozilla-prefixed Europe/Paris */
  g_assert_true(act(c, 4)->cancelled);              /* STATUS:CANCELLED */
  g_assert_true(g_str_has_prefix(act(c, 5)->id, "kith-"));
  g_assert_cmpstr(act(c, 6)->id, ==, "cancel-method@corp.example");
  g_assert_true(act(c, 6)->cancelled); /* METHOD:CANCEL */

  g_autoptr(collected) again = capture(path, NULL);
  g_assert_cmpstr(act(again, 5)->id, ==, act(c, 5)->id);
}

static void test_capture_ics_bad_input(void)
{
  static const struct {
    const char *name, *text, *why;
    guint acts;
  } cases[] = {
      {"folding.ics",
       "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:ok\nEND:VEVENT\nBEGIN:VEVENT\nUID:f\n"
       "ATTENDEE;CN=Ann;PARTSTAT=ACCEPTE\nD:mailto:ann@x.com\nEND:VEVENT\nEND:VCALENDAR\n",
       "broken VEVENT skipped: ", 1},
      {"garbage.ics", "hello world\n", "not a complete iCalendar file", 0},
      {"truncated.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nATTENDEE:mailto:a@b.com\n",
       "not a complete iCalendar file", 0},
      {"vcard.ics", "BEGIN:VCARD\nFN:x\nEND:VCARD\n", "not an iCalendar calendar", 0},
      {"todo-only.ics", "BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:t\nEND:VTODO\nEND:VCALENDAR\n", NULL, 0},
      {"empty.ics", "", "not a complete iCalendar file", 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(collected) c = collected_new();
    kith_capture_sink s = sink_for(c);
    kith_ical_read_buffer(cases[i].text, strlen(cases[i].text), cases[i].name, &s);
    g_assert_cmpuint(c->acts->len, ==, cases[i].acts);
    g_assert_cmpuint(c->errors->len, ==, cases[i].why ? 1 : 0);
    if (cases[i].why) {
      g_autofree char *prefix = g_strdup_printf("%s|%s", cases[i].name, cases[i].why);
      g_assert_true(g_str_has_prefix(error_at(c, 0), prefix));
    }
  }
  /* A NUL byte, and one property longer than 1 MiB once unfolded. */
  g_autoptr(collected) c = collected_new();
  kith_capture_sink s = sink_for(c);
  static const char nul[] = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\0b\nEND:VEVENT\nEND:VCALENDAR\n";
  kith_ical_read_buffer(nul, sizeof nul - 1, "nul.ics", &s);
  GString *lng = g_string_new("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDESCRIPTION:a");
  for (int i = 0; i < 16000; i++)
    g_string_append(lng,
                    "\n aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append(lng, "\nEND:VEVENT\nEND:VCALENDAR\n");
  kith_ical_read_buffer(lng->str, lng->len, "long.ics", &s);
  g_string_free(lng, TRUE);
  g_assert_cmpuint(c->acts->len, ==, 0);
  g_assert_cmpuint(c->errors->len, ==, 2);
  g_assert_cmpstr(error_at(c, 0), ==, "nul.ics|contains a NUL byte");
  g_assert_cmpstr(error_at(c, 1), ==, "long.ics|line 4: property longer than 1 MiB");
}

/* One event with 100,000 attendees is one activity with all of them. */
static gboolean check_big(kith_activity *a, gpointer data)
{
  guint *checked = data;
  g_assert_cmpuint(a->participants->len, ==, 100001);
  assert_part(a, 0, KITH_PART_ORGANIZER, "org@corp.example", NULL);
  assert_part(a, 100000, KITH_PART_ATTENDEE, "person99999@example.com", "Person 99999");
  (*checked)++;
  return TRUE;
}

static void check_big_error(const char *where, const char *why, gpointer data)
{
  g_error("%s: %s", where, why);
}

static void test_capture_ics_100k_attendees(void)
{
  GString *t = g_string_new("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:big\r\n"
                            "DTSTART:20260101T100000Z\r\nORGANIZER:mailto:org@corp.example\r\n");
  for (int i = 0; i < 100000; i++)
    g_string_append_printf(t, "ATTENDEE;CN=Person %d:mailto:person%d@example.com\r\n", i, i);
  g_string_append(t, "END:VEVENT\r\nEND:VCALENDAR\r\n");
  guint checked = 0;
  kith_capture_sink s = {check_big, check_big_error, &checked};
  gint64 start = g_get_monotonic_time();
  kith_ical_read_buffer(t->str, t->len, "big.ics", &s);
  g_test_message("100,000 attendees: %.1f s", (g_get_monotonic_time() - start) / 1e6);
  g_string_free(t, TRUE);
  g_assert_cmpuint(checked, ==, 1);
}

/* ---- jsonl ---- */

static void test_capture_jsonl(void)
{
  g_autofree char *path = data_path("activities.jsonl");
  if (!path)
    return;
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->acts->len, ==, 5);
  kith_activity *a = act(c, 0);
  g_assert_cmpint(a->kind, ==, KITH_ACTIVITY_EMAIL);
  g_assert_cmpstr(a->id, ==, "abc@x"); /* as a Message-ID, without <> */
  g_assert_cmpint(a->time, ==, 1769850000);
  g_assert_cmpstr(a->subject, ==, "Hi");
  g_assert_cmpstr(a->sender_text, ==, "text/plain body, optional");
  g_autofree char *o1 = g_strdup_printf("%s:1", path);
  g_assert_cmpstr(a->origin, ==, o1);
  assert_part(a, 0, KITH_PART_FROM, "a@corp.example", "Ann Lee");
  assert_part(a, 1, KITH_PART_TO, "jane@acme.com", "Jane Doe");

  a = act(c, 1);
  g_assert_cmpint(a->kind, ==, KITH_ACTIVITY_MEETING);
  g_assert_cmpstr(a->id, ==, "uid-1");
  g_assert_cmpuint(a->participants->len, ==, 3); /* JANE@acme.com is jane@acme.com */
  assert_part(a, 0, KITH_PART_ORGANIZER, "a@corp.example", "Ann Lee");
  assert_part(a, 1, KITH_PART_ATTENDEE, "jane@acme.com", "Jane Doe");
  g_assert_cmpint(part(a, 2)->cutype, ==, KITH_CUTYPE_ROOM);

  a = act(c, 2);
  g_assert_true(a->cancelled);
  g_assert_cmpint(a->time, ==, 1769936400); /* +01:00 read as such */
  g_assert_cmpint(part(a, 1)->cutype, ==, KITH_CUTYPE_GROUP);
  g_assert_cmpint(part(a, 2)->cutype, ==, KITH_CUTYPE_RESOURCE);
  g_assert_true(act(c, 3)->automatic); /* "Réponse automatique" subject */
  g_assert_true(act(c, 4)->automatic); /* "automatic": true */

  static const struct {
    guint line;
    const char *why;
  } errors[] = {{4, "not JSON"}, {5, "missing \"id\""}, {6, "missing \"type\""},
                {7, "bad time"}, {8, "type \"fax\""},   {12, "\"attendees\": kind \"robot\""}};
  g_assert_cmpuint(c->errors->len, ==, G_N_ELEMENTS(errors));
  for (gsize i = 0; i < G_N_ELEMENTS(errors); i++) {
    g_autofree char *prefix = g_strdup_printf("%s:%u|%s", path, errors[i].line, errors[i].why);
    if (!g_str_has_prefix(error_at(c, i), prefix))
      g_error("want %s, got %s", prefix, error_at(c, i));
  }
}

static void test_capture_jsonl_long_line(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "long.jsonl", NULL);
  FILE *fp = fopen(path, "wb");
  g_assert_nonnull(fp);
  fputs("{\"type\":\"email\",\"id\":\"x\",\"subject\":\"", fp);
  char chunk[65536];
  memset(chunk, 'a', sizeof chunk);
  for (int i = 0; i < 17 * 16; i++)
    fwrite(chunk, 1, sizeof chunk, fp);
  fputs("\"}\n{\"type\":\"email\",\"id\":\"after\"}\r\n", fp);
  fclose(fp);
  g_autoptr(collected) c = capture(path, NULL);
  g_assert_cmpuint(c->acts->len, ==, 1);
  g_assert_cmpstr(act(c, 0)->id, ==, "after");
  g_assert_cmpuint(c->errors->len, ==, 1);
  g_autofree char *want = g_strdup_printf("%s:1|line longer than 16 MiB", path);
  g_assert_cmpstr(error_at(c, 0), ==, want);
  rm_tree(dir);
}

/* ---- outside corpora ---- */

static void find_files(const char *dir, const char *suffix, GPtrArray *out)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      find_files(p, suffix, out);
    else if (g_str_has_suffix(n, suffix))
      g_ptr_array_add(out, g_steal_pointer(&p));
  }
  if (d)
    g_dir_close(d);
}

static gint cmp_paths(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The From, To and Cc addresses of a stalwart expected parse, as
 * "role address" lines, normalised like kith does, first place wins. */
static GPtrArray *stalwart_expected(json_t *root)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  static const char *const roles[] = {"from", "to", "cc"};
  json_t *headers = json_object_get(json_array_get(json_object_get(root, "parts"), 0), "headers");
  for (gsize r = 0; r < G_N_ELEMENTS(roles); r++) {
    size_t i;
    json_t *h;
    json_array_foreach(headers, i, h)
    {
      json_t *name = json_object_get(h, "name");
      if (!json_is_string(name) || g_ascii_strcasecmp(json_string_value(name), roles[r]) != 0)
        continue;
      json_t *value = json_object_get(h, "value");
      json_t *addr = json_object_get(value, "Address");
      json_t *list = json_object_get(addr, "List");
      if (!list)
        list = json_object_get(addr, "Group"); /* flattened below when it has members */
      size_t j;
      json_t *item;
      json_array_foreach(list, j, item)
      {
        json_t *members = json_object_get(item, "addresses");
        json_t *one = json_object_get(item, "address");
        if (members) {
          size_t k;
          json_t *m;
          json_array_foreach(members, k, m)
          {
            g_autofree char *norm = kith_address_normalize(
                json_string_value(json_object_get(m, "address")), NULL);
            if (norm && g_hash_table_add(seen, g_strdup(norm)))
              g_ptr_array_add(out, g_strdup_printf("%s %s", roles[r], norm));
          }
        } else if (json_is_string(one)) {
          g_autofree char *norm = kith_address_normalize(json_string_value(one), NULL);
          if (norm && g_hash_table_add(seen, g_strdup(norm)))
            g_ptr_array_add(out, g_strdup_printf("%s %s", roles[r], norm));
        }
      }
    }
  }
  g_hash_table_unref(seen);
  return out;
}

static void test_capture_corpus_email(void)
{
  g_autofree char *root = shared_path("corpora/email");
  if (!root)
    return;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  find_files(root, ".eml", files);
  g_autofree char *cpython = g_build_filename(root, "cpython", NULL);
  GDir *d = g_dir_open(cpython, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d)))
    if (g_str_has_prefix(n, "msg_") && g_str_has_suffix(n, ".txt"))
      g_ptr_array_add(files, g_build_filename(cpython, n, NULL));
  if (d)
    g_dir_close(d);
  g_ptr_array_sort(files, cmp_paths);
  g_assert_cmpuint(files->len, >=, 100);

  guint captured = 0, reported = 0, compared = 0, matched = 0;
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    g_autoptr(collected) c = collected_new();
    kith_capture_sink s = sink_for(c);
    kith_mime_read_message_file(path, &s);
    /* Every message is either read or reported, exactly once. */
    g_assert_cmpuint(c->acts->len + c->errors->len, ==, 1);
    if (c->acts->len) {
      captured++;
      g_assert_true(g_utf8_validate(act(c, 0)->subject, -1, NULL));
      g_assert_true(!act(c, 0)->sender_text || g_utf8_validate(act(c, 0)->sender_text, -1, NULL));
    } else {
      reported++;
    }
    if (!g_str_has_suffix(path, ".eml"))
      continue;
    g_autofree char *jpath = g_strndup(path, strlen(path) - 4);
    g_autofree char *jfile = g_strconcat(jpath, ".json", NULL);
    json_t *j = json_load_file(jfile, 0, NULL);
    if (!j)
      continue;
    g_autoptr(GPtrArray) want = stalwart_expected(j);
    json_decref(j);
    if (want->len == 0)
      continue;
    compared++;
    GString *got = g_string_new(NULL), *exp = g_string_new(NULL);
    for (guint k = 0; k < want->len; k++)
      g_string_append_printf(exp, "%s;", (char *)g_ptr_array_index(want, k));
    for (guint k = 0; c->acts->len && k < act(c, 0)->participants->len; k++) {
      kith_participant *p = part(act(c, 0), k);
      if (p->role <= KITH_PART_CC)
        g_string_append_printf(got, "%s %s;", kith_part_role_name(p->role), p->email);
    }
    if (strcmp(got->str, exp->str) == 0)
      matched++;
    else
      g_test_message("stalwart differs: %s: want %s got %s", path, exp->str, got->str);
    g_string_free(got, TRUE);
    g_string_free(exp, TRUE);
  }
  g_test_message("email corpus: %u messages, %u captured, %u reported; stalwart From/To/Cc: "
                 "%u/%u match",
                 files->len, captured, reported, matched, compared);
  g_assert_cmpuint(matched, ==, compared);
}

/* jCal: per VEVENT (first of each UID), the usable ORGANIZER/ATTENDEE addresses. */
static void jcal_events(json_t *comp, GPtrArray *counts, GHashTable *uids)
{
  if (!json_is_array(comp) || !json_is_string(json_array_get(comp, 0)))
    return;
  json_t *props = json_array_get(comp, 1);
  if (strcmp(json_string_value(json_array_get(comp, 0)), "vevent") == 0) {
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *uid = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p)
    {
      const char *name = json_string_value(json_array_get(p, 0));
      const char *value = json_string_value(json_array_get(p, 3));
      if (name && value && strcmp(name, "uid") == 0)
        uid = value;
    }
    /* the organizer first, then the attendees */
    for (int pass = 0; pass < 2; pass++)
      json_array_foreach(props, i, p)
      {
        const char *name = json_string_value(json_array_get(p, 0));
        const char *value = json_string_value(json_array_get(p, 3));
        if (!name || !value || strcmp(name, pass ? "attendee" : "organizer") != 0)
          continue;
        if (g_ascii_strncasecmp(value, "mailto:", 7) == 0)
          value += 7;
        char *norm = kith_address_normalize(value, NULL);
        if (norm)
          g_hash_table_add(seen, norm); /* a repeat counts once */
      }
    if (!uid || g_hash_table_add(uids, g_strdup(uid)))
      g_ptr_array_add(counts, GUINT_TO_POINTER(g_hash_table_size(seen)));
  }
  size_t i;
  json_t *sub;
  json_array_foreach(json_array_get(comp, 2), i, sub) jcal_events(sub, counts, uids);
}

static void test_capture_corpus_icalendar(void)
{
  g_autofree char *root = shared_path("corpora/icalendar");
  if (!root)
    return;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  find_files(root, ".ics", files);
  g_ptr_array_sort(files, cmp_paths);
  g_assert_cmpuint(files->len, >=, 99);
  guint with_meetings = 0, reported = 0, meetings = 0, people = 0, pairs = 0, pairs_ok = 0;
  guint rooms = 0;
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    g_autoptr(collected) c = collected_new();
    kith_capture_sink s = sink_for(c);
    kith_ical_read_file(path, &s);
    g_assert_cmpuint(c->errors->len, <=, 1); /* a broken file is reported once */
    with_meetings += c->acts->len > 0;
    reported += c->errors->len;
    meetings += c->acts->len;
    for (guint k = 0; k < c->acts->len; k++) {
      people += act(c, k)->participants->len;
      for (guint m = 0; m < act(c, k)->participants->len; m++)
        rooms += part(act(c, k), m)->cutype != KITH_CUTYPE_PERSON;
    }
    g_autofree char *stem = g_strndup(path, strlen(path) - 4);
    g_autofree char *jfile = g_strconcat(stem, ".json", NULL);
    json_t *j = json_load_file(jfile, 0, NULL);
    if (!j)
      continue;
    g_autoptr(GPtrArray) counts = g_ptr_array_new();
    g_autoptr(GHashTable) uids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (json_is_array(json_array_get(j, 0))) { /* several root components */
      size_t x;
      json_t *compo;
      json_array_foreach(j, x, compo) jcal_events(compo, counts, uids);
    } else {
      jcal_events(j, counts, uids);
    }
    json_decref(j);
    pairs++;
    gboolean ok = counts->len == c->acts->len;
    for (guint k = 0; ok && k < counts->len; k++)
      ok = GPOINTER_TO_UINT(g_ptr_array_index(counts, k)) == act(c, k)->participants->len;
    pairs_ok += ok;
    if (!ok)
      g_test_message("jCal differs: %s: %u events in jCal, %u meetings", path, counts->len,
                     c->acts->len);
  }
  g_test_message("icalendar corpus: %u files, %u with meetings, %u reported; %u meetings, "
                 "%u participants (%u room/resource/group); jCal pairs %u/%u match",
                 files->len, with_meetings, reported, meetings, people, rooms, pairs_ok, pairs);
  g_assert_cmpuint(pairs_ok, ==, pairs);
}

/* The public acceptance activities read without an error. */
static void test_capture_acceptance_smoke(void)
{
  g_autofree char *root = shared_path("acceptance/public");
  if (!root)
    return;
  g_autofree char *dir01 = g_build_filename(root, "01-who-is-who", "activities", NULL);
  g_autofree char *dir02 = g_build_filename(root, "02-skipped-activities-and-participants",
                                            "activities", NULL);
  g_autoptr(collected) c = collected_new();
  kith_capture_sink s = sink_for(c);
  kith_capture_stats st = {0};
  const char *paths[] = {root, NULL};
  kith_capture_paths(paths, &s, &st);
  g_assert_cmpuint(c->errors->len, ==, 0);
  g_assert_cmpuint(st.activities, >=, 8);
  gboolean saw_room = FALSE, saw_reply = FALSE, saw_auto = FALSE;
  for (guint i = 0; i < c->acts->len; i++) {
    kith_activity *a = act(c, i);
    if (g_str_has_suffix(a->origin, "onsite.ics")) {
      for (guint k = 0; k < a->participants->len; k++)
        saw_room = saw_room || (part(a, k)->cutype == KITH_CUTYPE_ROOM &&
                                strcmp(part(a, k)->email, "room1@contoso.com") == 0);
    }
    if (g_str_has_suffix(a->origin, "2026-03-04-reply.eml")) {
      /* multipart/alternative: the text/plain part is the sender's text */
      saw_reply = a->sender_text && g_str_has_prefix(a->sender_text, "Thanks Ann") &&
                  !strstr(a->sender_text, "<p>");
    }
    if (g_str_has_suffix(a->origin, "auto-reply.eml"))
      saw_auto = a->automatic;
  }
  g_assert_true(saw_room);
  g_assert_true(saw_reply);
  g_assert_true(saw_auto);
}

/* ---- bodies left unread for the org's own senders ---- */

static gboolean outside_only(const char *domain, gpointer data)
{
  (*(guint *)data)++;
  return strcmp(domain, "corp.example") != 0;
}

static kith_activity *parse_for(const char *text, guint *asked)
{
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)text, strlen(text));
  g_autofree char *why = NULL;
  kith_activity *a = kith_mime_parse_bytes(b->data, b->len, "t.mbox:1", outside_only, asked, &why);
  g_byte_array_unref(b);
  g_assert_nonnull(a);
  return a;
}

static void test_capture_body_left_unread_for_own_senders(void)
{
  const char *tail = "To: Jane <jane@client.example>\nSubject: Hi\n"
                     "Message-ID: <m1@corp.example>\n\nHello\n-- \nAnn Lee\nVP Sales\n";
  struct {
    const char *from;
    gboolean body;     /* sender_text expected */
    const char *first; /* the first From participant */
  } cases[] = {
      {"From: Ann Lee <ann@corp.example>\n", FALSE, "ann@corp.example"},
      {"From: Ann Lee\n <ann@Corp.Example>\n", FALSE, "ann@corp.example"}, /* folded */
      {"From: \"ann@corp.example\" <x@outside.example>\n", TRUE, "x@outside.example"},
      {"From: bob@outside.example, <ann@corp.example>\n", TRUE, "bob@outside.example"},
      {"From: ann@corp.example (Ann)\n", TRUE, "ann@corp.example"}, /* a comment: not plain */
      {"From: a@corp.example\nFrom: b@outside.example\n", TRUE, "a@corp.example"},
      {"From: =?UTF-8?Q?Ann?= <ann@corp.example>\n", TRUE, "ann@corp.example"},
      {"From: joe@client.example\n", TRUE, "joe@client.example"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strconcat(cases[i].from, tail, NULL);
    guint asked = 0;
    g_autoptr(kith_activity) a = parse_for(text, &asked);
    g_assert_cmpstr(a->id, ==, "m1@corp.example");
    g_test_message("case %u", i);
    g_assert_cmpuint(a->participants->len, >=, 2);
    const kith_participant *p = g_ptr_array_index(a->participants, 0);
    g_assert_cmpint(p->role, ==, KITH_PART_FROM);
    g_assert_cmpstr(p->email, ==, cases[i].first);
    if (cases[i].body)
      g_assert_nonnull(a->sender_text);
    else
      g_assert_null(a->sender_text);
  }
  /* Without the question every body is read. */
  GByteArray *b = g_byte_array_new();
  g_autofree char *text = g_strconcat(cases[0].from, tail, NULL);
  g_byte_array_append(b, (const guint8 *)text, strlen(text));
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = kith_mime_parse_bytes(b->data, b->len, "t.mbox:1", NULL, NULL, &why);
  g_byte_array_unref(b);
  g_assert_nonnull(a->sender_text);
}

/* ---- GMime given only the headers kith reads ---- */

static gboolean own_domain(const char *domain, gpointer data)
{
  return strcmp(domain, (const char *)data) != 0;
}

/* What an activity holds, one line a field, for comparing two. */
static char *activity_text(const kith_activity *a)
{
  if (!a)
    return g_strdup("(none)");
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "id %s\ntime %" G_GINT64_FORMAT "\nsubject %s\nauto %d\ntext %s\n",
                         a->id, a->time, a->subject, a->automatic,
                         a->sender_text ? a->sender_text : "(none)");
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    g_string_append_printf(s, "p %s|%s|%d|%d\n", p->email, p->name ? p->name : "", p->role,
                           p->cutype);
  }
  return g_string_free(s, FALSE);
}

/* TEXT parsed as kith_mime_parse_bytes does, every header given to GMime
 * or only those it reads; SENDER_DOMAIN set: that domain's bodies unread. */
static char *parsed_text(const char *text, gsize len, gboolean all, const char *own)
{
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)text, len);
  g_autofree char *why = NULL;
  kith_mime_keep_all_headers(all);
  kith_activity *a = kith_mime_parse_bytes(b->data, b->len, "t:1", own ? own_domain : NULL,
                                           (gpointer)own, &why);
  kith_mime_keep_all_headers(FALSE);
  g_byte_array_unref(b);
  char *out = a ? activity_text(a) : g_strdup_printf("error %s", why ? why : "");
  kith_activity_free(a);
  return out;
}

/* The sender's domain as the raw From header gives it, for reading the
 * message as the org's own too. */
static char *from_domain(const char *text)
{
  g_autoptr(GRegex) re = g_regex_new("^From:[^\\n]*@([A-Za-z0-9.-]+)",
                                     G_REGEX_MULTILINE | G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  if (!g_regex_match(re, text, 0, &m))
    return NULL;
  g_autofree char *d = g_match_info_fetch(m, 1);
  return g_ascii_strdown(d, -1);
}

static void check_kept_headers(const char *label, const char *text, gsize len)
{
  g_autofree char *domain = from_domain(text);
  const char *owns[] = {NULL, "client.example", domain};
  for (guint i = 0; i < G_N_ELEMENTS(owns); i++) {
    if (i == 2 && !domain)
      continue;
    g_autofree char *all = parsed_text(text, len, TRUE, owns[i]);
    g_autofree char *kept = parsed_text(text, len, FALSE, owns[i]);
    if (strcmp(all, kept) != 0)
      g_error("%s (own domain %s): every header gives\n%s\nthe kept ones give\n%s", label,
              owns[i] ? owns[i] : "none", all, kept);
  }
}

/* Giving GMime only the headers an activity is made from changes nothing
 * that is captured: every message of the outside email corpora, the fuzz
 * seeds and a set of odd header blocks, with the body read and unread. */
static void test_capture_email_kept_headers_change_nothing(void)
{
  static const char *const odd[] = {
      /* duplicates: the last Subject and Date, every To */
      "From: a@x.example\nTo: b@y.example\nTo: c@y.example\nSubject: one\nSubject: two\n"
      "Date: Tue, 03 Mar 2026 09:00:00 +0000\nDate: Wed, 04 Mar 2026 09:00:00 +0000\n"
      "Message-ID: <d1@x>\n\nBody\n",
      /* folding, white space before the colon, 8-bit and encoded names */
      "Received: from a\n\tby b; Tue, 03 Mar 2026 09:00:00 +0000\nFrom: Ann\n Lee <ann@x.example>\n"
      "Subject : spaced\nTo: =?UTF-8?Q?J=C3=B6rg?= <j@y.example>, J\xf6rg M <m@y.example>\n"
      "X-Long: a\n b\n c\nMessage-ID: <d2@x>\n\nHi\n",
      /* a line that is no header, an mbox From_ line, a NUL byte */
      "From: a@x.example\nnot a header\nTo: b@y.example\nMessage-ID: <d3@x>\n\nBody\n",
      "From a@x Tue Mar  3 09:00:00 2026\nFrom: a@x.example\nTo: b@y.example\n\nBody\n",
      "From: a@x.example\nX-Bad: a\0b\nTo: b@y.example\nMessage-ID: <d5@x>\n\nBody\n",
      /* only headers kith does not read, and no header block at all */
      "Received: from a by b\nX-Mailer: m\n\nBody\n",
      "Just a body\n",
      "\nFrom: a@x.example\n\nBody\n",
      /* automatic headers, a multipart body, CRLF line ends */
      "From: a@x.example\r\nTo: b@y.example\r\nAuto-Submitted: auto-replied\r\n"
      "Precedence: bulk\r\nList-Id: <l.x>\r\nMessage-ID: <d9@x>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n"
      "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n"
      "\r\nGr=FC=DFe\r\n-- \r\nAnn\r\n--b--\r\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(odd); i++) {
    g_autofree char *label = g_strdup_printf("odd case %u", i);
    gsize len = strlen(odd[i]);
    if (i == 4)
      len += strlen(odd[i] + len + 1) + 1; /* past the NUL */
    check_kept_headers(label, odd[i], len);
  }
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  const char *src = g_getenv("KITH_SOURCE_DIR");
  if (src) {
    g_autofree char *seeds = g_build_filename(src, "fuzz", "corpus", "mime", NULL);
    g_autofree char *data = g_build_filename(src, "tests", "data", NULL);
    find_files(seeds, "", files);
    find_files(data, ".eml", files);
  }
  g_autofree char *root = shared_path("corpora/email");
  if (root) {
    find_files(root, ".eml", files);
    find_files(root, ".txt", files);
  }
  guint n = 0;
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, NULL))
      continue;
    check_kept_headers(path, text, len);
    n++;
  }
  g_test_message("%u files compared", n);
  if (root)
    g_assert_cmpuint(n, >=, 100);
}

/* ---- the mbox splitter: blocks and long lines change nothing ---- */

typedef struct {
  GPtrArray *parts; /* "WHERE\n" + message bytes, or "E WHERE|WHY" */
} split_out;

static gboolean split_msg(GByteArray *block, gsize offset, gsize len, char *where, gpointer data)
{
  split_out *o = data;
  GString *s = g_string_new(where);
  g_string_append_c(s, '\n');
  g_string_append_len(s, (const char *)block->data + offset, len);
  g_ptr_array_add(o->parts, g_string_free(s, FALSE));
  g_free(where);
  return TRUE;
}

static gboolean split_err(char *where, const char *why, gpointer data)
{
  split_out *o = data;
  g_ptr_array_add(o->parts, g_strdup_printf("E %s|%s", where, why));
  g_free(where);
  return TRUE;
}

/* The same split done the plain way, line by line over the whole text. */
static GPtrArray *reference_split(const char *path, const char *text, gsize len)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  GString *msg = NULL;
  guint64 lineno = 0, start = 0;
  for (gsize pos = 0; pos < len;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    gsize n = nl ? (gsize)(nl - (text + pos)) + 1 : len - pos;
    const char *line = text + pos;
    lineno++;
    gboolean from = n > 5 && memcmp(line, "From ", 5) == 0 && line[5] != ' ' &&
                    g_strstr_len(line, n, ":") && g_strstr_len(line, n, " 2026");
    if (from) {
      if (msg)
        g_ptr_array_add(parts, g_string_free(msg, FALSE));
      msg = g_string_new(NULL);
      g_string_printf(msg, "%s:%" G_GUINT64_FORMAT "\n", path, lineno);
      start = lineno;
    } else if (msg) {
      g_string_append_len(msg, line, n);
    }
    pos += n;
  }
  (void)start;
  if (msg)
    g_ptr_array_add(parts, g_string_free(msg, FALSE));
  /* The splitter gives each message without the line break before the next
   * From_ line; kith_mime_parse_bytes takes it off later, so keep it here. */
  return parts;
}

static void test_capture_mbox_split_blocks_and_long_lines(void)
{
  g_autoptr(GString) box = g_string_new(NULL);
  GRand *r = g_rand_new_with_seed(7);
  for (guint m = 0; m < 40; m++) {
    g_string_append_printf(box, "From sender@example.com Mon Mar  2 09:%02u:00 2026\n", m % 60);
    g_string_append_printf(box, "From: a%u@example.com\nSubject: %u\n\n", m, m);
    guint lines = g_rand_int_range(r, 1, 400);
    for (guint l = 0; l < lines; l++) {
      guint n = g_rand_int_range(r, 0, 200);
      if (m == 11 && l == 3)
        n = 600 * 1024; /* longer than a block */
      if (m == 23 && l == 1)
        n = 5 * 1024 * 1024; /* longer than the longest line kept whole */
      for (guint i = 0; i < n; i++)
        g_string_append_c(box, (char)('a' + (i * 7 + l) % 26));
      if (l == 2)
        g_string_append(box, "\nFrom here on, a body line that starts with From");
      g_string_append_c(box, '\n');
    }
  }
  g_rand_free(r);
  g_autofree char *dir = g_dir_make_tmp("kith-split-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "a.mbox", NULL);
  g_assert_true(g_file_set_contents(path, box->str, box->len, NULL));

  split_out o = {g_ptr_array_new_with_free_func(g_free)};
  g_assert_true(kith_mbox_split(path, split_msg, split_err, &o));
  g_autoptr(GPtrArray) ref = reference_split(path, box->str, box->len);
  g_assert_cmpuint(o.parts->len, ==, 40);
  g_assert_cmpuint(ref->len, ==, 40);
  for (guint i = 0; i < ref->len; i++)
    g_assert_true(strcmp(g_ptr_array_index(o.parts, i), g_ptr_array_index(ref, i)) == 0);
  g_ptr_array_unref(o.parts);
  g_unlink(path);
  g_rmdir(dir);
}

/* ---- the parse pool: worker threads change nothing but the speed ---- */

typedef struct {
  GPtrArray *seq; /* "A id prepared" or "E where|why", in delivery order */
  guint stop_after;
  guint prepared; /* activities that arrived with the prepare step done */
} ordered;

static void pool_prepare(kith_activity *a, gpointer data)
{
  (void)data;
  a->prepared = g_ascii_strup(a->subject, -1);
  a->prepared_free = g_free;
}

static gboolean pool_on_activity(kith_activity *a, gpointer data)
{
  ordered *o = data;
  o->prepared += a->prepared != NULL;
  g_ptr_array_add(o->seq,
                  g_strdup_printf("A %s %s", a->id, a->prepared ? (char *)a->prepared : "-"));
  return o->stop_after == 0 || o->seq->len < o->stop_after;
}

static void pool_on_error(const char *where, const char *why, gpointer data)
{
  ordered *o = data;
  g_ptr_array_add(o->seq, g_strdup_printf("E %s|%s", where, why));
}

static GPtrArray *capture_with_threads(const char *dir, const char *threads, guint stop_after,
                                       gboolean *finished, guint *prepared)
{
  g_setenv("KITH_CAPTURE_THREADS", threads, TRUE);
  ordered o = {g_ptr_array_new_with_free_func(g_free), stop_after, 0};
  kith_capture_sink s = {pool_on_activity, pool_on_error, &o, NULL, NULL, pool_prepare};
  const char *paths[] = {dir, NULL};
  kith_capture_stats st = {0};
  *finished = kith_capture_paths(paths, &s, &st);
  if (prepared)
    *prepared = o.prepared;
  return o.seq;
}

static void write_message(GString *out, guint i)
{
  g_string_append_printf(out,
                         "From: Person %u <p%u@example%u.com>\nTo: rep@seller.example\n"
                         "Subject: message %u\nDate: Mon, 2 Mar 2026 09:%02u:00 +0000\n"
                         "Message-ID: <m%u@example.com>\n\nHello %u\n",
                         i, i, i % 7, i, i % 60, i, i);
}

static gboolean count_activity(kith_activity *a, gpointer data)
{
  (*(guint *)data)++; /* A stays the pool's */
  return TRUE;
}

static void ignore_error(const char *where, const char *why, gpointer data)
{
}

/* Messages handed on are freed as the capture goes, not piled up until it
 * ends: what the pool holds stays bounded however many are pushed. */
static void test_capture_pool_frees_as_it_goes(void)
{
  g_autoptr(GString) text = g_string_new(NULL);
  g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(gsize));
  const guint n = 4000;
  for (guint i = 0; i < n; i++) {
    gsize at = text->len;
    g_array_append_val(starts, at);
    write_message(text, i);
  }
  GByteArray *block = g_byte_array_new();
  g_byte_array_append(block, (const guint8 *)text->str, text->len);
  guint seen = 0, most = 0;
  kith_capture_sink sink = {
      .on_activity = count_activity, .on_error = ignore_error, .user_data = &seen};
  g_setenv("KITH_CAPTURE_THREADS", "2", TRUE);
  kith_pool *pool = kith_pool_new(&sink);
  for (guint i = 0; i < n; i++) {
    gsize at = g_array_index(starts, gsize, i);
    gsize end = i + 1 < n ? g_array_index(starts, gsize, i + 1) : text->len;
    g_assert_true(kith_pool_push_bytes(pool, block, at, end - at, g_strdup_printf("t:%u", i)));
    most = MAX(most, kith_pool_unfreed(pool));
  }
  g_assert_true(kith_pool_drain(pool));
  kith_pool_free(pool);
  g_unsetenv("KITH_CAPTURE_THREADS");
  g_byte_array_unref(block);
  g_assert_cmpuint(seen, ==, n);
  g_test_message("at most %u messages handed on and not yet freed", most);
  /* each of the two workers holds at most what it parsed since its last
   * batch began, itself at most a window */
  g_assert_cmpuint(most, <=, 3 * KITH_POOL_MAX_JOBS);
}

static void test_capture_pool_same_order_any_threads(void)
{
  g_autofree char *dir = g_dir_make_tmp("kith-pool-XXXXXX", NULL);
  /* a.mbox: 700 messages (more than the pool holds at once), one of them
   * no message at all; b.ics in between; c/ a Maildir; d.jsonl last. */
  g_autoptr(GString) mbox = g_string_new(NULL);
  for (guint i = 0; i < 700; i++) {
    g_string_append_printf(mbox, "From sender Mon Mar  2 09:00:00 2026\n");
    if (i == 350)
      g_string_append(mbox, "\x01\x02 not a header\n");
    else
      write_message(mbox, i);
  }
  g_autofree char *a = g_build_filename(dir, "a.mbox", NULL);
  g_assert_true(g_file_set_contents(a, mbox->str, mbox->len, NULL));
  g_autofree char *b = g_build_filename(dir, "b.ics", NULL);
  const char *ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:ev1\r\n"
                    "DTSTART:20260302T100000Z\r\nSUMMARY:Call\r\n"
                    "ORGANIZER;CN=Rep:mailto:rep@seller.example\r\n"
                    "ATTENDEE;CN=Buyer:mailto:buyer@client.example\r\nEND:VEVENT\r\n"
                    "END:VCALENDAR\r\n";
  g_assert_true(g_file_set_contents(b, ics, -1, NULL));
  g_autofree char *cur = g_build_filename(dir, "c", "cur", NULL);
  g_autofree char *new_ = g_build_filename(dir, "c", "new", NULL);
  g_assert_cmpint(g_mkdir_with_parents(cur, 0700), ==, 0);
  g_assert_cmpint(g_mkdir_with_parents(new_, 0700), ==, 0);
  for (guint i = 0; i < 40; i++) {
    g_autoptr(GString) m = g_string_new(NULL);
    write_message(m, 1000 + i);
    g_autofree char *name = g_strdup_printf("%04u.host:2,S", i);
    g_autofree char *path = g_build_filename(i == 20 ? new_ : cur, name, NULL);
    g_assert_true(g_file_set_contents(path, i == 7 ? "" : m->str, i == 7 ? 0 : -1, NULL));
  }
  g_autofree char *d = g_build_filename(dir, "d.jsonl", NULL);
  const char *jl = "{\"type\":\"email\",\"id\":\"j1\",\"time\":\"2026-03-02T09:00:00Z\","
                   "\"from\":{\"email\":\"x@client.example\"},\"to\":[]}\n";
  g_assert_true(g_file_set_contents(d, jl, -1, NULL));

  gboolean fin0 = FALSE, fin4 = FALSE;
  guint prep4 = 0;
  g_autoptr(GPtrArray) one = capture_with_threads(dir, "0", 0, &fin0, NULL);
  g_autoptr(GPtrArray) four = capture_with_threads(dir, "4", 0, &fin4, &prep4);
  g_assert_true(fin0 && fin4);
  g_assert_cmpuint(one->len, ==, four->len);
  for (guint i = 0; i < one->len; i++)
    g_assert_cmpstr(g_ptr_array_index(one, i), ==, g_ptr_array_index(four, i));
  /* 699 + 1 meeting + 39 + 1 jsonl activities, 2 errors, in file order */
  g_assert_cmpuint(one->len, ==, 699 + 1 + 39 + 1 + 2);
  g_assert_true(g_str_has_prefix(g_ptr_array_index(one, 0), "A m0@example.com MESSAGE 0"));
  g_assert_true(g_str_has_prefix(g_ptr_array_index(one, 350), "E "));
  g_assert_true(g_str_has_prefix(g_ptr_array_index(one, 700), "A ev1"));
  g_assert_true(g_str_has_prefix(g_ptr_array_index(one, one->len - 1), "A j1"));
  /* every email was prepared on a worker; the meeting and jsonl line are not emails read by it */
  g_assert_cmpuint(prep4, ==, 699 + 39);

  /* Stopping: exactly as many activities as the sink took, then FALSE. */
  gboolean fin = TRUE;
  g_autoptr(GPtrArray) stopped = capture_with_threads(dir, "4", 100, &fin, NULL);
  g_assert_false(fin);
  g_assert_cmpuint(stopped->len, ==, 100);
  for (guint i = 0; i < stopped->len; i++)
    g_assert_cmpstr(g_ptr_array_index(stopped, i), ==, g_ptr_array_index(one, i));
  g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
  g_assert_cmpint(system(rm), ==, 0);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/capture/pool/same_order_any_threads", test_capture_pool_same_order_any_threads);
  g_test_add_func("/capture/pool/frees_as_it_goes", test_capture_pool_frees_as_it_goes);
  g_test_add_func("/capture/email/body_left_unread_for_own_senders",
                  test_capture_body_left_unread_for_own_senders);
  g_test_add_func("/capture/email/kept_headers_change_nothing",
                  test_capture_email_kept_headers_change_nothing);
  g_test_add_func("/capture/mbox/split_blocks_and_long_lines",
                  test_capture_mbox_split_blocks_and_long_lines);
  g_test_add_func("/capture/email/participants_order_and_dedup",
                  test_capture_email_participants_order_and_dedup);
  g_test_add_func("/capture/email/derived_id_stable", test_capture_email_derived_id_stable);
  g_test_add_func("/capture/email/html_only_sender_text", test_capture_email_html_only_sender_text);
  g_test_add_func("/capture/email/html_to_text", test_capture_html_to_text);
  g_test_add_func("/capture/email/bad_input", test_capture_email_bad_input);
  g_test_add_func("/capture/r10/automatic_headers", test_capture_r10_automatic_headers);
  g_test_add_func("/capture/r10/automatic_subjects", test_capture_r10_automatic_subjects);
  g_test_add_func("/capture/mbox/messages", test_capture_mbox_messages);
  g_test_add_func("/capture/maildir", test_capture_maildir);
  g_test_add_func("/capture/walk/order_and_ignored", test_capture_walk_order_and_ignored);
  g_test_add_func("/capture/walk/symlink_loop_reported_once",
                  test_capture_symlink_loop_reported_once);
  g_test_add_func("/capture/walk/unreadable_file", test_capture_unreadable_file);
  g_test_add_func("/capture/walk/stop", test_capture_stop);
  g_test_add_func("/capture/ics/meetings", test_capture_ics_meetings);
  g_test_add_func("/capture/ics/bad_input", test_capture_ics_bad_input);
  g_test_add_func("/capture/ics/100k_attendees", test_capture_ics_100k_attendees);
  g_test_add_func("/capture/jsonl/activities", test_capture_jsonl);
  g_test_add_func("/capture/jsonl/long_line", test_capture_jsonl_long_line);
  g_test_add_func("/capture/corpus/email", test_capture_corpus_email);
  g_test_add_func("/capture/corpus/icalendar", test_capture_corpus_icalendar);
  g_test_add_func("/capture/acceptance/smoke", test_capture_acceptance_smoke);
  return g_test_run();
}
