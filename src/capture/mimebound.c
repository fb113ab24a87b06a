/* mimebound.c - the bounds a raw message is held to before GMime reads it. */
#include "capture/mime.h"

#include <string.h>

/* GMime reads an address group inside a group by recursion, a stack frame a
 * level: a 90 KB Cc of 45,000 `a:` overflowed the stack and killed the
 * process. RFC 5322 has no groups inside groups at all; an address header
 * is cut where a group would open deeper than this. */
#define GROUP_DEPTH_MAX 8
/* And whatever GMime makes of quotes, comments and <>, an address field of
 * more colons than this is cut at the first one past it: GMime cannot
 * recurse deeper than a field has colons, and the fuzzer found four ways
 * in which its reading of them differed from the depth count below. */
#define FIELD_COLONS_MAX 64
/* A message's own header block: 2 million header lines cost GMime 989 MB.
 * Real mail has a few dozen fields in a few KB (Postfix refuses a single
 * header over 100 KB); past these the message is refused. A long header is
 * cheap to GMime (a 1 MB Subject is read and cut to 4 KB), many are not. */
#define HEADER_FIELDS_MAX 10000
#define HEADER_BYTES_MAX (8 * 1024 * 1024)
/* Header fields in all the message's parts together: every MIME part and
 * attached message is an object GMime builds. Past this the message is read
 * for its own headers only (no sender's text, so no signature). */
#define PART_FIELDS_MAX 50000

/* The headers GMime reads as address lists, in a message and in a message
 * attached to it. */
static const char *const address_headers[] = {
    "From",        "To",        "Cc",        "Bcc",        "Sender",        "Reply-To",
    "Resent-From", "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Sender", "Resent-Reply-To",
    NULL};

/* The scan, fed the message in pieces of any size. */
typedef enum {
  NAME,    /* in what may be a field name */
  ADDRESS, /* in the value of an address header */
  REST,    /* in a line nothing more is wanted of */
} scan_state;

struct kith_mime_scan {
  scan_state state;
  gboolean eol;      /* the line ended: a space or tab next continues the field */
  gboolean blank_cr; /* the line so far is a lone CR */
  gboolean in_field; /* the line is part of a header field */
  char name[16];     /* the field name so far (longer ones are no address header) */
  gsize name_len;
  /* in ADDRESS */
  int depth, comment;
  gboolean quoted, angle, literal, escaped, cutting;
  /* Colons inside a quoted string are no groups when it closes; but GMime
   * reads a quote left open to the end of the field as groups again, so
   * they count at the field's end when it is still open. */
  guint open_colons;
  guint field_colons; /* every colon of the address field so far */
  gboolean open_cut_set;
  guint64 open_cut;
  /* the results */
  guint64 pos, head, fields, part_fields;
  GArray *cuts; /* guint64 pairs: [start, end) of each cut */
  char *warning;
};

kith_mime_scan *kith_mime_scan_new(void)
{
  kith_mime_scan *s = g_new0(kith_mime_scan, 1);
  s->eol = TRUE; /* the first byte starts a line */
  s->cuts = g_array_new(FALSE, FALSE, sizeof(guint64));
  return s;
}

void kith_mime_scan_free(kith_mime_scan *s)
{
  if (!s)
    return;
  g_array_unref(s->cuts);
  g_free(s->warning);
  g_free(s);
}

static gboolean is_address_header(const char *name, gsize len)
{
  for (const char *const *h = address_headers; *h; h++)
    if (strlen(*h) == len && g_ascii_strncasecmp(name, *h, len) == 0)
      return TRUE;
  return FALSE;
}

static void cut_warning(kith_mime_scan *s)
{
  if (!s->warning)
    s->warning = g_strdup_printf("%.*s: address groups nested deeper than %d; the header is cut "
                                 "there",
                                 (int)s->name_len, s->name, GROUP_DEPTH_MAX);
}

/* A colon inside a quote still open: where the field would be cut if the
 * quote stays open to the field's end. */
static void open_colon(kith_mime_scan *s)
{
  if (!s->open_cut_set && s->depth + ++s->open_colons > GROUP_DEPTH_MAX) {
    s->open_cut = s->pos;
    s->open_cut_set = TRUE;
  }
}

/* The address field ends at S->pos: a quote left open with too many colons
 * in it is cut from the first colon too many. */
static void end_address_field(kith_mime_scan *s)
{
  if (s->state == ADDRESS && s->quoted && s->open_cut_set && !s->cutting) {
    guint64 end = s->pos;
    g_array_append_val(s->cuts, s->open_cut);
    g_array_append_val(s->cuts, end);
    cut_warning(s);
  }
  s->open_colons = 0;
  s->open_cut_set = FALSE;
}

/* One byte of an address header's value. A ':' opens a group and a ';'
 * closes one, counted so that the depth is never less than GMime's: GMime
 * reads a closed quoted string, a comment and a domain literal whole, but
 * colons inside <> as groups (the fuzzer found several ways past a bound
 * that forgave them), and a quote left open to the field's end as groups
 * too. Past the bound the rest of the field is cut. */
static void cut_here(kith_mime_scan *s)
{
  g_array_append_val(s->cuts, s->pos);
  s->cutting = TRUE;
  s->state = REST;
  cut_warning(s);
}

static void address_byte(kith_mime_scan *s, char c)
{
  if (c == ':' && ++s->field_colons > FIELD_COLONS_MAX) {
    cut_here(s);
    return;
  }
  if (s->escaped) {
    s->escaped = FALSE;
    return;
  }
  if (c == '\\' && (s->quoted || s->comment || s->literal)) {
    s->escaped = TRUE;
    return;
  }
  if (s->quoted) {
    s->quoted = c != '"';
    if (!s->quoted)
      s->open_colons = 0, s->open_cut_set = FALSE; /* closed: its colons were no groups */
    else if (c == ':')
      open_colon(s);
    return;
  }
  if (s->comment) {
    s->comment += c == '(' ? 1 : c == ')' ? -1 : 0;
    return;
  }
  if (s->literal) {
    s->literal = c != ']';
    return;
  }
  switch (c) {
  case '"':
    if (!s->angle) { /* inside <> a quote is one more character to GMime's group reader */
      s->quoted = TRUE;
      s->open_colons = 0, s->open_cut_set = FALSE;
    }
    break;
  case '(': s->comment = 1; break;
  case '[': s->literal = TRUE; break;
  case '<': s->angle = TRUE; break;
  case '>': s->angle = FALSE; break;
  case ':':
    if (++s->depth > GROUP_DEPTH_MAX)
      cut_here(s);
    break;
  case ';':
    if (!s->angle && s->depth > 0)
      s->depth--;
    break;
  default: break;
  }
}

/* The byte C at S->pos starts a line. */
static void line_start(kith_mime_scan *s, char c)
{
  s->eol = FALSE;
  if (s->in_field && (c == ' ' || c == '\t'))
    return; /* a continuation line: the field goes on in the state it was in */
  end_address_field(s);
  if (s->cutting) {
    guint64 end = s->pos;
    g_array_append_val(s->cuts, end);
    s->cutting = FALSE;
  }
  s->in_field = FALSE;
  s->name_len = 0;
  s->state = NAME;
}

/* The line at S->pos is the blank one that ends the message's own header
 * block: everything after it is body (and the headers of its parts). */
static void end_of_head(kith_mime_scan *s)
{
  s->head = s->pos + 1;
  s->eol = TRUE;
  s->state = REST;
}

void kith_mime_scan_feed(kith_mime_scan *s, const guint8 *data, gsize len)
{
  const guint8 *end = data + len;
  for (const guint8 *p = data; p < end; p++, s->pos++) {
    char c = (char)*p;
    if (s->eol) {
      line_start(s, c);
      if (s->state == NAME && s->head == 0 && c == '\n') {
        end_of_head(s);
        continue;
      }
      if (s->state == NAME && s->head == 0 && c == '\r') {
        s->blank_cr = TRUE;
        continue;
      }
    } else if (s->blank_cr) {
      s->blank_cr = FALSE;
      if (c == '\n') {
        end_of_head(s);
        continue;
      }
      s->state = REST; /* a line that starts with CR is no field */
    }
    switch (s->state) {
    case NAME:
      if (c == ':' && s->name_len > 0) {
        s->in_field = TRUE;
        s->fields += s->head == 0;
        s->part_fields++;
        if (s->name_len <= sizeof s->name && is_address_header(s->name, s->name_len)) {
          s->state = ADDRESS;
          s->depth = s->comment = 0;
          s->field_colons = 0;
          s->quoted = s->angle = s->literal = s->escaped = FALSE;
        } else {
          s->state = REST;
        }
      } else if (c > ' ' && c <= '~' && c != ':') {
        if (s->name_len < sizeof s->name)
          s->name[s->name_len] = c;
        s->name_len++;
      } else {
        s->state = REST; /* no field name: a body line */
        s->eol = c == '\n';
      }
      break;
    case ADDRESS:
      if (c == '\n')
        s->eol = TRUE;
      else
        address_byte(s, c);
      break;
    case REST: {
      /* Nothing more is wanted of this line. */
      const guint8 *nl = memchr(p, '\n', (gsize)(end - p));
      const guint8 *last = nl ? nl : end - 1;
      s->pos += (guint64)(last - p);
      p = last;
      s->eol = nl != NULL;
      break;
    }
    }
  }
}

gboolean kith_mime_scan_finish(kith_mime_scan *s, char **why)
{
  end_address_field(s);
  if (s->cutting) {
    g_array_append_val(s->cuts, s->pos);
    s->cutting = FALSE;
  }
  if (s->fields > HEADER_FIELDS_MAX) {
    *why = g_strdup_printf("more than %d header fields", HEADER_FIELDS_MAX);
    return FALSE;
  }
  if ((s->head ? s->head : s->pos) > HEADER_BYTES_MAX) {
    *why = g_strdup_printf("a header block of more than %d bytes", HEADER_BYTES_MAX);
    return FALSE;
  }
  return TRUE;
}

gboolean kith_mime_scan_headers_only(const kith_mime_scan *s)
{
  return s->part_fields > PART_FIELDS_MAX;
}

const char *kith_mime_scan_warning(const kith_mime_scan *s)
{
  return s->warning;
}

GByteArray *kith_mime_scan_apply(const kith_mime_scan *s, const guint8 *data, gsize len)
{
  if (s->cuts->len == 0)
    return NULL;
  GByteArray *out = g_byte_array_sized_new((guint)MIN(len, G_MAXUINT));
  gsize copied = 0;
  const guint64 *c = (const guint64 *)(void *)s->cuts->data;
  for (guint i = 0; i + 1 < s->cuts->len; i += 2) {
    g_byte_array_append(out, data + copied, (guint)(c[i] - copied));
    g_byte_array_append(out, (const guint8 *)"\n", 1);
    copied = (gsize)c[i + 1];
  }
  g_byte_array_append(out, data + copied, (guint)(len - copied));
  return out;
}
