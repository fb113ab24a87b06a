/* test_imap_parse.c - IMAP capture's pure parts: framing, values, BODYSTRUCTURE, assembly. */
#include "capture/imap.h"
#include "capture/mime.h"
#include "util/error.h"

#include <string.h>

/* ---- framing ---- */

static void test_imap_frame_plain_line(void)
{
  const char *s = "* 3 EXISTS\r\n* 0 RECENT\r\n";
  g_assert_cmpint(kith_imap_response_length(s, strlen(s), NULL), ==, 12);
}

static void test_imap_frame_literal_kept_whole(void)
{
  /* the literal holds a line that looks like a tagged completion */
  const char *s = "* 1 FETCH (UID 7 BODY[HEADER] {14}\r\nk1 OK done\r\n\r\n)\r\nk1 OK\r\n";
  gsize first = strlen("* 1 FETCH (UID 7 BODY[HEADER] {14}\r\nk1 OK done\r\n\r\n)\r\n");
  g_assert_cmpint(kith_imap_response_length(s, strlen(s), NULL), ==, (gssize)first);
}

static void test_imap_frame_incomplete_needs_more(void)
{
  const char *s = "* 1 FETCH (BODY[TEXT] {100}\r\nonly a little";
  g_assert_cmpint(kith_imap_response_length(s, strlen(s), NULL), ==, 0);
  const char *t = "* 1 FETCH (UID 7";
  g_assert_cmpint(kith_imap_response_length(t, strlen(t), NULL), ==, 0);
}

static void test_imap_frame_two_literals(void)
{
  const char *s = "* 1 FETCH (BODY[1.MIME] {3}\r\nabc BODY[1] {2}\r\nxy)\r\nrest";
  g_assert_cmpint(kith_imap_response_length(s, strlen(s), NULL), ==, (gssize)strlen(s) - 4);
}

static void test_imap_frame_oversized_literal_refused(void)
{
  const char *s = "* 1 FETCH (BODY[] {999999999999}\r\n";
  g_autoptr(GError) error = NULL;
  g_assert_cmpint(kith_imap_response_length(s, strlen(s), &error), ==, -1);
  g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
}

/* ---- values ---- */

static void test_imap_parse_fetch_items(void)
{
  char s[] = "* 12 FETCH (UID 345 FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM TO)] {5}\r\nab\r\nc "
             "X \"q \\\"uoted\\\\\" N NIL)\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_imap_value) v = kith_imap_parse(s, strlen(s), &error);
  g_assert_no_error(error);
  g_assert_cmpuint(v->items->len, ==, 4);
  g_assert_true(kith_imap_value_is(kith_imap_item(v, 0), "*"));
  guint64 n = 0;
  g_assert_true(kith_imap_value_number(kith_imap_item(v, 1), &n));
  g_assert_cmpuint(n, ==, 12);
  g_assert_true(kith_imap_value_is(kith_imap_item(v, 2), "fetch"));
  const kith_imap_value *a = kith_imap_item(v, 3);
  g_assert_cmpint(a->kind, ==, KITH_IMAP_LIST);
  g_assert_cmpuint(a->items->len, ==, 10);
  g_assert_true(kith_imap_value_number(kith_imap_item(a, 1), &n));
  g_assert_cmpuint(n, ==, 345);
  g_assert_true(kith_imap_value_is(kith_imap_item(a, 4), "BODY[HEADER.FIELDS (FROM TO)]"));
  const kith_imap_value *lit = kith_imap_item(a, 5);
  g_assert_cmpint(lit->kind, ==, KITH_IMAP_STRING);
  g_assert_cmpmem(lit->data, lit->len, "ab\r\nc", 5);
  const kith_imap_value *q = kith_imap_item(a, 7);
  g_assert_cmpmem(q->data, q->len, "q \"uoted\\", 9);
  g_assert_cmpint(kith_imap_item(a, 9)->kind, ==, KITH_IMAP_NIL);
  g_assert_null(kith_imap_item(a, 10));
}

static void test_imap_parse_malformed_refused(void)
{
  const char *bad[] = {"* 1 FETCH (UID 1\r\n", "* 1 FETCH (BODY[] {10}\r\nabc)\r\n",
                       "* 1 FETCH \"unterminated\r\n", "* 1 FETCH )\r\n"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *s = g_strdup(bad[i]);
    g_autoptr(GError) error = NULL;
    g_autoptr(kith_imap_value) v = kith_imap_parse(s, strlen(s), &error);
    g_assert_null(v);
    g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
  }
}

static void test_imap_parse_depth_bounded(void)
{
  GString *s = g_string_new("* 1 FETCH ");
  for (int i = 0; i < 500; i++)
    g_string_append_c(s, '(');
  for (int i = 0; i < 500; i++)
    g_string_append_c(s, ')');
  g_string_append(s, "\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_imap_value) v = kith_imap_parse(s->str, s->len, &error);
  g_assert_null(v);
  g_assert_nonnull(error);
  g_string_free(s, TRUE);
}

/* ---- BODYSTRUCTURE ---- */

static char *section_of(const char *bodystructure, char **boundary)
{
  g_autofree char *s = g_strdup_printf("* 1 FETCH (BODYSTRUCTURE %s)\r\n", bodystructure);
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_imap_value) v = kith_imap_parse(s, strlen(s), &error);
  g_assert_no_error(error);
  return kith_imap_text_section(kith_imap_item(kith_imap_item(v, 3), 1), boundary);
}

#define PLAIN "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)"
#define HTML "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 30 2 NIL NIL NIL NIL)"
#define PDF                                                                                        \
  "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 9000 NIL "                     \
  "(\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) NIL NIL)"
#define PLAIN_ATTACHED                                                                             \
  "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1 NIL "                                              \
  "(\"ATTACHMENT\" (\"FILENAME\" \"notes.txt\")) NIL NIL)"

static void test_imap_section_single_part_is_text(void)
{
  g_autofree char *b = NULL;
  g_autofree char *s = section_of(
      "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 1)", &b);
  g_assert_cmpstr(s, ==, "TEXT");
  g_assert_null(b);
  g_autofree char *h = section_of(HTML, NULL);
  g_assert_cmpstr(h, ==, "TEXT");
}

static void test_imap_section_alternative_prefers_plain(void)
{
  g_autofree char *b = NULL;
  g_autofree char *s = section_of(
      "(" HTML " " PLAIN " \"ALTERNATIVE\" (\"BOUNDARY\" \"alt1\") NIL NIL)", &b);
  g_assert_cmpstr(s, ==, "2");
  g_assert_cmpstr(b, ==, "alt1");
}

static void test_imap_section_nested_mixed(void)
{
  g_autofree char *b = NULL;
  g_autofree char *s = section_of("((" PLAIN " " HTML " \"ALTERNATIVE\" (\"BOUNDARY\" \"in\")) " PDF
                                  " \"MIXED\" (\"BOUNDARY\" \"out\") NIL NIL)",
                                  &b);
  g_assert_cmpstr(s, ==, "1.1");
  g_assert_cmpstr(b, ==, "out");
}

static void test_imap_section_skips_attachments(void)
{
  g_autofree char *s = section_of(
      "(" PDF " " PLAIN_ATTACHED " " HTML " \"MIXED\" (\"BOUNDARY\" \"x\"))", NULL);
  g_assert_cmpstr(s, ==, "3"); /* the attached text/plain is not the sender's */
  g_autofree char *none = section_of("(" PDF " " PLAIN_ATTACHED " \"MIXED\" (\"BOUNDARY\" \"x\"))",
                                     NULL);
  g_assert_null(none);
  g_autofree char *single = section_of(PLAIN_ATTACHED, NULL);
  g_assert_null(single);
}

static void test_imap_section_forwarded_message_not_entered(void)
{
  /* a message/rfc822 part: its own text is someone else's */
  const char *fwd = "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 "
                    "(NIL \"Fwd\" NIL NIL NIL NIL NIL NIL NIL NIL) " PLAIN " 10 NIL NIL NIL NIL)";
  g_autofree char *q = g_strdup_printf("(%s " HTML " \"MIXED\" (\"BOUNDARY\" \"f\"))", fwd);
  g_autofree char *s = section_of(q, NULL);
  g_assert_cmpstr(s, ==, "2");
}

/* ---- the assembled message ---- */

static GBytes *bytes(const char *s)
{
  return g_bytes_new(s, strlen(s));
}

static void test_imap_assemble_part_reads_as_sender_text(void)
{
  kith_mime_init();
  g_autoptr(GBytes) header = bytes("From: Jane <jane@contoso.example>\r\nTo: ann@corp.example\r\n"
                                   "Subject: Hi\r\nMIME-Version: 1.0\r\n"
                                   "Content-Type: multipart/mixed; boundary=\"out\"\r\n\r\n");
  g_autoptr(GBytes) mime = bytes("Content-Type: text/plain; charset=iso-8859-1\r\n"
                                 "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  g_autoptr(GBytes) body = bytes("Gr=FC=DFe,\r\nJane Doe\r\nVP Sales");
  g_autoptr(GByteArray) raw = kith_imap_assemble(header, "1.1", "out", mime, body);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *)raw->data, raw->len);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  GMimeMessage *m = g_mime_parser_construct_message(parser, kith_mime_parser_options());
  g_assert_nonnull(m);
  g_autofree char *text = kith_mime_sender_text(m);
  g_assert_nonnull(text);
  g_assert_nonnull(strstr(text, "Grüße,\nJane Doe\nVP Sales"));
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_activity) a = kith_mime_activity_from_message(m, "imap://x/INBOX;UID=1", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(a->participants->len, ==, 2);
  g_object_unref(m);
  g_object_unref(parser);
  g_object_unref(stream);
}

static void test_imap_assemble_header_only_and_cut_header(void)
{
  g_autoptr(GBytes) header = bytes("From: a@b.example\r\nSubject: cut mid-li");
  g_autoptr(GByteArray) raw = kith_imap_assemble(header, NULL, NULL, NULL, NULL);
  g_assert_cmpmem(raw->data, raw->len, "From: a@b.example\r\nSubject: cut mid-li\r\n\r\n",
                  strlen("From: a@b.example\r\nSubject: cut mid-li\r\n\r\n"));
  g_autoptr(GBytes) full = bytes("From: a@b.example\r\n\r\n");
  g_autoptr(GBytes) body = bytes("hello\r\n");
  g_autoptr(GByteArray) one = kith_imap_assemble(full, "TEXT", NULL, NULL, body);
  g_assert_cmpmem(one->data, one->len, "From: a@b.example\r\n\r\nhello\r\n",
                  strlen("From: a@b.example\r\n\r\nhello\r\n"));
}

/* ---- arguments ---- */

static void test_imap_mailbox_modified_utf7(void)
{
  struct {
    const char *in, *out;
  } cases[] = {
      {"INBOX", "\"INBOX\""},
      {"Entwürfe", "\"Entw&APw-rfe\""},
      {"R&D", "\"R&-D\""},
      {"say \"hi\"\\", "\"say \\\"hi\\\"\\\\\""},
      /* RFC 3501 section 5.1.3's own example */
      {"~peter/mail/台北/日本語", "\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\""},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = kith_imap_mailbox_arg(cases[i].in);
    g_assert_cmpstr(got, ==, cases[i].out);
  }
}

static void test_imap_uid_set_compact(void)
{
  guint32 u[] = {1, 2, 3, 5, 7, 8, 10};
  g_autofree char *s = kith_imap_uid_set(u, G_N_ELEMENTS(u));
  g_assert_cmpstr(s, ==, "1:3,5,7:8,10");
  guint32 one[] = {42};
  g_autofree char *t = kith_imap_uid_set(one, 1);
  g_assert_cmpstr(t, ==, "42");
}

static void test_imap_search_date_format(void)
{
  g_autofree char *d = kith_imap_search_date(1772496000); /* 2026-03-03T00:00:00Z */
  g_assert_cmpstr(d, ==, "3-Mar-2026");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/imap/frame/plain_line", test_imap_frame_plain_line);
  g_test_add_func("/imap/frame/literal_kept_whole", test_imap_frame_literal_kept_whole);
  g_test_add_func("/imap/frame/incomplete_needs_more", test_imap_frame_incomplete_needs_more);
  g_test_add_func("/imap/frame/two_literals", test_imap_frame_two_literals);
  g_test_add_func("/imap/frame/oversized_literal_refused",
                  test_imap_frame_oversized_literal_refused);
  g_test_add_func("/imap/parse/fetch_items", test_imap_parse_fetch_items);
  g_test_add_func("/imap/parse/malformed_refused", test_imap_parse_malformed_refused);
  g_test_add_func("/imap/parse/depth_bounded", test_imap_parse_depth_bounded);
  g_test_add_func("/imap/section/single_part_is_text", test_imap_section_single_part_is_text);
  g_test_add_func("/imap/section/alternative_prefers_plain",
                  test_imap_section_alternative_prefers_plain);
  g_test_add_func("/imap/section/nested_mixed", test_imap_section_nested_mixed);
  g_test_add_func("/imap/section/skips_attachments", test_imap_section_skips_attachments);
  g_test_add_func("/imap/section/forwarded_message_not_entered",
                  test_imap_section_forwarded_message_not_entered);
  g_test_add_func("/imap/assemble/part_reads_as_sender_text",
                  test_imap_assemble_part_reads_as_sender_text);
  g_test_add_func("/imap/assemble/header_only_and_cut_header",
                  test_imap_assemble_header_only_and_cut_header);
  g_test_add_func("/imap/args/mailbox_modified_utf7", test_imap_mailbox_modified_utf7);
  g_test_add_func("/imap/args/uid_set_compact", test_imap_uid_set_compact);
  g_test_add_func("/imap/args/search_date_format", test_imap_search_date_format);
  return g_test_run();
}
