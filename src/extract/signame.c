/* signame.c - the line of a signature that carries the sender's name (R4, R5). */
#include "extract/signame.h"

#include "extract/namewords.h"
#include "extract/title.h"

#include <string.h>

/* Honorifics and particles are data/name_words.tsv's, which display names
 * read too (namewords.h). */
static gboolean is_honorific(const char *key)
{
  return kith_name_is_honorific(key);
}

static gboolean is_suffix(const char *key)
{
  static const char *const s[] = {"phd", "mba", "cfa", "cpa", "jr",  "sr", "ii",  "iii", "iv", "md",
                                  "esq", "pe",  "pmp", "msc", "bsc", "ma", "llm", "cfp", NULL};
  static GHashTable *set;
  return kith_sigtext_in_set(&set, s, key);
}

gboolean kith_signame_is_particle(const char *key)
{
  return kith_name_is_particle(key);
}

gboolean kith_signame_like(const kith_sigword *w)
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

static guint key_words(const char *s, char **out, guint max)
{
  kith_sigword w[8];
  guint n = kith_sigtext_split(s, 0, w, 8);
  guint k = 0;
  for (guint i = 0; i < n; i++)
    if (w[i].key[0] && k < max)
      out[k++] = g_strdup(w[i].key);
  kith_sigtext_clear(w, n);
  return k;
}

void kith_signame_spec_clear(kith_signame_spec *s)
{
  for (guint i = 0; i < s->n_first; i++)
    g_free(s->first[i]);
  for (guint i = 0; i < s->n_last; i++)
    g_free(s->last[i]);
  g_free(s->local);
}

static void spec_from_email(kith_signame_spec *s, const char *email)
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
guint kith_signame_match_words(const kith_sigword *w, guint n, guint at, char **want, guint n_want)
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
guint kith_signame_run(const kith_sigword *w, guint n, guint from, gboolean particle_first)
{
  guint k = from;
  while (k < n && k - from < 4 &&
         ((kith_signame_like(&w[k]) && !is_suffix(w[k].key)) ||
          ((k > from || particle_first) && k + 1 < n && kith_signame_is_particle(w[k].key) &&
           (kith_signame_like(&w[k + 1]) || kith_signame_is_particle(w[k + 1].key))))) {
    gsize len = strlen(w[k].text);
    k++;
    if (w[k - 1].text[len - 1] == ',')
      break;
  }
  return k - from;
}

/* Is what follows K name words a separator or the end of the line? */
gboolean kith_signame_run_ends(const kith_sigword *w, guint n, guint k)
{
  if (k == n)
    return TRUE;
  gsize len = strlen(w[k - 1].text);
  return w[k - 1].text[len - 1] == ',' || is_suffix(w[k].key) || kith_sigtext_starts_sep(w[k].text);
}

/* Does LINE (words W) begin with the sender's name? Fills HIT. */
gboolean kith_signame_match(const kith_signame_spec *s, const char *line, const kith_sigword *w,
                            guint n, kith_signame_hit *hit)
{
  guint at = 0;
  while (at < n && is_honorific(w[at].key))
    at++;
  if (at >= n)
    return FALSE;
  guint end = 0;
  if (s->n_first && s->n_last) {
    guint f = kith_signame_match_words(w, n, at, (char **)s->first, s->n_first);
    gboolean initial = !f && w[at].key[0] == s->first[0][0] && kith_signame_like(&w[at]);
    if (f || initial) {
      guint k = at + (f ? f : 1);
      for (guint mid = 0; mid <= 2 && k + mid < n; mid++) {
        guint l = kith_signame_match_words(w, n, k + mid, (char **)s->last, s->n_last);
        if (l) {
          *hit = (kith_signame_hit){at, f ? f : 1, k + mid, l, 0};
          end = k + mid + l;
          break;
        }
      }
    }
    if (!end && (f || initial) && s->n_last >= 2) {
      /* "Rivera Novo, Luis" signs "Luis Rivera": one of two or three
       * surnames, right after the first name or a middle initial. */
      guint k = at + (f ? f : 1);
      for (guint mid = 0; mid <= 1 && !end && k + mid < n; mid++)
        for (guint j = 0; j < s->n_last && !end; j++)
          if (strlen(s->last[j]) >= 3 && !kith_signame_is_particle(s->last[j]) &&
              kith_signame_match_words(w, n, k + mid, (char **)&s->last[j], 1) == 1) {
            *hit = (kith_signame_hit){at, f ? f : 1, k + mid, 1, 0};
            end = k + mid + 1;
          }
    }
    if (!end) { /* "Wright, Olivia" and "WRIGHT Olivia" */
      guint l = kith_signame_match_words(w, n, at, (char **)s->last, s->n_last);
      guint f2 = l ? kith_signame_match_words(w, n, at + l, (char **)s->first, s->n_first) : 0;
      if (l && f2) {
        *hit = (kith_signame_hit){at + l, f2, at, l, 0};
        end = at + l + f2;
      }
    }
  } else if (s->n_first) {
    /* Only a first name is known: it and one or two name words after it. */
    guint f = kith_signame_match_words(w, n, at, (char **)s->first, s->n_first);
    guint extra = f ? kith_signame_run(w, n, at + f, TRUE) : 0;
    if (f && extra >= 1 && extra <= 3) {
      guint k = at + f;
      guint la = k + extra - 1;
      while (la > k && kith_signame_is_particle(w[la - 1].key))
        la--;
      *hit = (kith_signame_hit){at, f, la, k + extra - la, 0};
      end = k + extra;
    }
  }
  if (!end)
    return FALSE;
  /* "Jane Doe, PhD": a suffix ends the line or a part of it; "Sr. Product
   * Manager" is a title. */
  while (end < n && is_suffix(w[end].key) &&
         (end + 1 == n || w[end].text[strlen(w[end].text) - 1] == ',' ||
          kith_sigtext_starts_sep(w[end + 1].text)))
    end++;
  hit->rest = end > 0 ? w[end - 1].end : 0;
  /* What follows the name must be a separator, not more words of prose. */
  const char *rest = line + hit->rest;
  while (*rest == ' ')
    rest++;
  const char *lw = w[end - 1].text;
  return lw[strlen(lw) - 1] == ',' || *rest == '\0' || kith_sigtext_starts_sep(rest);
}

/* A line of two to four name words whose initials or words give the
 * one-word local part ("ow", "owright", "olivia", "wrighto"). */
gboolean kith_signame_match_local(const char *local, const kith_sigword *w, guint n,
                                  kith_signame_hit *hit)
{
  guint k = kith_signame_run(w, n, 0, FALSE);
  if (k < 2 || !kith_signame_run_ends(w, n, k))
    return FALSE;
  guint la = k - 1;
  while (la > 1 && kith_signame_is_particle(w[la - 1].key))
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
  *hit = (kith_signame_hit){0, 1, la, k - la, w[k - 1].end};
  return TRUE;
}

/* Can LINE be the sender's name line at all? Every way match_name accepts
 * a line takes the last name's words (or, with no last name, the first
 * name's), whose keys are the line's letters and digits lower-cased when
 * the line is ASCII. So an ASCII line without one of them is skipped before
 * it is split into words; most lines are. */
gboolean kith_signame_may_match(const kith_signame_spec *s, const char *line)
{
  char squeezed[128];
  gsize k = 0;
  for (const char *c = line; *c; c++) {
    if (*c & 0x80)
      return TRUE; /* transliterated keys: no shortcut */
    if (g_ascii_isalnum(*c) && k < sizeof squeezed - 1)
      squeezed[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + ('a' - 'A') : *c);
  }
  squeezed[k] = '\0';
  if (!s->n_last)
    return strstr(squeezed, s->first[0]) != NULL;
  for (guint j = 0; j < s->n_last; j++)
    if (strstr(squeezed, s->last[j]))
      return TRUE;
  return FALSE;
}

void kith_signame_spec_init(kith_signame_spec *s, const char *first, const char *last,
                            const char *email)
{
  memset(s, 0, sizeof *s);
  if (first && *first)
    s->n_first = key_words(first, s->first, 3);
  if (last && *last)
    s->n_last = key_words(last, s->last, 3);
  s->from_display = s->n_first > 0;
  if (!s->n_first)
    spec_from_email(s, email);
}
