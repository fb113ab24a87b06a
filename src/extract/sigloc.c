/* sigloc.c - MailingCountry and MailingState from the lines of a signature (R5). */
#include "extract/sigloc.h"

#include "extract/phone.h"
#include "extract/sigtext.h"
#include "util/data.h"
#include "util/regex.h"

#include <string.h>

/* The country and state tables, read once. */
typedef struct {
  GHashTable *country_alias; /* lower-case name or alias -> ISO code */
  GHashTable *country_code;  /* upper-case ISO alpha-2/alpha-3 and "UK" -> ISO code */
  GHashTable *country_name;  /* ISO code -> MailingCountry value */
  GHashTable *state_country; /* state code -> "US" | "CA" */
  GHashTable *state_name;    /* lower-case state name -> state code */
  GRegex *us_zip;            /* "ST 94105" / "Alberta T2P 4J8" at the end of a line */
  GRegex *city_state;        /* "San Francisco, CA" */
} place_tables;

static void load_places(place_tables *t)
{
  g_auto(GStrv) lines = kith_data_lines("countries.tsv");
  for (char **l = lines; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 2 || strlen(f[0]) != 2)
      continue;
    char *iso = g_strdup(f[0]);
    g_hash_table_insert(t->country_name, iso, g_strdup(f[1]));
    g_hash_table_insert(t->country_code, g_strdup(iso), iso);
    g_hash_table_insert(t->country_alias, g_utf8_strdown(f[1], -1), iso);
    g_auto(GStrv) aliases = f[2] ? g_strsplit(f[2], "|", -1) : g_new0(char *, 1);
    for (char **a = aliases; *a; a++) {
      /* Short codes (usa, deu, uk) count only as written in capitals. */
      if (strlen(*a) <= 3 && !strchr(*a, '.'))
        g_hash_table_insert(t->country_code, g_ascii_strup(*a, -1), iso);
      else if (!g_hash_table_contains(t->country_alias, *a))
        g_hash_table_insert(t->country_alias, g_strdup(*a), iso);
    }
  }
  g_auto(GStrv) states = kith_data_lines("sig_states.tsv");
  for (char **l = states; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 3)
      continue;
    g_hash_table_insert(t->state_country, g_strdup(f[0]), g_strdup(f[1]));
    g_hash_table_insert(t->state_name, g_utf8_strdown(f[2], -1), g_strdup(f[0]));
  }
  g_hash_table_insert(t->state_name, g_strdup("québec"), g_strdup("QC"));
}

static const place_tables *tables(void)
{
  static gsize once = 0;
  static place_tables *t;
  if (g_once_init_enter(&once)) {
    place_tables *n = g_new0(place_tables, 1);
    n->country_alias = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->country_code = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->country_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    n->state_country = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    n->state_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    load_places(n);
    n->us_zip = g_regex_new("(?:^|[\\s,])([A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)\\.?,?\\s+"
                            "(\\d{5}(?:-\\d{4})?|[A-Z]\\d[A-Z] ?\\d[A-Z]\\d)"
                            "(?:,?\\s+(?:USA|U\\.S\\.A\\.|US|United States|Canada))?\\s*$",
                            kith_regex_optimize(), 0, NULL);
    n->city_state = g_regex_new("^[A-Z][\\w.'-]*(?: [A-Z][\\w.'-]*){0,3},\\s*([A-Z]{2})\\.?$",
                                kith_regex_optimize(), 0, NULL);
    t = n;
    g_once_init_leave(&once, 1);
  }
  return t;
}

const char *kith_sigloc_country_name(const char *iso)
{
  return iso ? g_hash_table_lookup(tables()->country_name, iso) : NULL;
}

static const char *country_of_text(const char *s)
{
  const place_tables *t = tables();
  char buf[128];
  gsize n = strlen(s);
  if (n >= sizeof buf)
    return NULL; /* lines read are at most 120 bytes */
  memcpy(buf, s, n + 1);
  char *clean = kith_sigtext_trim_punct(buf);
  if (!*clean)
    return NULL;
  const char *iso = g_hash_table_lookup(t->country_code, clean);
  if (iso)
    return iso;
  gboolean ascii = TRUE;
  for (char *c = clean; *c; c++)
    ascii = ascii && !(*c & 0x80);
  /* Lower-cased: in place for ASCII, the usual case. */
  g_autofree char *low = ascii ? NULL : g_utf8_strdown(clean, -1);
  if (ascii)
    for (char *c = clean; *c; c++)
      *c = g_ascii_tolower(*c);
  return g_hash_table_lookup(t->country_alias, ascii ? clean : low);
}

/* Could LINE hold a US or Canadian postal code: five digits in a row, or
 * capital, digit, capital ("T2P")? Phone lines mostly have neither. */
static gboolean may_have_postcode(const char *line)
{
  guint run = 0;
  for (const char *c = line; *c; c++) {
    run = g_ascii_isdigit(*c) ? run + 1 : 0;
    if (run >= 5)
      return TRUE;
    if (g_ascii_isupper(c[0]) && g_ascii_isdigit(c[1]) && g_ascii_isupper(c[2]))
      return TRUE;
  }
  return FALSE;
}

/* Could LINE be "City, ST" ("San Francisco, CA.")? Its shape, before the
 * pattern is tried. */
static gboolean may_be_city_state(const char *line)
{
  gsize n = strlen(line);
  if (n > 0 && line[n - 1] == '.')
    n--;
  return g_ascii_isupper(line[0]) && n >= 2 && g_ascii_isupper(line[n - 1]) &&
         g_ascii_isupper(line[n - 2]) && strchr(line, ',');
}

/* A country or a US/Canadian state from one line of the signature. */
void kith_sigloc_read(const char *line, const char *phone_country, kith_sigloc_place *out)
{
  const place_tables *t = tables();
  if (strchr(line, '@') || strstr(line, "://") || strlen(line) > 120 ||
      kith_sigtext_company_like(line, NULL))
    return;
  g_autoptr(GMatchInfo) mi = NULL;
  /* The patterns run only where a line can match them: a postal code has
   * digits; "City, ST" starts with a capital and ends in two. */
  if (!out->state && may_have_postcode(line) && g_regex_match(t->us_zip, line, 0, &mi)) {
    g_autofree char *st = g_match_info_fetch(mi, 1);
    g_autofree char *low = g_utf8_strdown(st, -1);
    const char *code = strlen(st) == 2 ? st : g_hash_table_lookup(t->state_name, low);
    const char *c = code ? g_hash_table_lookup(t->state_country, code) : NULL;
    if (c) {
      out->state = g_strdup(code);
      out->country = g_hash_table_lookup(t->country_code, c);
      return;
    }
  }
  g_clear_pointer(&mi, g_match_info_free);
  if (may_be_city_state(line) && g_regex_match(t->city_state, line, 0, &mi)) {
    g_autofree char *st = g_match_info_fetch(mi, 1);
    const char *c = g_hash_table_lookup(t->state_country, st);
    const char *as_country = g_hash_table_lookup(t->country_code, st);
    if (c && as_country)
      out->ambiguous = TRUE;
    /* "Berlin, DE" is Germany to a German phone, Delaware otherwise; and
     * "Toronto, CA" with a Canadian number is Canada. */
    if (c && !(as_country && phone_country && g_str_equal(phone_country, as_country))) {
      if (!out->state) {
        out->state = g_strdup(st);
        out->country = g_hash_table_lookup(t->country_code, c);
      }
      return;
    }
  }
  /* The last comma-separated part, or the whole line, naming a country. */
  const char *comma = strrchr(line, ',');
  const char *tail = comma ? comma + 1 : line;
  const char *iso = country_of_text(tail);
  if (!iso) {
    /* "NY 12345 USA", "1010 Wien Austria": a country name or "USA" after a
     * postal code. A code alone at the end of a line is too often a company
     * form ("Acme SA") or a department ("Teamleiter IT"). */
    const char *sp = strrchr(tail, ' ');
    if (sp && sp > tail) {
      const char *prev = sp;
      while (prev > tail && prev[-1] == ' ')
        prev--;
      while (prev > tail && prev[-1] != ' ')
        prev--;
      gboolean after_code = g_ascii_isdigit(*prev) || (prev[0] && g_ascii_isdigit(prev[1]));
      const char *cand = country_of_text(sp + 1);
      if (cand && after_code && (strlen(sp + 1) > 3 || g_str_equal(sp + 1, "USA")))
        iso = cand;
    }
  }
  if (iso && !comma && strlen(tail) <= 3 && !g_str_equal(tail, "USA"))
    iso = NULL; /* a lone "SA" or "IT" line */
  if (iso && comma) {
    /* "Atlanta, Georgia": a state's name wins over the country of that name. */
    g_autofree char *low = g_utf8_strdown(tail, -1);
    g_strstrip(low);
    if (g_hash_table_lookup(t->state_name, low))
      iso = NULL;
  }
  if (iso && !out->country)
    out->country = iso;
}

void kith_sigloc_read_block(GPtrArray *lines, guint from, guint to, const char *phone_country,
                            kith_sigloc_place *out)
{
  for (guint i = from; i < to && i < lines->len; i++)
    kith_sigloc_read(g_ptr_array_index(lines, i), phone_country, out);
}

const char *kith_sigloc_default_cc(const kith_sigloc_place *p, const char *email)
{
  gboolean state_only = p->state != NULL;
  if (p->country && !state_only)
    return kith_phone_cc_for_region(p->country);
  const char *dot = email ? strrchr(email, '.') : NULL;
  static const char *const vanity[] = {"io", "co", "ai", "me", "tv", "ly", "fm", "am", "to", "gg",
                                       "sh", "ws", "cc", "la", "ms", "is", "it", "us", "ca", NULL};
  if (dot && strlen(dot + 1) == 2 && !g_strv_contains(vanity, dot + 1)) {
    g_autofree char *up = g_ascii_strup(dot + 1, -1);
    const char *cc = kith_phone_cc_for_region(g_str_equal(up, "UK") ? "GB" : up);
    if (cc)
      return cc;
  }
  if (dot && g_str_equal(dot + 1, "it"))
    return "39";
  return p->country ? kith_phone_cc_for_region(p->country) : "1";
}
