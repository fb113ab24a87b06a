/* mimetext.c - the text of an email: the sender's own part as UTF-8, HTML as
 * text, and the text helpers every capture format shares. */
#include "capture/mime.h"

#include "util/text.h"

#include <string.h>

#define NEST_MAX 64 /* multipart depth searched for the sender's text */

/* ---- shared text helpers ---- */

/* Length of S without a multi-byte sequence cut short at its end. */
static gsize whole_utf8_len(const char *s, gsize len)
{
  for (gsize back = 1; back <= 4 && back <= len; back++) {
    guchar c = (guchar)s[len - back];
    if (c < 0x80)
      return len; /* ASCII: nothing cut */
    if (c >= 0xC0) {
      gsize need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      return need > back ? len - back : len;
    }
  }
  return len;
}

/* Ids, subjects and names are shown to people (kith log, explain, the
 * console): util/text.c's sanitizer also takes out terminal escapes and
 * folds white space. */
char *kith_capture_clean_text(const char *text, gsize max)
{
  return kith_text_clean(text, max);
}

char *kith_capture_derived_id(const char *const *parts, guint n_parts)
{
  g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
  for (guint i = 0; i < n_parts; i++) {
    const char *p = parts[i] ? parts[i] : "";
    g_checksum_update(sum, (const guchar *)p, strlen(p));
    g_checksum_update(sum, (const guchar *)"\n", 1); /* keeps "ab"+"c" apart from "a"+"bc" */
  }
  return g_strdup_printf("kith-%.32s", g_checksum_get_string(sum));
}

/* ---- HTML as text ---- */

/* Named entities beyond Latin-1: the ones mail clients write. */
static const struct {
  const char *name;
  gunichar cp;
} entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E},  {"hellip", 0x2026}, {"bull", 0x2022},
    {"euro", 0x20AC},  {"trade", 0x2122}, {"zwnj", 0x200C},   {"zwj", 0x200D},    {"ensp", ' '},
    {"emsp", ' '},     {"thinsp", ' '},   {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},
    {"scaron", 0x161}, {"Yuml", 0x178},   {"dagger", 0x2020},
};

/* HTML 4's Latin-1 entities, in code point order from U+00A0. */
static const char *const latin1[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

/* A decoded entity as text: no-break and other spaces are plain spaces
 * (signature parsing splits on them), a soft hyphen is nothing. */
static void append_entity(GString *out, gunichar cp)
{
  if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A))
    g_string_append_c(out, ' ');
  else if (cp != 0xAD)
    g_string_append_unichar(out, cp);
}

/* Decodes the entity at S (just after '&'); returns the bytes used, 0 if none. */
static gsize html_entity(const char *s, const char *end, GString *out)
{
  const char *semi = memchr(s, ';', MIN((gsize)(end - s), 12));
  if (!semi || semi == s)
    return 0;
  gsize n = semi - s;
  if (*s == '#') {
    g_autofree char *num = g_strndup(s + 1, n - 1);
    char *stop = NULL;
    guint64 cp = (*num == 'x' || *num == 'X') ? g_ascii_strtoull(num + 1, &stop, 16)
                                              : g_ascii_strtoull(num, &stop, 10);
    if (!stop || *stop || stop == num || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    append_entity(out, (gunichar)cp);
    return n + 1;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(entities); i++)
    if (strlen(entities[i].name) == n && memcmp(entities[i].name, s, n) == 0) {
      append_entity(out, entities[i].cp);
      return n + 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS(latin1); i++)
    if (strlen(latin1[i]) == n && memcmp(latin1[i], s, n) == 0) {
      append_entity(out, 0xA0 + (gunichar)i);
      return n + 1;
    }
  return 0;
}

static gboolean tag_is(const char *tag, const char *const *names)
{
  for (; *names; names++)
    if (strcmp(tag, *names) == 0)
      return TRUE;
  return FALSE;
}

/* Drops trailing spaces of the text so far (before a line break). */
static void chomp_spaces(GString *out)
{
  while (out->len && out->str[out->len - 1] == ' ')
    g_string_truncate(out, out->len - 1);
}

char *kith_mime_html_to_text(const char *html, gsize len)
{
  static const char *const blocks[] = {"br",    "p",          "div", "tr",      "li", "ul", "ol",
                                       "table", "h1",         "h2",  "h3",      "h4", "h5", "h6",
                                       "hr",    "blockquote", "pre", "address", "dt", "dd", NULL};
  static const char *const hidden[] = {"script", "style", "head", "title", NULL};
  const char *p = html, *end = html + len;
  GString *out = g_string_sized_new(MIN(len, KITH_MIME_TEXT_MAX));
  guint newlines = 2; /* line breaks at the end of OUT; 2 drops leading ones */

  while (p < end && out->len < KITH_MIME_TEXT_MAX) {
    if (*p == '<') {
      if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
        const char *c = g_strstr_len(p + 4, end - p - 4, "-->");
        p = c ? c + 3 : end;
        continue;
      }
      const char *gt = memchr(p, '>', end - p);
      if (!gt)
        break; /* a tag cut short ends the text */
      const char *n = p + 1;
      gboolean closing = (*n == '/');
      if (closing)
        n++;
      gsize tl = 0;
      while (n + tl < gt && g_ascii_isalnum(n[tl]) && tl < 15)
        tl++;
      char tag[16];
      for (gsize i = 0; i < tl; i++)
        tag[i] = g_ascii_tolower(n[i]);
      tag[tl] = '\0';
      p = gt + 1;
      if (!closing && tag_is(tag, hidden)) {
        /* Skip to the matching close tag, whatever its case. */
        g_autofree char *close = g_strdup_printf("</%s", tag);
        const char *q = p;
        while (q < end && !(*q == '<' && end - q >= (gssize)strlen(close) &&
                            g_ascii_strncasecmp(q, close, strlen(close)) == 0))
          q++;
        const char *qgt = q < end ? memchr(q, '>', end - q) : NULL;
        p = qgt ? qgt + 1 : end;
        continue;
      }
      if (tag_is(tag, blocks) && (strcmp(tag, "br") == 0 || newlines == 0)) {
        chomp_spaces(out);
        if (newlines < 2) {
          g_string_append_c(out, '\n');
          newlines++;
        }
      }
      continue;
    }
    if (*p == '&') {
      gsize before = out->len;
      gsize used = html_entity(p + 1, end, out);
      if (used) {
        p += used + 1;
        if (out->len > before)
          newlines = 0;
        continue;
      }
    }
    if (g_ascii_isspace(*p)) {
      if (newlines == 0 && out->len && out->str[out->len - 1] != ' ')
        g_string_append_c(out, ' ');
      p++;
      continue;
    }
    g_string_append_c(out, *p++);
    newlines = 0;
  }
  chomp_spaces(out);
  while (out->len && out->str[out->len - 1] == '\n')
    g_string_truncate(out, out->len - 1);
  char *text = g_string_free(out, FALSE);
  char *valid = g_utf8_make_valid(text, -1);
  g_free(text);
  return valid;
}

/* ---- the sender's own text ---- */

/* The first text/SUBTYPE leaf that is not an attachment, depth first.
 * A forwarded message (message/rfc822) is someone else's text: not entered. */
static GMimePart *find_text_part(GMimeObject *obj, const char *subtype, guint depth)
{
  if (GMIME_IS_MULTIPART(obj)) {
    if (depth >= NEST_MAX)
      return NULL;
    GMimeMultipart *mp = GMIME_MULTIPART(obj);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; i++) {
      GMimePart *found = find_text_part(g_mime_multipart_get_part(mp, i), subtype, depth + 1);
      if (found)
        return found;
    }
    return NULL;
  }
  if (!GMIME_IS_PART(obj))
    return NULL;
  GMimeContentType *ct = g_mime_object_get_content_type(obj);
  if (!ct || !g_mime_content_type_is_type(ct, "text", subtype))
    return NULL;
  if (g_mime_part_is_attachment(GMIME_PART(obj)))
    return NULL;
  return GMIME_PART(obj);
}

/* BUF's first LEN bytes as a UTF-8 string: cut to whole characters when
 * CUT, NUL bytes made spaces, 8-bit text in no charset read as
 * windows-1252 (unless CONVERTED already), anything else invalid replaced. */
static char *utf8_text(guint8 *buf, gsize len, gboolean cut, gboolean converted)
{
  if (cut)
    len = whole_utf8_len((const char *)buf, len);
  for (gsize i = 0; i < len; i++)
    if (buf[i] == '\0')
      buf[i] = ' '; /* NUL bytes would cut the C string short */
  char *text = NULL;
  if (!converted && !g_utf8_validate((const char *)buf, len, NULL)) {
    /* 8-bit text with no (or a wrong) charset: the usual culprit is windows-1252. */
    text = g_convert((const char *)buf, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  }
  return text ? text : g_utf8_make_valid((const char *)buf, len);
}

/* PART in another charset: decoded, converted and given LF line ends by
 * GMime's filters, at most the cap. */
static char *converted_text(GMimeStream *raw, GMimeContentEncoding enc, const char *charset)
{
  g_autoptr(GMimeStream) filtered = g_mime_stream_filter_new(raw);
  if (enc != GMIME_CONTENT_ENCODING_DEFAULT) {
    g_autoptr(GMimeFilter) dec = g_mime_filter_basic_new(enc, FALSE);
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), dec);
  }
  gboolean converted = FALSE;
  g_autoptr(GMimeFilter) conv = g_mime_filter_charset_new(charset, "UTF-8");
  if (conv) {
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), conv);
    converted = TRUE;
  }
  g_autoptr(GMimeFilter) unix_ends = g_mime_filter_dos2unix_new(FALSE);
  g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), unix_ends);

  g_autoptr(GByteArray) buf = g_byte_array_sized_new(4096);
  char chunk[8192];
  gboolean cut = FALSE;
  while (buf->len < KITH_MIME_TEXT_MAX) {
    gssize n = g_mime_stream_read(filtered, chunk, sizeof chunk);
    if (n <= 0)
      break;
    gsize take = MIN((gsize)n, KITH_MIME_TEXT_MAX - buf->len);
    cut = take < (gsize)n;
    g_byte_array_append(buf, (const guint8 *)chunk, take);
  }
  return utf8_text(buf->data, buf->len, cut || buf->len == KITH_MIME_TEXT_MAX, converted);
}

/* The decoded bytes of PART as UTF-8 with LF line ends, at most the cap.
 * UTF-8 and ASCII text (nearly all of it) is read and decoded in one go;
 * a GMime filter stream per part cost more than the decoding. */
static char *part_text(GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (!content)
    return NULL;
  GMimeStream *raw = g_mime_data_wrapper_get_stream(content);
  if (!raw || g_mime_stream_reset(raw) == -1)
    return NULL;
  GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(content);
  const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0 &&
      g_ascii_strcasecmp(charset, "us-ascii") != 0)
    return converted_text(raw, enc, charset);

  gboolean decode = enc == GMIME_CONTENT_ENCODING_BASE64 ||
                    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
                    enc == GMIME_CONTENT_ENCODING_UUENCODE;
  /* Enough encoded bytes for the cap: base64 takes 4 for 3, quoted-printable
   * up to 3 for 1 (uuencode fits in either). */
  gsize raw_max = !decode ? KITH_MIME_TEXT_MAX : 3 * (gsize)KITH_MIME_TEXT_MAX + 64;
  g_autoptr(GByteArray) in = g_byte_array_sized_new(4096);
  gboolean raw_cut = FALSE;
  char chunk[8192];
  for (;;) {
    gssize n = g_mime_stream_read(raw, chunk, sizeof chunk);
    if (n <= 0)
      break;
    gsize take = MIN((gsize)n, raw_max - in->len);
    g_byte_array_append(in, (const guint8 *)chunk, take);
    if (take < (gsize)n || in->len == raw_max) {
      raw_cut = TRUE;
      break;
    }
  }
  guint8 *text = in->data;
  gsize len = in->len;
  g_autofree guint8 *decoded = NULL;
  if (decode) {
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, enc);
    decoded = g_malloc(g_mime_encoding_outlen(&state, in->len) + 4);
    len = g_mime_encoding_flush(&state, (const char *)in->data, in->len, (char *)decoded);
    text = decoded;
  }
  /* CRLF line ends become LF. */
  gsize out = 0;
  for (gsize i = 0; i < len; i++)
    if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
      text[out++] = text[i];
  len = out;
  gboolean cut = raw_cut || len > KITH_MIME_TEXT_MAX;
  return utf8_text(text, MIN(len, (gsize)KITH_MIME_TEXT_MAX), cut, FALSE);
}

char *kith_mime_sender_text(GMimeMessage *message)
{
  GMimeObject *root = g_mime_message_get_mime_part(message);
  if (!root)
    return NULL;
  GMimePart *part = find_text_part(root, "plain", 0);
  if (part)
    return part_text(part);
  part = find_text_part(root, "html", 0);
  if (!part)
    return NULL;
  g_autofree char *html = part_text(part);
  return html ? kith_mime_html_to_text(html, strlen(html)) : NULL;
}
