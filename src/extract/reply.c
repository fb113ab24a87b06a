/* reply.c - the part of an email body its sender wrote: no quotes, forwards, disclaimers (R5). */
#include "extract/reply.h"

#include "util/data.h"

#include <string.h>

#define MAX_TEXT (256 * 1024) /* bytes of a body read; signatures sit early or at the end */
#define MAX_LINES 4000
#define MAX_LINE 1000      /* bytes kept of one line */
#define DISCLAIMER_MIN 120 /* characters of a paragraph to count as a legal notice */
#define FOLD_BUF 256       /* short lines are folded on the stack */

/* Phrases looked for in every line. Most lines hold none: the first four
 * bytes of each phrase, hashed into a small bit set, tell where one may
 * start, and only there are the phrases compared. */
#define MAX_PHRASES 250
typedef struct {
  GPtrArray *list;           /* casefolded phrases, as read */
  guint32 head[MAX_PHRASES]; /* their first four bytes */
  guint8 bits[8192];         /* bit hash4(head) for each phrase */
  gboolean slow;             /* a phrase under four bytes, or too many: plain strstr */
} phrases;

/* g_ascii_tolower, inline: it is called for nearly every byte read. */
static inline char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static inline guint32 head_at(const char *s)
{
  guint32 h;
  memcpy(&h, s, 4);
  return h;
}

static inline guint hash4(guint32 h)
{
  return (h * 2654435761u) >> 16;
}

/* Builds the index once all phrases are in P->list. */
static void phrases_index(phrases *p)
{
  guint n = p->list->len;
  p->slow = n > MAX_PHRASES;
  for (guint i = 0; i < n && !p->slow; i++)
    p->slow = strlen(g_ptr_array_index(p->list, i)) < 4;
  if (p->slow)
    return;
  for (guint i = 0; i < n; i++) {
    p->head[i] = head_at(g_ptr_array_index(p->list, i));
    guint b = hash4(p->head[i]);
    p->bits[b >> 3] |= (guint8)(1 << (b & 7));
  }
}

/* Does FOLDED hold one of the phrases? The same as strstr for each. */
static gboolean phrases_in(const phrases *p, const char *folded)
{
  if (p->slow) {
    for (guint i = 0; i < p->list->len; i++)
      if (strstr(folded, g_ptr_array_index(p->list, i)))
        return TRUE;
    return FALSE;
  }
  gsize n = strlen(folded);
  for (gsize at = 0; at + 4 <= n; at++) {
    guint32 h = head_at(folded + at);
    guint b = hash4(h);
    if (!(p->bits[b >> 3] & (1 << (b & 7))))
      continue;
    for (guint i = 0; i < p->list->len; i++) {
      if (p->head[i] != h)
        continue;
      const char *ph = g_ptr_array_index(p->list, i);
      gsize k = 4;
      while (ph[k] && folded[at + k] == ph[k])
        k++;
      if (!ph[k])
        return TRUE;
    }
  }
  return FALSE;
}

/* The shipped markers (data/sig_quote_markers.tsv), casefolded, read once. */
typedef struct {
  GPtrArray *verbs;       /* quote-header verbs ("wrote", "schrieb") */
  GHashTable *from_keys;  /* first key of a header block ("from", "von") */
  GHashTable *keys;       /* its other keys ("sent", "subject") */
  phrases *separators;    /* "original message", "forwarded by" */
  GPtrArray *sent_from;   /* "sent from my", "von meinem" */
  guint32 sent_heads[64]; /* the first four bytes of each sent_from prefix */
  guint n_sent_heads;     /* 0: a prefix is short, or too many; no shortcut */
  phrases *disclaimers;
} markers;

static const markers *tables(void)
{
  static gsize once = 0;
  static markers *t;
  if (g_once_init_enter(&once)) {
    markers *n = g_new0(markers, 1);
    n->verbs = g_ptr_array_new_with_free_func(g_free);
    n->separators = g_new0(phrases, 1);
    n->separators->list = g_ptr_array_new_with_free_func(g_free);
    n->sent_from = g_ptr_array_new_with_free_func(g_free);
    n->disclaimers = g_new0(phrases, 1);
    n->disclaimers->list = g_ptr_array_new_with_free_func(g_free);
    n->from_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean sent_short = FALSE;
    g_auto(GStrv) lines = kith_data_lines("sig_quote_markers.tsv");
    for (char **l = lines; *l; l++) {
      g_auto(GStrv) f = g_strsplit(*l, "\t", 2);
      if (!f[0] || !f[1])
        continue;
      char *v = g_utf8_casefold(g_strstrip(f[1]), -1);
      if (g_str_equal(f[0], "verb"))
        g_ptr_array_add(n->verbs, v);
      else if (g_str_equal(f[0], "from"))
        g_hash_table_add(n->from_keys, v);
      else if (g_str_equal(f[0], "key"))
        g_hash_table_add(n->keys, v);
      else if (g_str_equal(f[0], "separator"))
        g_ptr_array_add(n->separators->list, v);
      else if (g_str_equal(f[0], "sent-from")) {
        g_ptr_array_add(n->sent_from, v);
        if (strlen(v) >= 4 && n->n_sent_heads < G_N_ELEMENTS(n->sent_heads))
          memcpy(&n->sent_heads[n->n_sent_heads++], v, 4);
        else
          sent_short = TRUE;
      } else if (g_str_equal(f[0], "disclaimer"))
        g_ptr_array_add(n->disclaimers->list, v);
      else
        g_free(v);
    }
    if (sent_short)
      n->n_sent_heads = 0;
    phrases_index(n->separators);
    phrases_index(n->disclaimers);
    t = n;
    g_once_init_leave(&once, 1);
  }
  return t;
}

/* S (N bytes) casefolded. ASCII text, nearly every line, is lower-cased into
 * BUF (SIZE bytes) without allocating, which is what casefolding gives for
 * ASCII; other text goes through g_utf8_casefold into *HEAP (caller frees). */
static const char *fold_into(const char *s, gsize n, char *buf, gsize size, char **heap)
{
  *heap = NULL;
  if (n < size) {
    gsize i = 0;
    for (; i < n && !(s[i] & 0x80); i++)
      buf[i] = lower(s[i]);
    if (i == n) {
      buf[n] = '\0';
      return buf;
    }
  }
  *heap = g_utf8_casefold(s, n);
  return *heap;
}

static gboolean blank(const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

static const char *line_at(GPtrArray *lines, guint i)
{
  return i < lines->len ? g_ptr_array_index(lines, i) : "";
}

/* Cuts BUF into lines in place (no copy per line): at most MAX_LINE bytes
 * of each, cut at a character; tabs and CRs read as spaces, no-break spaces
 * as spaces, and trailing blanks go. */
static void split_lines(char *buf, GPtrArray *lines)
{
  /* 1: a line ends here; 2: a byte to be changed. */
  static const guint8 kind[256] = {
      ['\0'] = 1, ['\n'] = 1, ['\t'] = 2, ['\r'] = 2, ['\x01'] = 2, [0xC2] = 2};
  char *p = buf;
  while (*p && lines->len < MAX_LINES) {
    char *e = p;
    guint8 odd = 0;
    for (; kind[(guchar)*e] != 1; e++)
      odd |= kind[(guchar)*e];
    gsize n = e - p;
    if (*e)
      *e = '\0';
    else
      e = NULL;
    if (n <= MAX_LINE && !odd) {
      /* The usual line: nothing to change but trailing blanks. */
      while (n > 0 && g_ascii_isspace(p[n - 1]))
        p[--n] = '\0';
      g_ptr_array_add(lines, p);
      if (!e)
        break;
      p = e + 1;
      continue;
    }
    gsize keep = MIN(n, MAX_LINE);
    while (keep < n && keep > 0 && (p[keep] & 0xC0) == 0x80) /* do not cut a character */
      keep--;
    char *w = p;
    for (const char *c = p; c < p + keep; c++) {
      if (*c == '\t' || *c == '\r')
        *w++ = ' ';
      else if ((guchar)c[0] == 0xC2 && (guchar)c[1] == 0xA0 && c + 1 < p + keep)
        *w++ = ' ', c++;
      else if (*c != '\x01')
        *w++ = *c;
    }
    *w = '\0';
    g_ptr_array_add(lines, g_strchomp(p));
    if (!e)
      break;
    p = e + 1;
  }
}

/* The header key a line starts with ("From:", "*Von:*"), casefolded into
 * OUT (SIZE bytes); FALSE when the line starts with none. */
static gboolean header_key(const char *line, char *out, gsize size)
{
  const char *s = line;
  while (*s == ' ' || *s == '*' || *s == '>')
    s++;
  gsize c = 0;
  while (c <= 20 && s[c] && s[c] != ':')
    c++;
  if (c == 0 || c > 20 || s[c] != ':')
    return FALSE;
  char key[24];
  memcpy(key, s, c);
  key[c] = '\0';
  g_strstrip(key);
  gsize n = strlen(key);
  while (n > 0 && key[n - 1] == '*')
    key[--n] = '\0';
  g_autofree char *heap = NULL;
  const char *f = fold_into(key, n, out, size, &heap);
  if (heap)
    g_strlcpy(out, f, size);
  return TRUE;
}

static gboolean is_key(GHashTable *set, const char *line)
{
  char k[64];
  return header_key(line, k, sizeof k) && g_hash_table_contains(set, k);
}

static gboolean is_separator(const markers *t, const char *line)
{
  const char *s = line;
  while (*s == ' ')
    s++;
  gsize n = strnlen(s, 121);
  if (n > 120)
    return FALSE;
  /* Where the shape rules it out, the phrases need not be looked for. */
  if (!(strchr("-_*=<", s[0]) || (n > 0 && s[n - 1] == ':') || n < 60))
    return FALSE;
  char buf[FOLD_BUF];
  g_autofree char *heap = NULL;
  return phrases_in(t->separators, fold_into(s, n, buf, sizeof buf, &heap));
}

/* "On Tue, 3 Mar 2026 at 09:00, Ann <ann@x> wrote:" and its translations. */
static gboolean is_verb_header(const markers *t, const char *joined)
{
  gsize n = strlen(joined);
  if (n < 4 || n > 400 || joined[n - 1] != ':')
    return FALSE;
  g_autofree char *f = g_utf8_casefold(joined, -1);
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

static gboolean ends_colon(const char *s)
{
  gsize n = strlen(s);
  return n > 0 && s[n - 1] == ':';
}

/* Is line I the start of a quote header of one to three lines? A header
 * broken over lines starts with a date: digits, and no end of a sentence
 * ("Hi," above "On ... wrote:" is not part of it). */
static gboolean verb_header_at(const markers *t, GPtrArray *lines, guint i)
{
  const char *l = line_at(lines, i);
  int may_join = -1; /* unknown until a second line is looked at */
  for (guint k = 0; k < 3 && i + k < lines->len; k++) {
    const char *lk = line_at(lines, i + k);
    if (k > 0 && may_join < 0) {
      gsize ll = strlen(l);
      may_join = strpbrk(l, "0123456789") && !strchr(".,!?", l[ll - 1]);
    }
    if (k > 0 && (blank(lk) || !may_join))
      break;
    /* Only a run ending in ":" can be a header; most lines end otherwise. */
    if (!ends_colon(lk))
      continue;
    GString *joined = g_string_new(NULL);
    for (guint j = 0; j <= k; j++) {
      const char *lj = line_at(lines, i + j);
      if (j > 0)
        g_string_append_c(joined, ' ');
      g_string_append(joined, lj + strspn(lj, " "));
    }
    gboolean yes = is_verb_header(t, joined->str);
    g_string_free(joined, TRUE);
    if (yes)
      return TRUE;
  }
  return FALSE;
}

/* The index of the first line that belongs to quoted or forwarded text. */
static guint quote_start(const markers *t, GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++) {
    const char *l = line_at(lines, i);
    if (blank(l) || l[0] == '>')
      continue;
    if (is_separator(t, l))
      return i;
    char k[64];
    if (header_key(l, k, sizeof k)) {
      if (g_hash_table_contains(t->from_keys, k)) {
        for (guint j = i + 1; j < lines->len && j <= i + 5; j++)
          if (is_key(t->keys, line_at(lines, j)))
            return i;
      }
      /* Lotus Notes: "To:" then "cc:"/"Subject:", after a name and date. */
      if (g_hash_table_contains(t->keys, k) && g_str_equal(k, "to")) {
        for (guint j = i + 1; j < lines->len && j <= i + 4; j++) {
          char k2[64];
          if (header_key(line_at(lines, j), k2, sizeof k2) &&
              (g_str_equal(k2, "cc") || g_str_equal(k2, "subject"))) {
            guint s = i;
            while (s > 0 && i - s < 4 &&
                   (blank(line_at(lines, s - 1)) || has_date_or_address(line_at(lines, s - 1))))
              s--;
            return s;
          }
        }
      }
    }
    if (verb_header_at(t, lines, i))
      return i;
  }
  return lines->len;
}

/* Does LINE start (after spaces) with one of the "Sent from" prefixes? */
static gboolean starts_sent_from(const markers *t, const char *line)
{
  GPtrArray *prefixes = t->sent_from;
  const char *s = line + strspn(line, " ");
  if (t->n_sent_heads) {
    /* Four ASCII bytes first, compared with the four each prefix starts
     * with: most lines go no further. */
    char head[4];
    gsize k = 0;
    for (; k < 4 && s[k] && !(s[k] & 0x80); k++)
      head[k] = lower(s[k]);
    if (k == 4 || (k < 4 && !s[k])) {
      if (k < 4)
        return FALSE; /* shorter than every prefix */
      guint32 h;
      memcpy(&h, head, 4);
      gboolean any = FALSE;
      for (guint i = 0; i < t->n_sent_heads && !any; i++)
        any = t->sent_heads[i] == h;
      if (!any)
        return FALSE;
    }
  }
  char buf[FOLD_BUF];
  g_autofree char *heap = NULL;
  const char *f = fold_into(s, strlen(s), buf, sizeof buf, &heap);
  for (guint i = 0; i < prefixes->len; i++)
    if (g_str_has_prefix(f, g_ptr_array_index(prefixes, i)))
      return TRUE;
  return FALSE;
}

/* Do lines FROM..TO (joined with spaces) hold a disclaimer phrase? Only
 * when they are MIN_LEN bytes or more. */
static gboolean is_notice(const markers *t, GPtrArray *own, guint from, guint to, gsize min_len)
{
  gsize len = 0;
  for (guint i = from; i < to; i++)
    len += strlen(line_at(own, i)) + 1;
  if (len < min_len || len == 0)
    return FALSE;
  GString *para = g_string_sized_new(len + 1);
  for (guint i = from; i < to; i++) {
    g_string_append(para, line_at(own, i));
    g_string_append_c(para, ' ');
  }
  /* ASCII letters lower-cased is what casefolding gives for ASCII; other
   * text is casefolded after, with the same result. */
  gboolean ascii = TRUE;
  for (char *c = para->str; *c; c++) {
    if (*c & 0x80)
      ascii = FALSE;
    else
      *c = lower(*c);
  }
  gboolean yes;
  if (ascii) {
    yes = phrases_in(t->disclaimers, para->str);
  } else {
    g_autofree char *f = g_utf8_casefold(para->str, -1);
    yes = phrases_in(t->disclaimers, f);
  }
  g_string_free(para, TRUE);
  return yes;
}

/* A line drawn across ("_____", "-----"), as mail clients put above a
 * notice. */
static gboolean is_rule(const char *line)
{
  const char *s = line + strspn(line, " ");
  gsize n = strspn(s, "-_=*~");
  return n >= 5 && s[n] == '\0';
}

/* Where a notice found in lines START..END begins: at a rule line inside
 * the paragraph when what is above the rule holds no disclaimer phrase
 * (a signature written right above "____ This message is for..."), else
 * at START. */
static guint notice_start(const markers *t, GPtrArray *own, guint start, guint end)
{
  for (guint r = start + 1; r < end; r++)
    if (is_rule(line_at(own, r)))
      return is_notice(t, own, start, r, 1) ? start : r;
  return start;
}

/* Drops legal notices: a long paragraph with a disclaimer phrase. At the top
 * (an "external sender" banner) only that paragraph goes; lower down the
 * notice and everything after it. */
static void drop_disclaimers(const markers *t, GPtrArray *own)
{
  guint i = 0;
  gboolean seen_text = FALSE;
  while (i < own->len) {
    while (i < own->len && blank(line_at(own, i)))
      i++;
    guint start = i;
    while (i < own->len && !blank(line_at(own, i)))
      i++;
    gboolean notice = i > start && is_notice(t, own, start, i, DISCLAIMER_MIN);
    if (notice && !seen_text) {
      g_ptr_array_remove_range(own, start, i - start);
      i = start;
    } else if (notice) {
      g_ptr_array_set_size(own, notice_start(t, own, start, i));
      return;
    } else if (i > start) {
      seen_text = TRUE;
    }
  }
}

kith_reply *kith_reply_parse(const char *text)
{
  const markers *t = tables();
  kith_reply *r = g_new0(kith_reply, 1);
  r->lines = g_ptr_array_sized_new(128);
  if (!text) {
    r->buf = g_strdup("");
    return r;
  }
  /* One pass finds both the end and whether the text is valid UTF-8: the
   * validator stops at the NUL, where the text ends. */
  const char *stop = NULL;
  if (g_utf8_validate(text, MAX_TEXT, &stop) || *stop == '\0') {
    r->buf = g_strndup(text, stop - text);
  } else {
    gsize len = (stop - text) + strnlen(stop, MAX_TEXT - (stop - text));
    r->buf = g_utf8_make_valid(text, len);
  }
  g_autoptr(GPtrArray) lines = g_ptr_array_sized_new(128);
  split_lines(r->buf, lines);
  guint end = quote_start(t, lines);
  for (guint i = 0; i < end; i++) {
    const char *l = line_at(lines, i);
    /* "Sent from my iPhone" ends what the sender typed; a mobile client puts
     * the quoted message right after it. */
    if (strnlen(l, 80) < 80 && starts_sent_from(t, l))
      break;
    if (l[0] != '>')
      g_ptr_array_add(r->lines, (gpointer)l);
  }
  drop_disclaimers(t, r->lines);
  while (r->lines->len > 0 && blank(line_at(r->lines, r->lines->len - 1)))
    g_ptr_array_set_size(r->lines, r->lines->len - 1);
  return r;
}

void kith_reply_free(kith_reply *reply)
{
  if (!reply)
    return;
  g_ptr_array_unref(reply->lines);
  g_free(reply->buf);
  g_free(reply);
}

char *kith_reply_own_text(const char *text)
{
  g_autoptr(kith_reply) r = kith_reply_parse(text);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < r->lines->len; i++) {
    g_string_append(out, line_at(r->lines, i));
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}
