/* sigtext.c - words, separators, companies and titles of signature lines (R5). */
#include "extract/sigtext.h"

#include "extract/title.h"

#include <string.h>

#define MAX_TITLE_LEN 100

/* Lower-case ASCII letters and digits of S, as g_str_to_ascii transliterates
 * it, into OUT (at least strlen(S) + 1 bytes when S is ASCII) or, for other
 * text, newly allocated. Returns the key. */
static char *key_into(const char *s, gsize n, char *out, gsize size)
{
  gboolean ascii = TRUE;
  for (gsize i = 0; i < n && ascii; i++)
    ascii = !(s[i] & 0x80);
  if (ascii && n < size) {
    char *k = out;
    for (gsize i = 0; i < n; i++)
      if (g_ascii_isalnum(s[i]))
        *k++ = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
    *k = '\0';
    return out;
  }
  g_autofree char *text = g_strndup(s, n);
  g_autofree char *tr = g_str_to_ascii(text, "C");
  GString *k = g_string_new(NULL);
  for (const char *p = tr; *p; p++)
    if (g_ascii_isalnum(*p))
      g_string_append_c(k, g_ascii_tolower(*p));
  return g_string_free(k, FALSE);
}

char *kith_sigtext_key(const char *s)
{
  char buf[64];
  char *k = key_into(s, strlen(s), buf, sizeof buf);
  return k == buf ? g_strdup(buf) : k;
}

guint kith_sigtext_split(const char *line, gsize from, kith_sigword *out, guint max)
{
  guint n = 0;
  const char *p = line + from;
  while (*p && n < max) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    const char *s = p;
    while (*p && *p != ' ')
      p++;
    gsize len = p - s;
    kith_sigword *w = &out[n];
    if (len < sizeof w->text_buf) {
      memcpy(w->text_buf, s, len);
      w->text_buf[len] = '\0';
      w->text = w->text_buf;
    } else {
      w->text = g_strndup(s, len);
    }
    w->key = key_into(s, len, w->key_buf, sizeof w->key_buf);
    w->end = p - line;
    n++;
  }
  return n;
}

void kith_sigtext_clear(kith_sigword *w, guint n)
{
  for (guint i = 0; i < n; i++) {
    if (w[i].text != w[i].text_buf)
      g_free(w[i].text);
    if (w[i].key != w[i].key_buf)
      g_free(w[i].key);
  }
}

gboolean kith_sigtext_in_set(GHashTable **set, const char *const *list, const char *word)
{
  if (g_once_init_enter(set)) {
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (const char *const *w = list; *w; w++)
      g_hash_table_add(h, (gpointer)*w);
    g_once_init_leave(set, h);
  }
  return g_hash_table_contains(*set, word);
}

gboolean kith_sigtext_blank(const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

gboolean kith_sigtext_starts_sep(const char *s)
{
  return (*s && strchr(",|-/(:;", *s)) || g_str_has_prefix(s, "\xe2\x80\x93") ||
         g_str_has_prefix(s, "\xe2\x80\x94") || g_str_has_prefix(s, "\xc2\xb7") ||
         g_str_has_prefix(s, "\xe2\x80\xa2");
}

/* Legal forms and institutions that end or mark an organisation's name. The
 * short ones count only as the last word ("Acme SA", not "SA office"). */
static const char *const COMPANY_WORDS[] = {
    "inc",          "ltd",        "llc",         "llp",        "gmbh",        "corp",
    "corporation",  "plc",        "sarl",        "company",    "limited",     "holdings",
    "incorporated", "university", "universitat", "universite", "universidad", "universita",
    "college",      "school",     "institute",   NULL};
static const char *const COMPANY_LAST[] = {"co",  "ag", "sa",  "sas", "spa", "srl",   "bv",  "nv",
                                           "oy",  "ab", "as",  "aps", "kg",  "lp",    "pty", "gbr",
                                           "ohg", "se", "kft", "sro", "zoo", "group", NULL};

gboolean kith_sigtext_company_like(const char *part, const char *org)
{
  static GHashTable *words, *last;
  kith_sigword w[16];
  guint n = kith_sigtext_split(part, 0, w, 16);
  gboolean yes = n > 0 && kith_sigtext_in_set(&last, COMPANY_LAST, w[n - 1].key);
  for (guint i = 0; i < n && !yes; i++)
    yes = kith_sigtext_in_set(&words, COMPANY_WORDS, w[i].key);
  if (!yes && n > 0 && org && org[0] && g_str_equal(w[0].key, org))
    yes = TRUE;
  kith_sigtext_clear(w, n);
  return yes;
}

/* Does PART say anything a title says (a role or a function)? *SENIOR
 * tells whether it reads as a title by itself (kith_title_is_title). */
static gboolean title_ish(const char *part, gboolean *senior)
{
  g_autofree char *dep = NULL, *sen = NULL;
  kith_title_classify(NULL, part, &dep, &sen, NULL);
  *senior = sen != NULL;
  return dep || sen;
}

static char *strip_parens(const char *s)
{
  GString *out = g_string_new(NULL);
  int depth = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '(' || *p == '[')
      depth++;
    else if ((*p == ')' || *p == ']') && depth > 0)
      depth--;
    else if (depth == 0)
      g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

/* Separators people put around a title: ASCII ones, dashes, bullets. */
static gsize sep_len(const char *p)
{
  static const char *const seps[] = {"\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\xa2",
                                     "\xc2\xb7",     "\xe2\x80\xa2", NULL};
  if (*p && strchr(",;:|-/&*~ ", *p))
    return 1;
  if ((guchar)*p != 0xE2 && (guchar)*p != 0xC2)
    return 0; /* the lead byte of none of seps */
  for (const char *const *s = seps; *s; s++)
    if (g_str_has_prefix(p, *s))
      return strlen(*s);
  return 0;
}

char *kith_sigtext_trim_punct(char *s)
{
  gsize lead = 0, k;
  while ((k = sep_len(s + lead)) > 0)
    lead += k;
  memmove(s, s + lead, strlen(s + lead) + 1);
  gsize n = strlen(s);
  for (gboolean again = TRUE; again && n > 0;) {
    again = FALSE;
    for (gsize back = 1; back <= 3 && back <= n; back++) {
      if (sep_len(s + n - back) == back) {
        n -= back;
        s[n] = '\0';
        again = TRUE;
        break;
      }
    }
  }
  return s;
}

/* Splits S at a separator; the company never follows "|", " at ", "@" and
 * "·"; after "," or " - " a part stays when it reads like a title. A line
 * with markup ('<' or '>', left by HTML mail or put there) gives no title:
 * R5 keeps a Title as written, so it must be text. */
char *kith_sigtext_clean_title(const char *raw, const char *org)
{
  if (!raw || strlen(raw) > 300 || strpbrk(raw, "@<>") || strstr(raw, "://") || strstr(raw, "www."))
    return NULL;
  g_autofree char *s = strip_parens(raw);
  kith_sigtext_trim_punct(s);
  static const char *const hard[] = {"|", " at ", " @ ", "\xc2\xb7", "\xe2\x80\xa2", "  ", NULL};
  for (const char *const *h = hard; *h; h++) {
    char *cut = strstr(s, *h);
    if (cut && cut > s)
      *cut = '\0';
  }
  /* Soft separators: ", ", ";" and spaced dashes; each part keeps the
   * separator written before it. */
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  GPtrArray *seps = g_ptr_array_new_with_free_func(g_free);
  const char *part_start = s, *sep = "";
  for (const char *p = s;; p++) {
    gsize sl = 0;
    if (*p == ',' || *p == ';')
      sl = 1;
    else if (g_str_has_prefix(p, " - "))
      sl = 3;
    else if (g_str_has_prefix(p, " \xe2\x80\x93 ") || g_str_has_prefix(p, " \xe2\x80\x94 "))
      sl = 5;
    if (*p && !sl)
      continue;
    g_ptr_array_add(parts, g_strndup(part_start, p - part_start));
    g_ptr_array_add(seps, g_strdup(sep));
    if (!*p)
      break;
    sep = sl == 1 ? (*p == ',' ? ", " : "; ") : (sl == 3 ? " - " : " \xe2\x80\x93 ");
    p += sl - 1;
    part_start = p + 1;
  }
  GString *out = g_string_new(NULL);
  guint taken = 0;
  gboolean senior = FALSE; /* of the one part taken */
  for (guint i = 0; i < parts->len; i++) {
    char *part = kith_sigtext_trim_punct(g_ptr_array_index(parts, i));
    if (!*part)
      continue;
    gboolean part_senior = FALSE;
    gboolean ok = title_ish(part, &part_senior) && !kith_sigtext_company_like(part, org);
    if (!out->len && !ok)
      continue; /* "CPC - President": the part before the title */
    if (!ok)
      break;
    if (out->len)
      g_string_append(out, g_ptr_array_index(seps, i));
    g_string_append(out, part);
    taken++;
    senior = part_senior;
  }
  g_ptr_array_unref(parts);
  g_ptr_array_unref(seps);
  char *title = g_string_free(out, FALSE);
  kith_sigtext_trim_punct(title);
  guint digits = 0, words = 1;
  for (const char *p = title; *p; p++) {
    digits += g_ascii_isdigit(*p) != 0;
    words += *p == ' ';
  }
  /* A title of one part was read as such already: it is that part. */
  gboolean reads = taken == 1
                       ? senior
                       : kith_title_is_title(NULL, title) && !kith_sigtext_company_like(title, org);
  if (!*title || strlen(title) > MAX_TITLE_LEN || digits > 4 || words > 12 || !reads) {
    g_free(title);
    return NULL;
  }
  return title;
}
