/* test_mime_bound.c - the bounds a raw message is held to before GMime reads it. */
#include "capture/mime.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const head = "From: Jane Doe <jane@acme.com>\n"
                                "To: Ann Lee <ann.lee@corp.example>\n"
                                "Subject: hello\n"
                                "Date: Mon, 7 Dec 2026 10:00:00 +0000\n"
                                "Message-ID: <m1@acme.com>\n";

/* The security review's input: `a:` 45,000 times, folded into lines of 900
 * characters. */
static GString *deep_cc(guint levels)
{
  g_autoptr(GString) groups = g_string_new(NULL);
  for (guint i = 0; i < levels; i++)
    g_string_append(groups, "a:");
  GString *cc = g_string_new("Cc: ");
  for (gsize i = 0; i < groups->len; i += 900) {
    if (i)
      g_string_append(cc, "\n ");
    g_string_append_len(cc, groups->str + i, MIN(900, groups->len - i));
  }
  g_string_append_c(cc, '\n');
  return cc;
}

static kith_activity *parse(const GString *msg, char **why)
{
  return kith_mime_parse_bytes((const guint8 *)msg->str, msg->len, "test.eml", NULL, NULL, why);
}

static gboolean has(const kith_activity *a, const char *email)
{
  for (guint i = 0; i < a->participants->len; i++)
    if (strcmp(((kith_participant *)g_ptr_array_index(a->participants, i))->email, email) == 0)
      return TRUE;
  return FALSE;
}

static void test_nested_groups_cut_not_crash(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_autoptr(GString) cc = deep_cc(45000);
  g_string_append(msg, cc->str);
  g_string_append(msg, "\nHello\n\nJane\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_null(why);
  g_assert_nonnull(a);
  g_assert_true(has(a, "jane@acme.com"));
  g_assert_true(has(a, "ann.lee@corp.example"));
  g_assert_nonnull(a->warning);
  g_assert_nonnull(strstr(a->warning, "Cc"));
  g_assert_nonnull(strstr(a->warning, "nested deeper than 8"));
}

static void test_nested_groups_in_file(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_autoptr(GString) cc = deep_cc(45000);
  g_string_append(msg, cc->str);
  g_string_append(msg, "\nHello\n");
  g_autofree char *dir = g_dir_make_tmp("kith-bound-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "deep.eml", NULL);
  g_assert_true(g_file_set_contents(path, msg->str, (gssize)msg->len, NULL));
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = kith_mime_parse_file(path, &why);
  g_assert_nonnull(a);
  g_assert_true(has(a, "jane@acme.com"));
  g_assert_nonnull(a->warning);
  g_unlink(path);
  g_rmdir(dir);
}

/* Inside an attached message, the same header is cut too. */
static void test_nested_groups_in_attached_message(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_string_append(msg, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
                       "--b\nContent-Type: text/plain\n\nSee below.\n--b\n"
                       "Content-Type: message/rfc822\n\nFrom: x@acme.com\n");
  g_autoptr(GString) cc = deep_cc(45000);
  g_string_append(msg, cc->str);
  g_string_append(msg, "Subject: inner\n\ninner text\n--b--\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_nonnull(a);
  g_assert_nonnull(a->sender_text);
  g_assert_nonnull(strstr(a->sender_text, "See below."));
}

/* Groups up to the bound, and colons in quotes, comments, <> and domain
 * literals, are read as before. */
static void test_shallow_groups_kept(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_string_append(msg, "Cc: g1: g2: g3: g4: g5: g6: g7: Bo Li <bo@acme.com>; ; ; ; ; ; ;\n"
                       "Bcc: \"a:b:c:d:e:f:g:h:i:j:k\" (x:y:z:w:v:u:t:s:r:q) <carl@acme.com>,"
                       " dee@[IPv6:2001:db8:0:0:0:0:0:1:2:3]\n\nHi\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_nonnull(a);
  g_assert_null(a->warning);
  g_assert_true(has(a, "bo@acme.com"));
  g_assert_true(has(a, "carl@acme.com"));
}

/* GMime reads a quote or <> left open, and colons inside <>, as groups too:
 * the forms the fuzzer found (`<ops@x` then `a:` thousands of times). */
static void test_groups_inside_open_quote_or_angle(void)
{
  g_autoptr(GString) groups = g_string_new(NULL);
  for (int i = 0; i < 45000; i++)
    g_string_append(groups, "a:");
  const char *forms[] = {"To: Ann <ann@corp.example>, <ops@x%s\n",
                         "To: Ann <ann@corp.example>, \"ops %s\n",
                         "To: Ann <ann@corp.example>, <ops@x%sy.example>\n",
                         "To: Ann <ann@corp.example>, <ops@x%s Ann <ann@y.example>\n"};
  for (guint f = 0; f < G_N_ELEMENTS(forms); f++) {
    g_autoptr(GString) msg = g_string_new(head);
    g_string_append_printf(msg, forms[f], groups->str);
    g_string_append(msg, "\nHello\n");
    g_autofree char *why = NULL;
    g_autoptr(kith_activity) a = parse(msg, &why);
    g_assert_nonnull(a);
    g_assert_true(has(a, "jane@acme.com"));
    g_assert_nonnull(a->warning);
  }
  /* A quoted display name is one word to GMime: forty colons in it are no
   * groups. (Past 64 colons in one field it is cut all the same.) */
  g_autoptr(GString) msg = g_string_new(head);
  g_string_append_printf(msg, "Cc: \"%.80s\" <bo@acme.com>\n\nHello\n", groups->str);
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_nonnull(a);
  g_assert_null(a->warning);
  g_assert_true(has(a, "bo@acme.com"));
}

static void test_too_many_header_fields_refused(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  for (int i = 0; i < 2000000; i++)
    g_string_append(msg, "X-A: b\n");
  g_string_append(msg, "\nHello\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_null(a);
  g_assert_nonnull(why);
  g_assert_nonnull(strstr(why, "header fields"));
}

static void test_huge_header_block_refused(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_string_append(msg, "X-Long: ");
  for (int i = 0; i < 140000; i++)
    g_string_append(msg, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n ");
  g_string_append(msg, "end\n\nHello\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_null(a);
  g_assert_nonnull(strstr(why, "header block"));
}

/* Parts holding more header fields than the bound: the message's own
 * headers are read, its body is not. */
static void test_many_part_fields_headers_only(void)
{
  g_autoptr(GString) msg = g_string_new(head);
  g_string_append(msg, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
                       "--b\nContent-Type: text/plain\n\nHello from Jane\n");
  for (int i = 0; i < 30000; i++)
    g_string_append(msg, "--b\nContent-Type: text/plain\nContent-ID: <x>\n\nx\n");
  g_string_append(msg, "--b--\n");
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = parse(msg, &why);
  g_assert_nonnull(a);
  g_assert_true(has(a, "jane@acme.com"));
  g_assert_null(a->sender_text);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/mime/bound/nested_groups_cut_not_crash", test_nested_groups_cut_not_crash);
  g_test_add_func("/mime/bound/nested_groups_in_file", test_nested_groups_in_file);
  g_test_add_func("/mime/bound/nested_groups_in_attached_message",
                  test_nested_groups_in_attached_message);
  g_test_add_func("/mime/bound/shallow_groups_kept", test_shallow_groups_kept);
  g_test_add_func("/mime/bound/groups_inside_open_quote_or_angle",
                  test_groups_inside_open_quote_or_angle);
  g_test_add_func("/mime/bound/too_many_header_fields_refused",
                  test_too_many_header_fields_refused);
  g_test_add_func("/mime/bound/huge_header_block_refused", test_huge_header_block_refused);
  g_test_add_func("/mime/bound/many_part_fields_headers_only", test_many_part_fields_headers_only);
  return g_test_run();
}
