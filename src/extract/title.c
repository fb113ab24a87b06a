/* title.c - Department, Seniority__c and Persona__c from a Title by an editable rules table (R5). */
#include "extract/title.h"

#include "util/data.h"
#include "util/error.h"

#include <string.h>

#define MAX_TITLE 256 /* bytes of a title read; titles are short */
#define MAX_TOKENS 40
#define MAX_PATTERN 8 /* words in one pattern */
#define MAX_GAP 3     /* words a "..." may skip */
#define MAX_RULES_FILE (4 * 1024 * 1024)

typedef enum { FIELD_SENIORITY, FIELD_DEPARTMENT } rule_field;

typedef struct {
  rule_field field;
  char *value; /* NULL for "-": matches, but says no value */
  int priority;
  guint order;
  char *words[MAX_PATTERN]; /* "word", "word*", "*word" or "..." */
  guint n_words;
} title_rule;

typedef struct {
  char *label;
  GStrv seniorities; /* NULL: any */
  GStrv departments; /* NULL: any */
} persona_rule;

struct kith_title_rules {
  GPtrArray *rules;     /* title_rule, file order */
  GHashTable *by_first; /* exact first word -> GPtrArray of title_rule (borrowed) */
  /* Rules whose first word has a '*' (borrowed), by the byte a word they
   * match must start with ("leiter*": 'l') or end with ("*leiter": 'r');
   * the others (a lone "*") in wild_other. A title's word is tried only
   * against its own buckets. */
  GPtrArray *wild_prefix[256];
  GPtrArray *wild_suffix[256];
  GPtrArray *wild_other;
  GPtrArray *personas; /* persona_rule */
};

static const char *const SENIORITIES[] = {
    "C-Level", "VP", "Director", "Manager", "Individual Contributor", NULL};
static const char *const DEPARTMENTS[] = {"Executive",   "Sales", "Marketing", "Customer Success",
                                          "Engineering", "IT",    "Product",   "Data",
                                          "Finance",     "Legal", "HR",        "Operations",
                                          "Procurement", "Other", NULL};

static gboolean in_set(const char *const *set, const char *v)
{
  for (; *set; set++)
    if (g_str_equal(*set, v))
      return TRUE;
  return FALSE;
}

static void rule_free(title_rule *r)
{
  g_free(r->value);
  for (guint i = 0; i < r->n_words; i++)
    g_free(r->words[i]);
  g_free(r);
}

static void persona_free(persona_rule *p)
{
  g_free(p->label);
  g_strfreev(p->seniorities);
  g_strfreev(p->departments);
  g_free(p);
}

void kith_title_rules_free(kith_title_rules *rules)
{
  if (!rules)
    return;
  g_hash_table_unref(rules->by_first);
  for (guint i = 0; i < 256; i++) {
    if (rules->wild_prefix[i])
      g_ptr_array_unref(rules->wild_prefix[i]);
    if (rules->wild_suffix[i])
      g_ptr_array_unref(rules->wild_suffix[i]);
  }
  g_ptr_array_unref(rules->wild_other);
  g_ptr_array_unref(rules->rules);
  g_ptr_array_unref(rules->personas);
  g_free(rules);
}

/* The words of ASCII text A, as tokenize describes them. Each is written
 * into STORE (at least 2 * strlen(A) + 2 bytes) when given, else newly
 * allocated. */
static guint split_tokens(const char *a, char **words, guint max, gboolean keep_wild, char *store)
{
  guint n = 0;
  GString *w = g_string_sized_new(16);
  for (const char *p = a;; p++) {
    char c = g_ascii_tolower(*p);
    if (keep_wild && strncmp(p, "...", 3) == 0) {
      if (n < max)
        words[n++] = g_strdup("...");
      p += 2;
      continue;
    }
    if (c == '.' || c == '\'')
      continue;
    if (c && (g_ascii_isalnum(c) || c == '&' || (keep_wild && c == '*'))) {
      g_string_append_c(w, c);
      continue;
    }
    if (w->len > 0 && n < max) {
      if (store) {
        memcpy(store, w->str, w->len + 1);
        words[n++] = store;
        store += w->len + 1;
      } else {
        words[n++] = g_strdup(w->str);
      }
    }
    g_string_truncate(w, 0);
    if (!c)
      break;
  }
  g_string_free(w, TRUE);
  return n;
}

/* Lower-case ASCII words of TEXT: accents folded, dots dropped (so "Sr." and
 * "V.P." read as "sr" and "vp"), everything but letters, digits and '&' a
 * separator. Returns the number of words written into WORDS (each owned). */
static guint tokenize(const char *text, char **words, guint max, gboolean keep_wild)
{
  g_autofree char *cut = g_utf8_make_valid(text, MIN(strlen(text), MAX_TITLE));
  g_autofree char *ascii = g_str_to_ascii(cut, "C");
  return split_tokens(ascii, words, max, keep_wild, NULL);
}

static gboolean word_matches(const char *pat, const char *word)
{
  gsize pl = strlen(pat);
  if (pl > 1 && pat[pl - 1] == '*')
    return strncmp(word, pat, pl - 1) == 0;
  if (pl > 1 && pat[0] == '*') {
    gsize wl = strlen(word);
    return wl >= pl - 1 && strcmp(word + wl - (pl - 1), pat + 1) == 0;
  }
  return strcmp(pat, word) == 0;
}

/* Does R's pattern match WORDS starting at word AT? */
static gboolean match_at(const title_rule *r, guint pi, char **words, guint n, guint at)
{
  if (pi == r->n_words)
    return TRUE;
  if (strcmp(r->words[pi], "...") == 0) {
    for (guint skip = 0; skip <= MAX_GAP && at + skip <= n; skip++)
      if (match_at(r, pi + 1, words, n, at + skip))
        return TRUE;
    return FALSE;
  }
  if (at >= n || !word_matches(r->words[pi], words[at]))
    return FALSE;
  return match_at(r, pi + 1, words, n, at + 1);
}

static void index_rule(kith_title_rules *rules, title_rule *r)
{
  const char *first = r->words[0];
  if (strchr(first, '*')) {
    gsize pl = strlen(first);
    GPtrArray **bucket = &rules->wild_other;
    if (pl > 1 && first[pl - 1] == '*')
      bucket = &rules->wild_prefix[(guchar)first[0]];
    else if (pl > 1 && first[0] == '*')
      bucket = &rules->wild_suffix[(guchar)first[pl - 1]];
    if (!*bucket)
      *bucket = g_ptr_array_new();
    g_ptr_array_add(*bucket, r);
    return;
  }
  GPtrArray *list = g_hash_table_lookup(rules->by_first, first);
  if (!list) {
    list = g_ptr_array_new();
    g_hash_table_insert(rules->by_first, r->words[0], list);
  }
  g_ptr_array_add(list, r);
}

static gboolean parse_persona(kith_title_rules *rules, const char *label, const char *spec,
                              GError **error)
{
  g_auto(GStrv) sides = g_strsplit(spec, "/", 2);
  if (g_strv_length(sides) != 2) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "persona '%s': want SENIORITIES / DEPARTMENTS",
                label);
    return FALSE;
  }
  persona_rule *p = g_new0(persona_rule, 1);
  p->label = g_strdup(label);
  for (int side = 0; side < 2; side++) {
    char *s = g_strstrip(sides[side]);
    if (g_str_equal(s, "*"))
      continue;
    GStrv list = g_strsplit(s, ",", -1);
    for (char **v = list; *v; v++) {
      g_strstrip(*v);
      if (!in_set(side == 0 ? SENIORITIES : DEPARTMENTS, *v)) {
        g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "persona '%s': unknown %s '%s'", label,
                    side == 0 ? "seniority" : "department", *v);
        g_strfreev(list);
        persona_free(p);
        return FALSE;
      }
    }
    if (side == 0)
      p->seniorities = list;
    else
      p->departments = list;
  }
  g_ptr_array_add(rules->personas, p);
  return TRUE;
}

static kith_title_rules *rules_parse(const char *text, const char *name, GError **error)
{
  kith_title_rules *rules = g_new0(kith_title_rules, 1);
  rules->rules = g_ptr_array_new_with_free_func((GDestroyNotify)rule_free);
  rules->by_first = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);
  rules->wild_other = g_ptr_array_new();
  rules->personas = g_ptr_array_new_with_free_func((GDestroyNotify)persona_free);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint lineno = 0;
  for (char **l = lines; *l; l++) {
    lineno++;
    char *line = g_strstrip(*l);
    if (*line == '\0' || *line == '#')
      continue;
    g_auto(GStrv) f = g_strsplit(line, "\t", -1);
    GError *local = NULL;
    if (g_strv_length(f) != 4) {
      g_set_error(&local, KITH_ERROR, KITH_ERROR_PARSE, "want 4 tab-separated columns");
    } else if (g_str_equal(f[0], "persona")) {
      parse_persona(rules, f[1], f[3], &local);
    } else if (g_str_equal(f[0], "seniority") || g_str_equal(f[0], "department")) {
      gboolean sen = g_str_equal(f[0], "seniority");
      char *end = NULL;
      gint64 prio = g_ascii_strtoll(f[2], &end, 10);
      if (!g_str_equal(f[1], "-") && !in_set(sen ? SENIORITIES : DEPARTMENTS, f[1])) {
        g_set_error(&local, KITH_ERROR, KITH_ERROR_PARSE, "unknown %s '%s'", f[0], f[1]);
      } else if (!end || *end || prio < 0 || prio > 1000) {
        g_set_error(&local, KITH_ERROR, KITH_ERROR_PARSE, "bad priority '%s'", f[2]);
      } else {
        title_rule *r = g_new0(title_rule, 1);
        r->field = sen ? FIELD_SENIORITY : FIELD_DEPARTMENT;
        r->value = g_str_equal(f[1], "-") ? NULL : g_strdup(f[1]);
        r->priority = (int)prio;
        r->order = rules->rules->len;
        r->n_words = tokenize(f[3], r->words, MAX_PATTERN, TRUE);
        g_ptr_array_add(rules->rules, r);
        if (r->n_words == 0 || strcmp(r->words[0], "...") == 0)
          g_set_error(&local, KITH_ERROR, KITH_ERROR_PARSE, "empty pattern '%s'", f[3]);
        else
          index_rule(rules, r);
      }
    } else {
      g_set_error(&local, KITH_ERROR, KITH_ERROR_PARSE, "unknown field '%s'", f[0]);
    }
    if (local) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: %s", name, lineno, local->message);
      g_error_free(local);
      kith_title_rules_free(rules);
      return NULL;
    }
  }
  return rules;
}

const kith_title_rules *kith_title_rules_default(void)
{
  static gsize once = 0;
  static kith_title_rules *rules;
  if (g_once_init_enter(&once)) {
    g_autoptr(GBytes) bytes = kith_data_lookup("title_rules.tsv");
    gsize len = 0;
    const char *data = bytes ? g_bytes_get_data(bytes, &len) : "";
    g_autofree char *text = g_strndup(data, len);
    g_autoptr(GError) error = NULL;
    rules = rules_parse(text, "title_rules.tsv", &error);
    if (!rules) {
      /* The shipped table is part of the build; a bad one is a build mistake. */
      g_warning("%s", error->message);
      rules = rules_parse("", "title_rules.tsv", NULL);
    }
    g_once_init_leave(&once, 1);
  }
  return rules;
}

kith_title_rules *kith_title_rules_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, error))
    return NULL;
  if (len > MAX_RULES_FILE || !g_utf8_validate(text, len, NULL)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "%s: too large or not UTF-8", path);
    return NULL;
  }
  return rules_parse(text, path, error);
}

typedef struct {
  const title_rule *best[2]; /* by field */
  gboolean any_seniority;
} title_match;

static void consider(title_match *m, const title_rule *r, char **words, guint n, guint at)
{
  const title_rule *cur = m->best[r->field];
  if (cur &&
      (cur->priority > r->priority || (cur->priority == r->priority && cur->order <= r->order)))
    return;
  if (match_at(r, 0, words, n, at))
    m->best[r->field] = r;
}

static void match_title(const kith_title_rules *rules, const char *title, title_match *m)
{
  memset(m, 0, sizeof *m);
  char *words[MAX_TOKENS];
  /* ASCII text, the usual case, needs no transliteration nor a copy per
   * word. */
  char store[2 * MAX_TITLE + 2];
  gsize len = strlen(title);
  gboolean ascii = len <= MAX_TITLE;
  for (gsize i = 0; ascii && i < len; i++)
    ascii = !(title[i] & 0x80);
  guint n = ascii ? split_tokens(title, words, MAX_TOKENS, FALSE, store)
                  : tokenize(title, words, MAX_TOKENS, FALSE);
  /* Which rule wins does not depend on the order they are tried in (the
   * highest priority, then the earliest row), so buckets may go in any
   * order. */
  for (guint at = 0; at < n; at++) {
    GPtrArray *list = g_hash_table_lookup(rules->by_first, words[at]);
    for (guint i = 0; list && i < list->len; i++)
      consider(m, g_ptr_array_index(list, i), words, n, at);
    gsize wl = strlen(words[at]);
    GPtrArray *wild[3] = {rules->wild_prefix[(guchar)words[at][0]],
                          rules->wild_suffix[(guchar)words[at][wl - 1]], rules->wild_other};
    for (guint b = 0; b < 3; b++)
      for (guint i = 0; wild[b] && i < wild[b]->len; i++)
        consider(m, g_ptr_array_index(wild[b], i), words, n, at);
  }
  if (!ascii)
    for (guint i = 0; i < n; i++)
      g_free(words[i]);
}

static gboolean persona_side(GStrv set, const char *v)
{
  return !set || (v && g_strv_contains((const char *const *)set, v));
}

gboolean kith_title_is_title(const kith_title_rules *rules, const char *text)
{
  if (!rules)
    rules = kith_title_rules_default();
  if (!text || !*text)
    return FALSE;
  title_match m;
  match_title(rules, text, &m);
  return m.best[FIELD_SENIORITY] && m.best[FIELD_SENIORITY]->value;
}

void kith_title_classify(const kith_title_rules *rules, const char *title, char **out_department,
                         char **out_seniority, char **out_persona)
{
  if (out_department)
    *out_department = NULL;
  if (out_seniority)
    *out_seniority = NULL;
  if (out_persona)
    *out_persona = NULL;
  if (!rules)
    rules = kith_title_rules_default();
  if (!title || !*title)
    return;
  title_match m;
  match_title(rules, title, &m);
  const char *sen = m.best[FIELD_SENIORITY] ? m.best[FIELD_SENIORITY]->value : NULL;
  /* A line that is no title ("Head Office") says no department either. */
  const char *dep = sen && m.best[FIELD_DEPARTMENT] ? m.best[FIELD_DEPARTMENT]->value : NULL;
  if (!sen && m.best[FIELD_SENIORITY] == NULL && m.best[FIELD_DEPARTMENT])
    dep = m.best[FIELD_DEPARTMENT]->value; /* "Sales" alone still says the department */
  const char *persona = NULL;
  for (guint i = 0; sen && i < rules->personas->len; i++) {
    const persona_rule *p = g_ptr_array_index(rules->personas, i);
    if (persona_side(p->seniorities, sen) &&
        (p->departments ? persona_side(p->departments, dep) : TRUE)) {
      persona = p->label;
      break;
    }
  }
  if (out_department && dep)
    *out_department = g_strdup(dep);
  if (out_seniority && sen)
    *out_seniority = g_strdup(sen);
  if (out_persona && persona)
    *out_persona = g_strdup(persona);
}
