/* jsonl.c - activities from JSON Lines with jansson, the shape of CONTRACT.md section 3. */
#include "capture/jsonl.h"

#include "capture/automatic.h"
#include "capture/mime.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

static gboolean fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, KITH_ERROR, KITH_ERROR_PARSE, msg);
  return FALSE;
}

/* *OUT is the string at KEY, or NULL when absent or null. */
static gboolean get_string(json_t *obj, const char *key, const char **out, GError **error)
{
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v || json_is_null(v))
    return TRUE;
  if (!json_is_string(v))
    return fail(error, "\"%s\" is not a string", key);
  *out = json_string_value(v);
  return TRUE;
}

static gboolean get_flag(json_t *obj, const char *key, gboolean *out, GError **error)
{
  json_t *v = json_object_get(obj, key);
  if (!v || json_is_null(v))
    return TRUE;
  if (!json_is_boolean(v))
    return fail(error, "\"%s\" is not true or false", key);
  *out = json_is_true(v);
  return TRUE;
}

/* One participant: {"email", "name", "kind"}, or a bare address string.
 * An address kith cannot use is dropped, as in a mail header. */
static gboolean add_person(kith_activity *a, json_t *v, const char *field, kith_part_role role,
                           GError **error)
{
  if (json_is_string(v)) {
    kith_activity_add_participant(a, json_string_value(v), NULL, role, KITH_CUTYPE_PERSON);
    return TRUE;
  }
  if (!json_is_object(v))
    return fail(error, "\"%s\" holds something that is not a participant object", field);
  const char *email = NULL, *name = NULL, *kind = NULL;
  if (!get_string(v, "email", &email, error) || !get_string(v, "name", &name, error) ||
      !get_string(v, "kind", &kind, error))
    return FALSE;
  kith_cutype cutype = KITH_CUTYPE_PERSON;
  if (kind && !kith_cutype_from_word(kind, &cutype))
    return fail(error, "\"%s\": kind \"%s\" is not person, room, resource or group", field, kind);
  g_autofree char *clean = name ? kith_capture_clean_text(name, KITH_CAPTURE_NAME_MAX) : NULL;
  if (email)
    kith_activity_add_participant(a, email, clean, role, cutype);
  return TRUE;
}

/* KEY holds one participant or an array of them (absent or null: none). */
static gboolean add_people(kith_activity *a, json_t *obj, const char *key, kith_part_role role,
                           GError **error)
{
  json_t *v = json_object_get(obj, key);
  if (!v || json_is_null(v))
    return TRUE;
  if (!json_is_array(v))
    return add_person(a, v, key, role, error);
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item) if (!add_person(a, item, key, role, error)) return FALSE;
  return TRUE;
}

/* The body as the sender's text: valid UTF-8, cut on a character boundary. */
static char *body_text(const char *body)
{
  char *text = g_utf8_make_valid(body, -1);
  if (strlen(text) > KITH_MIME_TEXT_MAX) {
    const char *end = g_utf8_find_prev_char(text, text + KITH_MIME_TEXT_MAX + 1);
    text[end ? end - text : 0] = '\0';
  }
  return text;
}

static gboolean fill(kith_activity *a, json_t *root, GError **error)
{
  const char *id = NULL, *time = NULL, *subject = NULL, *body = NULL;
  if (!get_string(root, "id", &id, error) || !get_string(root, "time", &time, error) ||
      !get_string(root, "subject", &subject, error) || !get_string(root, "body", &body, error))
    return FALSE;
  g_autofree char *clean_id = id ? kith_capture_clean_text(id, KITH_CAPTURE_ID_MAX) : NULL;
  /* An email's identity is its Message-ID without angle brackets, as in .eml. */
  if (clean_id && a->kind == KITH_ACTIVITY_EMAIL && clean_id[0] == '<' &&
      g_str_has_suffix(clean_id, ">")) {
    memmove(clean_id, clean_id + 1, strlen(clean_id));
    clean_id[strlen(clean_id) - 1] = '\0';
    g_strstrip(clean_id);
  }
  if (!clean_id || !*clean_id)
    return fail(error, "missing \"id\"");
  a->id = g_steal_pointer(&clean_id);
  if (time && !kith_time_parse(time, &a->time))
    return fail(error, "bad time \"%s\" (want ISO 8601 like 2026-01-31T09:00:00Z)", time);
  g_free(a->subject);
  a->subject = kith_capture_clean_text(subject, KITH_CAPTURE_SUBJECT_MAX);
  if (!get_flag(root, "automatic", &a->automatic, error) ||
      !get_flag(root, "cancelled", &a->cancelled, error))
    return FALSE;
  if (a->kind == KITH_ACTIVITY_EMAIL) {
    if (!add_people(a, root, "from", KITH_PART_FROM, error) ||
        !add_people(a, root, "to", KITH_PART_TO, error) ||
        !add_people(a, root, "cc", KITH_PART_CC, error) ||
        !add_people(a, root, "bcc", KITH_PART_BCC, error))
      return FALSE;
    /* R10: an out-of-office subject is automatic whatever wrote the line. */
    a->automatic = a->automatic || kith_automatic_subject(a->subject);
    a->sender_text = body ? body_text(body) : NULL;
  } else {
    if (!add_people(a, root, "organizer", KITH_PART_ORGANIZER, error) ||
        !add_people(a, root, "attendees", KITH_PART_ATTENDEE, error))
      return FALSE;
  }
  return TRUE;
}

kith_activity *kith_jsonl_parse_line(const char *line, gsize len, const char *origin,
                                     GError **error)
{
  json_error_t jerr;
  g_autoptr(json_t) root = json_loadb(line, len, 0, &jerr);
  if (!root) {
    fail(error, "not JSON: %s", jerr.text);
    return NULL;
  }
  if (!json_is_object(root)) {
    fail(error, "not a JSON object");
    return NULL;
  }
  const char *type = NULL;
  if (!get_string(root, "type", &type, error))
    return NULL;
  if (!type) {
    fail(error, "missing \"type\"");
    return NULL;
  }
  kith_activity_kind kind;
  if (!kith_activity_kind_from_name(type, &kind)) {
    fail(error, "type \"%s\" is not email or meeting", type);
    return NULL;
  }
  g_autoptr(kith_activity) a = kith_activity_new(kind);
  a->origin = g_strdup(origin);
  if (!fill(a, root, error))
    return NULL;
  return g_steal_pointer(&a);
}

/* Reads a file line by line with a cap on the line length. */
typedef struct {
  FILE *fp;
  gsize pos, len;
  char buf[65536];
} line_reader;

/* The next line (without its '\n') in LINE; FALSE at the end. A line
 * longer than the cap is consumed whole and flagged in *TOO_LONG. */
static gboolean next_line(line_reader *r, GString *line, gboolean *too_long)
{
  gboolean any = FALSE;
  g_string_truncate(line, 0);
  *too_long = FALSE;
  for (;;) {
    if (r->pos == r->len) {
      r->len = fread(r->buf, 1, sizeof r->buf, r->fp);
      r->pos = 0;
      if (r->len == 0)
        return any;
    }
    any = TRUE;
    const char *start = r->buf + r->pos;
    gsize avail = r->len - r->pos;
    const char *nl = memchr(start, '\n', avail);
    gsize take = nl ? (gsize)(nl - start) : avail;
    if (!*too_long) {
      if (line->len + take > KITH_JSONL_LINE_MAX) {
        *too_long = TRUE;
        g_string_truncate(line, 0);
      } else {
        g_string_append_len(line, start, take);
      }
    }
    r->pos += take + (nl ? 1 : 0);
    if (nl)
      return TRUE;
  }
}

static gboolean blank(const GString *s)
{
  for (gsize i = 0; i < s->len; i++)
    if (!g_ascii_isspace(s->str[i]))
      return FALSE;
  return TRUE;
}

gboolean kith_jsonl_read_file(const char *path, const kith_capture_sink *sink)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    sink->on_error(path, g_strerror(errno), sink->user_data);
    return TRUE;
  }
  line_reader *r = g_new0(line_reader, 1);
  r->fp = fp;
  g_autoptr(GString) line = g_string_new(NULL);
  gboolean go = TRUE, too_long = FALSE;
  for (guint64 n = 1; go && next_line(r, line, &too_long); n++) {
    g_autofree char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, n);
    if (too_long) {
      sink->on_error(where, "line longer than 16 MiB", sink->user_data);
      continue;
    }
    if (line->len && line->str[line->len - 1] == '\r')
      g_string_truncate(line, line->len - 1);
    if (n == 1 && g_str_has_prefix(line->str, "\xEF\xBB\xBF"))
      g_string_erase(line, 0, 3); /* a UTF-8 byte order mark */
    if (blank(line))
      continue;
    g_autoptr(GError) error = NULL;
    g_autoptr(kith_activity) a = kith_jsonl_parse_line(line->str, line->len, where, &error);
    if (!a)
      sink->on_error(where, error->message, sink->user_data);
    else
      go = sink->on_activity(a, sink->user_data);
  }
  if (go && ferror(fp))
    sink->on_error(path, g_strerror(errno), sink->user_data);
  fclose(fp);
  g_free(r);
  return go;
}
