/* test_phone.c - phone normalisation and NANP states (R5), with libphonenumber's examples. */
#include "extract/phone.h"

#include <string.h>
#include "corpus.h"

static void check(const char *raw, const char *cc, const char *want, const char *want_country,
                  const char *want_state)
{
  g_autofree char *country = NULL;
  g_autofree char *state = NULL;
  g_autofree char *got = kith_phone_normalize(raw, cc, &country, &state);
  g_assert_cmpstr(got, ==, want);
  g_assert_cmpstr(country, ==, want_country);
  g_assert_cmpstr(state, ==, want_state);
}

static void test_phone_r5_international_forms(void)
{
  check("+44 20 7946 0958", NULL, "+44 20 7946 0958", "GB", NULL);
  check("+44 (0)20 7946 0958", NULL, "+44 20 7946 0958", "GB", NULL);
  check("+442079460958", NULL, "+44 20 7946 0958", "GB", NULL);
  check("0044 20 7946 0958", NULL, "+44 20 7946 0958", "GB", NULL);
  check("+49 30 1234567", NULL, "+49 30 1234567", "DE", NULL);
  check("+49 (0)30 1234567", NULL, "+49 30 1234567", "DE", NULL);
  check("+33 1 42 68 53 00", NULL, "+33 1 42 68 53 00", "FR", NULL);
  check("+34915668615", NULL, "+34 915 66 86 15", "ES", NULL);
  check("+61 2 9123 4567", NULL, "+61 2 9123 4567", "AU", NULL);
}

static void test_phone_r5_nanp_state_from_area_code(void)
{
  check("+1 (310) 555-0199", NULL, "+1 310 555 0199", "US", "CA");
  check("(713) 853-1575", "1", "+1 713 853 1575", "US", "TX");
  check("713.345.8749", "1", "+1 713 345 8749", "US", "TX");
  check("1-888-883-6388", "1", "+1 888 883 6388", "US", NULL);
  check("416-555-0123", "1", "+1 416 555 0123", "CA", "ON");
  check("+1 809 555 0100", NULL, "+1 809 555 0100", "DO", NULL);
  /* 902 serves two provinces: no state. */
  check("+1 902 555 0100", NULL, "+1 902 555 0100", "CA", NULL);
}

static void test_phone_r5_national_with_default(void)
{
  check("020 7946 0958", "44", "+44 20 7946 0958", "GB", NULL);
  check("030 1234567", "49", "+49 30 1234567", "DE", NULL);
  check("06 12 34 56 78", "33", "+33 6 12 34 56 78", "FR", NULL);
  /* Extensions are not part of the number. */
  check("(415) 782-7802 ext. 238", "1", "+1 415 782 7802", "US", "CA");
  check("619-234-1300 x238", "1", "+1 619 234 1300", "US", "CA");
}

static void test_phone_r5_not_numbers(void)
{
  check("020 7946 0958", NULL, NULL, NULL, NULL); /* national, no default */
  check("3-5290", "1", NULL, NULL, NULL);
  check("X31545", "1", NULL, NULL, NULL);
  check("11/15/00 09:40", "1", NULL, NULL, NULL);
  check("12345", "1", NULL, NULL, NULL);
  check("030123", "49", "+49 30 123", "DE", NULL);
  check("555-1234", "1", NULL, NULL, NULL);
  check("(123) 456-7890", "1", NULL, NULL, NULL); /* area codes start with 2-9 */
  check("+999 123 456 789", NULL, NULL, NULL, NULL);
  check("hello", NULL, NULL, NULL, NULL);
  check("30 1234567", "49", NULL, NULL, NULL); /* no trunk prefix */
  g_assert_cmpstr(kith_phone_cc_for_region("GB"), ==, "44");
  g_assert_cmpstr(kith_phone_cc_for_region("XX"), ==, NULL);
}

static char *digits_of(const char *s)
{
  GString *out = g_string_new(NULL);
  for (const char *p = s; p && *p; p++)
    if (g_ascii_isdigit(*p))
      g_string_append_c(out, *p);
  return g_string_free(out, FALSE);
}

/* libphonenumber's example numbers: "+CC NSN" must give that calling code
 * and, for geographic regions, that region; "PREFIX NSN" with the region's
 * calling code as default must give the same number. */
static void test_phone_r5_libphonenumber_examples(void)
{
  const char *shared = g_getenv("KITH_SHARED");
  g_autofree char *path = shared ? g_build_filename(shared, "corpora", "phone",
                                                    "example_numbers.tsv", NULL)
                                 : NULL;
  g_autofree char *text = NULL;
  if (!path || !g_file_get_contents(path, &text, NULL, NULL)) {
    kith_test_no_corpus("KITH_SHARED corpora/phone not available");
    return;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint total = 0, intl_ok = 0, region_total = 0, region_ok = 0, nat_total = 0, nat_ok = 0;
  for (char **l = lines + 1; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 5)
      continue;
    total++;
    const char *region = f[0], *cc = f[1], *np = f[2], *type = f[3], *nsn = f[4];
    g_autofree char *raw = g_strdup_printf("+%s %s", cc, nsn);
    g_autofree char *country = NULL;
    g_autofree char *got = kith_phone_normalize(raw, NULL, &country, NULL);
    g_autofree char *want_digits = g_strconcat(cc, nsn, NULL);
    g_autofree char *got_digits = digits_of(got);
    if (got && g_str_equal(got_digits, want_digits) && g_str_has_prefix(got + 1, cc) &&
        got[1 + strlen(cc)] == ' ')
      intl_ok++;
    else if (g_test_verbose())
      g_test_message("intl %s %s -> %s", region, raw, got ? got : "(null)");
    /* Toll-free, premium and other non-geographic ranges are often shared
     * by every region of a calling code: only fixed lines say the region. */
    if (!g_str_equal(region, "001") && g_str_equal(type, "fixedLine")) {
      region_total++;
      if (country && g_str_equal(country, region))
        region_ok++;
      else if (g_test_verbose())
        g_test_message("region %s %s -> %s", region, raw, country ? country : "(null)");
    }
    if (!g_str_equal(region, "001")) {
      nat_total++;
      g_autofree char *national = g_strconcat(np, nsn, NULL);
      g_autofree char *got2 = kith_phone_normalize(national, cc, NULL, NULL);
      if (got && got2 && g_str_equal(got, got2))
        nat_ok++;
      else if (g_test_verbose())
        g_test_message("national %s %s -> %s", region, national, got2 ? got2 : "(null)");
    }
  }
  g_test_message("example numbers: %u; international %u/%u; region %u/%u; national %u/%u", total,
                 intl_ok, total, region_ok, region_total, nat_ok, nat_total);
  g_printerr("# phone examples: international %.1f%%, region %.1f%%, national %.1f%%\n",
             100.0 * intl_ok / total, 100.0 * region_ok / region_total, 100.0 * nat_ok / nat_total);
  g_assert_cmpuint(total, >, 1000);
  g_assert_cmpfloat(100.0 * intl_ok / total, >=, 97.0);
  g_assert_cmpfloat(100.0 * region_ok / region_total, >=, 95.0);
  g_assert_cmpfloat(100.0 * nat_ok / nat_total, >=, 90.0);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/phone/r5_international_forms", test_phone_r5_international_forms);
  g_test_add_func("/phone/r5_nanp_state_from_area_code", test_phone_r5_nanp_state_from_area_code);
  g_test_add_func("/phone/r5_national_with_default", test_phone_r5_national_with_default);
  g_test_add_func("/phone/r5_not_numbers", test_phone_r5_not_numbers);
  g_test_add_func("/phone/r5_libphonenumber_examples", test_phone_r5_libphonenumber_examples);
  return g_test_run();
}
