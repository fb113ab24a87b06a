/* mime.c - emails to activities with GMime 3: .eml files, mbox messages, Maildir messages. */
#include "capture/mime.h"

#include "capture/automatic.h"
#include "capture/dsn.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GROUP_MAX 8 /* address groups inside groups (not RFC, but parsed) */

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

/* The headers an activity is made from; a message with none of them (nor
 * a Received header) is no email. kept_headers gives GMime only these and
 * the R10 ones. */
static const char *const activity_headers[] = {"From",       "To",      "Cc",     "Bcc", "Date",
                                               "Message-ID", "Subject", "Sender", NULL};

kith_activity *kith_mime_activity_from_message(GMimeMessage *m, const char *origin, GError **error)
{
  gboolean any = header(m, "Received") != NULL;
  for (const char *const *h = activity_headers; *h && !any; h++)
    any = header(m, *h) != NULL;
  if (!any) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE,
                "not an email (no From, To, Date or Message-ID header)");
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

  GMimeHeaderList *headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
  /* R12: every Authentication-Results, topmost first, for the rules to judge. */
  int n_headers = g_mime_header_list_get_count(headers);
  for (int i = 0; i < n_headers; i++) {
    GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
    if (g_ascii_strcasecmp(g_mime_header_get_name(h), "Authentication-Results") != 0)
      continue;
    if (!a->auth_results)
      a->auth_results = g_ptr_array_new_with_free_func(g_free);
    if (a->auth_results->len < 64)
      g_ptr_array_add(a->auth_results, kith_capture_clean_text(g_mime_header_get_value(h),
                                                               KITH_CAPTURE_SUBJECT_MAX));
  }
  a->automatic = kith_automatic_headers(headers) != NULL || kith_automatic_subject(a->subject);
  /* R45: a delivery-status notification is automatic mail (R10) of itself,
   * with or without an Auto-Submitted header, and names who bounced. */
  if (kith_dsn_read(m, &a->bounced))
    a->automatic = TRUE;
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
  /* The bounds first, read in pieces: a message file may be large, and
   * GMime reads it from the file rather than from memory. */
  g_autoptr(kith_mime_scan) scan = kith_mime_scan_new();
  g_autofree guint8 *buf = g_malloc(64 * 1024);
  gssize n;
  while ((n = g_mime_stream_read(stream, (char *)buf, 64 * 1024)) > 0)
    kith_mime_scan_feed(scan, buf, (gsize)n);
  if (n < 0) {
    *why = g_strdup("read error");
    return NULL;
  }
  if (!kith_mime_scan_finish(scan, why))
    return NULL;
  if (kith_mime_scan_warning(scan) || kith_mime_scan_headers_only(scan)) {
    /* Rare, hostile or odd: read it whole, the way an mbox message is. */
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &bytes, &len, &error)) {
      *why = g_strdup(error->message);
      return NULL;
    }
    return kith_mime_parse_bytes((const guint8 *)bytes, len, path, NULL, NULL, why);
  }
  g_mime_stream_reset(stream);
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

/* A message's other headers than those an activity is made from (above)
 * and the R10 ones - Received, Return-Path, References, DKIM and ARC
 * signatures, X-anything - would cost GMime an object each to build and
 * free and tell kith nothing; with the body, those that say how to read it
 * (MIME-Version, Content-*) are kept too. */
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
  if (name_is(name, len, "Authentication-Results"))
    return TRUE; /* R12 */
  return body && (name_is(name, len, "MIME-Version") ||
                  (len > 8 && g_ascii_strncasecmp(name, "Content-", 8) == 0));
}

static gboolean keep_all_headers; /* kith_mime_keep_all_headers */

void kith_mime_keep_all_headers(gboolean all)
{
  keep_all_headers = all;
}

/* Whether the header value at P (the header block ends at END) begins,
 * past white space and folding, with multipart/report. */
static gboolean value_is_report(const char *p, const char *end)
{
  static const char want[] = "multipart/report";
  const gsize n = sizeof want - 1;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
                     (*p == '\n' && p + 1 < end && (p[1] == ' ' || p[1] == '\t'))))
    p++;
  return (gsize)(end - p) >= n && g_ascii_strncasecmp(p, want, n) == 0;
}

/* Writes to OUT the message in DATA (LEN bytes, its header block the first
 * HEAD, blank line included) with only the headers header_wanted keeps, in
 * their order and as written; with BODY the rest of the message follows,
 * else the header block alone. FALSE, and OUT left unused, when the block
 * is anything but plain "Name: value" fields with continuation lines (a
 * NUL byte, a line without a colon): GMime then reads the message as it is.
 * FALSE too when no header an activity is made from is kept, so that a
 * message of none of them is judged on all it has, and, without BODY, for
 * a report (R45): its header block is then read whole, Content-Type too,
 * and tells the reader that the body is to be read after all. */
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
      if (!keep && !body && name_is(line, name_len, "Content-Type") &&
          value_is_report(line + name_len + 1, (const char *)data + head))
        return FALSE;
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
  g_autoptr(GMimeStream) stream = len < bytes->len ? g_mime_stream_substream(whole, 0, (gint64)len)
                                                   : g_object_ref(whole);
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

static kith_activity *parse_bounded(const guint8 *data, gsize len, const char *where,
                                    gboolean headers_only, kith_capture_body_fn body_wanted,
                                    gpointer user_data, char **why)
{
  /* A body nobody will read (the org's own sender: its signature is never
   * kept) is left unparsed: the header block alone costs a third less.
   * Either way GMime gets this thread's copy of the message with only the
   * headers kith reads (kept_headers), or all of it when that cannot be. */
  gsize head = header_end(data, len);
  if (headers_only) {
    if (!kept_headers(data, len, head, FALSE, thread_parser()->kept))
      as_kept(data, head ? head : len);
    GByteArray *kept = thread_parser()->kept;
    g_autoptr(GMimeMessage) m = parse_range(kept, kept->len);
    g_autoptr(GError) error = NULL;
    kith_activity *a = m ? kith_mime_activity_from_message(m, where, &error) : NULL;
    if (!a)
      *why = g_strdup(m ? error->message : "cannot parse message");
    else
      kith_activity_forget_text(a);
    return a;
  }
  g_autofree char *domain = head && body_wanted ? raw_sender_domain(data, head) : NULL;
  GByteArray *kept = thread_parser()->kept;
  if (domain && !body_wanted(domain, user_data)) {
    if (!kept_headers(data, len, head, FALSE, kept))
      as_kept(data, head);
    g_autoptr(GMimeMessage) m = parse_range(kept, kept->len);
    g_autoptr(GError) error = NULL;
    kith_activity *a = m ? kith_mime_activity_from_message(m, where, &error) : NULL;
    const kith_participant *from = a ? first_sender(a) : NULL;
    /* A report's body is read whoever sent it: a delivery-status
     * notification's failed recipients are in it (R45). */
    if (from && strcmp(from->domain, domain) == 0 && !kith_dsn_is_report(m)) {
      kith_activity_forget_text(a);
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
  /* Nothing reaches GMime beyond the bounds it is safe within. */
  g_autoptr(kith_mime_scan) scan = kith_mime_scan_new();
  kith_mime_scan_feed(scan, data, len);
  if (!kith_mime_scan_finish(scan, why))
    return NULL;
  g_autoptr(GByteArray) cut = kith_mime_scan_apply(scan, data, len);
  if (cut) {
    data = cut->data;
    len = cut->len;
  }
  kith_activity *a = parse_bounded(data, len, where, kith_mime_scan_headers_only(scan), body_wanted,
                                   user_data, why);
  if (a)
    a->warning = g_strdup(kith_mime_scan_warning(scan));
  return a;
}
