/* test_address.c - address and domain helpers (R1, R3) against the contract and outside vectors. */
#include "core/address.h"
#include "util/error.h"

#include <jansson.h>
#include <string.h>
#include "corpus.h"

static void check_norm(const char *raw, const char *want)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = kith_address_normalize(raw, &error);
  if (want) {
    g_assert_no_error(error);
    g_assert_cmpstr(got, ==, want);
  } else {
    g_assert_null(got);
    g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
  }
}

static void test_address_r1_case_insensitive(void)
{
  check_norm("Jane.Doe@Contoso.COM", "jane.doe@contoso.com");
  check_norm("  JDOE@EXAMPLE.org  ", "jdoe@example.org");
}

static void test_address_r1_idna(void)
{
  check_norm("user@Bücher.example", "user@xn--bcher-kva.example");
  check_norm("user@BÜCHER.example", "user@xn--bcher-kva.example");
  check_norm("user@xn--bcher-kva.example", "user@xn--bcher-kva.example");
  /* UTS #46 non-transitional: ß stays ß (not "ss") */
  check_norm("a@faß.de", "a@xn--fa-hia.de");
}

static void test_address_r1_wrappers(void)
{
  check_norm("<jane@contoso.com>", "jane@contoso.com");
  check_norm(" < jane@contoso.com > ", "jane@contoso.com");
  check_norm("mailto:Jane@Contoso.com", "jane@contoso.com");
  check_norm("jane@contoso.com.", "jane@contoso.com");
}

static void test_address_r1_invalid(void)
{
  check_norm(NULL, NULL);
  check_norm("", NULL);
  check_norm("jane", NULL);
  check_norm("@contoso.com", NULL);
  check_norm("jane@", NULL);
  check_norm("jane@localhost", NULL);
  check_norm("jane doe@contoso.com", NULL);
  check_norm("jane@contoso..com", NULL);
  check_norm("jane@.contoso.com", NULL);
  check_norm("jane@[192.0.2.1]", NULL);
  check_norm("jane@(comment)contoso.com", NULL);
  check_norm("ja\x07ne@contoso.com", NULL);
  check_norm("jane@con\x07toso.com", NULL);
  check_norm("jane@contoso.com, joe@contoso.com", NULL);
  g_autofree char *long_local = g_strnfill(400, 'a');
  g_autofree char *too_long = g_strconcat(long_local, "@contoso.com", NULL);
  check_norm(too_long, NULL);
}

static void test_address_parts(void)
{
  g_assert_cmpstr(kith_address_domain("jane@contoso.com"), ==, "contoso.com");
  g_assert_null(kith_address_domain("jane"));
  g_assert_null(kith_address_domain(NULL));
  g_autofree char *local = kith_address_local_part("jane.doe@contoso.com");
  g_assert_cmpstr(local, ==, "jane.doe");
}

static void check_site(const char *website, const char *want)
{
  g_autofree char *got = kith_domain_from_website(website);
  g_assert_cmpstr(got, ==, want);
}

static void test_domain_r3_from_website(void)
{
  check_site("https://www.Acme.com/about", "acme.com");
  check_site("acme.com", "acme.com");
  check_site("http://acme.com:8080/x", "acme.com");
  check_site("www.acme.co.uk", "acme.co.uk");
  check_site("https://user:pw@acme.com/", "acme.com");
  check_site("//acme.com", "acme.com");
  check_site("acme.com:443", "acme.com");
  check_site("https://shop.acme.com?q=1#top", "shop.acme.com");
  check_site("https://Bücher.example/", "xn--bcher-kva.example");
  check_site("HTTPS://WWW.ACME.COM", "acme.com");
  check_site("not a url", NULL);
  check_site("", NULL);
  check_site(NULL, NULL);
  check_site("http://", NULL);
  check_site("http://localhost/", NULL);
  check_site("https://[2001:db8::1]/", NULL);
}

static void test_domain_r3_within(void)
{
  g_assert_true(kith_domain_within("acme.com", "acme.com"));
  g_assert_true(kith_domain_within("sales.acme.com", "acme.com"));
  g_assert_true(kith_domain_within("a.b.acme.com", "acme.com"));
  g_assert_false(kith_domain_within("notacme.com", "acme.com"));
  g_assert_false(kith_domain_within("acme.com", "sales.acme.com"));
  g_assert_false(kith_domain_within("acme.com.evil.io", "acme.com"));
  g_assert_false(kith_domain_within("acme.com", ""));
  g_assert_false(kith_domain_within(NULL, "acme.com"));
  g_assert_false(kith_domain_within("acme.com", NULL));
}

static void test_domain_r3_public_suffix(void)
{
  g_assert_true(kith_domain_is_public_suffix("co.uk"));
  g_assert_true(kith_domain_is_public_suffix("com"));
  g_assert_true(kith_domain_is_public_suffix("com.au"));
  g_assert_false(kith_domain_is_public_suffix("acme.co.uk"));
  g_assert_false(kith_domain_is_public_suffix("acme.com"));
  g_assert_false(kith_domain_is_public_suffix("sales.acme.com"));
}

static const char *shared_dir(const char *sub)
{
  const char *root = g_getenv("KITH_SHARED");
  if (!root) {
    kith_test_no_corpus("KITH_SHARED is not set");
    return NULL;
  }
  static char path[4096];
  g_snprintf(path, sizeof path, "%s/corpora/%s", root, sub);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    kith_test_no_corpus("corpus folder is missing");
    return NULL;
  }
  return path;
}

/* One public-suffix vector: an expectation about DOMAIN as written. Inputs
 * with a leading dot are not domains kith ever holds (kith_domain_normalize
 * refuses them), so they are checked to be refused instead. */
static gboolean check_suffix(const char *domain, gboolean want_suffix, GString *misses)
{
  g_autofree char *d = kith_domain_normalize(domain);
  if (domain[0] == '.')
    return d == NULL;
  if (!d) {
    g_string_append_printf(misses, " %s(refused)", domain);
    return FALSE;
  }
  if (kith_domain_is_public_suffix(d) == want_suffix)
    return TRUE;
  g_string_append_printf(misses, " %s", domain);
  return FALSE;
}

/* tests.txt: "domain registrable-domain-or-null". kith only asks whether a
 * domain is a public suffix, which is exactly "null" for a well-formed name. */
static void test_domain_r3_psl_vectors(void)
{
  const char *dir = shared_dir("psl");
  if (!dir)
    return;
  g_autofree char *path = g_build_filename(dir, "tests.txt", NULL);
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint total = 0, pass = 0;
  g_autoptr(GString) misses = g_string_new(NULL);
  for (guint i = 0; lines[i]; i++) {
    g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
    if (!f[0] || !*f[0] || g_str_has_prefix(f[0], "//") || !f[1] || strcmp(f[0], "null") == 0)
      continue;
    total++;
    pass += check_suffix(f[0], strcmp(f[1], "null") == 0, misses);
  }
  g_test_message("psl tests.txt: %u/%u public-suffix answers agree;%s", pass, total, misses->str);
  g_assert_cmpuint(total, >, 60);
  g_assert_cmpuint(pass, ==, total);
}

/* libpsl-cases.tsv: the is_public_suffix rows (with the implicit '*' rule,
 * as kith uses) and what the registrable_domain rows say about suffixes. */
static void test_domain_r3_libpsl_cases(void)
{
  const char *dir = shared_dir("psl");
  if (!dir)
    return;
  g_autofree char *path = g_build_filename(dir, "libpsl-cases.tsv", NULL);
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint total = 0, pass = 0, refused = 0;
  g_autoptr(GString) misses = g_string_new(NULL);
  for (guint i = 1; lines[i]; i++) {
    g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
    if (g_strv_length(f) < 4 || strcmp(f[2], "utf-8") != 0)
      continue;
    if (strcmp(f[0], "is_public_suffix") == 0) {
      total++;
      pass += check_suffix(f[1], strcmp(f[3], "1") == 0, misses);
    } else if (strcmp(f[0], "registrable_domain") == 0) {
      g_autofree char *d = kith_domain_normalize(f[1]);
      if (!d) { /* the over-long single labels: no domain at all */
        refused++;
        continue;
      }
      total++;
      pass += check_suffix(f[1], strcmp(f[3], "null") == 0, misses);
    }
  }
  g_test_message("libpsl cases: %u/%u agree, %u over-long labels refused;%s", pass, total, refused,
                 misses->str);
  g_assert_cmpuint(refused, ==, 4);
  g_assert_cmpuint(pass, ==, total);
}

static void free_gstring(gpointer s)
{
  g_string_free(s, TRUE);
}

/* Why kith answers an is_email vector otherwise than RFC 5322 syntax, or
 * NULL when the difference is not one kith means to make. kith normalises
 * addresses GMime already took out of headers: it trims, it does not check
 * the local part beyond spaces, controls and <>, and it keeps only a dotted
 * host name, since nothing else can match an Account (R3). */
static const char *validity_reason(const char *addr, const char *diag, gboolean kept)
{
  const char *at = strrchr(addr, '@');
  const char *domain = at ? at + 1 : "";
  g_autofree char *trimmed = g_strstrip(g_strdup(addr));
  if (kept) {
    if (strcmp(trimmed, addr) != 0)
      return "kept: white space and line breaks around it are trimmed";
    if (g_str_has_suffix(addr, "."))
      return "kept: the domain's trailing dot is dropped";
    if (g_str_has_prefix(diag, "ISEMAIL_ERR_DOT_"))
      return "kept: a dot opening or closing the local part (seen in real mail)";
    if (g_str_has_prefix(diag, "ISEMAIL_ERR_EXPECTING_") ||
        g_str_has_prefix(diag, "ISEMAIL_ERR_UNCLOSED") ||
        g_str_has_prefix(diag, "ISEMAIL_ERR_ATEXT_AFTER_"))
      return "kept: the local part's quoting and comments are not checked";
    return NULL;
  }
  if (addr[0] == '"')
    return "refused: a quoted local part with spaces, controls or escapes";
  if (strchr(domain, '['))
    return "refused: a domain literal is no domain to match";
  if (strlen(addr) != strlen(trimmed) || strpbrk(addr, " \t\r\n("))
    return "refused: comments or folding white space inside (GMime removes them first)";
  if (strstr(diag, "TOOLONG"))
    return "refused: the domain is longer than 253 bytes";
  if (!strchr(domain, '.'))
    return "refused: a single-label domain (a public suffix)";
  if (strchr(domain, '/'))
    return "refused: not a host name";
  return NULL;
}

/* is_email's vectors (addresses-validity.json): the rate of agreement with
 * RFC 5322 syntax, and every difference explained by a decision above. */
static void test_address_r1_validity_vectors(void)
{
  const char *dir = shared_dir("addresses");
  if (!dir)
    return;
  g_autofree char *path = g_build_filename(dir, "addresses-validity.json", NULL);
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
  g_assert_nonnull(root);
  guint agree = 0, total = 0;
  g_autoptr(GHashTable)
      reasons = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_gstring);
  size_t i;
  json_t *item;
  json_array_foreach(root, i, item)
  {
    json_t *a = json_object_get(item, "address");
    const char *addr = json_string_value(a);
    gboolean valid = json_is_true(json_object_get(item, "valid"));
    const char *diag = json_string_value(json_object_get(item, "diagnosis"));
    long long id = json_integer_value(json_object_get(item, "id"));
    /* an embedded NUL cannot reach a C-string API: counted as refused */
    gboolean has_nul = strlen(addr) != json_string_length(a);
    g_autofree char *got = has_nul ? NULL : kith_address_normalize(addr, NULL);
    total++;
    /* What kith keeps is always usable: no controls, no spaces, a dotted
     * host of letters, digits, '-', '_' and '.' (IDNA A-labels included). */
    if (got) {
      const char *dom = kith_address_domain(got);
      g_assert_nonnull(strchr(dom, '.'));
      for (const char *p = got; *p; p++)
        g_assert_false(g_ascii_iscntrl(*p) || *p == ' ');
      for (const char *p = dom; *p; p++)
        g_assert_true(g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.');
    }
    if ((got != NULL) == valid) {
      agree++;
      continue;
    }
    const char *why = validity_reason(addr, diag, got != NULL);
    if (!why)
      g_error("is_email id %lld (%s) is %s by kith without a reason", id, diag,
              got ? "kept" : "refused");
    GString *ids = g_hash_table_lookup(reasons, why);
    if (!ids) {
      ids = g_string_new(NULL);
      g_hash_table_insert(reasons, (gpointer)why, ids);
    }
    g_string_append_printf(ids, " %lld", id);
  }
  json_decref(root);
  g_test_message("is_email validity: kith agrees with RFC 5322 syntax on %u/%u (%.1f%%)", agree,
                 total, 100.0 * agree / total);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, reasons);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_test_message("  %s: ids%s", (const char *)k, ((GString *)v)->str);
  g_assert_cmpuint(total, ==, 164);
}

/* R1: a non-ASCII local part is lower-cased one character at a time, the
 * same under every locale (no Turkish dotless i, no locale special cases). */
static void test_address_r1_case_locale_free(void)
{
  g_autofree char *a = kith_address_normalize("ÉLODIE.Durand@Exemple.FR", NULL);
  g_assert_cmpstr(a, ==, "élodie.durand@exemple.fr");
  g_autofree char *b = kith_address_normalize("İPEK.IŞIK@firma.com.tr", NULL);
  g_assert_cmpstr(b, ==, "ipek.işik@firma.com.tr");
  g_autofree char *c = kith_address_normalize("ipek.işik@firma.com.tr", NULL);
  g_assert_cmpstr(b, ==, c);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/address/r1_case_insensitive", test_address_r1_case_insensitive);
  g_test_add_func("/address/r1_idna", test_address_r1_idna);
  g_test_add_func("/address/r1_case_locale_free", test_address_r1_case_locale_free);
  g_test_add_func("/address/r1_wrappers", test_address_r1_wrappers);
  g_test_add_func("/address/r1_invalid", test_address_r1_invalid);
  g_test_add_func("/address/parts", test_address_parts);
  g_test_add_func("/address/r1_validity_vectors", test_address_r1_validity_vectors);
  g_test_add_func("/domain/r3_from_website", test_domain_r3_from_website);
  g_test_add_func("/domain/r3_within", test_domain_r3_within);
  g_test_add_func("/domain/r3_public_suffix", test_domain_r3_public_suffix);
  g_test_add_func("/domain/r3_psl_vectors", test_domain_r3_psl_vectors);
  g_test_add_func("/domain/r3_libpsl_cases", test_domain_r3_libpsl_cases);
  return g_test_run();
}
