/* mime.c - emails to activities with GMime 3: .eml files, mbox files, Maildir messages. */
#include "capture/mime.h"

#include "capture/automatic.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NEST_MAX 64      /* multipart depth searched for the sender's text */
#define GROUP_MAX 8      /* address groups inside groups (not RFC, but parsed) */

/* GMime 3.2 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeFilter, g_object_unref)

static gpointer init_once(gpointer unused)
{
  static const char *fallback[] = {"UTF-8", "windows-1252", NULL};
  g_mime_init();
  GMimeParserOptions *o = g_mime_parser_options_new();
  g_mime_parser_options_set_fallback_charsets(o, fallback);
  g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  return o;
}

static GMimeParserOptions *options(void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once(&once, init_once, NULL);
}

void kith_mime_init(void)
{
  (void)options();
}

GMimeParserOptions *kith_mime_parser_options(void)
{
  return options();
}

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

char *kith_capture_clean_text(const char *text, gsize max)
{
  if (!text)
    return g_strdup("");
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  for (char *p = valid; *p; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  g_strstrip(valid);
  gsize len = strlen(valid);
  if (len > max) {
    const char *end = g_utf8_find_prev_char(valid, valid + max + 1);
    len = end ? (gsize)(end - valid) : 0;
    valid[len] = '\0';
    g_strchomp(valid);
  }
  return g_steal_pointer(&valid);
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
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},     {"ndash", 0x2013},   {"mdash", 0x2014},   {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},   {"ldquo", 0x201C},   {"rdquo", 0x201D},
    {"bdquo", 0x201E},  {"hellip", 0x2026},  {"bull", 0x2022},    {"euro", 0x20AC},
    {"trade", 0x2122},  {"zwnj", 0x200C},    {"zwj", 0x200D},     {"ensp", ' '},
    {"emsp", ' '},      {"thinsp", ' '},     {"OElig", 0x152},    {"oelig", 0x153},
    {"Scaron", 0x160},  {"scaron", 0x161},   {"Yuml", 0x178},     {"dagger", 0x2020},
};

/* HTML 4's Latin-1 entities, in code point order from U+00A0. */
static const char *const latin1[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",
    "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",
    "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
    "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
    "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",
    "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
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
  static const char *const blocks[] = {"br", "p", "div", "tr", "li", "ul", "ol", "table",
                                       "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                                       "blockquote", "pre", "address", "dt", "dd", NULL};
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

/* ---- activities ---- */

static void add_addresses(kith_activity *a, InternetAddressList *list, kith_part_role role,
                          guint depth)
{
  if (!list || depth > GROUP_MAX)
    return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; i++) {
    InternetAddress *ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      add_addresses(a, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), role,
                    depth + 1);
      continue;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
      continue;
    const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
    const char *name = internet_address_get_name(ia);
    g_autofree char *clean = name ? kith_capture_clean_text(name, KITH_CAPTURE_NAME_MAX) : NULL;
    if (addr)
      kith_activity_add_participant(a, addr, clean, role, KITH_CUTYPE_PERSON);
  }
}

static const char *header(GMimeMessage *m, const char *name)
{
  return g_mime_object_get_header(GMIME_OBJECT(m), name);
}

kith_activity *kith_mime_activity_from_message(GMimeMessage *m, const char *origin,
                                               GError **error)
{
  static const char *const email_headers[] = {"From", "To", "Cc", "Bcc", "Date", "Message-ID",
                                              "Subject", "Sender", "Received", NULL};
  gboolean any = FALSE;
  for (const char *const *h = email_headers; *h && !any; h++)
    any = header(m, *h) != NULL;
  if (!any) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "not an email (no From, To, Date or Message-ID header)");
    return NULL;
  }
  kith_activity *a = kith_activity_new(KITH_ACTIVITY_EMAIL);
  a->origin = g_strdup(origin);

  const char *mid = g_mime_message_get_message_id(m);
  g_autofree char *id = mid ? kith_capture_clean_text(mid, KITH_CAPTURE_ID_MAX) : NULL;
  /* A Message-ID is id-left@id-right (RFC 5322); one without '@' is junk or
   * was cut short (a NUL byte), and two messages must not share it. */
  if (id && *id && strchr(id, '@')) {
    a->id = g_steal_pointer(&id);
  } else {
    /* No Message-ID: derive one from what identifies the message, so that
     * reading the same file again gives the same identity. */
    const char *parts[] = {header(m, "Date"), header(m, "From"), header(m, "To"),
                           header(m, "Subject")};
    a->id = kith_capture_derived_id(parts, G_N_ELEMENTS(parts));
  }
  GDateTime *date = g_mime_message_get_date(m);
  a->time = date ? g_date_time_to_unix(date) : 0;
  g_free(a->subject);
  a->subject = kith_capture_clean_text(g_mime_message_get_subject(m), KITH_CAPTURE_SUBJECT_MAX);

  static const struct {
    GMimeAddressType type;
    kith_part_role role;
  } fields[] = {{GMIME_ADDRESS_TYPE_FROM, KITH_PART_FROM},
                {GMIME_ADDRESS_TYPE_TO, KITH_PART_TO},
                {GMIME_ADDRESS_TYPE_CC, KITH_PART_CC},
                {GMIME_ADDRESS_TYPE_BCC, KITH_PART_BCC}};
  for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
    add_addresses(a, g_mime_message_get_addresses(m, fields[i].type), fields[i].role, 0);

  a->automatic = kith_automatic_headers(g_mime_object_get_header_list(GMIME_OBJECT(m))) != NULL ||
                 kith_automatic_subject(a->subject);
  /* No signature is read from automatic mail (R10): its text is not wanted. */
  a->sender_text = a->automatic ? NULL : kith_mime_sender_text(m);
  return a;
}

/* ---- files ---- */

static void report(const kith_capture_sink *sink, const char *where, const char *why)
{
  sink->on_error(where, why, sink->user_data);
}

kith_activity *kith_mime_parse_file(const char *path, char **why)
{
  kith_mime_init();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = g_strdup(g_strerror(errno));
    return NULL;
  }
  g_autoptr(GMimeStream) stream = g_mime_stream_fs_new(fd); /* owns FD */
  if (g_mime_stream_length(stream) == 0) {
    *why = g_strdup("empty file");
    return NULL;
  }
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  g_autoptr(GMimeMessage) m = g_mime_parser_construct_message(parser, options());
  if (!m) {
    *why = g_strdup("not an RFC 5322 message");
    return NULL;
  }
  g_autoptr(GError) error = NULL;
  kith_activity *a = kith_mime_activity_from_message(m, path, &error);
  if (!a)
    *why = g_strdup(error->message);
  return a;
}

gboolean kith_mime_read_message_file(const char *path, const kith_capture_sink *sink)
{
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) a = kith_mime_parse_file(path, &why);
  if (!a) {
    report(sink, path, why);
    return TRUE;
  }
  return sink->on_activity(a, sink->user_data);
}

#define MAX_MBOX_MESSAGE (512u * 1024 * 1024) /* one message inside an mbox */

/* A From_ line: "From " at the start of a line, a sender word, then a date
 * with a time and a year ("From MAILER-DAEMON Mon Jan  5 09:00:00 2026").
 * kith splits mboxes itself on such lines rather than trusting a parser's
 * scan: body text that starts a line with "From " is no separator. */
static gboolean is_from_line(const char *line, gsize len)
{
  if (len < 6 || memcmp(line, "From ", 5) != 0 || line[5] == ' ' || line[5] == '\n')
    return FALSE;
  gboolean colon = FALSE, year = FALSE;
  for (gsize i = 5, run = 0; i < len; i++) {
    char c = line[i];
    colon = colon || c == ':';
    run = g_ascii_isdigit(c) ? run + 1 : 0;
    if (run == 4 && (i + 1 >= len || !g_ascii_isdigit(line[i + 1])))
      year = year || (line[i - 3] == '1' || line[i - 3] == '2');
  }
  return colon && year;
}

/* One parser a thread, re-aimed at each message: making and freeing a
 * parser (and its buffers) for every message of an mbox cost a tenth of
 * the parse. */
typedef struct {
  GMimeParser *parser;
  GMimeStream *idle; /* an empty stream the parser holds between messages */
  GByteArray *kept;  /* the message as GMime is given it (kept_headers) */
} thread_parser_t;

static void thread_parser_free(gpointer data)
{
  thread_parser_t *t = data;
  g_object_unref(t->parser);
  g_object_unref(t->idle);
  g_byte_array_unref(t->kept);
  g_free(t);
}

static GPrivate parser_key = G_PRIVATE_INIT(thread_parser_free);

static thread_parser_t *thread_parser(void)
{
  thread_parser_t *t = g_private_get(&parser_key);
  if (!t) {
    t = g_new(thread_parser_t, 1);
    t->parser = g_mime_parser_new();
    t->idle = g_mime_stream_mem_new();
    t->kept = g_byte_array_new();
    g_private_set(&parser_key, t);
  }
  return t;
}

/* Where the header block of a raw message ends (after its blank line), or
 * 0 when it has none. */
static gsize header_end(const guint8 *data, gsize len)
{
  for (gsize i = 0; i + 1 < len; i++) {
    if (data[i] != '\n')
      continue;
    if (data[i + 1] == '\n')
      return i + 2;
    if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

/* The domain of the one From header of a raw header block, lower case, as
 * plainly written there; NULL whenever it is not plain (no From, two, a
 * comment, an encoded word, anything but ASCII letters, digits, '-', '.'),
 * and the caller then parses the whole message. */
static char *raw_sender_domain(const guint8 *data, gsize len)
{
  g_autoptr(GString) value = NULL;
  gboolean in_from = FALSE;
  for (gsize pos = 0; pos < len;) {
    const guint8 *nl = memchr(data + pos, '\n', len - pos);
    gsize n = nl ? (gsize)(nl - (data + pos)) + 1 : len - pos;
    const char *line = (const char *)data + pos;
    pos += n;
    if (in_from && n > 0 && (line[0] == ' ' || line[0] == '\t')) {
      g_string_append_len(value, line, n);
      continue;
    }
    in_from = FALSE;
    if (n >= 5 && g_ascii_strncasecmp(line, "from:", 5) == 0) {
      if (value)
        return NULL; /* two From headers */
      value = g_string_new_len(line + 5, n - 5);
      in_from = TRUE;
    }
  }
  if (!value || strchr(value->str, '(') || strstr(value->str, "=?"))
    return NULL;
  const char *addr = value->str, *lt = strrchr(value->str, '<');
  gsize alen = value->len;
  if (lt) {
    const char *gt = strchr(lt, '>');
    if (!gt)
      return NULL;
    addr = lt + 1;
    alen = (gsize)(gt - addr);
  }
  const char *at = g_strrstr_len(addr, alen, "@");
  if (!at)
    return NULL;
  g_autofree char *domain = g_strstrip(g_strndup(at + 1, alen - (gsize)(at + 1 - addr)));
  if (!*domain)
    return NULL;
  for (char *c = domain; *c; c++) {
    if (!g_ascii_isalnum(*c) && *c != '-' && *c != '.')
      return NULL;
    *c = g_ascii_tolower(*c);
  }
  return g_steal_pointer(&domain);
}

/* ---- the headers GMime is given ---- */

/* The top-level headers an activity is made from (kith_mime_activity_from_
 * message, kith_automatic_headers); with the body, also those that say how
 * to read it (MIME-Version, Content-*). A message's other headers -
 * Received, Return-Path, References, DKIM and ARC signatures, X-anything -
 * cost GMime an object each to build and free and tell kith nothing. */
static const char *const activity_headers[] = {
    "From", "To", "Cc", "Bcc", "Date", "Message-ID", "Subject", "Sender", NULL};

static gboolean name_is(const char *name, gsize len, const char *want)
{
  return strlen(want) == len && g_ascii_strncasecmp(name, want, len) == 0;
}

static gboolean header_wanted(const char *name, gsize len, gboolean body, gboolean *identifies)
{
  for (const char *const *h = activity_headers; *h; h++)
    if (name_is(name, len, *h))
      return *identifies = TRUE;
  for (const char *const *h = kith_automatic_header_names; *h; h++)
    if (name_is(name, len, *h))
      return TRUE;
  return body && (name_is(name, len, "MIME-Version") ||
                  (len > 8 && g_ascii_strncasecmp(name, "Content-", 8) == 0));
}

static gboolean keep_all_headers; /* kith_mime_keep_all_headers */

void kith_mime_keep_all_headers(gboolean all)
{
  keep_all_headers = all;
}

/* Writes to OUT the message in DATA (LEN bytes, its header block the first
 * HEAD, blank line included) with only the headers header_wanted keeps, in
 * their order and as written; with BODY the rest of the message follows,
 * else the header block alone. FALSE, and OUT left unused, when the block
 * is anything but plain "Name: value" fields with continuation lines (a
 * NUL byte, a line without a colon): GMime then reads the message as it is.
 * FALSE too when no header an activity is made from is kept, so that a
 * message of none of them is judged on all it has. */
static gboolean kept_headers(const guint8 *data, gsize len, gsize head, gboolean body,
                             GByteArray *out)
{
  if (keep_all_headers || head == 0 || memchr(data, '\0', head))
    return FALSE;
  g_byte_array_set_size(out, 0);
  gboolean keep = FALSE, identifies = FALSE;
  gsize pos = 0;
  while (pos < head) {
    const guint8 *nl = memchr(data + pos, '\n', head - pos);
    gsize n = nl ? (gsize)(nl - (data + pos)) + 1 : head - pos;
    const char *line = (const char *)data + pos;
    if (n == 1 || (n == 2 && line[0] == '\r'))
      break; /* the blank line */
    if (line[0] == ' ' || line[0] == '\t') {
      if (pos == 0)
        return FALSE;
    } else {
      const char *colon = memchr(line, ':', n);
      gsize name_len = colon ? (gsize)(colon - line) : 0;
      if (name_len == 0)
        return FALSE;
      for (gsize i = 0; i < name_len; i++)
        if (line[i] <= ' ' || line[i] > '~')
          return FALSE; /* not a field name (RFC 5322 ftext): GMime judges it */
      keep = header_wanted(line, name_len, body, &identifies);
    }
    if (keep)
      g_byte_array_append(out, (const guint8 *)line, n);
    pos += n;
  }
  if (!identifies)
    return FALSE;
  /* The blank line, then the body or nothing. */
  g_byte_array_append(out, data + pos, (body ? len : head) - pos);
  return TRUE;
}

/* Parses LEN bytes of BYTES (the whole message, or its header block). */
static GMimeMessage *parse_range(GByteArray *bytes, gsize len)
{
  /* The stream reads BYTES in place rather than copying them. */
  g_autoptr(GMimeStream) whole = g_mime_stream_mem_new_with_byte_array(bytes);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(whole), FALSE);
  g_autoptr(GMimeStream) stream =
      len < bytes->len ? g_mime_stream_substream(whole, 0, (gint64)len) : g_object_ref(whole);
  thread_parser_t *t = thread_parser();
  g_mime_parser_init_with_stream(t->parser, stream);
  g_mime_parser_set_format(t->parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *m = g_mime_parser_construct_message(t->parser, options());
  g_mime_parser_init_with_stream(t->parser, t->idle); /* lets go of STREAM and BYTES */
  return m;
}

static const kith_participant *first_sender(const kith_activity *a)
{
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (p->role == KITH_PART_FROM)
      return p;
  }
  return NULL;
}

/* DATA's first LEN bytes as this thread's kept buffer, for GMime. */
static GByteArray *as_kept(const guint8 *data, gsize len)
{
  GByteArray *kept = thread_parser()->kept;
  g_byte_array_set_size(kept, 0);
  g_byte_array_append(kept, data, len);
  return kept;
}

kith_activity *kith_mime_parse_bytes(const guint8 *data, gsize len, const char *where,
                                     kith_capture_body_fn body_wanted, gpointer user_data,
                                     char **why)
{
  kith_mime_init();
  /* The line break before the next From_ line belongs to the separator. */
  if (len >= 1 && data[len - 1] == '\n') {
    len--;
    if (len >= 1 && data[len - 1] == '\r')
      len--;
  }
  /* A body nobody will read (the org's own sender: its signature is never
   * kept) is left unparsed: the header block alone costs a third less.
   * Either way GMime gets this thread's copy of the message with only the
   * headers kith reads (kept_headers), or all of it when that cannot be. */
  gsize head = header_end(data, len);
  g_autofree char *domain = head && body_wanted ? raw_sender_domain(data, head) : NULL;
  GByteArray *kept = thread_parser()->kept;
  if (domain && !body_wanted(domain, user_data)) {
    if (!kept_headers(data, len, head, FALSE, kept))
      as_kept(data, head);
    g_autoptr(GMimeMessage) m = parse_range(kept, kept->len);
    g_autoptr(GError) error = NULL;
    kith_activity *a = m ? kith_mime_activity_from_message(m, where, &error) : NULL;
    const kith_participant *from = a ? first_sender(a) : NULL;
    if (from && strcmp(from->domain, domain) == 0) {
      g_clear_pointer(&a->sender_text, g_free);
      return a;
    }
    kith_activity_free(a); /* the sender is not what the header seemed: read it all */
  }
  if (!kept_headers(data, len, head, TRUE, kept))
    as_kept(data, len);
  g_autoptr(GMimeMessage) m = parse_range(kept, kept->len);
  if (!m) {
    *why = g_strdup("cannot parse message");
    return NULL;
  }
  g_autoptr(GError) error = NULL;
  kith_activity *a = kith_mime_activity_from_message(m, where, &error);
  if (!a)
    *why = g_strdup(error->message);
  return a;
}

typedef struct {
  const char *path;
  kith_mbox_message_fn on_message;
  kith_mbox_error_fn on_error;
  gpointer data;
  GByteArray *block;  /* the bytes read; messages are handed on as ranges of it */
  gboolean shared;    /* a range of BLOCK was handed on: it is not changed again */
  gsize msg_start;    /* where the message being gathered starts in BLOCK */
  guint64 lineno, start_line;
  gboolean in_message, too_big, go, not_mbox;
} splitter;

/* The message gathered so far ends at END of the block: hand it on. */
static void split_flush(splitter *sp, gsize end)
{
  char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, sp->path, sp->start_line);
  if (sp->too_big) {
    sp->go = sp->on_error(where, "message larger than 512 MiB, skipped", sp->data);
  } else {
    sp->go = sp->on_message(sp->block, sp->msg_start, end - sp->msg_start, where, sp->data);
    sp->shared = TRUE;
  }
}

/* The LEN bytes at OFFSET of the block (with their line break, if any)
 * start a line when START. */
static void split_line(splitter *sp, gsize offset, gsize len, gboolean start)
{
  const char *line = (const char *)sp->block->data + offset;
  if (start) {
    sp->lineno++;
    if (is_from_line(line, len)) {
      if (sp->in_message)
        split_flush(sp, offset);
      sp->in_message = TRUE;
      sp->too_big = FALSE;
      sp->start_line = sp->lineno;
      sp->msg_start = offset + len;
      return;
    }
    if (!sp->in_message) {
      if (sp->lineno == 1) {
        sp->on_error(g_strdup(sp->path), "not an mbox file (no From_ line)", sp->data);
        sp->not_mbox = TRUE;
      }
      return;
    }
  }
  if (sp->in_message && !sp->too_big && offset + len - sp->msg_start > MAX_MBOX_MESSAGE)
    sp->too_big = TRUE;
}

#define SPLIT_BLOCK (256u * 1024)
#define SPLIT_LINE_MAX (4u * 1024 * 1024) /* a longer line outside a message passes in pieces */

/* Makes room to read more: the bytes from FROM on stay, at the start of a
 * block with at least SPLIT_BLOCK free. A block a message was handed on
 * from is left as it is and a new one made. */
static void split_refill(splitter *sp, gsize from, gsize *pos)
{
  GByteArray *b = sp->block;
  gsize keep = b->len - from;
  gsize cap = MAX(2 * SPLIT_BLOCK, 2 * keep);
  if (sp->shared) {
    GByteArray *n = g_byte_array_sized_new((guint)cap);
    g_byte_array_append(n, b->data + from, (guint)keep);
    g_byte_array_unref(b);
    sp->block = n;
    sp->shared = FALSE;
  } else {
    memmove(b->data, b->data + from, keep);
    g_byte_array_set_size(b, (guint)keep);
  }
  sp->msg_start -= MIN(sp->msg_start, from);
  *pos -= from;
}

gboolean kith_mime_split_mbox(const char *path, kith_mbox_message_fn on_message,
                              kith_mbox_error_fn on_error, gpointer data)
{
  kith_mime_init();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    on_error(g_strdup(path), g_strerror(errno), data);
    return TRUE;
  }
  splitter sp = {.path = path, .on_message = on_message, .on_error = on_error, .data = data,
                 .block = g_byte_array_sized_new(2 * SPLIT_BLOCK), .go = TRUE};
  /* Read in blocks and cut lines with memchr; a message is handed on as a
   * range of the block it lies in, not copied. */
  gsize pos = 0; /* the first byte not yet cut into lines */
  gboolean eof = FALSE, at_start = TRUE; /* the next byte starts a line */
  int read_errno = 0;
  while (sp.go && !sp.not_mbox) {
    GByteArray *b = sp.block;
    const guint8 *nl = pos < b->len ? memchr(b->data + pos, '\n', b->len - pos) : NULL;
    if (nl) {
      gsize n = (gsize)(nl - (b->data + pos)) + 1;
      split_line(&sp, pos, n, at_start);
      at_start = TRUE;
      pos += n;
      continue;
    }
    if (eof) {
      if (pos < b->len)
        split_line(&sp, pos, b->len - pos, at_start);
      break;
    }
    /* No whole line left. What must stay: the message being gathered, or
     * else the start of the line (a message too big, or text before the
     * first From_ line, keeps only that, and a line longer than
     * SPLIT_LINE_MAX passes there in pieces). */
    gboolean gathering = sp.in_message && !sp.too_big;
    if (gathering && b->len - sp.msg_start > MAX_MBOX_MESSAGE) {
      sp.too_big = TRUE;
      gathering = FALSE;
    }
    if (!gathering && b->len - pos >= SPLIT_LINE_MAX) {
      split_line(&sp, pos, b->len - pos, at_start);
      at_start = FALSE;
      pos = b->len;
    }
    split_refill(&sp, gathering ? sp.msg_start : pos, &pos);
    b = sp.block;
    gsize old = b->len;
    g_byte_array_set_size(b, (guint)(old + SPLIT_BLOCK));
    ssize_t got = read(fd, b->data + old, SPLIT_BLOCK);
    g_byte_array_set_size(b, (guint)(old + (got > 0 ? (gsize)got : 0)));
    if (got < 0) {
      if (errno == EINTR)
        continue;
      read_errno = errno;
      eof = TRUE;
    } else if (got == 0) {
      eof = TRUE;
    }
  }
  if (sp.go && sp.in_message && !sp.not_mbox)
    split_flush(&sp, sp.block->len);
  if (sp.go && read_errno)
    sp.go = on_error(g_strdup(path), g_strerror(read_errno), data);
  g_byte_array_unref(sp.block);
  close(fd);
  return sp.go;
}
