/* signature.c - Title, Phone, MailingCountry/State and a name from the sender's signature (R4, R5). */
#include "extract/signature.h"

#include "extract/phone.h"
#include "extract/title.h"
#include "util/regex.h"
#include "util/data.h"

#include <string.h>

#define MAX_TEXT (256 * 1024) /* bytes of a body read; signatures sit early or at the end */
#define MAX_LINES 4000
#define MAX_LINE 1000       /* bytes kept of one line */
#define MAX_BLOCK 14        /* lines of a signature after the name line */
#define MAX_TITLE_LEN 100
#define DISCLAIMER_MIN 120  /* characters of a paragraph to count as a legal notice */

/* The shipped word lists, read once. */
typedef struct {
  GHashTable *closings;   /* casefolded closing -> itself */
  GPtrArray *verbs;       /* casefolded quote-header verbs */
  GHashTable *from_keys;  /* casefolded header keys */
  GHashTable *keys;
  GPtrArray *separators;
  GPtrArray *sent_from;
  GPtrArray *disclaimers;
  GHashTable *country_alias; /* lower-case name or alias -> ISO code */
  GHashTable *country_code;  /* upper-case ISO alpha-2/alpha-3 and "UK" -> ISO code */
  GHashTable *country_name;  /* ISO code -> MailingCountry value */
  GHashTable *state_country; /* state code -> "US" | "CA" */
  GHashTable *state_name;    /* lower-case state name -> state code */
  GRegex *us_zip;            /* "ST 94105" / "Alberta T2P 4J8" at the end of a line */
  GRegex *city_state;        /* "San Francisco, CA" */
} sig_tables;

static char *fold(const char *s)
{
  return g_utf8_casefold(s, -1);
}

static GPtrArray *fold_list(void)
{
  return g_ptr_array_new_with_free_func(g_free);
}

static void load_markers(sig_tables *t)
{
  g_auto(GStrv) lines = kith_data_lines("sig_quote_markers.tsv");
  for (char **l = lines; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", 2);
    if (!f[0] || !f[1])
      continue;
    char *v = fold(g_strstrip(f[1]));
    if (g_str_equal(f[0], "verb"))
      g_ptr_array_add(t->verbs, v);
    else if (g_str_equal(f[0], "from"))
      g_hash_table_add(t->from_keys, v);
    else if (g_str_equal(f[0], "key"))
      g_hash_table_add(t->keys, v);
    else if (g_str_equal(f[0], "separator"))
      g_ptr_array_add(t->separators, v);
    else if (g_str_equal(f[0], "sent-from"))
      g_ptr_array_add(t->sent_from, v);
    else if (g_str_equal(f[0], "disclaimer"))
      g_ptr_array_add(t->disclaimers, v);
    else
      g_free(v);
  }
}

static void load_places(sig_tables *t)
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

static const sig_tables *tables(void)
{
  static gsize once = 0;
  static sig_tables *t;
  if (g_once_init_enter(&once)) {
    sig_tables *n = g_new0(sig_tables, 1);
    n->closings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) closings = kith_data_lines("sig_closings.txt");
    for (char **l = closings; *l; l++)
      g_hash_table_add(n->closings, fold(*l));
    n->verbs = fold_list();
    n->separators = fold_list();
    n->sent_from = fold_list();
    n->disclaimers = fold_list();
    n->from_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    load_markers(n);
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

/* ---- the sender's own text ---- */

static GPtrArray *split_lines(const char *text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  gsize len = MIN(strlen(text), MAX_TEXT);
  g_autofree char *valid = g_utf8_make_valid(text, len);
  const char *p = valid;
  while (*p && lines->len < MAX_LINES) {
    const char *e = strchr(p, '\n');
    gsize n = e ? (gsize)(e - p) : strlen(p);
    gsize keep = MIN(n, MAX_LINE);
    while (keep < n && keep > 0 && (p[keep] & 0xC0) == 0x80) /* do not cut a character */
      keep--;
    char *line = g_strndup(p, keep);
    for (char *c = line; *c; c++)
      if (*c == '\t' || *c == '\r')
        *c = ' ';
    /* No-break spaces read as spaces. */
    for (char *c = strstr(line, "\xc2\xa0"); c; c = strstr(c, "\xc2\xa0"))
      memcpy(c, " \x01", 2);
    char *w = line;
    for (char *c = line; *c; c++)
      if (*c != '\x01')
        *w++ = *c;
    *w = '\0';
    g_ptr_array_add(lines, g_strchomp(line));
    if (!e)
      break;
    p = e + 1;
  }
  return lines;
}

/* Does S start with a separator that may follow a name ("," "|" "-" "(" ":"
 * ";" "/" or a dash or bullet)? */
static gboolean starts_sep(const char *s)
{
  return (*s && strchr(",|-/(:;", *s)) || g_str_has_prefix(s, "\xe2\x80\x93") ||
         g_str_has_prefix(s, "\xe2\x80\x94") || g_str_has_prefix(s, "\xc2\xb7") ||
         g_str_has_prefix(s, "\xe2\x80\xa2");
}

static const char *line_at(GPtrArray *lines, guint i)
{
  return i < lines->len ? g_ptr_array_index(lines, i) : "";
}

static gboolean blank(const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

static gboolean contains_any(const char *folded, GPtrArray *needles)
{
  for (guint i = 0; i < needles->len; i++)
    if (strstr(folded, g_ptr_array_index(needles, i)))
      return TRUE;
  return FALSE;
}

/* The header key a line starts with ("From:", "*Von:*"), casefolded, or NULL. */
static char *header_key(const char *line)
{
  const char *s = line;
  while (*s == ' ' || *s == '*' || *s == '>')
    s++;
  const char *colon = strchr(s, ':');
  if (!colon || colon - s > 20 || colon == s)
    return NULL;
  g_autofree char *key = g_strndup(s, colon - s);
  g_strstrip(key);
  gsize n = strlen(key);
  while (n > 0 && key[n - 1] == '*')
    key[--n] = '\0';
  return fold(key);
}

static gboolean is_key(GHashTable *set, const char *line)
{
  g_autofree char *k = header_key(line);
  return k && g_hash_table_contains(set, k);
}

static gboolean is_separator(const sig_tables *t, const char *line)
{
  const char *s = line;
  while (*s == ' ')
    s++;
  if (strlen(s) > 120)
    return FALSE;
  g_autofree char *f = fold(s);
  if (!contains_any(f, t->separators))
    return FALSE;
  gsize n = strlen(s);
  return strchr("-_*=<", s[0]) || s[n - 1] == ':' || n < 60;
}

/* "On Tue, 3 Mar 2026 at 09:00, Ann <ann@x> wrote:" and its translations. */
static gboolean is_verb_header(const sig_tables *t, const char *joined)
{
  gsize n = strlen(joined);
  if (n < 4 || n > 400 || joined[n - 1] != ':')
    return FALSE;
  g_autofree char *f = fold(joined);
  gsize fn = strlen(f);
  if (fn >= 2 && (f[fn - 2] == '>' || f[fn - 2] == ')') && strchr(f, '@'))
    return TRUE;
  for (guint i = 0; i < t->verbs->len; i++) {
    const char *v = g_ptr_array_index(t->verbs, i);
    const char *tail = f + (fn > 60 ? fn - 60 : 0);
    const char *hit = strstr(tail, v);
    if (!hit || (hit > f && hit[-1] != ' '))
      continue;
    const char *after = hit + strlen(v);
    while (*after == ' ')
      after++;
    if (g_str_equal(after, ":"))
      return TRUE;
  }
  return FALSE;
}

static gboolean has_date_or_address(const char *s)
{
  if (strchr(s, '@'))
    return TRUE;
  for (const char *p = s; *p; p++)
    if (g_ascii_isdigit(*p) && (p[1] == '/' || p[1] == ':' || (p[1] && p[2] == '/')))
      return TRUE;
  return FALSE;
}

/* The index of the first line that belongs to quoted or forwarded text. */
static guint quote_start(const sig_tables *t, GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++) {
    const char *l = line_at(lines, i);
    if (blank(l) || l[0] == '>')
      continue;
    if (is_separator(t, l))
      return i;
    if (is_key(t->from_keys, l)) {
      for (guint j = i + 1; j < lines->len && j <= i + 5; j++)
        if (is_key(t->keys, line_at(lines, j)))
          return i;
    }
    if (is_key(t->keys, l)) {
      /* Lotus Notes: "To:" then "cc:"/"Subject:", after a name and date. */
      g_autofree char *k = header_key(l);
      if (g_str_equal(k, "to")) {
        for (guint j = i + 1; j < lines->len && j <= i + 4; j++) {
          g_autofree char *k2 = header_key(line_at(lines, j));
          if (k2 && (g_str_equal(k2, "cc") || g_str_equal(k2, "subject"))) {
            guint s = i;
            while (s > 0 && i - s < 4 &&
                   (blank(line_at(lines, s - 1)) || has_date_or_address(line_at(lines, s - 1))))
              s--;
            return s;
          }
        }
      }
    }
    /* A header broken over lines starts with a date: digits, and no end of
     * a sentence ("Hi," above "On ... wrote:" is not part of it). */
    gsize ll = strlen(l);
    gboolean may_join = strpbrk(l, "0123456789") && !strchr(".,!?", l[ll - 1]);
    GString *joined = g_string_new(NULL);
    for (guint k = 0; k < 3 && i + k < lines->len; k++) {
      const char *lk = line_at(lines, i + k);
      if (k > 0 && (blank(lk) || !may_join))
        break;
      if (k > 0)
        g_string_append_c(joined, ' ');
      g_string_append(joined, lk + strspn(lk, " "));
      if (is_verb_header(t, joined->str)) {
        g_string_free(joined, TRUE);
        return i;
      }
    }
    g_string_free(joined, TRUE);
  }
  return lines->len;
}

static gboolean starts_with_any(const char *line, GPtrArray *prefixes)
{
  g_autofree char *f = fold(line + strspn(line, " "));
  for (guint i = 0; i < prefixes->len; i++)
    if (g_str_has_prefix(f, g_ptr_array_index(prefixes, i)))
      return TRUE;
  return FALSE;
}

/* Drops legal notices: a long paragraph with a disclaimer phrase. At the top
 * (an "external sender" banner) only that paragraph goes; lower down the
 * notice and everything after it. */
static void drop_disclaimers(const sig_tables *t, GPtrArray *own)
{
  guint i = 0;
  gboolean seen_text = FALSE;
  while (i < own->len) {
    while (i < own->len && blank(line_at(own, i)))
      i++;
    guint start = i;
    GString *para = g_string_new(NULL);
    while (i < own->len && !blank(line_at(own, i))) {
      g_string_append(para, line_at(own, i));
      g_string_append_c(para, ' ');
      i++;
    }
    gboolean notice = FALSE;
    if (para->len >= DISCLAIMER_MIN) {
      g_autofree char *f = fold(para->str);
      notice = contains_any(f, t->disclaimers);
    }
    g_string_free(para, TRUE);
    if (notice && !seen_text) {
      g_ptr_array_remove_range(own, start, i - start);
      i = start;
    } else if (notice) {
      g_ptr_array_set_size(own, start);
      return;
    } else if (i > start) {
      seen_text = TRUE;
    }
  }
}

static GPtrArray *own_lines(const char *text)
{
  const sig_tables *t = tables();
  g_autoptr(GPtrArray) lines = split_lines(text);
  guint end = quote_start(t, lines);
  GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < end; i++) {
    const char *l = line_at(lines, i);
    /* "Sent from my iPhone" ends what the sender typed; a mobile client puts
     * the quoted message right after it. */
    if (strlen(l) < 80 && starts_with_any(l, t->sent_from))
      break;
    if (l[0] != '>')
      g_ptr_array_add(own, g_strdup(l));
  }
  drop_disclaimers(t, own);
  while (own->len > 0 && blank(line_at(own, own->len - 1)))
    g_ptr_array_set_size(own, own->len - 1);
  return own;
}

char *kith_signature_own_text(const char *text)
{
  if (!text)
    return g_strdup("");
  g_autoptr(GPtrArray) own = own_lines(text);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < own->len; i++) {
    g_string_append(out, line_at(own, i));
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

/* ---- the name line ---- */

typedef struct {
  char *text; /* as written */
  char *key;  /* folded to lower-case ASCII, without dots and commas */
  gsize end;  /* byte offset after the word in its line */
} word;

static void words_clear(word *w, guint n)
{
  for (guint i = 0; i < n; i++) {
    g_free(w[i].text);
    g_free(w[i].key);
  }
}

static char *key_of(const char *s)
{
  g_autofree char *ascii = g_str_to_ascii(s, "C");
  GString *k = g_string_new(NULL);
  for (const char *p = ascii; *p; p++)
    if (g_ascii_isalnum(*p))
      g_string_append_c(k, g_ascii_tolower(*p));
  return g_string_free(k, FALSE);
}

/* Splits LINE into at most MAX words at spaces, from byte FROM. */
static guint split_words(const char *line, gsize from, word *out, guint max)
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
    out[n].text = g_strndup(s, p - s);
    out[n].key = key_of(out[n].text);
    out[n].end = p - line;
    n++;
  }
  return n;
}

static gboolean is_closing(const sig_tables *t, const char *line)
{
  g_autofree char *f = fold(line + strspn(line, " -"));
  g_strstrip(f);
  gsize n = strlen(f);
  while (n > 0 && strchr(",.!:;", f[n - 1]))
    f[--n] = '\0';
  return n > 0 && n < 40 && g_hash_table_contains(t->closings, f);
}

/* The conventional "-- " line before a signature. */
static gboolean is_delimiter(const char *line)
{
  const char *s = line + strspn(line, " ");
  return g_str_has_prefix(s, "--") && blank(s + 2);
}

static gboolean is_honorific(const char *key)
{
  static const char *const h[] = {"dr", "prof", "mr", "mrs", "ms", "me", "ing", "dipl", "mag",
                                  "mme", "mlle", "sr", "sra", "herr", "frau", NULL};
  return g_strv_contains(h, key);
}

static gboolean is_suffix(const char *key)
{
  static const char *const s[] = {"phd", "mba", "cfa", "cpa", "jr", "sr", "ii", "iii", "iv",
                                  "md", "esq", "pe", "pmp", "msc", "bsc", "ma", "llm", "cfp",
                                  NULL};
  return g_strv_contains(s, key);
}

static gboolean is_particle(const char *key)
{
  static const char *const p[] = {"van", "von", "de", "da", "del", "der", "di", "du", "la", "le",
                                  "den", "ten", "ter", "dos", "das", NULL};
  return g_strv_contains(p, key);
}

static gboolean name_like(const word *w)
{
  gunichar c = g_utf8_get_char(w->text);
  if (!g_unichar_isupper(c) || strlen(w->key) == 0)
    return FALSE;
  for (const char *p = w->text; *p; p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char(p);
    if (!g_unichar_isalpha(u) && u != '-' && u != '\'' && u != '.' && u != ',' && u != 0x2019)
      return FALSE;
  }
  return !kith_title_is_title(NULL, w->text);
}

/* The words of the name a name line must show (folded), from the display
 * name or the address. */
typedef struct {
  char *first[3];
  guint n_first;
  char *last[3];
  guint n_last;
  char *local; /* a one-word local part, to be matched against initials */
  gboolean from_display;
} name_spec;

static guint key_words(const char *s, char **out, guint max)
{
  word w[8];
  guint n = split_words(s, 0, w, 8);
  guint k = 0;
  for (guint i = 0; i < n; i++)
    if (w[i].key[0] && k < max)
      out[k++] = g_strdup(w[i].key);
  words_clear(w, n);
  return k;
}

static void spec_clear(name_spec *s)
{
  for (guint i = 0; i < s->n_first; i++)
    g_free(s->first[i]);
  for (guint i = 0; i < s->n_last; i++)
    g_free(s->last[i]);
  g_free(s->local);
}

static void spec_from_email(name_spec *s, const char *email)
{
  const char *at = email ? strchr(email, '@') : NULL;
  if (!at)
    return;
  g_autofree char *local = g_strndup(email, at - email);
  char *plus = strchr(local, '+');
  if (plus)
    *plus = '\0';
  /* "first.last", "first_last", or "first-last" when no dot or underscore
   * says otherwise ("mungo.hardwicke-brown"). */
  gboolean dotted = strchr(local, '.') || strchr(local, '_');
  if (dotted)
    g_strdelimit(local, "_", '.');
  else
    g_strdelimit(local, "-", '.');
  g_auto(GStrv) parts = g_strsplit(local, ".", -1);
  for (char **p = parts; *p; p++) {
    char *w = *p;
    for (char *c = *p; *c; c++)
      if (*c != '-')
        *w++ = *c;
    *w = '\0';
  }
  guint alpha = 0;
  for (char **p = parts; *p; p++) {
    if (!**p)
      continue;
    for (const char *c = *p; *c; c++)
      if (!g_ascii_isalpha(*c))
        return; /* digits: not a name */
    alpha++;
  }
  if (alpha >= 2) {
    s->first[s->n_first++] = g_ascii_strdown(parts[0], -1);
    s->last[s->n_last++] = g_ascii_strdown(parts[g_strv_length(parts) - 1], -1);
  } else if (alpha == 1) {
    s->local = g_ascii_strdown(local, -1);
  }
}

/* Matches the words of a name at W[AT...]; returns how many words it took.
 * One wanted word may be written as several ("devries": "de Vries"). */
static guint match_seq(const word *w, guint n, guint at, char **want, guint n_want)
{
  if (at + n_want <= n) {
    guint i = 0;
    while (i < n_want && g_str_equal(w[at + i].key, want[i]))
      i++;
    if (i == n_want)
      return n_want;
  }
  if (n_want == 1 && at < n) {
    GString *joined = g_string_new(NULL);
    for (guint k = at; k < n && k < at + 3; k++) {
      g_string_append(joined, w[k].key);
      if (k > at && g_str_equal(joined->str, want[0])) {
        g_string_free(joined, TRUE);
        return k - at + 1;
      }
    }
    g_string_free(joined, TRUE);
  }
  return 0;
}

/* How many name words W holds from FROM (at most 4): a word ending in ","
 * ends the run, and "PhD" is no part of it. */
static guint name_run(const word *w, guint n, guint from, gboolean particle_first)
{
  guint k = from;
  while (k < n && k - from < 4 &&
         ((name_like(&w[k]) && !is_suffix(w[k].key)) ||
          ((k > from || particle_first) && k + 1 < n && is_particle(w[k].key) &&
           (name_like(&w[k + 1]) || is_particle(w[k + 1].key))))) {
    gsize len = strlen(w[k].text);
    k++;
    if (w[k - 1].text[len - 1] == ',')
      break;
  }
  return k - from;
}

/* Is what follows K name words a separator or the end of the line? */
static gboolean run_ends(const word *w, guint n, guint k)
{
  if (k == n)
    return TRUE;
  gsize len = strlen(w[k - 1].text);
  return w[k - 1].text[len - 1] == ',' || is_suffix(w[k].key) || starts_sep(w[k].text);
}

typedef struct {
  guint first_at, first_n, last_at, last_n; /* the words that gave the name */
  gsize rest;                               /* byte offset of what follows it */
} name_hit;

/* Does LINE (words W) begin with the sender's name? Fills HIT. */
static gboolean match_name(const name_spec *s, const char *line, const word *w, guint n,
                           name_hit *hit)
{
  guint at = 0;
  while (at < n && is_honorific(w[at].key))
    at++;
  if (at >= n)
    return FALSE;
  guint end = 0;
  if (s->n_first && s->n_last) {
    guint f = match_seq(w, n, at, (char **)s->first, s->n_first);
    gboolean initial = !f && w[at].key[0] == s->first[0][0] && name_like(&w[at]);
    if (f || initial) {
      guint k = at + (f ? f : 1);
      for (guint mid = 0; mid <= 2 && k + mid < n; mid++) {
        guint l = match_seq(w, n, k + mid, (char **)s->last, s->n_last);
        if (l) {
          *hit = (name_hit){at, f ? f : 1, k + mid, l, 0};
          end = k + mid + l;
          break;
        }
      }
    }
    if (!end) { /* "Wright, Olivia" and "WRIGHT Olivia" */
      guint l = match_seq(w, n, at, (char **)s->last, s->n_last);
      guint f2 = l ? match_seq(w, n, at + l, (char **)s->first, s->n_first) : 0;
      if (l && f2) {
        *hit = (name_hit){at + l, f2, at, l, 0};
        end = at + l + f2;
      }
    }
  } else if (s->n_first) {
    /* Only a first name is known: it and one or two name words after it. */
    guint f = match_seq(w, n, at, (char **)s->first, s->n_first);
    guint extra = f ? name_run(w, n, at + f, TRUE) : 0;
    if (f && extra >= 1 && extra <= 3) {
      guint k = at + f;
      guint la = k + extra - 1;
      while (la > k && is_particle(w[la - 1].key))
        la--;
      *hit = (name_hit){at, f, la, k + extra - la, 0};
      end = k + extra;
    }
  }
  if (!end)
    return FALSE;
  /* "Jane Doe, PhD": a suffix ends the line or a part of it; "Sr. Product
   * Manager" is a title. */
  while (end < n && is_suffix(w[end].key) &&
         (end + 1 == n || w[end].text[strlen(w[end].text) - 1] == ',' ||
          starts_sep(w[end + 1].text)))
    end++;
  hit->rest = end > 0 ? w[end - 1].end : 0;
  /* What follows the name must be a separator, not more words of prose. */
  const char *rest = line + hit->rest;
  while (*rest == ' ')
    rest++;
  const char *lw = w[end - 1].text;
  return lw[strlen(lw) - 1] == ',' || *rest == '\0' || starts_sep(rest);
}

/* A line of two to four name words whose initials or words give the
 * one-word local part ("ow", "owright", "olivia", "wrighto"). */
static gboolean match_local(const char *local, const word *w, guint n, name_hit *hit)
{
  guint k = name_run(w, n, 0, FALSE);
  if (k < 2 || !run_ends(w, n, k))
    return FALSE;
  guint la = k - 1;
  while (la > 1 && is_particle(w[la - 1].key))
    la--;
  GString *lj = g_string_new(NULL);
  for (guint i = la; i < k; i++)
    g_string_append(lj, w[i].key);
  g_autofree char *l = g_string_free(lj, FALSE);
  const char *f = w[0].key;
  g_autofree char *fl = g_strconcat(f, l, NULL);
  g_autofree char *il = g_strdup_printf("%c%s", f[0], l);
  g_autofree char *lf = g_strdup_printf("%s%c", f, l[0]);
  g_autofree char *ii = g_strdup_printf("%c%c", f[0], l[0]);
  g_autofree char *li = g_strdup_printf("%s%c", l, f[0]);
  if (!(g_str_equal(local, fl) || g_str_equal(local, il) || g_str_equal(local, lf) ||
        g_str_equal(local, ii) || g_str_equal(local, f) || g_str_equal(local, li) ||
        (g_str_equal(local, l) && strlen(l) > 3)))
    return FALSE;
  *hit = (name_hit){0, 1, la, k - la, w[k - 1].end};
  return TRUE;
}

/* Strips decorations and a closing ("-- ", "- ", "Best, ") before a name. */
static gsize name_start(const sig_tables *t, const char *line)
{
  gsize s = strspn(line, " -*~_>\xe2\x80\x93\x94");
  const char *comma = strchr(line + s, ',');
  if (comma && comma - line < 40) {
    g_autofree char *head = g_strndup(line + s, comma - line - s);
    if (is_closing(t, head))
      s = comma - line + 1;
  }
  return s;
}

static char *join_words(const word *w, guint at, guint n)
{
  GString *s = g_string_new(NULL);
  for (guint i = at; i < at + n; i++) {
    if (s->len)
      g_string_append_c(s, ' ');
    g_string_append(s, w[i].text);
  }
  while (s->len && strchr(",;:", s->str[s->len - 1]))
    g_string_truncate(s, s->len - 1);
  return g_string_free(s, FALSE);
}

typedef struct {
  gint line;     /* index of the name line in the own text, -1 when none */
  gsize rest;    /* byte offset in that line after the name */
  char *first;   /* the name as the line writes it */
  char *last;
} anchor;

static gboolean find_anchor(const sig_tables *t, GPtrArray *own, const name_spec *s, anchor *a)
{
  for (gint i = (gint)own->len - 1; i >= 0; i--) {
    const char *line = line_at(own, i);
    if (blank(line) || strlen(line) > 120)
      continue;
    gsize from = name_start(t, line);
    word w[16];
    guint n = split_words(line, from, w, 16);
    name_hit hit;
    gboolean ok = FALSE;
    if (n > 0 && n <= 14) {
      if (s->n_first)
        ok = match_name(s, line, w, n, &hit);
      else if (s->local)
        ok = match_local(s->local, w, n, &hit);
    }
    if (ok) {
      a->line = i;
      a->rest = hit.rest;
      a->first = join_words(w, hit.first_at, hit.first_n);
      a->last = join_words(w, hit.last_at, hit.last_n);
    }
    words_clear(w, n);
    if (ok)
      return TRUE;
  }
  return FALSE;
}

/* With no name from the display name or the address: the line right after a
 * closing or a "-- " delimiter, when it is two or three name words. */
static gboolean find_anchor_after_closing(const sig_tables *t, GPtrArray *own, anchor *a)
{
  for (gint i = (gint)own->len - 2; i >= 0; i--) {
    const char *l = line_at(own, i);
    if (!is_closing(t, l) && !is_delimiter(l))
      continue;
    const char *line = line_at(own, i + 1);
    word w[8];
    guint n = split_words(line, strspn(line, " -"), w, 8);
    guint k = name_run(w, n, 0, FALSE);
    gboolean ok = k >= 2 && k <= 3 && run_ends(w, n, k);
    if (ok) {
      a->line = i + 1;
      a->rest = w[k - 1].end;
      a->first = g_strdup(w[0].text);
      guint la = k - 1;
      while (la > 1 && is_particle(w[la - 1].key))
        la--;
      a->last = join_words(w, la, k - la);
    }
    words_clear(w, n);
    if (ok)
      return TRUE;
  }
  return FALSE;
}

/* ---- the title ---- */

/* Legal forms and institutions that end or mark an organisation's name. The
 * short ones count only as the last word ("Acme SA", not "SA office"). */
static const char *const COMPANY_WORDS[] = {
    "inc", "ltd", "llc", "llp", "gmbh", "corp", "corporation", "plc", "sarl", "company",
    "limited", "holdings", "incorporated", "university", "universitat", "universite",
    "universidad", "universita", "college", "school", "institute", NULL};
static const char *const COMPANY_LAST[] = {"co", "ag", "sa", "sas", "spa", "srl", "bv", "nv",
                                           "oy", "ab", "as", "aps", "kg", "lp", "pty", "gbr",
                                           "ohg", "se", "kft", "sro", "zoo", "group", NULL};

static gboolean company_like(const char *part, const char *org)
{
  word w[16];
  guint n = split_words(part, 0, w, 16);
  gboolean yes = n > 0 && g_strv_contains(COMPANY_LAST, w[n - 1].key);
  for (guint i = 0; i < n && !yes; i++)
    yes = g_strv_contains(COMPANY_WORDS, w[i].key);
  if (!yes && n > 0 && org && org[0] && g_str_equal(w[0].key, org))
    yes = TRUE;
  words_clear(w, n);
  return yes;
}

/* Does PART say anything a title says (a role or a function)? */
static gboolean title_ish(const char *part)
{
  g_autofree char *dep = NULL, *sen = NULL;
  kith_title_classify(NULL, part, &dep, &sen, NULL);
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
                                     "\xc2\xb7", "\xe2\x80\xa2", NULL};
  if (*p && strchr(",;:|-/&*~ ", *p))
    return 1;
  for (const char *const *s = seps; *s; s++)
    if (g_str_has_prefix(p, *s))
      return strlen(*s);
  return 0;
}

static char *trim_punct(char *s)
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
 * "·"; after "," or " - " a part stays when it reads like a title. */
static char *clean_title(const char *raw, const char *org)
{
  if (!raw || strlen(raw) > 300 || strchr(raw, '@') || strstr(raw, "://") || strstr(raw, "www."))
    return NULL;
  g_autofree char *s = strip_parens(raw);
  trim_punct(s);
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
  for (guint i = 0; i < parts->len; i++) {
    char *part = trim_punct(g_ptr_array_index(parts, i));
    if (!*part)
      continue;
    gboolean ok = title_ish(part) && !company_like(part, org);
    if (!out->len && !ok)
      continue; /* "CPC - President": the part before the title */
    if (!ok)
      break;
    if (out->len)
      g_string_append(out, g_ptr_array_index(seps, i));
    g_string_append(out, part);
  }
  g_ptr_array_unref(parts);
  g_ptr_array_unref(seps);
  char *title = g_string_free(out, FALSE);
  trim_punct(title);
  guint digits = 0, words = 1;
  for (const char *p = title; *p; p++) {
    digits += g_ascii_isdigit(*p) != 0;
    words += *p == ' ';
  }
  if (!*title || strlen(title) > MAX_TITLE_LEN || digits > 4 || words > 12 ||
      !kith_title_is_title(NULL, title) || company_like(title, org)) {
    g_free(title);
    return NULL;
  }
  return title;
}

/* ---- phones ---- */

typedef enum { PH_DIRECT, PH_OFFICE, PH_MOBILE, PH_MAIN, PH_NONE, PH_FAX } phone_kind;

static phone_kind label_kind(const char *text)
{
  word w[8];
  g_autofree char *spaced = g_strdelimit(g_utf8_casefold(text, -1), ":.,;()[]/|-", ' ');
  guint n = split_words(spaced, 0, w, 8);
  phone_kind kind = PH_NONE;
  static const char *const fax[] = {"fax", "f", "fx", "facsimile", "telefax", "telecopie",
                                    "télécopie", "faks", NULL};
  static const char *const direct[] = {"direct", "d", "dd", "ddi", "dir", "durchwahl", "directo",
                                       "diretto", "direkt", NULL};
  static const char *const mobile[] = {"mobile", "mob", "m", "cell", "cellular", "c", "handy",
                                       "mobil", "portable", "móvil", "movil", "cel", "cellulare",
                                       "celular", "gsm", "mobiel", "mobiltelefon", "kom",
                                       "komórka", "mobilný", "mobilní", NULL};
  static const char *const main[] = {"main", "switchboard", "zentrale", "standard", "hq",
                                     "toll", "free", NULL};
  static const char *const office[] = {"tel", "telephone", "phone", "ph", "p", "t", "o",
                                       "office", "work", "w", "voice", "telefon", "telefono",
                                       "téléphone", "tél", "tlf", "tfn", "puhelin", "biz", "ofc",
                                       "off", "b", "fon", "fono", "tfno", "telf", "tf", NULL};
  for (guint i = 0; i < n && kind == PH_NONE; i++) {
    const char *k = w[i].text;
    if (g_strv_contains(fax, k))
      kind = PH_FAX;
    else if (g_strv_contains(direct, k))
      kind = PH_DIRECT;
    else if (g_strv_contains(mobile, k))
      kind = PH_MOBILE;
    else if (g_strv_contains(main, k))
      kind = PH_MAIN;
    else if (g_strv_contains(office, k))
      kind = PH_OFFICE;
  }
  words_clear(w, n);
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

typedef struct {
  char *number;
  char *country;
  char *state;
  phone_kind kind;
} phone_hit;

static void scan_phones(const char *line, const char *default_cc, phone_hit *best)
{
  if (strchr(line, '@') || strstr(line, "://") || strstr(line, "www."))
    return;
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
    phone_kind kind = label_kind(before);
    const char *after = end;
    while (*after == ' ' || *after == '(' || *after == '-')
      after++;
    if (kind == PH_NONE && !strchr(";,|", *end)) {
      /* "713-646-5745 (fax)", "(703) 256-1833 fax": a label after the
       * number, in parentheses or ending the line (else it is the next
       * number's). */
      const char *stop = after;
      while (*stop && !g_ascii_isdigit(*stop) && *stop != ':' && *stop != '+' && *stop != ')')
        stop++;
      gboolean paren = strchr(end, '(') && strchr(end, '(') < after && *stop == ')';
      g_autofree char *trailing = g_strndup(after, MIN(stop - after, 20));
      phone_kind k2 = label_kind(trailing);
      if (k2 != PH_NONE && (paren || blank(stop)))
        kind = k2;
    }
    label_from = end;
    p = end;
    if (kind == PH_FAX)
      continue;
    if (kind == PH_NONE)
      kind = PH_OFFICE;
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
    *best = (phone_hit){num, country, state, kind};
  }
}

/* ---- places ---- */

typedef struct {
  const char *country; /* ISO code */
  char *state;
} place;

static const char *country_of_text(const sig_tables *t, const char *s)
{
  g_autofree char *clean = g_strdup(s);
  trim_punct(clean);
  if (!*clean)
    return NULL;
  const char *iso = g_hash_table_lookup(t->country_code, clean);
  if (iso)
    return iso;
  g_autofree char *low = g_utf8_strdown(clean, -1);
  return g_hash_table_lookup(t->country_alias, low);
}

/* A country or a US/Canadian state from one line of the signature. */
static void read_place(const sig_tables *t, const char *line, const char *phone_country,
                       place *out)
{
  if (strchr(line, '@') || strstr(line, "://") || strlen(line) > 120 || company_like(line, NULL))
    return;
  g_autoptr(GMatchInfo) mi = NULL;
  if (!out->state && g_regex_match(t->us_zip, line, 0, &mi)) {
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
  if (g_regex_match(t->city_state, line, 0, &mi)) {
    g_autofree char *st = g_match_info_fetch(mi, 1);
    const char *c = g_hash_table_lookup(t->state_country, st);
    const char *as_country = g_hash_table_lookup(t->country_code, st);
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
  const char *iso = country_of_text(t, tail);
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
      const char *cand = country_of_text(t, sp + 1);
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

static char *org_label(const char *email)
{
  const char *at = email ? strchr(email, '@') : NULL;
  if (!at)
    return NULL;
  g_auto(GStrv) labels = g_strsplit(at + 1, ".", -1);
  for (char **l = labels; *l && l[1]; l++)
    if (!g_str_equal(*l, "mail") && !g_str_equal(*l, "www") && !g_str_equal(*l, "email"))
      return key_of(*l);
  return NULL;
}

/* The calling code a national number in this signature most likely has. */
static const char *default_cc_for(const sig_tables *t, GPtrArray *own, guint from, guint to,
                                  const char *email)
{
  place p = {0};
  for (guint i = from; i < to; i++)
    read_place(t, line_at(own, i), NULL, &p);
  gboolean state_only = p.state != NULL;
  g_free(p.state);
  if (p.country && !state_only)
    return kith_phone_cc_for_region(p.country);
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
  return p.country ? kith_phone_cc_for_region(p.country) : "1";
}

/* The sender's first name alone on a line ("Mark"), directly followed by a
 * title line: the last such pair anchors the block when no full name does. */
static gboolean find_first_name_line(GPtrArray *own, const name_spec *s, const char *org,
                                     anchor *a)
{
  for (gint i = (gint)own->len - 2; i >= 0; i--) {
    const char *line = line_at(own, i);
    word w[4];
    guint n = split_words(line, strspn(line, " -"), w, 4);
    gboolean ok = n == s->n_first && match_seq(w, n, 0, (char **)s->first, s->n_first) == n;
    words_clear(w, n);
    if (!ok)
      continue;
    g_autofree char *title = clean_title(line_at(own, i + 1), org);
    if (title) {
      a->line = i;
      a->rest = strlen(line);
      return TRUE;
    }
  }
  return FALSE;
}

/* ---- the whole ---- */

/* A sentence, not a signature line: many words (numbers aside), or a
 * fair number ending like a sentence. */
static gboolean prose(const char *line)
{
  guint words = 0;
  gboolean in_word = FALSE, letters = FALSE;
  for (const char *p = line;; p++) {
    if (*p && *p != ' ') {
      in_word = TRUE;
      letters = letters || g_ascii_isalpha(*p) || (unsigned char)*p >= 0x80;
      continue;
    }
    if (in_word && letters)
      words++;
    in_word = letters = FALSE;
    if (!*p)
      break;
  }
  gsize n = strlen(line);
  return words >= 12 || (words >= 7 && n > 0 && strchr(".?!", line[n - 1]));
}

void kith_signature_free(kith_signature *sig)
{
  if (!sig)
    return;
  g_free(sig->first_name);
  g_free(sig->last_name);
  g_free(sig->title);
  g_free(sig->phone);
  g_free(sig->country);
  g_free(sig->state);
  g_free(sig);
}

kith_signature *kith_signature_extract(const char *text, const char *email, const char *first,
                                       const char *last)
{
  kith_signature *sig = g_new0(kith_signature, 1);
  if (!text || !*text)
    return sig;
  const sig_tables *t = tables();
  g_autoptr(GPtrArray) own = own_lines(text);

  name_spec spec = {0};
  gboolean display_full = first && *first && last && *last;
  if (first && *first)
    spec.n_first = key_words(first, spec.first, 3);
  if (last && *last)
    spec.n_last = key_words(last, spec.last, 3);
  spec.from_display = spec.n_first > 0;
  if (!spec.n_first)
    spec_from_email(&spec, email);

  anchor a = {-1, 0, NULL, NULL};
  gboolean found = (spec.n_first || spec.local) && find_anchor(t, own, &spec, &a);
  if (!found && !spec.from_display)
    found = find_anchor_after_closing(t, own, &a);
  g_autofree char *org = org_label(email);
  gboolean first_only = FALSE;
  if (!found && spec.n_first)
    first_only = found = find_first_name_line(own, &spec, org, &a);
  spec_clear(&spec);

  guint from, to;
  if (found) {
    from = a.line + 1;
  } else {
    /* No name line: a "-- " block still gives a phone and a place. */
    gint d = -1;
    for (gint i = (gint)own->len - 1; i >= 0 && d < 0; i--)
      if (is_delimiter(line_at(own, i)))
        d = i;
    if (d < 0)
      return sig;
    from = d + 1;
    /* A block that opens with someone else's name is theirs. */
    while (from < own->len && blank(line_at(own, from)))
      from++;
    anchor other = {-1, 0, NULL, NULL};
    g_autoptr(GPtrArray) probe = g_ptr_array_new();
    g_ptr_array_add(probe, (gpointer) "--");
    g_ptr_array_add(probe, (gpointer)line_at(own, from));
    gboolean someone = find_anchor_after_closing(t, probe, &other);
    g_free(other.first);
    g_free(other.last);
    if (someone)
      return sig;
  }
  /* The block: up to MAX_BLOCK lines, ending at prose, a closing or a gap. */
  guint gap = 0;
  for (to = from; to < own->len && to - from < MAX_BLOCK; to++) {
    const char *l = line_at(own, to);
    gap = blank(l) ? gap + 1 : 0;
    if (gap >= 3 || prose(l) || is_closing(t, l))
      break;
  }

  if (found) {
    const char *line = line_at(own, a.line);
    char *title = a.rest < strlen(line) ? clean_title(line + a.rest, org) : NULL;
    if (!title && from < to && !blank(line_at(own, from)))
      title = clean_title(line_at(own, from), org);
    sig->title = title;
    if (!display_full && !first_only) {
      sig->first_name = g_steal_pointer(&a.first);
      sig->last_name = g_steal_pointer(&a.last);
    }
  }
  g_free(a.first);
  g_free(a.last);

  const char *cc = default_cc_for(t, own, from, to, email);
  phone_hit ph = {NULL, NULL, NULL, PH_NONE};
  if (found && a.rest < strlen(line_at(own, a.line)))
    scan_phones(line_at(own, a.line) + a.rest, cc, &ph);
  for (guint i = from; i < to; i++)
    scan_phones(line_at(own, i), cc, &ph);
  sig->phone = ph.number;

  place p = {0};
  for (guint i = from; i < to; i++)
    read_place(t, line_at(own, i), ph.country, &p);
  const char *country = p.country ? p.country : ph.country;
  if (country) {
    sig->country = g_strdup(g_hash_table_lookup(t->country_name, country));
    if (p.state)
      sig->state = g_steal_pointer(&p.state);
    else if (ph.state && ph.country && g_str_equal(ph.country, country))
      sig->state = g_strdup(ph.state);
  }
  g_free(p.state);
  g_free(ph.country);
  g_free(ph.state);
  return sig;
}
