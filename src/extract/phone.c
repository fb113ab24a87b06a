/* phone.c - phone numbers to "+CC NATIONAL" form, with region and NANP state (R5). */
#include "extract/phone.h"

#include "extract/sigtext.h"

#include "util/regex.h"
#include "util/data.h"

#include <string.h>

#define MAX_RAW 80    /* a phone number as written, label and extension aside */
#define MAX_DIGITS 17 /* E.164 allows 15; room for a trunk "0" and "00" */

/* One region of data/calling_codes.tsv. */
typedef struct {
  char *region;
  char *cc;
  char *national_prefix;
  gboolean main;
  GRegex *leading; /* the region's leading digits, NULL when it has none */
  GRegex *valid;   /* its number patterns; only for calling codes shared by several regions */
  guint32 lengths; /* bit N set: a national number of N digits is possible */
} region_info;

/* One grouping rule of data/phone_formats.tsv. */
typedef struct {
  GRegex *leading;
  GRegex *pattern;
  char *format;
  /* Most patterns are groups of digits only, "(\d{3})(\d{3})(\d{4})": their
   * group lengths, matched without the regex engine; 0 groups otherwise. */
  guint8 groups[9];
  guint n_groups;
} format_rule;

/* Reads SRC as a run of "(\d{N})" groups into FR; FALSE when it is anything
 * else (then the compiled pattern is used). */
static gboolean parse_digit_groups(const char *src, format_rule *fr)
{
  guint n = 0;
  const char *p = src;
  while (*p) {
    if (!g_str_has_prefix(p, "(\\d{") || n >= G_N_ELEMENTS(fr->groups))
      return FALSE;
    p += 4;
    guint len = 0;
    while (g_ascii_isdigit(*p) && len < 100)
      len = len * 10 + (guint)(*p++ - '0');
    if (len == 0 || len > 20 || !g_str_has_prefix(p, "})"))
      return FALSE;
    p += 2;
    fr->groups[n++] = (guint8)len;
  }
  fr->n_groups = n;
  return n > 0;
}

typedef struct {
  char region[4];
  char state[4];
} nanp_area;

typedef struct {
  GHashTable *by_cc;     /* cc -> GPtrArray of region_info, the main region first */
  GHashTable *by_region; /* ISO code -> region_info (borrowed) */
  GHashTable *formats;   /* cc -> GPtrArray of format_rule */
  nanp_area nanp[1000];  /* by area code */
} phone_tables;

static GRegex *compile_anchored(const char *src, gboolean whole)
{
  if (!src || !*src)
    return NULL;
  g_autofree char *full = g_strdup_printf(whole ? "^(?:%s)$" : "^(?:%s)", src);
  GError *error = NULL;
  GRegex *re = g_regex_new(full, kith_regex_optimize(), 0, &error);
  if (!re) {
    /* The table is shipped with the binary; a bad row is a build mistake. */
    g_warning("phone table: bad pattern %s: %s", src, error->message);
    g_error_free(error);
  }
  return re;
}

static guint32 parse_lengths(const char *spec)
{
  guint32 bits = 0;
  g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
  for (char **p = parts; *p; p++) {
    guint64 n = g_ascii_strtoull(*p, NULL, 10);
    if (n > 0 && n < 32)
      bits |= 1u << n;
  }
  return bits;
}

static void load_regions(phone_tables *t)
{
  g_auto(GStrv) lines = kith_data_lines("calling_codes.tsv");
  for (char **l = lines; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    /* Lines come trimmed, so an empty last column may be missing. */
    if (g_strv_length(f) < 6)
      continue;
    region_info *r = g_new0(region_info, 1);
    r->region = g_strdup(f[0]);
    r->cc = g_strdup(f[1]);
    r->national_prefix = g_strdup(f[2]);
    r->main = g_str_equal(f[3], "1");
    r->leading = compile_anchored(f[4], FALSE);
    r->lengths = parse_lengths(f[5]);
    r->valid = f[6] ? compile_anchored(f[6], TRUE) : NULL;
    GPtrArray *list = g_hash_table_lookup(t->by_cc, r->cc);
    if (!list) {
      list = g_ptr_array_new();
      g_hash_table_insert(t->by_cc, r->cc, list);
    }
    if (r->main)
      g_ptr_array_insert(list, 0, r);
    else
      g_ptr_array_add(list, r);
    g_hash_table_insert(t->by_region, r->region, r);
  }
}

static void load_formats(phone_tables *t)
{
  g_auto(GStrv) lines = kith_data_lines("phone_formats.tsv");
  for (char **l = lines; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 4)
      continue;
    format_rule *fr = g_new0(format_rule, 1);
    fr->leading = compile_anchored(f[1], FALSE);
    fr->pattern = compile_anchored(f[2], TRUE);
    fr->format = g_strdup(f[3]);
    if (!parse_digit_groups(f[2], fr))
      fr->n_groups = 0;
    if (!fr->pattern) {
      g_free(fr->format);
      g_clear_pointer(&fr->leading, g_regex_unref);
      g_free(fr);
      continue;
    }
    GPtrArray *list = g_hash_table_lookup(t->formats, f[0]);
    if (!list) {
      list = g_ptr_array_new();
      g_hash_table_insert(t->formats, g_strdup(f[0]), list);
    }
    g_ptr_array_add(list, fr);
  }
}

static void load_nanp(phone_tables *t)
{
  g_auto(GStrv) lines = kith_data_lines("nanp_area_codes.tsv");
  for (char **l = lines; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 2)
      continue;
    guint64 area = g_ascii_strtoull(f[0], NULL, 10);
    if (area < 200 || area > 999)
      continue;
    g_strlcpy(t->nanp[area].region, f[1], sizeof t->nanp[area].region);
    if (f[2])
      g_strlcpy(t->nanp[area].state, f[2], sizeof t->nanp[area].state);
  }
}

/* The tables are read and their patterns compiled once per process. */
static const phone_tables *tables(void)
{
  static gsize once = 0;
  static phone_tables *t;
  if (g_once_init_enter(&once)) {
    phone_tables *n = g_new0(phone_tables, 1);
    n->by_cc = g_hash_table_new(g_str_hash, g_str_equal);
    n->by_region = g_hash_table_new(g_str_hash, g_str_equal);
    n->formats = g_hash_table_new(g_str_hash, g_str_equal);
    load_regions(n);
    load_formats(n);
    load_nanp(n);
    t = n;
    g_once_init_leave(&once, 1);
  }
  return t;
}

const char *kith_phone_cc_for_region(const char *region)
{
  if (!region)
    return NULL;
  const region_info *r = g_hash_table_lookup(tables()->by_region, region);
  return r ? r->cc : NULL;
}

static const region_info *main_region(const char *cc)
{
  GPtrArray *list = g_hash_table_lookup(tables()->by_cc, cc);
  return list && list->len ? g_ptr_array_index(list, 0) : NULL;
}

static gboolean length_possible(const char *cc, gsize n)
{
  GPtrArray *list = g_hash_table_lookup(tables()->by_cc, cc);
  if (!list || n >= 32)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    if (((const region_info *)g_ptr_array_index(list, i))->lengths & (1u << n))
      return TRUE;
  return FALSE;
}

/* The region of a number under a shared calling code: the first region
 * (main first) whose leading digits or number patterns take it. */
static const char *region_for(const char *cc, const char *nsn)
{
  GPtrArray *list = g_hash_table_lookup(tables()->by_cc, cc);
  if (!list || list->len == 0)
    return NULL;
  if (list->len == 1)
    return ((const region_info *)g_ptr_array_index(list, 0))->region;
  for (guint i = 0; i < list->len; i++) {
    const region_info *r = g_ptr_array_index(list, i);
    if (r->leading && g_regex_match(r->leading, nsn, 0, NULL))
      return r->region;
    if (r->valid && g_regex_match(r->valid, nsn, 0, NULL))
      return r->region;
  }
  return ((const region_info *)g_ptr_array_index(list, 0))->region;
}

/* "+CC " and the national number grouped as the metadata writes it
 * internationally, with spaces for every separator. */
static char *format_number(const char *cc, const char *nsn)
{
  GString *out = g_string_new("+");
  g_string_append_printf(out, "%s ", cc);
  GPtrArray *list = g_hash_table_lookup(tables()->formats, cc);
  for (guint i = 0; list && i < list->len; i++) {
    const format_rule *fr = g_ptr_array_index(list, i);
    if (fr->leading && !g_regex_match(fr->leading, nsn, 0, NULL))
      continue;
    /* Group K's start and length in NSN, for a pattern of digit groups. */
    gsize start[10] = {0}, len[10] = {0};
    g_autoptr(GMatchInfo) mi = NULL;
    if (fr->n_groups) {
      gsize total = 0;
      for (guint k = 0; k < fr->n_groups; k++) {
        start[k + 1] = total;
        len[k + 1] = fr->groups[k];
        total += fr->groups[k];
      }
      len[0] = total;
      if (strlen(nsn) != total || strspn(nsn, "0123456789") != total)
        continue;
    } else if (!g_regex_match(fr->pattern, nsn, 0, &mi)) {
      continue;
    }
    for (const char *p = fr->format; *p; p++) {
      if (*p == '$' && g_ascii_isdigit(p[1])) {
        guint k = (guint)(p[1] - '0');
        if (fr->n_groups) {
          if (k <= fr->n_groups)
            g_string_append_len(out, nsn + start[k], len[k]);
        } else {
          g_autofree char *group = g_match_info_fetch(mi, k);
          g_string_append(out, group ? group : "");
        }
        p++;
      } else if (*p == '-' || *p == '.' || *p == '/' || *p == ' ') {
        if (out->str[out->len - 1] != ' ')
          g_string_append_c(out, ' ');
      } else if (g_ascii_isdigit(*p)) {
        g_string_append_c(out, *p);
      }
    }
    return g_string_free(out, FALSE);
  }
  g_string_append(out, nsn);
  return g_string_free(out, FALSE);
}

/* Reads the digits of RAW into DIGITS (at most MAX_DIGITS). Stops at the first
 * letter after digits (an extension or a label) and fails on other text.
 * Sets *PLUS for a leading "+". */
static gboolean read_digits(const char *raw, char *digits, gboolean *plus)
{
  gsize n = 0;
  *plus = FALSE;
  for (const char *p = raw; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (g_ascii_isdigit(c)) {
      if (n >= MAX_DIGITS)
        return FALSE;
      digits[n++] = (char)c;
    } else if (c == '+') {
      if (n > 0 || *plus)
        return FALSE;
      *plus = TRUE;
    } else if (c == '(' && p[1] == '0' && p[2] == ')' && n > 0) {
      p += 2; /* "+44 (0)20 ...": a written trunk prefix is not part of the number */
    } else if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t') {
      continue;
    } else if (c >= 0x80) {
      /* No-break and thin spaces, dashes: separators people paste. */
      continue;
    } else if (g_ascii_isalpha(c) || c == '#' || c == ',' || c == ';') {
      if (n >= 5)
        break;
      return FALSE;
    } else {
      return FALSE;
    }
  }
  digits[n] = '\0';
  return n >= 5;
}

char *kith_phone_normalize(const char *raw, const char *default_cc, char **out_country,
                           char **out_state)
{
  if (out_country)
    *out_country = NULL;
  if (out_state)
    *out_state = NULL;
  if (!raw || strlen(raw) > MAX_RAW)
    return NULL;
  char digits[MAX_DIGITS + 1];
  gboolean plus;
  if (!read_digits(raw, digits, &plus))
    return NULL;
  const phone_tables *t = tables();

  const char *d = digits;
  gboolean international = plus;
  if (!plus && g_str_has_prefix(d, "00")) {
    d += 2;
    international = TRUE;
  } else if (!plus && default_cc && g_str_equal(default_cc, "1") && g_str_has_prefix(d, "011")) {
    d += 3;
    international = TRUE;
  }

  char cc[4] = "";
  char nsn[MAX_DIGITS + 1];
  if (international) {
    /* Calling codes are prefix-free: the first length that names one is it. */
    for (gsize len = 1; len <= 3 && !cc[0] && strlen(d) > len; len++) {
      char try[4];
      memcpy(try, d, len);
      try[len] = '\0';
      if (g_hash_table_contains(t->by_cc, try))
        g_strlcpy(cc, try, sizeof cc);
    }
    if (!cc[0])
      return NULL;
    g_strlcpy(nsn, d + strlen(cc), sizeof nsn);
    const region_info *m = main_region(cc);
    /* "+49 030 ..." is a common slip: drop a national prefix written after
     * the calling code when only the rest is a possible national number. */
    gsize npl = m ? strlen(m->national_prefix) : 0;
    if (npl && !g_str_equal(cc, "1") && g_str_has_prefix(nsn, m->national_prefix) &&
        !length_possible(cc, strlen(nsn)) && length_possible(cc, strlen(nsn) - npl))
      memmove(nsn, nsn + npl, strlen(nsn) - npl + 1);
  } else {
    if (!default_cc || !g_hash_table_contains(t->by_cc, default_cc))
      return NULL;
    g_strlcpy(cc, default_cc, sizeof cc);
    g_strlcpy(nsn, d, sizeof nsn);
    const region_info *m = main_region(cc);
    gsize npl = m ? strlen(m->national_prefix) : 0;
    if (g_str_equal(cc, "1")) {
      if (strlen(nsn) == 11 && nsn[0] == '1')
        memmove(nsn, nsn + 1, strlen(nsn));
    } else if (npl) {
      /* Where a trunk prefix exists, a national number written without it
       * is too often something else (an extension, a reference). */
      if (!g_str_has_prefix(nsn, m->national_prefix))
        return NULL;
      memmove(nsn, nsn + npl, strlen(nsn) - npl + 1);
    }
  }

  gsize n = strlen(nsn);
  if (n == 0 || strlen(cc) + n > 15)
    return NULL;
  if (g_str_equal(cc, "1")) {
    /* NANP: NXX NXX XXXX. */
    if (n != 10 || nsn[0] < '2' || nsn[3] < '2')
      return NULL;
  } else if (!length_possible(cc, n)) {
    return NULL;
  }

  const char *region = NULL;
  const char *state = NULL;
  if (g_str_equal(cc, "1")) {
    int area = (nsn[0] - '0') * 100 + (nsn[1] - '0') * 10 + (nsn[2] - '0');
    if (t->nanp[area].region[0]) {
      region = t->nanp[area].region;
      if (t->nanp[area].state[0])
        state = t->nanp[area].state;
    } else if (nsn[0] == '8' && nsn[1] == nsn[2]) {
      region = "US"; /* toll-free 8XX, shared by the NANP; libphonenumber says US */
    }
  } else {
    region = region_for(cc, nsn);
    if (region && g_str_equal(region, "001"))
      region = NULL;
  }
  if (out_country && region)
    *out_country = g_strdup(region);
  if (out_state && state)
    *out_state = g_strdup(state);
  return format_number(cc, nsn);
}

/* ---- numbers in a signature line ---- */

static kith_phone_kind label_kind(const char *text)
{
  kith_sigword w[8];
  g_autofree char *spaced = g_strdelimit(g_utf8_casefold(text, -1), ":.,;()[]/|-", ' ');
  guint n = kith_sigtext_split(spaced, 0, w, 8);
  kith_phone_kind kind = KITH_PHONE_NONE;
  static const char *const fax[] = {"fax",       "f",         "fx",   "facsimile", "telefax",
                                    "telecopie", "télécopie", "faks", NULL};
  static const char *const direct[] = {"direct",    "d",       "dd",      "ddi",    "dir",
                                       "durchwahl", "directo", "diretto", "direkt", NULL};
  static const char *const mobile[] = {
      "mobile",       "mob",   "m",       "cell",    "cellular",  "c",       "handy", "mobil",
      "portable",     "móvil", "movil",   "cel",     "cellulare", "celular", "gsm",   "mobiel",
      "mobiltelefon", "kom",   "komórka", "mobilný", "mobilní",   NULL};
  static const char *const main[] = {"main", "switchboard", "zentrale", "standard",
                                     "hq",   "toll",        "free",     NULL};
  static const char *const office[] = {"tel",      "telephone", "phone", "ph",  "p",     "t",
                                       "o",        "office",    "work",  "w",   "voice", "telefon",
                                       "telefono", "téléphone", "tél",   "tlf", "tfn",   "puhelin",
                                       "biz",      "ofc",       "off",   "b",   "fon",   "fono",
                                       "tfno",     "telf",      "tf",    NULL};
  /* One table, word -> kind; a word in two lists keeps the first. */
  static GHashTable *labels;
  if (g_once_init_enter(&labels)) {
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    const char *const *lists[] = {fax, direct, mobile, main, office};
    const kith_phone_kind kinds[] = {KITH_PHONE_FAX, KITH_PHONE_DIRECT, KITH_PHONE_MOBILE,
                                     KITH_PHONE_MAIN, KITH_PHONE_OFFICE};
    for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
      for (const char *const *x = lists[l]; *x; x++)
        if (!g_hash_table_contains(h, *x))
          g_hash_table_insert(h, (gpointer)*x, GINT_TO_POINTER(kinds[l] + 1));
    g_once_init_leave(&labels, h);
  }
  for (guint i = 0; i < n && kind == KITH_PHONE_NONE; i++) {
    gint k = GPOINTER_TO_INT(g_hash_table_lookup(labels, w[i].text));
    if (k)
      kind = (kith_phone_kind)(k - 1);
  }
  kith_sigtext_clear(w, n);
  return kind;
}

/* The end of a phone-number-shaped run at P ("+44 (0)20 7946 0958"). */
static const char *number_end(const char *p, guint *digits)
{
  const char *last = NULL;
  *digits = 0;
  for (const char *q = p; *q; q++) {
    if (g_ascii_isdigit(*q)) {
      (*digits)++;
      last = q + 1;
    } else if (*q == ' ') {
      if (q[1] == ' ')
        break; /* two spaces part two numbers */
    } else if (!strchr("+-./()", *q)) {
      break;
    }
  }
  return last;
}

/* LINE with each word holding an address or a URL blanked out, so that
 * their digits are not read as numbers ("Direct 415-853-9354 |
 * jack@example.com" keeps its number); NULL when it holds none. */
static char *blank_addresses(const char *line)
{
  if (!strchr(line, '@') && !strstr(line, "://") && !strstr(line, "www."))
    return NULL;
  char *copy = g_strdup(line);
  for (char *w = copy; *w;) {
    if (*w == ' ') {
      w++;
      continue;
    }
    char *e = w;
    while (*e && *e != ' ')
      e++;
    char save = *e;
    *e = '\0';
    gboolean addr = strchr(w, '@') || strstr(w, "://") || g_str_has_prefix(w, "www.");
    *e = save;
    if (addr)
      memset(w, ' ', e - w);
    w = e;
  }
  return copy;
}

void kith_phone_scan(const char *line, const char *default_cc, kith_phone_hit *best)
{
  g_autofree char *clean = blank_addresses(line);
  if (clean)
    line = clean;
  const char *label_from = line;
  for (const char *p = line; *p;) {
    gboolean start = (*p == '+' || *p == '(' || g_ascii_isdigit(*p)) &&
                     (p == line || !g_ascii_isalnum(p[-1]));
    if (!start) {
      p++;
      continue;
    }
    guint digits = 0;
    const char *end = number_end(p, &digits);
    if (!end || digits < 7) {
      p = end ? end : p + 1;
      continue;
    }
    /* An extension written after the number is read past, not parsed. */
    g_autofree char *raw = g_strndup(p, end - p);
    g_autofree char *before = g_strndup(label_from, p - label_from);
    kith_phone_kind kind = label_kind(before);
    const char *after = end;
    while (*after == ' ' || *after == '(' || *after == '-')
      after++;
    if (kind == KITH_PHONE_NONE && !strchr(";,|", *end)) {
      /* "713-646-5745 (fax)", "(703) 256-1833 fax": a label after the
       * number, in parentheses or ending the line (else it is the next
       * number's). */
      const char *stop = after;
      while (*stop && !g_ascii_isdigit(*stop) && *stop != ':' && *stop != '+' && *stop != ')')
        stop++;
      gboolean paren = strchr(end, '(') && strchr(end, '(') < after && *stop == ')';
      g_autofree char *trailing = g_strndup(after, MIN(stop - after, 20));
      kith_phone_kind k2 = label_kind(trailing);
      if (k2 != KITH_PHONE_NONE && (paren || kith_sigtext_blank(stop)))
        kind = k2;
    }
    label_from = end;
    p = end;
    if (kind == KITH_PHONE_FAX)
      continue;
    if (kind == KITH_PHONE_NONE)
      kind = KITH_PHONE_OFFICE;
    if (best->number && best->kind <= kind)
      continue;
    char *country = NULL, *state = NULL;
    char *num = kith_phone_normalize(raw, default_cc, &country, &state);
    if (!num) {
      g_free(country);
      g_free(state);
      continue;
    }
    g_free(best->number);
    g_free(best->country);
    g_free(best->state);
    *best = (kith_phone_hit){num, country, state, kind};
  }
}
