/* name.c - FirstName and LastName from a display name or CN (R4). */
#include "extract/name.h"

#include "extract/namewords.h"
#include "extract/title.h"

#include <string.h>

#define MAX_DISPLAY 1024 /* longer text is no person's name */

static const char *const suffixes[] = {"jr", "sr", "ii", "iii", "phd", "md", "mba", NULL};
/* Suffixes also written with inner periods (Ph.D., M.D., M.B.A.); "J.R." is
 * a pair of initials far more often than Jr, so Jr and Sr are not here. */
static const char *const dotted_suffixes[] = {"phd", "md", "mba", NULL};
/* R4: generational words stay with the surname; compared casefolded. */
static const char *const generational[] = {"junior", "júnior", "filho", "neto", "sobrinho", NULL};
/* R4: words a Notes or Exchange gateway puts beside a mailbox's name. */
static const char *const system_words[] = {"notes", "mail", "exchange", NULL};

/* Words of a team or role mailbox ("Contoso Alerts", "Customer Service").
 * The weak ones are also surnames (Steve Jobs), so they count only when a
 * strong one is there too or every word is a role word. */
static const char *const role_strong[] = {"team",
                                          "support",
                                          "sales",
                                          "info",
                                          "alert",
                                          "alerts",
                                          "notification",
                                          "notifications",
                                          "billing",
                                          "accounts",
                                          "payable",
                                          "receivable",
                                          "noreply",
                                          "no-reply",
                                          "donotreply",
                                          "do-not-reply",
                                          "admin",
                                          "helpdesk",
                                          "newsletter",
                                          "marketing",
                                          "hr",
                                          "careers",
                                          "customer",
                                          "customers",
                                          "feedback",
                                          "announcement",
                                          "announcements",
                                          "relations",
                                          "resources",
                                          "committee",
                                          NULL};
static const char *const role_weak[] = {"service", "services", "desk",     "office", "jobs",
                                        "contact", "hello",    "security", "orders", "the",
                                        "general", "human",    "public",   NULL};

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

/* R4: honorifics and particles are data/name_words.tsv's, which signatures
 * read too (namewords.h). */
static gboolean is_honorific(const char *word)
{
  return kith_name_is_honorific(word);
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
  return kith_name_is_particle(word);
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
  case G_UNICODE_FORMAT: /* zero-width joiners in emoji sequences */ return TRUE;
  default: return c >= 0x1F000 || (c >= 0x2600 && c <= 0x27BF) || (c >= 0xFE00 && c <= 0xFE0F);
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

/* --- letter case (R4) --- */

/* TRUE when WORD is in capitals: no small letter, but for a "Mc" before
 * capitals ("McFARLING"). Sets *LATIN to FALSE on a letter of another
 * script, which R4 never re-cases. */
static gboolean in_capitals(const char *word, gboolean *latin)
{
  const char *p = word;
  if (g_str_has_prefix(p, "Mc") && g_unichar_isupper(g_utf8_get_char(p + 2)))
    p += 2;
  for (; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!g_unichar_isalpha(c))
      continue;
    GUnicodeScript script = g_unichar_get_script(c);
    if (script != G_UNICODE_SCRIPT_LATIN && script != G_UNICODE_SCRIPT_COMMON &&
        script != G_UNICODE_SCRIPT_INHERITED)
      *latin = FALSE;
    if (g_unichar_islower(c))
      return FALSE;
  }
  return TRUE;
}

/* R4: a name is re-cased only when every word is in capitals, in Latin
 * letters; any word in mixed or small letters keeps it as written. */
static gboolean wants_recase(GPtrArray *words)
{
  gboolean latin = TRUE;
  for (guint i = 0; i < words->len; i++)
    if (!in_capitals(g_ptr_array_index(words, i), &latin))
      return FALSE;
  return latin && words->len > 0;
}

/* R4's capitalisation of one word: first letter capital, the rest small,
 * and a capital again after "Mc", "O'", "D'" and a hyphen. */
static char *recase_word(const char *word)
{
  g_autofree char *low = g_utf8_strdown(word, -1);
  GString *out = g_string_sized_new(strlen(low));
  gboolean cap = TRUE;
  guint part_len = 0; /* letters since the start of this part */
  gunichar first = 0; /* of this part */
  for (const char *p = low; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    g_string_append_unichar(out, cap ? g_unichar_totitle(c) : c);
    cap = FALSE;
    if (c == '-') {
      cap = TRUE;
      part_len = 0;
      continue;
    }
    if (is_single_quote(c) && part_len == 1 && (first == 'o' || first == 'd')) {
      cap = TRUE;
      continue;
    }
    if (part_len++ == 0)
      first = c;
    if (part_len == 2 && g_str_has_suffix(out->str, "Mc") && g_utf8_get_char(g_utf8_next_char(p)))
      cap = TRUE;
  }
  return g_string_free(out, FALSE);
}

/* Joins WORDS[FROM..TO) with spaces; in LastName particles before the final
 * word are lower-cased when re-casing ("VAN DER BERG" -> "van der Berg"). */
static char *join_words(GPtrArray *words, guint from, guint to, gboolean recase, gboolean is_last)
{
  GString *out = g_string_new(NULL);
  for (guint i = from; i < to; i++) {
    const char *w = g_ptr_array_index(words, i);
    if (out->len)
      g_string_append_c(out, ' ');
    if (!recase)
      g_string_append(out, w);
    else {
      gboolean particle = is_last && i + 1 < to && is_particle(w);
      g_autofree char *r = particle ? g_utf8_strdown(w, -1) : recase_word(w);
      g_string_append(out, r);
    }
  }
  return g_string_free(out, FALSE);
}

/* --- what mail systems add around a name (R4) --- */

/* An X.500 name inside angle brackets, from P (after the '<') to END:
 * "/O=ENRON/OU=NA/CN=RECIPIENTS/CN=LKITCHEN". */
static gboolean is_x500(const char *p, const char *end)
{
  if (p >= end || *p != '/')
    return FALSE;
  const char *s = ++p;
  while (p < end && g_ascii_isalpha(*p))
    p++;
  return p > s && p < end && *p == '=';
}

/* A Notes address inside angle brackets: a name, its path and a Notes
 * domain ("Bob M Hall/NA/Enron@ENRON"). */
static gboolean is_notes_address(const char *p, const char *end)
{
  const char *slash = memchr(p, '/', end - p);
  const char *at = slash ? memchr(slash, '@', end - slash) : NULL;
  return slash && slash > p && at;
}

/* Removes the X.500 and Notes addresses Exchange and Notes put in angle
 * brackets after a name; other brackets stay, so markup is still seen. */
static char *drop_system_addresses(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  for (const char *p = s; *p;) {
    const char *close = *p == '<' ? strchr(p, '>') : NULL;
    const char *end = close ? close : p + strlen(p);
    if (*p == '<' && (is_x500(p + 1, end) || is_notes_address(p + 1, end))) {
      g_string_append_c(out, ' ');
      p = close ? close + 1 : end;
      continue;
    }
    g_string_append_c(out, *p++);
  }
  return g_string_free(out, FALSE);
}

/* R4: everything from the first '/' on is a Lotus Notes path
 * ("Paul Drexelius/CES/ColumbiaGas"). A slash inside the first word that
 * a space follows joins two given names of one mailbox ("Barbara/Kim
 * Jones"): the second given name goes, the surname stays. */
static void cut_notes_path(char *text)
{
  char *slash = strchr(text, '/');
  if (!slash)
    return;
  const char *first = text + strspn(text, " \"'");
  gboolean in_first_word = slash > first && !memchr(first, ' ', slash - first) &&
                           !memchr(first, ',', slash - first);
  char *space = strchr(slash, ' ');
  if (in_first_word && space && !strpbrk(slash + 1, "/@")) {
    memmove(slash, space, strlen(space) + 1);
    return;
  }
  *slash = '\0';
}

/* A Notes domain or an address book's company after a name ("Steven J
 * Kean@EES", "Amirault, Paul@AEC"): one '@', a name with a space or a
 * comma before it (no local part has either), and after it no dot, so it
 * is no mail domain. It is cut off; an address stays whole and names no
 * one. */
static void cut_notes_domain(char *text)
{
  char *at = strchr(text, '@');
  if (!at || strchr(at + 1, '@'))
    return;
  const char *head = text + strspn(text, " \"'");
  const char *head_end = at;
  while (head_end > head && head_end[-1] == ' ')
    head_end--;
  if (!memchr(head, ' ', head_end - head) && !memchr(head, ',', head_end - head))
    return;
  gboolean alnum = FALSE;
  for (const char *p = at + 1; *p; p++) {
    if (!g_ascii_isalnum(*p) && !((guchar)*p & 0x80) && !strchr(" _-&'\"", *p))
      return;
    alnum = alnum || g_ascii_isalnum(*p) || ((guchar)*p & 0x80);
  }
  if (alnum)
    *at = '\0';
}

/* R4: a trailing " - CODE" after "Last, First", CODE one word of capitals
 * and digits ("Cherry, Brian - TPBKC", "Suwara, J.- TPJUS"), is dropped. */
static void cut_code(char *text)
{
  char *comma = strchr(text, ',');
  char *dash = strrchr(text, '-');
  if (!comma || !dash || dash < comma)
    return;
  const char *code = dash + 1 + strspn(dash + 1, " ");
  gboolean spaced = code > dash + 1 || (dash > text && dash[-1] == ' ');
  gsize n = strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  gboolean letter = FALSE;
  for (gsize i = 0; i < n; i++)
    letter = letter || g_ascii_isalpha(code[i]);
  if (spaced && letter && n >= 2 && code[n + strspn(code + n, " ")] == '\0')
    *dash = '\0';
}

/* "Jane Doe | Contoso", "Jane Doe - Contoso": what follows a spaced
 * separator names a company or a team, not the person. A dash glued to the
 * name ("Ken Lay- Chairman of the Board") counts when a job title follows. */
static void cut_separators(char *text)
{
  static const char *const seps[] = {" | ", " - ", " \u2013 ", " \u2014 ", " / ", " @ ", NULL};
  for (const char *const *sep = seps; *sep; sep++) {
    char *at = strstr(text, *sep);
    if (at && at != text)
      *at = '\0';
  }
  for (char *dash = strstr(text, "- "); dash; dash = strstr(dash + 1, "- "))
    if (dash > text && dash[-1] != ' ' && kith_title_is_title(NULL, dash + 2)) {
      *dash = '\0';
      return;
    }
}

/* S's letters and digits, casefolded, for comparing a name with a local
 * part "ignoring its punctuation". */
static char *squeeze(const char *s, gssize len)
{
  g_autofree char *folded = g_utf8_casefold(s, len);
  GString *out = g_string_sized_new(strlen(folded));
  for (const char *p = folded; *p; p = g_utf8_next_char(p))
    if (g_unichar_isalnum(g_utf8_get_char(p)))
      g_string_append_unichar(out, g_utf8_get_char(p));
  return g_string_free(out, FALSE);
}

/* R4: TRUE when TEXT, once the words "notes", "mail" and "exchange" and
 * the punctuation around words are gone, is one word equal to EMAIL's
 * local part, any case and ignoring punctuation ("NOTES -PDREXEL *" for
 * pdrexel@, "clint.dean" for clint.dean@): a mailbox, not a name. */
static gboolean is_mailbox_name(const char *text, const char *email)
{
  const char *at = email ? strrchr(email, '@') : NULL;
  if (!at || at == email)
    return FALSE;
  g_auto(GStrv) parts = g_strsplit(text, " ", -1);
  const char *only = NULL, *any = NULL;
  guint others = 0, words = 0;
  for (char **p = parts; *p; p++) {
    g_autofree char *word = clean_word(*p);
    if (!word)
      continue;
    words++;
    any = *p;
    if (matches_list(system_words, word))
      continue;
    others++;
    only = *p;
  }
  /* "Mail" alone for mail@ is that mailbox too */
  if (others == 0 && words == 1)
    only = any;
  else if (others != 1)
    return FALSE;
  g_autofree char *local = squeeze(email, at - email);
  g_autofree char *mine = squeeze(only, -1);
  return *mine && strcmp(local, mine) == 0;
}

/* --- first and last --- */

static gboolean is_generational(const char *word)
{
  g_autofree char *folded = g_utf8_casefold(word, -1);
  return in_list(generational, folded);
}

/* One letter, with or without a period: "B.", "W". */
static gboolean is_initial(const char *word)
{
  gunichar c = g_utf8_get_char(word);
  const char *rest = g_utf8_next_char(word);
  return g_unichar_isalpha(c) && (!*rest || strcmp(rest, ".") == 0);
}

/* A given name: two letters or more and no period ("David", not "R."). */
static gboolean is_given_name(const char *word)
{
  return g_utf8_strlen(word, -1) >= 2 && !strchr(word, '.') && !is_particle(word);
}

/* How many words of FIRST make the FirstName: R4 takes the first word, or
 * an initial and the given name after it ("B. David") when that name
 * stands before the LastName, which starts at word LIMIT. */
static guint first_name_len(GPtrArray *first, guint limit)
{
  if (limit >= 2 && is_initial(g_ptr_array_index(first, 0)) &&
      is_given_name(g_ptr_array_index(first, 1)))
    return 2;
  return 1;
}

/* Where the LastName starts in WORDS, a name without a comma: the last
 * word with the particles before it; a generational word brings the
 * surname before it along (R4). Never the first word. */
static guint last_name_start(GPtrArray *words)
{
  guint from = words->len - 1;
  if (from > 1 && is_generational(g_ptr_array_index(words, from)))
    from--;
  while (from > 1 && is_particle(g_ptr_array_index(words, from - 1)))
    from--;
  return from;
}

static char *segment_text(GPtrArray *seg)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < seg->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", (char *)g_ptr_array_index(seg, i));
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The display name's text once what mail systems add is gone, or NULL when
 * it names no one: an address, markup, a mailbox's own name. */
static char *name_text(const char *display, const char *email)
{
  g_autofree char *valid = g_utf8_make_valid(display, -1);
  g_autofree char *text = drop_system_addresses(valid);
  cut_notes_path(text);
  cut_notes_domain(text);
  if (strchr(text, '@'))
    return NULL;
  g_autofree char *unbracketed = drop_brackets(text);
  char *plain = drop_quotes(unbracketed);
  /* R4: markup ("<script>x</script>", a quoted "<b>Jane</b>") is no one's
   * name, and what it hides should not reach a CRM record either. A '_'
   * is in list and mailbox names ("All_ENA_EGM_EIM"), never in a person's,
   * and "DL-" opens an Exchange distribution list's. */
  if (strpbrk(plain, "<>_") || g_str_has_prefix(plain + strspn(plain, " "), "DL-")) {
    g_free(plain);
    return NULL;
  }
  cut_code(plain);
  cut_separators(plain);
  if (is_mailbox_name(plain, email)) {
    g_free(plain);
    return NULL;
  }
  return plain;
}

static gboolean parse(const char *display, const char *email, char **out_first, char **out_last)
{
  if (!display || strnlen(display, MAX_DISPLAY + 1) > MAX_DISPLAY)
    return FALSE;
  g_autofree char *text = name_text(display, email);
  if (!text)
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
     * owner wrote it; FirstName comes from the words after it. */
    GPtrArray *last = g_ptr_array_index(segs, 0);
    GPtrArray *first = g_ptr_array_index(segs, 1);
    *out_first = join_words(first, 0, first_name_len(first, first->len), recase, FALSE);
    *out_last = join_words(last, 0, last->len, recase, TRUE);
    return TRUE;
  }

  if (words->len == 1) {
    *out_first = join_words(words, 0, 1, recase, FALSE);
    return TRUE;
  }
  guint from = last_name_start(words);
  *out_first = join_words(words, 0, first_name_len(words, from), recase, FALSE);
  *out_last = join_words(words, from, words->len, recase, TRUE);
  return TRUE;
}

void kith_name_recase(char **first, char **last)
{
  g_return_if_fail(first != NULL && last != NULL);
  gboolean valid = (!*first || g_utf8_validate(*first, -1, NULL)) &&
                   (!*last || g_utf8_validate(*last, -1, NULL));
  if (!valid)
    return; /* not text R4 can read: kept as it is */
  g_auto(GStrv) fw = g_strsplit(*first ? *first : "", " ", -1);
  g_auto(GStrv) lw = g_strsplit(*last ? *last : "", " ", -1);
  g_autoptr(GPtrArray) words = g_ptr_array_new();
  for (char **w = fw; *w; w++)
    if (**w)
      g_ptr_array_add(words, *w);
  guint n_first = words->len;
  for (char **w = lw; *w; w++)
    if (**w)
      g_ptr_array_add(words, *w);
  if (!wants_recase(words))
    return;
  if (*first) {
    g_free(*first);
    *first = join_words(words, 0, n_first, TRUE, FALSE);
  }
  if (*last) {
    g_free(*last);
    *last = join_words(words, n_first, words->len, TRUE, TRUE);
  }
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

gboolean kith_name_parse(const char *display, const char *email, char **out_first, char **out_last)
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
