/* name.c - FirstName and LastName from a display name or CN (R4). */
#include "extract/name.h"

#include "extract/title.h"

#include <string.h>

#define MAX_DISPLAY 1024 /* longer text is no person's name */

static const char *const honorifics[] = {"mr", "ms", "mrs", "dr", "prof", NULL};
static const char *const suffixes[] = {"jr", "sr", "ii", "iii", "phd", "md", "mba", NULL};
/* Suffixes also written with inner periods (Ph.D., M.D., M.B.A.); "J.R." is
 * a pair of initials far more often than Jr, so Jr and Sr are not here. */
static const char *const dotted_suffixes[] = {"phd", "md", "mba", NULL};
static const char *const particles[] = {"van", "von", "de", "da", "del", "der",
                                        "di",  "du",  "la", "le", NULL};

/* Words of a team or role mailbox ("Contoso Alerts", "Customer Service").
 * The weak ones are also surnames (Steve Jobs), so they count only when a
 * strong one is there too or every word is a role word. */
static const char *const role_strong[] = {
    "team", "support", "sales", "info", "alert", "alerts", "notification",
    "notifications", "billing", "accounts", "payable", "receivable", "noreply",
    "no-reply", "donotreply", "do-not-reply", "admin", "helpdesk", "newsletter",
    "marketing", "hr", "careers", "customer", "customers", "feedback", NULL};
static const char *const role_weak[] = {"service", "services", "desk", "office", "jobs",
                                        "contact", "hello", "security", "orders", "the",
                                        NULL};

static gboolean in_list(const char *const *list, const char *word)
{
  for (; *list; list++)
    if (g_ascii_strcasecmp(*list, word) == 0)
      return TRUE;
  return FALSE;
}

/* WORD without one final period, for matching titles "with or without a
 * final period". */
static gboolean matches_list(const char *const *list, const char *word)
{
  gsize n = strlen(word);
  if (n > 1 && word[n - 1] == '.') {
    g_autofree char *bare = g_strndup(word, n - 1);
    return in_list(list, bare);
  }
  return in_list(list, word);
}

static gboolean is_honorific(const char *word)
{
  return matches_list(honorifics, word);
}

static gboolean is_suffix(const char *word)
{
  if (matches_list(suffixes, word))
    return TRUE;
  if (!strchr(word, '.'))
    return FALSE;
  GString *bare = g_string_new(NULL);
  for (const char *p = word; *p; p++)
    if (*p != '.')
      g_string_append_c(bare, *p);
  gboolean hit = in_list(dotted_suffixes, bare->str);
  g_string_free(bare, TRUE);
  return hit;
}

static gboolean is_particle(const char *word)
{
  return in_list(particles, word);
}

static gboolean is_space(gunichar c)
{
  return g_unichar_isspace(c) || g_unichar_iscntrl(c);
}

/* Drops text in (…) and […], nested or left open, with the brackets. */
static char *drop_brackets(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  int depth = 0;
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == '(' || c == '[') {
      depth++;
      g_string_append_c(out, ' ');
    } else if (c == ')' || c == ']') {
      if (depth > 0)
        depth--;
      g_string_append_c(out, ' ');
    } else if (depth == 0) {
      g_string_append_unichar(out, is_space(c) ? ' ' : c);
    }
  }
  return g_string_free(out, FALSE);
}

static gboolean is_double_quote(gunichar c)
{
  return c == '"' || c == 0x201C || c == 0x201D;
}

static gboolean is_single_quote(gunichar c)
{
  return c == '\'' || c == 0x2018 || c == 0x2019;
}

/* A word edge for quote removal: nothing, space, comma or another quote. */
static gboolean is_edge(gunichar c)
{
  return c == 0 || c == ' ' || c == ',' || is_double_quote(c) || is_single_quote(c);
}

/* Removes quote characters and keeps the text between them. A single quote
 * stays when it sits inside a word: that is an apostrophe (O'Brien). */
static char *drop_quotes(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  gunichar prev = 0;
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    gunichar next = g_utf8_get_char(g_utf8_next_char(p));
    gboolean drop = is_double_quote(c) || (is_single_quote(c) && (is_edge(prev) || is_edge(next)));
    g_string_append_unichar(out, drop ? ' ' : c);
    prev = c;
  }
  return g_string_free(out, FALSE);
}

/* Punctuation, and the emoji and dingbats people put beside their names;
 * other symbols stay, as mis-decoded names (AndrÃ©) hold some. */
static gboolean is_trimmed(gunichar c)
{
  if (c < 0x80)
    return g_ascii_ispunct(c);
  switch (g_unichar_type(c)) {
  case G_UNICODE_DASH_PUNCTUATION:
  case G_UNICODE_OPEN_PUNCTUATION:
  case G_UNICODE_CLOSE_PUNCTUATION:
  case G_UNICODE_INITIAL_PUNCTUATION:
  case G_UNICODE_FINAL_PUNCTUATION:
  case G_UNICODE_OTHER_PUNCTUATION:
  case G_UNICODE_FORMAT: /* zero-width joiners in emoji sequences */
    return TRUE;
  default:
    return c >= 0x1F000 || (c >= 0x2600 && c <= 0x27BF) || (c >= 0xFE00 && c <= 0xFE0F);
  }
}

/* Trims punctuation and emoji ('|', '-', '😊') from both ends of WORD; a
 * final period stays (initials, "St."). NULL when no letter is left. */
static char *clean_word(const char *word)
{
  const char *start = word;
  while (*start && is_trimmed(g_utf8_get_char(start)))
    start = g_utf8_next_char(start);
  const char *end = start + strlen(start);
  while (end > start) {
    const char *last = g_utf8_find_prev_char(start, end);
    gunichar c = g_utf8_get_char(last);
    if (c == '.' || !is_trimmed(c))
      break;
    end = last;
  }
  for (const char *p = start; p < end; p = g_utf8_next_char(p))
    if (g_unichar_isalpha(g_utf8_get_char(p)))
      return g_strndup(start, end - start);
  return NULL;
}

/* Splits S into words, with "," entries where a comma stood. */
static GPtrArray *tokenize(const char *s)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func(g_free);
  const char *p = s;
  while (*p) {
    if (*p == ' ' || *p == ';') {
      p++;
      continue;
    }
    if (*p == ',') {
      g_ptr_array_add(tokens, g_strdup(","));
      p++;
      continue;
    }
    gsize n = strcspn(p, " ,;");
    g_autofree char *raw = g_strndup(p, n);
    char *word = clean_word(raw);
    if (word)
      g_ptr_array_add(tokens, word);
    p += n;
  }
  return tokens;
}

static gboolean is_comma(const char *token)
{
  return strcmp(token, ",") == 0;
}

/* R4: "via …" and "on behalf of …" are not part of a person's name. */
static void cut_via(GPtrArray *tokens)
{
  for (guint i = 0; i < tokens->len; i++) {
    const char *t = g_ptr_array_index(tokens, i);
    gboolean behalf = i + 2 < tokens->len && g_ascii_strcasecmp(t, "on") == 0 &&
                      g_ascii_strcasecmp(g_ptr_array_index(tokens, i + 1), "behalf") == 0 &&
                      g_ascii_strcasecmp(g_ptr_array_index(tokens, i + 2), "of") == 0;
    if (g_ascii_strcasecmp(t, "via") == 0 || behalf) {
      g_ptr_array_set_size(tokens, i);
      return;
    }
  }
}

/* Drops honorifics anywhere and suffixes anywhere but in the first word: a
 * suffix never opens a name, and "Md" opens many (Md Rahman). */
static void drop_titles(GPtrArray *tokens)
{
  gboolean seen_word = FALSE;
  for (guint i = 0; i < tokens->len;) {
    const char *t = g_ptr_array_index(tokens, i);
    if (is_comma(t)) {
      i++;
      continue;
    }
    if (is_honorific(t)) {
      g_ptr_array_remove_index(tokens, i);
      continue;
    }
    if (seen_word && i + 1 < tokens->len && g_ascii_strcasecmp(t, "ph.") == 0 &&
        g_ascii_strcasecmp(g_ptr_array_index(tokens, i + 1), "d.") == 0) {
      g_ptr_array_remove_range(tokens, i, 2); /* "Ph. D." */
      continue;
    }
    if (seen_word && is_suffix(t)) {
      g_ptr_array_remove_index(tokens, i);
      continue;
    }
    seen_word = TRUE;
    i++;
  }
}

/* Groups the words between commas, leaving out empty groups. */
static GPtrArray *segments_of(GPtrArray *tokens)
{
  GPtrArray *segs = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  GPtrArray *cur = NULL;
  for (guint i = 0; i < tokens->len; i++) {
    const char *t = g_ptr_array_index(tokens, i);
    if (is_comma(t)) {
      cur = NULL;
      continue;
    }
    if (!cur) {
      cur = g_ptr_array_new();
      g_ptr_array_add(segs, cur);
    }
    g_ptr_array_add(cur, (gpointer)t);
  }
  return segs;
}

/* TRUE when WORDS name a mailbox's role rather than a person: every word is
 * a role word except at most one (the company), and a strong one is there. */
static gboolean is_role_name(GPtrArray *words)
{
  guint other = 0, strong = 0, weak = 0;
  for (guint i = 0; i < words->len; i++) {
    const char *w = g_ptr_array_index(words, i);
    if (matches_list(role_strong, w))
      strong++;
    else if (matches_list(role_weak, w))
      weak++;
    else
      other++;
  }
  if (strong + weak == 0)
    return FALSE;
  return other == 0 || (other == 1 && strong > 0);
}

/* TRUE when the name's letters are all upper- or all lower-case Latin, the
 * only case R4 re-cases; other scripts and mixed case stay as written. */
static gboolean wants_recase(GPtrArray *words)
{
  gboolean upper = FALSE, lower = FALSE;
  for (guint i = 0; i < words->len; i++)
    for (const char *p = g_ptr_array_index(words, i); *p; p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      if (!g_unichar_isalpha(c))
        continue;
      GUnicodeScript script = g_unichar_get_script(c);
      if (script != G_UNICODE_SCRIPT_LATIN && script != G_UNICODE_SCRIPT_COMMON &&
          script != G_UNICODE_SCRIPT_INHERITED)
        return FALSE;
      if (g_unichar_isupper(c) || g_unichar_istitle(c))
        upper = TRUE;
      else if (g_unichar_islower(c))
        lower = TRUE;
    }
  return upper != lower;
}

/* The usual capitalisation of one word: each hyphenated part capitalised,
 * "Mc" followed by a capital, a capital after a one-letter "O'" or "D'". */
static char *recase_word(const char *word)
{
  g_autofree char *low = g_utf8_strdown(word, -1);
  GString *out = g_string_sized_new(strlen(low));
  gboolean cap = TRUE;
  guint part_len = 0; /* letters since the start of this part */
  for (const char *p = low; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    g_string_append_unichar(out, cap ? g_unichar_totitle(c) : c);
    cap = FALSE;
    if (c == '-') {
      cap = TRUE;
      part_len = 0;
      continue;
    }
    if (is_single_quote(c) && part_len == 1) {
      cap = TRUE;
      continue;
    }
    part_len++;
    if (part_len == 2 && g_str_has_suffix(out->str, "Mc") && g_utf8_get_char(g_utf8_next_char(p)))
      cap = TRUE;
  }
  return g_string_free(out, FALSE);
}

/* Joins WORDS[FROM..] with spaces; in LastName particles before the final
 * word are lower-cased when re-casing ("VAN DER BERG" -> "van der Berg"). */
static char *join_words(GPtrArray *words, guint from, gboolean recase, gboolean is_last)
{
  GString *out = g_string_new(NULL);
  for (guint i = from; i < words->len; i++) {
    const char *w = g_ptr_array_index(words, i);
    if (out->len)
      g_string_append_c(out, ' ');
    if (!recase)
      g_string_append(out, w);
    else {
      gboolean particle = is_last && i + 1 < words->len && is_particle(w);
      g_autofree char *r = particle ? g_utf8_strdown(w, -1) : recase_word(w);
      g_string_append(out, r);
    }
  }
  return g_string_free(out, FALSE);
}

/* TRUE when DISPLAY, stripped of quotes, is just the local part of EMAIL
 * ("jdoe" for jdoe@x.com): that is a mailbox, not a name. */
static gboolean is_local_part(const char *text, const char *email)
{
  const char *at = email ? strrchr(email, '@') : NULL;
  if (!at || at == email)
    return FALSE;
  g_autofree char *local = g_utf8_casefold(email, at - email);
  g_autofree char *trimmed = g_strstrip(g_strdup(text));
  g_autofree char *mine = g_utf8_casefold(trimmed, -1);
  return strcmp(local, mine) == 0;
}

/* "Jane Doe | Contoso", "Jane Doe - Contoso": what follows a spaced
 * separator names a company or a team, not the person. */
static void cut_separators(char *text)
{
  static const char *const seps[] = {" | ", " - ", " \u2013 ", " \u2014 ", " / ", " @ ", NULL};
  for (const char *const *sep = seps; *sep; sep++) {
    char *at = strstr(text, *sep);
    if (at && at != text)
      *at = '\0';
  }
}

static char *segment_text(GPtrArray *seg)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < seg->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", (char *)g_ptr_array_index(seg, i));
  return g_string_free(g_steal_pointer(&s), FALSE);
}

static gboolean parse(const char *display, const char *email, char **out_first, char **out_last)
{
  if (!display || strnlen(display, MAX_DISPLAY + 1) > MAX_DISPLAY || strchr(display, '@'))
    return FALSE;
  g_autofree char *valid = g_utf8_make_valid(display, -1);
  g_autofree char *unbracketed = drop_brackets(valid);
  g_autofree char *text = drop_quotes(unbracketed);
  /* R4: markup ("<script>x</script>", a quoted "<b>Jane</b>") is no one's
   * name, and what it hides should not reach a CRM record either. */
  if (strpbrk(text, "<>"))
    return FALSE;
  cut_separators(text);
  if (is_local_part(text, email))
    return FALSE;

  g_autoptr(GPtrArray) tokens = tokenize(text);
  cut_via(tokens);
  drop_titles(tokens);
  g_autoptr(GPtrArray) segs = segments_of(tokens);
  if (segs->len == 0)
    return FALSE;
  if (segs->len >= 2) {
    /* "Jane Doe, CEO": a job title after the comma, not "Last, First". */
    g_autofree char *after = segment_text(g_ptr_array_index(segs, 1));
    if (kith_title_is_title(kith_title_rules_default(), after))
      g_ptr_array_set_size(segs, 1);
  }

  g_autoptr(GPtrArray) words = g_ptr_array_new();
  for (guint i = 0; i < segs->len; i++)
    g_ptr_array_extend(words, g_ptr_array_index(segs, i), NULL, NULL);
  if (is_role_name(words))
    return FALSE;
  gboolean recase = wants_recase(words);

  if (segs->len >= 2) {
    /* "Last, First": what stands before the comma is the LastName as its
     * owner wrote it; FirstName is the first word after it. */
    GPtrArray *last = g_ptr_array_index(segs, 0);
    GPtrArray *first = g_ptr_array_index(segs, 1);
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, g_ptr_array_index(first, 0));
    *out_first = join_words(one, 0, recase, FALSE);
    *out_last = join_words(last, 0, recase, TRUE);
    return TRUE;
  }

  g_autoptr(GPtrArray) first = g_ptr_array_new();
  g_ptr_array_add(first, g_ptr_array_index(words, 0));
  *out_first = join_words(first, 0, recase, FALSE);
  if (words->len == 1)
    return TRUE;
  /* The last word takes the particles before it, never the first word. */
  guint from = words->len - 1;
  while (from > 1 && is_particle(g_ptr_array_index(words, from - 1)))
    from--;
  *out_last = join_words(words, from, recase, TRUE);
  return TRUE;
}

/* A mailbox names the same few people over and over: each thread keeps the
 * parses it made, up to NAME_CACHE_MAX of them (then starts afresh), keyed
 * by the display name and the address (which a name may merely repeat). */
#define NAME_CACHE_MAX 2048

typedef struct {
  char *first, *last;
  gboolean found;
} cached_name;

static void cached_name_free(gpointer p)
{
  cached_name *c = p;
  g_free(c->first);
  g_free(c->last);
  g_free(c);
}

static GPrivate cache_key = G_PRIVATE_INIT((GDestroyNotify)g_hash_table_unref);

gboolean kith_name_parse(const char *display, const char *email,
                         char **out_first, char **out_last)
{
  g_return_val_if_fail(out_first != NULL && out_last != NULL, FALSE);
  *out_first = NULL;
  *out_last = NULL;
  if (!display || !*display)
    return FALSE;
  GHashTable *cache = g_private_get(&cache_key);
  if (!cache) {
    cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_name_free);
    g_private_set(&cache_key, cache);
  }
  char *key = g_strconcat(display, "\x01", email ? email : "", NULL);
  cached_name *c = g_hash_table_lookup(cache, key);
  if (c) {
    g_free(key);
  } else {
    if (g_hash_table_size(cache) >= NAME_CACHE_MAX)
      g_hash_table_remove_all(cache);
    c = g_new0(cached_name, 1);
    c->found = parse(display, email, &c->first, &c->last);
    g_hash_table_insert(cache, key, c);
  }
  *out_first = g_strdup(c->first);
  *out_last = g_strdup(c->last);
  return c->found;
}
