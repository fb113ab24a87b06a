/* signature.c - Title, Phone, MailingCountry/State and a name from the signature (R4, R5). */
#include "extract/signature.h"

#include "extract/name.h"
#include "extract/phone.h"
#include "extract/reply.h"
#include "extract/signame.h"
#include "extract/sigloc.h"
#include "extract/sigtext.h"
#include "extract/title.h"
#include "util/data.h"
#include "util/text.h"

#include <string.h>

#define MAX_BLOCK 14 /* lines of a signature after the name line */
#define MAX_GAP 2    /* R5: blank lines between a closing and the name line */

/* Bytes kept of each field given: four for each character Salesforce's
 * Contact field holds, so no value it would take is cut. */
#define MAX_FIRST_NAME (4 * 40)
#define MAX_LAST_NAME (4 * 80)
#define MAX_TITLE (4 * 128)
#define MAX_PHONE (4 * 40)
#define MAX_PLACE (4 * 80) /* MailingCountry, MailingState */

/* The closings (data/sig_closings.txt), casefolded, read once. */
static GHashTable *closings(void)
{
  static gsize once = 0;
  static GHashTable *t;
  if (g_once_init_enter(&once)) {
    GHashTable *n = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) lines = kith_data_lines("sig_closings.txt");
    for (char **l = lines; *l; l++)
      g_hash_table_add(n, g_utf8_casefold(*l, -1));
    t = n;
    g_once_init_leave(&once, 1);
  }
  return t;
}

static const char *line_at(GPtrArray *lines, guint i)
{
  return i < lines->len ? g_ptr_array_index(lines, i) : "";
}

/* ---- the name line ---- */

static gboolean is_closing(const char *line)
{
  const char *s = line + strspn(line, " -");
  /* Casefolded: ASCII, the usual case, on the stack. */
  char buf[160];
  gsize len = strlen(s);
  gboolean ascii = len < sizeof buf;
  for (gsize i = 0; ascii && i < len; i++)
    ascii = !(s[i] & 0x80);
  g_autofree char *heap = ascii ? NULL : g_utf8_casefold(s, -1);
  char *f = heap;
  if (ascii) {
    for (gsize i = 0; i <= len; i++)
      buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
    f = buf;
  }
  g_strstrip(f);
  gsize n = strlen(f);
  while (n > 0 && strchr(",.!:;", f[n - 1]))
    f[--n] = '\0';
  return n > 0 && n < 40 && g_hash_table_contains(closings(), f);
}

/* The conventional "-- " line before a signature. */
static gboolean is_delimiter(const char *line)
{
  const char *s = line + strspn(line, " ");
  return g_str_has_prefix(s, "--") && kith_sigtext_blank(s + 2);
}

/* Strips decorations and a closing ("-- ", "- ", "Best, ") before a name. */
static gsize name_start(const char *line)
{
  gsize s = strspn(line, " -*~_>\xe2\x80\x93\x94");
  const char *comma = strchr(line + s, ',');
  if (comma && comma - line < 40) {
    g_autofree char *head = g_strndup(line + s, comma - line - s);
    if (is_closing(head))
      s = comma - line + 1;
  }
  return s;
}

static char *join_words(const kith_sigword *w, guint at, guint n)
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
  gint line;   /* index of the name line in the own text, -1 when none */
  gsize rest;  /* byte offset in that line after the name */
  char *first; /* the name as the line writes it */
  char *last;
} anchor;

static gboolean find_anchor(GPtrArray *own, const kith_signame_spec *s, anchor *a)
{
  for (gint i = (gint)own->len - 1; i >= 0; i--) {
    const char *line = line_at(own, i);
    if (kith_sigtext_blank(line) || strlen(line) > 120)
      continue;
    if (s->n_first && !kith_signame_may_match(s, line))
      continue;
    gsize from = name_start(line);
    kith_sigword w[16];
    guint n = kith_sigtext_split(line, from, w, 16);
    kith_signame_hit hit;
    gboolean ok = FALSE;
    if (n > 0 && n <= 14) {
      if (s->n_first)
        ok = kith_signame_match(s, line, w, n, &hit);
      else if (s->local)
        ok = kith_signame_match_local(s->local, w, n, &hit);
    }
    if (!ok && n > 0 && n <= 14 && s->n_first && s->n_last) {
      /* Two people sign together ("Paula Veil & Mark Sullivan"): the
       * sender's full name after one to three other name words and "&". */
      guint amp = 1;
      while (amp < n && amp < 3 && kith_signame_like(&w[amp - 1]) && !g_str_equal(w[amp].text, "&"))
        amp++;
      if (amp < n && g_str_equal(w[amp].text, "&") && kith_signame_like(&w[amp - 1])) {
        kith_sigword w2[16];
        guint n2 = kith_sigtext_split(line, w[amp].end, w2, 16);
        ok = n2 > 0 && kith_signame_match(s, line, w2, n2, &hit);
        if (ok) {
          a->line = i;
          a->rest = hit.rest;
          a->first = join_words(w2, hit.first_at, hit.first_n);
          a->last = join_words(w2, hit.last_at, hit.last_n);
        }
        kith_sigtext_clear(w2, n2);
        if (ok) {
          kith_sigtext_clear(w, n);
          return TRUE;
        }
      }
    }
    if (ok) {
      a->line = i;
      a->rest = hit.rest;
      a->first = join_words(w, hit.first_at, hit.first_n);
      a->last = join_words(w, hit.last_at, hit.last_n);
    }
    kith_sigtext_clear(w, n);
    if (ok)
      return TRUE;
  }
  return FALSE;
}

/* Does LINE hold EMAIL (any case) as a word of its own? */
static gboolean holds_address(const char *line, const char *email)
{
  gsize n = strlen(email);
  for (const char *p = line; *p; p++) {
    if (g_ascii_strncasecmp(p, email, n) != 0)
      continue;
    gboolean before = p == line || !(g_ascii_isalnum(p[-1]) || strchr("._%+-", p[-1]));
    gboolean after = !(g_ascii_isalnum(p[n]) || p[n] == '.' || p[n] == '-' || p[n] == '_');
    if (before && (after || (p[n] == '.' && !g_ascii_isalnum(p[n + 1]))))
      return TRUE;
  }
  return FALSE;
}

/* Line AT as an anchor when it is two or three name words ("Marcy
 * Brinegar"): the first word the first name, the rest (with particles such
 * as "van der") the last name. */
static gboolean name_line_anchor(GPtrArray *own, guint at, anchor *a)
{
  const char *line = line_at(own, at);
  kith_sigword w[8];
  guint n = kith_sigtext_split(line, strspn(line, " -"), w, 8);
  guint k = kith_signame_run(w, n, 0, FALSE);
  gboolean ok = k >= 2 && k <= 3 && kith_signame_run_ends(w, n, k);
  if (ok) {
    a->line = (gint)at;
    a->rest = w[k - 1].end;
    a->first = g_strdup(w[0].text);
    guint la = k - 1;
    while (la > 1 && kith_signame_is_particle(w[la - 1].key))
      la--;
    a->last = join_words(w, la, k - la);
  }
  kith_sigtext_clear(w, n);
  return ok;
}

/* A block that writes out the sender's own address is theirs: its first line,
 * when it is two or three name words, anchors it ("Marcy Brinegar" above
 * "brinconsult@aol.com"). Looked for in the last lines only. */
static gboolean find_anchor_by_address(GPtrArray *own, const char *email, anchor *a)
{
  if (!email || !strchr(email, '@'))
    return FALSE;
  guint stop = own->len > 40 ? own->len - 40 : 0;
  for (guint i = own->len; i-- > stop;) {
    if (!holds_address(line_at(own, i), email))
      continue;
    guint top = i;
    while (top > 0 && i - top < MAX_BLOCK && !kith_sigtext_blank(line_at(own, top - 1)))
      top--;
    if (top == i)
      return FALSE;
    return name_line_anchor(own, top, a);
  }
  return FALSE;
}

/* With no name from the display name or the address: the line after a
 * closing or a "-- " delimiter, when it is two or three name words. R5: up
 * to two blank lines may stand between them ("Thank you." and, two blank
 * lines below, "Mary S. Rembert"), not three. */
static gboolean find_anchor_after_closing(GPtrArray *own, anchor *a)
{
  for (gint i = (gint)own->len - 2; i >= 0; i--) {
    const char *l = line_at(own, i);
    if (!is_closing(l) && !is_delimiter(l))
      continue;
    guint at = (guint)i + 1;
    while (at < own->len && at - (guint)i <= MAX_GAP && kith_sigtext_blank(line_at(own, at)))
      at++;
    if (name_line_anchor(own, at, a))
      return TRUE;
  }
  return FALSE;
}

static char *org_label(const char *email)
{
  const char *at = email ? strchr(email, '@') : NULL;
  if (!at)
    return NULL;
  g_auto(GStrv) labels = g_strsplit(at + 1, ".", -1);
  for (char **l = labels; *l && l[1]; l++)
    if (!g_str_equal(*l, "mail") && !g_str_equal(*l, "www") && !g_str_equal(*l, "email"))
      return kith_sigtext_key(*l);
  return NULL;
}

/* The sender's first name alone on a line ("Mark"), directly followed by a
 * title line: the last such pair anchors the block when no full name does. */
static gboolean find_first_name_line(GPtrArray *own, const kith_signame_spec *s, const char *org,
                                     anchor *a)
{
  for (gint i = (gint)own->len - 2; i >= 0; i--) {
    const char *line = line_at(own, i);
    kith_sigword w[4];
    guint n = kith_sigtext_split(line, strspn(line, " -"), w, 4);
    gboolean ok = n == s->n_first &&
                  kith_signame_match_words(w, n, 0, (char **)s->first, s->n_first) == n;
    kith_sigtext_clear(w, n);
    if (!ok)
      continue;
    g_autofree char *title = kith_sigtext_clean_title(line_at(own, i + 1), org);
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

/* *FIELD as kith_text_clean makes it, NULL when nothing is left. */
static void clean_field(char **field, gsize max)
{
  if (!*field)
    return;
  char *clean = kith_text_clean(*field, max);
  g_free(*field);
  *field = clean;
  if (!*clean)
    g_clear_pointer(field, g_free);
}

/* R4, R5: every field is outside text bound for a CRM record and for
 * people's screens: no control character, no terminal escape (a Title
 * once carried ESC [ 31 m to the terminal), bounded. A name with markup
 * is none, as in the display name. */
static void clean_fields(kith_signature *sig)
{
  clean_field(&sig->first_name, MAX_FIRST_NAME);
  clean_field(&sig->last_name, MAX_LAST_NAME);
  clean_field(&sig->title, MAX_TITLE);
  clean_field(&sig->phone, MAX_PHONE);
  clean_field(&sig->country, MAX_PLACE);
  clean_field(&sig->state, MAX_PLACE);
  if ((sig->first_name && strpbrk(sig->first_name, "<>")) ||
      (sig->last_name && strpbrk(sig->last_name, "<>"))) {
    g_clear_pointer(&sig->first_name, g_free);
    g_clear_pointer(&sig->last_name, g_free);
  }
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
  g_autoptr(kith_reply) reply = kith_reply_parse(text);
  GPtrArray *own = reply->lines;

  kith_signame_spec spec;
  gboolean display_full = first && *first && last && *last;
  kith_signame_spec_init(&spec, first, last, email);

  anchor a = {-1, 0, NULL, NULL};
  gboolean found = (spec.n_first || spec.local) && find_anchor(own, &spec, &a);
  if (!found && !spec.from_display)
    found = find_anchor_after_closing(own, &a);
  g_autofree char *org = org_label(email);
  gboolean first_only = FALSE;
  if (!found && spec.n_first)
    first_only = found = find_first_name_line(own, &spec, org, &a);
  if (!found)
    found = find_anchor_by_address(own, email, &a);
  kith_signame_spec_clear(&spec);

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
    while (from < own->len && kith_sigtext_blank(line_at(own, from)))
      from++;
    anchor other = {-1, 0, NULL, NULL};
    g_autoptr(GPtrArray) probe = g_ptr_array_new();
    g_ptr_array_add(probe, (gpointer) "--");
    g_ptr_array_add(probe, (gpointer)line_at(own, from));
    gboolean someone = find_anchor_after_closing(probe, &other);
    g_free(other.first);
    g_free(other.last);
    if (someone)
      return sig;
  }
  /* The block: up to MAX_BLOCK lines, ending at prose, a closing or a gap. */
  guint gap = 0;
  for (to = from; to < own->len && to - from < MAX_BLOCK; to++) {
    const char *l = line_at(own, to);
    gap = kith_sigtext_blank(l) ? gap + 1 : 0;
    if (gap >= 3 || prose(l) || is_closing(l))
      break;
  }

  if (found) {
    const char *line = line_at(own, a.line);
    char *title = a.rest < strlen(line) ? kith_sigtext_clean_title(line + a.rest, org) : NULL;
    if (!title && from < to && !kith_sigtext_blank(line_at(own, from)))
      title = kith_sigtext_clean_title(line_at(own, from), org);
    sig->title = title;
    if (!display_full && !first_only) {
      sig->first_name = g_steal_pointer(&a.first);
      sig->last_name = g_steal_pointer(&a.last);
      /* R5: a name line in capitals is re-cased as R4 says */
      kith_name_recase(&sig->first_name, &sig->last_name);
    }
  }
  g_free(a.first);
  g_free(a.last);

  kith_sigloc_place p = {0};
  kith_sigloc_read_block(own, from, to, NULL, &p);
  const char *cc = kith_sigloc_default_cc(&p, email);
  kith_phone_hit ph = {NULL, NULL, NULL, KITH_PHONE_NONE};
  if (found && a.rest < strlen(line_at(own, a.line)))
    kith_phone_scan(line_at(own, a.line) + a.rest, cc, &ph);
  for (guint i = from; i < to; i++)
    kith_phone_scan(line_at(own, i), cc, &ph);
  sig->phone = ph.number;

  if (ph.country && p.ambiguous) { /* "Toronto, CA" reads otherwise with a Canadian phone */
    g_clear_pointer(&p.state, g_free);
    p = (kith_sigloc_place){0};
    kith_sigloc_read_block(own, from, to, ph.country, &p);
  }
  const char *country = p.country ? p.country : ph.country;
  if (country) {
    sig->country = g_strdup(kith_sigloc_country_name(country));
    if (p.state)
      sig->state = g_steal_pointer(&p.state);
    else if (ph.state && ph.country && g_str_equal(ph.country, country))
      sig->state = g_strdup(ph.state);
  }
  g_free(p.state);
  g_free(ph.country);
  g_free(ph.state);
  clean_fields(sig);
  return sig;
}
