/* quoted.c - names an email's text ties to addresses: quoted headers, Notes lines (R4). */
#include "extract/quoted.h"

#include "core/address.h"
#include "extract/name.h"

#include <string.h>

#define FIELD_MAX 4096 /* bytes of one header field, its folded lines joined */
#define FOLD_MAX 16    /* lines one header field may be folded over */
#define FIELDS_MAX 512 /* header fields read in one text */
#define ITEM_MAX 1024  /* bytes of one entry of a list: R4's cap on a display name */
#define KEY_MAX 24     /* bytes of a header field's name */
#define PREFIX_MIN 5   /* letters of a LastName a local part must spell to tie a Notes name */

void kith_quoted_name_free(kith_quoted_name *n)
{
  if (!n)
    return;
  g_free(n->email);
  g_free(n->first_name);
  g_free(n->last_name);
  g_strfreev(n->org);
  g_free(n);
}

static kith_quoted_name *name_new(kith_quoted_source source, char *email, char *first, char *last)
{
  kith_quoted_name *n = g_new0(kith_quoted_name, 1);
  n->source = source;
  n->email = email;
  n->first_name = first;
  n->last_name = last;
  n->participant = -1;
  return n;
}

/* ---- reading the text ---- */

typedef struct {
  GPtrArray *names;
  guint count[3];        /* names kept per source, for KITH_QUOTED_MAX */
  guint fields;          /* header fields read, for FIELDS_MAX */
  gboolean forward_seen; /* a "Forwarded by" line was read */
  gboolean quote_seen;   /* a quoted header or quoted line came before */
} reader;

static void keep(reader *r, kith_quoted_name *n)
{
  if (r->count[n->source] >= KITH_QUOTED_MAX) {
    kith_quoted_name_free(n);
    return;
  }
  r->count[n->source]++;
  g_ptr_array_add(r->names, n);
}

/* The line at *POS, without its end, its quote marks ("> ") and the blanks
 * around it, in *LEN; moves *POS past it. NULL at the end of the text. */
static const char *take_line(const char **pos, gsize *len, gboolean *quoted)
{
  const char *s = *pos;
  if (!*s)
    return NULL;
  const char *nl = strchr(s, '\n');
  const char *end = nl ? nl : s + strlen(s);
  *pos = nl ? nl + 1 : end;
  *quoted = FALSE;
  while (s < end && (*s == ' ' || *s == '\t' || *s == '>')) {
    *quoted |= *s == '>';
    s++;
  }
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  *len = (gsize)(end - s);
  return s;
}

typedef enum {
  KEY_NONE,   /* no "Name:" opens the line */
  KEY_TEXT,   /* one does, but no header field of a quoted mail */
  KEY_HEADER, /* a quoted mail's Date, Sent or Subject */
  KEY_SENDER, /* From, Sent by: one person */
  KEY_LIST,   /* To, Cc, Bcc, Reply-To: a list */
} key_kind;

/* What the "Name:" that opens LINE is, and where its value starts. */
static key_kind field_key(const char *line, gsize len, gsize *value)
{
  gsize i = 0;
  while (i < len && i < KEY_MAX && (g_ascii_isalpha(line[i]) || line[i] == ' ' || line[i] == '-'))
    i++;
  if (i == 0 || i >= len || line[i] != ':')
    return KEY_NONE;
  *value = i + 1;
  gsize k = i;
  while (k > 0 && line[k - 1] == ' ')
    k--;
  static const struct {
    const char *key;
    key_kind kind;
  } keys[] = {{"from", KEY_SENDER}, {"sent by", KEY_SENDER}, {"to", KEY_LIST},
              {"cc", KEY_LIST},     {"bcc", KEY_LIST},       {"reply-to", KEY_LIST},
              {"date", KEY_HEADER}, {"sent", KEY_HEADER},    {"subject", KEY_HEADER}};
  for (gsize j = 0; j < G_N_ELEMENTS(keys); j++)
    if (strlen(keys[j].key) == k && g_ascii_strncasecmp(line, keys[j].key, k) == 0)
      return keys[j].kind;
  return KEY_TEXT;
}

/* The address of ITEM in "<addr>", "<mailto:addr>", "[mailto:addr]" or
 * "[SMTP:addr]" (Outlook and Exchange), newly allocated; *NAME_END is where
 * the brackets open. NULL when ITEM has none. */
static char *address_of(char *item, char **name_end)
{
  char *open = strrchr(item, '<');
  char *close = open ? strchr(open, '>') : NULL;
  if (!close) {
    open = NULL;
    for (char *b = strchr(item, '['); b && !open; b = strchr(b + 1, '['))
      if (g_ascii_strncasecmp(b + 1, "mailto:", 7) == 0 ||
          g_ascii_strncasecmp(b + 1, "smtp:", 5) == 0)
        open = b;
    close = open ? strchr(open, ']') : NULL;
    if (!close)
      return NULL;
  }
  const char *a = open + 1;
  if (g_ascii_strncasecmp(a, "mailto:", 7) == 0)
    a += 7;
  else if (g_ascii_strncasecmp(a, "smtp:", 5) == 0)
    a += 5;
  if (!memchr(a, '@', (gsize)(close - a)))
    return NULL;
  *name_end = open;
  return g_strndup(a, (gsize)(close - a));
}

/* The parts of a Notes path after the name, folded: "/CES/ColumbiaGas@ColumbiaGas"
 * gives ces, columbiagas, columbiagas. NULL when PATH is no such path. */
static char **notes_org(const char *path)
{
  if (strpbrk(path, " \t<>\"'"))
    return NULL;
  g_auto(GStrv) parts = g_strsplit_set(path, "/@", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  for (char **p = parts; *p; p++) {
    GString *f = g_string_new(NULL);
    for (const char *c = *p; *c; c++)
      if (g_ascii_isalnum(*c))
        g_string_append_c(f, g_ascii_tolower(*c));
    if (f->len == 0) {
      g_string_free(f, TRUE);
      for (guint i = 0; i < out->len; i++)
        g_free(g_ptr_array_index(out, i));
      return NULL; /* an empty part: "a//b", a path cut short */
    }
    g_ptr_array_add(out, g_string_free(f, FALSE));
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* A Lotus Notes name, "Jane Doe/Sales/Contoso@Contoso": a full name (R4)
 * before the first '/', a path without blanks after it. */
static void read_notes(reader *r, const char *s)
{
  const char *slash = strchr(s, '/');
  const char *mark = strpbrk(s, "<>@");
  if (!slash || slash == s || (mark && mark < slash))
    return;
  char **org = notes_org(slash + 1);
  if (!org)
    return;
  char *first = NULL, *last = NULL;
  kith_name_parse(s, NULL, &first, &last);
  if (!first || !last) {
    g_free(first);
    g_free(last);
    g_strfreev(org);
    return;
  }
  kith_quoted_name *n = name_new(KITH_QUOTED_NOTES, NULL, first, last);
  n->org = org;
  keep(r, n);
}

/* One entry of a header field: "Name" <addr>, Name [mailto:addr], or a
 * Notes name. Only a full name (R4) is kept. */
static void read_item(reader *r, const char *item, gsize len)
{
  while (len && (*item == ' ' || *item == '\t')) {
    item++;
    len--;
  }
  while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
    len--;
  if (len == 0 || len > ITEM_MAX)
    return;
  g_autofree char *s = g_strndup(item, len);
  if (strstr(s, "=?"))
    return; /* an encoded word the quoting mail left undecoded */
  char *name_end = NULL;
  g_autofree char *raw = address_of(s, &name_end);
  if (!raw) {
    read_notes(r, s);
    return;
  }
  char *email = kith_address_normalize(raw, NULL);
  if (!email)
    return;
  *name_end = '\0';
  char *first = NULL, *last = NULL;
  kith_name_parse(s, email, &first, &last);
  if (!first || !last) {
    g_free(first);
    g_free(last);
    g_free(email);
    return;
  }
  keep(r, name_new(KITH_QUOTED_HEADER, email, first, last));
}

/* A header field's value: one item for a sender, else a list split at
 * commas, or at semicolons when it has any (Outlook's lists, whose names
 * hold commas), never inside quotes or brackets. */
static void read_value(reader *r, const char *v, gboolean list)
{
  if (!list) {
    read_item(r, v, strlen(v));
    return;
  }
  char sep = ',';
  int depth = 0;
  gboolean quote = FALSE;
  for (const char *c = v; *c; c++) {
    if (*c == '"')
      quote = !quote;
    else if (!quote && (*c == '<' || *c == '['))
      depth++;
    else if (!quote && (*c == '>' || *c == ']') && depth > 0)
      depth--;
    else if (!quote && depth == 0 && *c == ';')
      sep = ';';
  }
  const char *start = v;
  depth = 0;
  quote = FALSE;
  for (const char *c = v;; c++) {
    if (*c == '"')
      quote = !quote;
    else if (!quote && (*c == '<' || *c == '['))
      depth++;
    else if (!quote && (*c == '>' || *c == ']') && depth > 0)
      depth--;
    if (*c == '\0' || (!quote && depth == 0 && *c == sep)) {
      read_item(r, start, (gsize)(c - start));
      if (*c == '\0')
        break;
      start = c + 1;
    }
  }
}

/* Reads the header field opened at LINE (value from byte VALUE) and the
 * lines it is folded over: they carry an address or a Notes domain, or the
 * line before ends in a separator, and open no field of their own. */
static void read_field(reader *r, const char *line, gsize len, gsize value, gboolean list,
                       const char **pos)
{
  g_autoptr(GString) v = g_string_new_len(line + value, (gssize)(len - value));
  for (guint folds = 0; folds < FOLD_MAX; folds++) {
    const char *next = *pos;
    gsize nlen = 0, from = 0;
    gboolean quoted;
    const char *l = take_line(&next, &nlen, &quoted);
    if (!l || nlen == 0 || field_key(l, nlen, &from) != KEY_NONE)
      break;
    gsize end = v->len;
    while (end > 0 && v->str[end - 1] == ' ')
      end--;
    gboolean open = end > 0 && (v->str[end - 1] == ',' || v->str[end - 1] == ';');
    if (!open && !memchr(l, '@', nlen))
      break;
    if (v->len + 1 + nlen > FIELD_MAX)
      break;
    g_string_append_c(v, ' ');
    g_string_append_len(v, l, (gssize)nlen);
    *pos = next;
  }
  for (gsize i = 0; i < v->len; i++)
    if (v->str[i] == '\t')
      v->str[i] = ' ';
  read_value(r, v->str, list);
}

/* "----- Forwarded by Jane Doe/Sales/Contoso on 12/27/99 08:07 AM -----",
 * as Lotus Notes writes it, the date perhaps on the next line. */
static gboolean read_forward(reader *r, const char *line, gsize len, const char **pos)
{
  gsize dashes = 0;
  while (dashes < len && line[dashes] == '-')
    dashes++;
  if (dashes < 3)
    return FALSE;
  const char *s = line + dashes;
  while (s < line + len && *s == ' ')
    s++;
  static const char by[] = "Forwarded by ";
  if ((gsize)(line + len - s) < sizeof by || strncmp(s, by, sizeof by - 1) != 0)
    return FALSE;
  s += sizeof by - 1;
  g_autoptr(GString) text = g_string_new_len(s, (gssize)(line + len - s));
  const char *on = strstr(text->str, " on ");
  if (!on) {
    const char *next = *pos;
    gsize nlen = 0;
    gboolean quoted;
    const char *l = take_line(&next, &nlen, &quoted);
    if (l && nlen < ITEM_MAX) {
      g_string_append_c(text, ' ');
      g_string_append_len(text, l, (gssize)nlen);
    }
    on = strstr(text->str, " on ");
  }
  gboolean own = !r->forward_seen && !r->quote_seen;
  r->forward_seen = TRUE;
  if (!on || (gsize)(on - text->str) > ITEM_MAX)
    return TRUE;
  g_string_truncate(text, (gsize)(on - text->str));
  read_notes(r, text->str);
  if (!own)
    return TRUE;
  /* Only the first, before any quoted mail, is the sender's own: Notes
   * writes the name of whoever forwarded, like a signature. */
  char *first = NULL, *last = NULL;
  kith_name_parse(text->str, NULL, &first, &last);
  if (first && last) {
    keep(r, name_new(KITH_QUOTED_FORWARD, NULL, first, last));
  } else {
    g_free(first);
    g_free(last);
  }
  return TRUE;
}

/* Does LINE start or show a quoted mail: "-----Original Message-----",
 * "On ... wrote:"? (Quoted header fields are told by field_key.) */
static gboolean opens_quote(const char *line, gsize len)
{
  static const char wrote[] = "wrote:";
  gsize w = sizeof wrote - 1;
  if (len >= w && strncmp(line + len - w, wrote, w) == 0)
    return TRUE;
  return len >= 16 && g_strstr_len(line, (gssize)len, "Original Message") != NULL;
}

GPtrArray *kith_quoted_read(const char *text)
{
  reader r = {.names = g_ptr_array_new_with_free_func((GDestroyNotify)kith_quoted_name_free)};
  const char *pos = text ? text : "";
  const char *line;
  gsize len = 0;
  gboolean quoted = FALSE;
  while ((line = take_line(&pos, &len, &quoted))) {
    r.quote_seen |= quoted;
    if (len == 0 || read_forward(&r, line, len, &pos))
      continue;
    gsize value = 0;
    key_kind k = field_key(line, len, &value);
    if (k == KEY_HEADER || k == KEY_SENDER || k == KEY_LIST)
      r.quote_seen = TRUE;
    if ((k == KEY_SENDER || k == KEY_LIST) && r.fields < FIELDS_MAX) {
      r.fields++;
      read_field(&r, line, len, value, k == KEY_LIST, &pos);
    } else if (opens_quote(line, len)) {
      r.quote_seen = TRUE;
    }
  }
  return r.names;
}

/* ---- tying names to addresses ---- */

/* S in ASCII letters, folded to lower case (accents transliterated); only
 * its first word when FIRST_WORD. */
static char *letters(const char *s, gboolean first_word)
{
  g_autofree char *ascii = g_str_to_ascii(s, "C");
  GString *out = g_string_new(NULL);
  for (const char *c = ascii; *c; c++) {
    if (first_word && *c == ' ' && out->len)
      break;
    if (g_ascii_isalpha(*c))
      g_string_append_c(out, g_ascii_tolower(*c));
  }
  return g_string_free(out, FALSE);
}

/* The local part of EMAIL as mailboxes spell names: its letters, once the
 * digits at its end ("djones1") and '.', '_', '-' are gone; NULL when it
 * holds anything else. */
static char *local_letters(const char *email)
{
  const char *at = strrchr(email, '@');
  gsize n = at ? (gsize)(at - email) : 0;
  while (n > 0 && g_ascii_isdigit(email[n - 1]))
    n--;
  GString *out = g_string_new(NULL);
  for (gsize i = 0; i < n; i++) {
    if (g_ascii_isalpha(email[i])) {
      g_string_append_c(out, g_ascii_tolower(email[i]));
    } else if (!strchr("._-", email[i])) {
      g_string_free(out, TRUE);
      return NULL;
    }
  }
  return g_string_free(out, FALSE);
}

/* A name, folded for the local part: the first given name and the LastName. */
typedef struct {
  char *given;
  char *family;
} folded_name;

static void folded_clear(folded_name *f)
{
  g_free(f->given);
  g_free(f->family);
}

static folded_name fold_name(const kith_quoted_name *n)
{
  return (folded_name){letters(n->first_name, TRUE), letters(n->last_name, FALSE)};
}

/* Does LOCAL (local_letters) spell the name the way mailboxes do: the
 * first initial and at least PREFIX_MIN letters of the LastName from its
 * start ("pdrexel" for Paul Drexelius), or the given name and the LastName
 * whole ("pauldrexelius")? */
static gboolean spells(const char *local, const folded_name *f)
{
  gsize n = local ? strlen(local) : 0, g = strlen(f->given), s = strlen(f->family);
  if (n == 0 || g == 0 || s == 0)
    return FALSE;
  if (local[0] == f->given[0] && n - 1 >= PREFIX_MIN && n - 1 <= s &&
      strncmp(local + 1, f->family, n - 1) == 0)
    return TRUE;
  return g >= 2 && n == g + s && strncmp(local, f->given, g) == 0 &&
         strcmp(local + g, f->family) == 0;
}

/* Does LOCAL (local_letters) hold the LastName: its first PREFIX_MIN
 * letters, or all of it when shorter (three or more), and not after the
 * given name's? What someone else typed into an address book ("Katie at
 * IEP", "Richard Hyde, Duke", "Monahan Bill" for bill.monahan) or a
 * forward line that names an assistant does not. */
static gboolean holds_last(const char *local, const folded_name *f)
{
  gsize s = MIN(strlen(f->family), (gsize)PREFIX_MIN);
  if (!local || s < 3)
    return FALSE;
  g_autofree char *stem = g_strndup(f->family, s);
  const char *family = strstr(local, stem);
  if (!family)
    return FALSE;
  const char *given = strlen(f->given) >= 3 ? strstr(local, f->given) : NULL;
  return !given || given < family || given < family + s;
}

/* Does one part of a Notes path name DOMAIN's organisation: a label but
 * the last equal to it (three letters or more), or both opening with the
 * same PREFIX_MIN letters ("columbiagas", columbiaenergygroup.com)? */
static gboolean org_fits(char *const *org, const char *domain)
{
  g_auto(GStrv) labels = g_strsplit(domain, ".", -1);
  guint n = g_strv_length(labels);
  for (guint i = 0; i + 1 < n; i++)
    for (char *const *o = org; o && *o; o++) {
      if (strlen(*o) >= 3 && strcmp(*o, labels[i]) == 0)
        return TRUE;
      if (strlen(*o) >= PREFIX_MIN && strncmp(*o, labels[i], PREFIX_MIN) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean holds(const char *email, const kith_quoted_name *n)
{
  g_autofree char *local = local_letters(email);
  folded_name f = fold_name(n);
  gboolean yes = holds_last(local, &f);
  folded_clear(&f);
  return yes;
}

static gboolean same_text(const char *a, const char *b)
{
  if (!a || !b)
    return a == b;
  g_autofree char *fa = g_utf8_casefold(a, -1);
  g_autofree char *fb = g_utf8_casefold(b, -1);
  return strcmp(fa, fb) == 0;
}

static gboolean same_name(const kith_quoted_name *n, const char *first, const char *last)
{
  return same_text(n->first_name, first) && same_text(n->last_name, last);
}

typedef struct {
  const kith_activity *a;
  gint sender;
  char *const *firsts, *const *lasts;
  gboolean sender_signed;
  GPtrArray *out;
  GHashTable *by_email; /* email -> its entry of out; an entry without names: sources disagree */
  GHashTable *place;    /* participant's email -> index + 1 */
} tying;

/* R4: a participant that shows its own full name on the activity takes no
 * other; one whose display name gives only a FirstName takes a name that
 * agrees with it. */
static gboolean may_take(const tying *t, gint i, const char *first)
{
  if (i < 0)
    return TRUE;
  if (t->lasts[i] || (i == t->sender && t->sender_signed))
    return FALSE;
  return !t->firsts[i] || same_text(t->firsts[i], first);
}

static void offer(tying *t, const char *email, const kith_quoted_name *n, gint participant)
{
  kith_quoted_name *had = g_hash_table_lookup(t->by_email, email);
  if (had) {
    if (had->first_name && !same_name(had, n->first_name, n->last_name)) {
      /* Two names for one address: the text does not say which is its. */
      g_clear_pointer(&had->first_name, g_free);
      g_clear_pointer(&had->last_name, g_free);
    }
    return;
  }
  if (t->out->len >= KITH_QUOTED_MAX)
    return;
  kith_quoted_name *k = name_new(n->source, g_strdup(email), g_strdup(n->first_name),
                                 g_strdup(n->last_name));
  k->participant = participant;
  g_ptr_array_add(t->out, k);
  g_hash_table_insert(t->by_email, k->email, k);
}

static gint place_of(const tying *t, const char *email)
{
  return GPOINTER_TO_INT(g_hash_table_lookup(t->place, email)) - 1;
}

/* Does another participant than I show NAME as its display name? */
static gboolean shown_by_other(const tying *t, guint i, const kith_quoted_name *n)
{
  for (guint j = 0; j < t->a->participants->len; j++)
    if (j != i && t->lasts[j] && same_name(n, t->firsts[j], t->lasts[j]))
      return TRUE;
  return FALSE;
}

/* Notes names tie to the participants whose local part spells them, at a
 * domain the Notes path names; only a name that ties to exactly one
 * participant, the only Notes name that ties to it. */
static void tie_notes(tying *t, GPtrArray *read)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new();
  for (guint k = 0; k < read->len; k++)
    if (((kith_quoted_name *)g_ptr_array_index(read, k))->source == KITH_QUOTED_NOTES)
      g_ptr_array_add(notes, g_ptr_array_index(read, k));
  if (notes->len == 0)
    return;
  guint np = t->a->participants->len;
  folded_name *fn = g_new0(folded_name, notes->len);
  for (guint k = 0; k < notes->len; k++)
    fn[k] = fold_name(g_ptr_array_index(notes, k));
  /* hit[i]: the name that ties to participant i (index + 1), 0 for none,
   * -1 for two; ties[k]: how many participants name k ties to. */
  gint *hit = g_new0(gint, np);
  guint *ties = g_new0(guint, notes->len);
  for (guint i = 0; i < np; i++) {
    const kith_participant *p = g_ptr_array_index(t->a->participants, i);
    g_autofree char *local = local_letters(p->email);
    for (guint k = 0; local && k < notes->len; k++) {
      const kith_quoted_name *n = g_ptr_array_index(notes, k);
      if (!spells(local, &fn[k]) || !org_fits(n->org, p->domain))
        continue;
      ties[k]++;
      if (hit[i] == 0)
        hit[i] = (gint)k + 1;
      else if (!same_name(g_ptr_array_index(notes, hit[i] - 1), n->first_name, n->last_name))
        hit[i] = -1; /* two names tie to it */
    }
  }
  for (guint i = 0; i < np; i++) {
    if (hit[i] <= 0)
      continue;
    const kith_quoted_name *n = g_ptr_array_index(notes, hit[i] - 1);
    gboolean once = TRUE;
    for (guint k = 0; k < notes->len && once; k++)
      if (same_name(g_ptr_array_index(notes, k), n->first_name, n->last_name))
        once = ties[k] == 1;
    const kith_participant *p = g_ptr_array_index(t->a->participants, i);
    if (once && may_take(t, (gint)i, n->first_name) && !shown_by_other(t, i, n))
      offer(t, p->email, n, (gint)i);
  }
  for (guint k = 0; k < notes->len; k++)
    folded_clear(&fn[k]);
  g_free(fn);
  g_free(hit);
  g_free(ties);
}

GPtrArray *kith_quoted_names(const kith_activity *a, gint sender, char *const *firsts,
                             char *const *lasts, gboolean sender_signed)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)kith_quoted_name_free);
  if (a->kind != KITH_ACTIVITY_EMAIL || a->automatic || !a->sender_text)
    return out;
  g_autoptr(GPtrArray) read = kith_quoted_read(a->sender_text);
  if (read->len == 0)
    return out;
  g_autoptr(GHashTable) by_email = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) place = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < a->participants->len; i++)
    g_hash_table_insert(place, ((kith_participant *)g_ptr_array_index(a->participants, i))->email,
                        GINT_TO_POINTER((gint)i + 1));
  tying t = {a, sender, firsts, lasts, sender_signed, out, by_email, place};

  /* A quoted header pairs a name with its exact address. */
  for (guint k = 0; k < read->len; k++) {
    const kith_quoted_name *n = g_ptr_array_index(read, k);
    gint i = n->source == KITH_QUOTED_HEADER ? place_of(&t, n->email) : -1;
    if (n->source == KITH_QUOTED_HEADER && may_take(&t, i, n->first_name) && holds(n->email, n))
      offer(&t, n->email, n, i);
  }
  /* The sender's own forward line names the sender, if its mailbox agrees. */
  for (guint k = 0; sender >= 0 && k < read->len; k++) {
    const kith_quoted_name *n = g_ptr_array_index(read, k);
    if (n->source != KITH_QUOTED_FORWARD || !may_take(&t, sender, n->first_name))
      continue;
    const kith_participant *p = g_ptr_array_index(a->participants, sender);
    if (holds(p->email, n))
      offer(&t, p->email, n, sender);
  }
  tie_notes(&t, read);

  for (guint k = out->len; k-- > 0;)
    if (!((kith_quoted_name *)g_ptr_array_index(out, k))->first_name)
      g_ptr_array_remove_index(out, k);
  return out;
}

const kith_quoted_name *kith_quoted_for(const GPtrArray *names, guint participant)
{
  for (guint k = 0; names && k < names->len; k++) {
    const kith_quoted_name *n = g_ptr_array_index(names, k);
    if (n->participant == (gint)participant)
      return n;
  }
  return NULL;
}
