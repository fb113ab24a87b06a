/* microsoft.c - the Microsoft 365 source: an app-only token, then per User messages/delta per folder and calendarView/delta. */
#include "capture/microsoft.h"

#include "capture/mime.h"
#include "capture/team.h"
#include "capture/webapi.h"
#include "core/address.h"
#include "util/error.h"
#include "util/jwt.h"
#include "util/secret.h"
#include "util/timeutil.h"

#include <string.h>

#define LOGIN_URL "https://login.microsoftonline.com"
#define GRAPH_URL "https://graph.microsoft.com/v1.0"
/* For tests only, on loopback only: one local server stands in for both
 * (docs/sources.md). */
#define BASE_URL_ENV "KITH_MICROSOFT_BASE_URL"
#define ASSERTION_LIFETIME_S 600
/* What kith asks of a message: the addresses, the dates, and the header
 * fields R10 and R12 read; never the body. */
#define MESSAGE_SELECT                                                                             \
  "id,internetMessageId,subject,from,sender,toRecipients,ccRecipients,bccRecipients,"              \
  "sentDateTime,receivedDateTime,internetMessageHeaders"

typedef struct {
  kith_team team; /* the Users, the app's token, the cursors */
  char *token_url, *graph_url;
  char *secret; /* the client secret, or NULL */
  char *pem;    /* the private key and certificate, or NULL */
  char *x5t;
} ms;

static const char *const page_headers[] = {
    "Prefer: odata.maxpagesize=" G_STRINGIFY(KITH_GRAPH_PAGE) ", outlook.timezone=\"UTC\"", NULL};

/* ---- the token: client credentials, with a certificate or a secret ---- */

static gboolean renew_token(kith_webapi_auth *auth, GError **error)
{
  ms *m = auth->user_data;
  const kith_source_config *src = m->team.src;
  g_autofree char *id = g_uri_escape_string(src->client_id, NULL, FALSE);
  GString *form = g_string_new(NULL);
  g_string_append_printf(form,
                         "client_id=%s&scope=https%%3A%%2F%%2Fgraph.microsoft.com%%2F.default"
                         "&grant_type=client_credentials",
                         id);
  if (m->pem) {
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    g_autofree char *jti = g_uuid_string_random();
    json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "aud", m->token_url, "iss",
                               src->client_id, "sub", src->client_id, "jti", jti, "nbf",
                               (json_int_t)now, "iat", (json_int_t)now, "exp",
                               (json_int_t)(now + ASSERTION_LIFETIME_S));
    json_t *header = json_pack("{s:s}", "x5t", m->x5t);
    g_autofree char *jwt = kith_jwt_sign(m->pem, src->certificate_file, header, claims, error);
    json_decref(claims);
    json_decref(header);
    if (!jwt) {
      g_string_free(form, TRUE);
      return FALSE;
    }
    g_string_append_printf(form,
                           "&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3A"
                           "client-assertion-type%%3Ajwt-bearer&client_assertion=%s",
                           jwt);
  } else {
    g_autofree char *secret = g_uri_escape_string(m->secret, NULL, FALSE);
    g_string_append_printf(form, "&client_secret=%s", secret);
  }
  g_autofree char *body = g_string_free(form, FALSE);
  gboolean ok = kith_webapi_token(m->team.api, m->token_url, body, auth, error);
  memset(body, 0, strlen(body));
  return ok;
}

static gboolean read_credentials(ms *m, GError **error)
{
  const kith_source_config *src = m->team.src;
  gboolean cert = *src->certificate_file != '\0';
  const char *key = cert ? "certificate_file" : "client_secret_file";
  g_autoptr(GError) local = NULL;
  char *text = kith_secret_read(cert ? src->certificate_file : src->client_secret_file, &local);
  if (!text) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s: %s", src->name, key,
                local->message);
    return FALSE;
  }
  if (!cert) {
    m->secret = text;
    return TRUE;
  }
  m->pem = text;
  m->x5t = kith_jwt_x5t(m->pem, src->certificate_file, &local);
  if (!m->x5t) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s: %s", src->name, key,
                local->message);
    return FALSE;
  }
  return TRUE;
}

/* ---- following a delta round ---- */

/* A link Graph gave back, followed only on Graph itself: the token goes
 * nowhere else. */
static gboolean own_link(ms *m, const char *link)
{
  return link && g_str_has_prefix(link, m->graph_url) && link[strlen(m->graph_url)] == '/';
}

typedef gboolean (*item_fn)(ms *m, json_t *item, GError **error);
typedef enum { ROUND_OK, ROUND_GONE, ROUND_FAILED } round_result;

/* Follows a delta round from URL (a first request or a kept delta link),
 * page by page, handing each item to FN, and keeps the round's delta link
 * in KEY once every item before it was handed over. */
static round_result delta_round(ms *m, const char *what, const char *first, gboolean resumed,
                                const char *key, item_fn fn, GError **error)
{
  g_autofree char *url = g_strdup(first);
  for (;;) {
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_team_get(&m->team, url, page_headers, &r, error))
      return ROUND_FAILED;
    if (r.status == 410 && resumed)
      return ROUND_GONE; /* syncStateNotFound: the round again */
    if (r.status != 200 || !r.json) {
      g_autofree char *why = kith_webapi_error_text(&r);
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", what, why);
      return ROUND_FAILED;
    }
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "value"), i, item)
    {
      if (json_object_get(item, "@removed"))
        continue; /* a deletion needs nothing: an activity is a fact that happened */
      m->team.stats->files++;
      if (!fn(m, item, error))
        return ROUND_FAILED;
      if (m->team.stopped)
        return ROUND_OK;
    }
    const char *next = json_string_value(json_object_get(r.json, "@odata.nextLink"));
    const char *delta = json_string_value(json_object_get(r.json, "@odata.deltaLink"));
    if (next && own_link(m, next)) {
      g_free(url);
      url = g_strdup(next);
      continue;
    }
    if (delta && own_link(m, delta)) {
      if (g_strcmp0(delta, first) != 0 && !kith_team_cursor_set(&m->team, key, delta))
        return ROUND_FAILED;
      return ROUND_OK;
    }
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: a page with no link to go on from",
                what);
    return ROUND_FAILED;
  }
}

/* ---- mail ---- */

static const char *str(json_t *obj, const char *key)
{
  return json_string_value(json_object_get(obj, key));
}

/* TEXT with line breaks made spaces, for a header line. */
/* "Name" <address> for each recipient of LIST: a Graph recipient array, or
 * one recipient. */
static void append_people(GString *s, const char *field, json_t *list)
{
  json_t *one = json_is_object(list) ? list : NULL;
  size_t n = one ? 1 : json_array_size(list);
  if (!n)
    return;
  g_string_append_printf(s, "%s: ", field);
  for (size_t i = 0; i < n; i++) {
    json_t *ea = json_object_get(one ? one : json_array_get(list, i), "emailAddress");
    const char *name = str(ea, "name"), *addr = str(ea, "address");
    if (i)
      g_string_append(s, ", ");
    if (name && *name && g_strcmp0(name, addr) != 0) {
      g_string_append_c(s, '"');
      for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
          g_string_append_c(s, '\\');
        if (*p != '\r' && *p != '\n')
          g_string_append_c(s, *p);
      }
      g_string_append(s, "\" ");
    }
    g_string_append_c(s, '<');
    kith_team_append_clean(s, addr ? addr : "");
    g_string_append_c(s, '>');
  }
  g_string_append(s, "\r\n");
}

/* An RFC 5322 date from Graph's UTC time; "" when it is none. */
static char *mail_date(const char *iso)
{
  gint64 t;
  return iso && kith_time_parse(iso, &t) ? kith_time_format_mail(t) : g_strdup("");
}

/* The header block of a message from what $select gave: the address and
 * date fields, and those of its internet headers R10 and R12 read. */
static GByteArray *header_block(json_t *msg)
{
  g_autoptr(GString) s = g_string_new(NULL);
  append_people(s, "From", json_object_get(msg, "from"));
  append_people(s, "To", json_object_get(msg, "toRecipients"));
  append_people(s, "Cc", json_object_get(msg, "ccRecipients"));
  append_people(s, "Bcc", json_object_get(msg, "bccRecipients"));
  g_autofree char *date = mail_date(str(msg, "sentDateTime") ? str(msg, "sentDateTime")
                                                             : str(msg, "receivedDateTime"));
  if (*date)
    g_string_append_printf(s, "Date: %s\r\n", date);
  if (str(msg, "internetMessageId")) {
    g_string_append(s, "Message-ID: ");
    kith_team_append_clean(s, str(msg, "internetMessageId"));
    g_string_append(s, "\r\n");
  }
  g_string_append(s, "Subject: ");
  kith_team_append_clean(s, str(msg, "subject"));
  g_string_append(s, "\r\n");
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(msg, "internetMessageHeaders"), i, h)
  {
    const char *name = str(h, "name"), *value = str(h, "value");
    static const char *const built[] = {"From", "Sender",     "To",      "Cc", "Bcc",
                                        "Date", "Message-ID", "Subject", NULL};
    if (!name || !value || strpbrk(name, ":\r\n ") || !kith_team_header_kept(name))
      continue;
    gboolean dup = FALSE;
    for (const char *const *b = built; *b && !dup; b++)
      dup = g_ascii_strcasecmp(name, *b) == 0;
    if (dup)
      continue;
    g_string_append_printf(s, "%s: ", name);
    kith_team_append_clean(s, value);
    g_string_append(s, "\r\n");
  }
  g_string_append(s, "\r\n");
  return g_bytes_unref_to_array(g_string_free_to_bytes(g_steal_pointer(&s)));
}

/* One message: its header made from the fields Graph gave when the sender
 * is the team's own; the whole MIME message ($value) when the sender is
 * outside, whose signature kith reads. */
static gboolean on_message(ms *m, json_t *msg, GError **error)
{
  const char *id = str(msg, "id");
  if (!id)
    return TRUE;
  g_autofree char *where = g_strdup_printf("%s: message %s", m->team.user, id);
  const char *from = str(json_object_get(json_object_get(msg, "from"), "emailAddress"), "address");
  /* R1: the sender's domain as every address is read, lower case, IDNA. */
  g_autofree char *sender = from ? kith_address_normalize(from, NULL) : NULL;
  const char *domain = sender ? kith_address_domain(sender) : NULL;
  gboolean outside = domain && !kith_team_internal(m->team.src, domain) &&
                     (!m->team.sink->body_wanted ||
                      m->team.sink->body_wanted(domain, m->team.sink->user_data));
  g_autoptr(GByteArray) bytes = NULL;
  if (outside) {
    g_autofree char *uid = g_uri_escape_string(m->team.user, "@", FALSE);
    g_autofree char *mid = g_uri_escape_string(id, NULL, FALSE);
    g_autofree char *url = g_strdup_printf("%s/users/%s/messages/%s/$value", m->graph_url, uid,
                                           mid);
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_team_get(&m->team, url, NULL, &r, error))
      return FALSE;
    if (r.status == 404)
      return TRUE; /* deleted since */
    if (r.status != 200) {
      g_autofree char *why = kith_webapi_error_text(&r);
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", where, why);
      return FALSE;
    }
    bytes = g_steal_pointer(&r.body);
  } else {
    bytes = header_block(msg);
  }
  m->team.stats->bytes += bytes->len;
  g_autofree char *why = NULL;
  g_autoptr(kith_activity)
      a = kith_mime_parse_bytes(bytes->data, bytes->len, where, NULL, NULL, &why);
  if (!a)
    kith_team_report(&m->team, where, why);
  else
    kith_team_deliver(&m->team, a);
  return TRUE;
}

static gboolean read_folder(ms *m, const char *folder, GError **error)
{
  g_autofree char *key = g_strdup_printf("mail.%s.delta", folder);
  g_autofree char *kept = kith_team_cursor_get(&m->team, key);
  g_autofree char *what = g_strdup_printf("mail folder %s", folder);
  g_autofree char *uid = g_uri_escape_string(m->team.user, "@", FALSE);
  g_autofree char *fid = g_uri_escape_string(folder, NULL, FALSE);
  g_autofree char *filter = NULL;
  if (m->team.start) {
    g_autofree char *t = kith_time_format(m->team.start);
    filter = g_strdup_printf("&$filter=receivedDateTime%%20ge%%20%s", t);
  }
  g_autofree char *first = g_strdup_printf("%s/users/%s/mailFolders/%s/messages/delta?$select=%s%s",
                                           m->graph_url, uid, fid, MESSAGE_SELECT,
                                           filter ? filter : "");
  round_result r = delta_round(m, what, kept ? kept : first, kept != NULL, key, on_message, error);
  /* A delta link Graph no longer knows: the folder again; what was read
   * before is known by its Message-ID (R10). */
  if (r == ROUND_GONE)
    r = delta_round(m, what, first, FALSE, key, on_message, error);
  return r == ROUND_OK;
}

/* ---- calendar ---- */

/* An event's identity, its iCalendar UID: Graph's uid, the same for a
 * series and every occurrence of it, as Google's iCalUID and a VEVENT's
 * UID are; so a recurring meeting is one activity whichever source reads
 * it (R10). iCalUId, which differs per occurrence, only when uid is
 * missing. */
static const char *event_uid(json_t *ev)
{
  const char *uid = str(ev, "uid");
  return uid && *uid ? uid : str(ev, "iCalUId");
}

/* R11: an attendee of type resource (a room, equipment) is a resource. */
static gboolean on_event(ms *m, json_t *ev, GError **error)
{
  (void)error;
  const char *uid = event_uid(ev);
  json_t *mine = json_object_get(ev, "responseStatus");
  /* An event the calendar's User declined says nothing of whom they met. */
  if (!uid || !*uid || g_strcmp0(str(mine, "response"), "declined") == 0)
    return TRUE;
  g_autoptr(kith_activity) a = kith_activity_new(KITH_ACTIVITY_MEETING);
  a->id = g_strdup(uid);
  const char *start = str(json_object_get(ev, "start"), "dateTime");
  if (!start || !kith_time_parse(start, &a->time))
    a->time = 0;
  g_free(a->subject);
  a->subject = kith_capture_clean_text(str(ev, "subject"), KITH_CAPTURE_SUBJECT_MAX);
  a->cancelled = json_is_true(json_object_get(ev, "isCancelled")); /* R10 */
  json_t *org = json_object_get(json_object_get(ev, "organizer"), "emailAddress");
  if (str(org, "address"))
    kith_activity_add_participant(a, str(org, "address"), str(org, "name"), KITH_PART_ORGANIZER,
                                  KITH_CUTYPE_PERSON);
  size_t i;
  json_t *at;
  json_array_foreach(json_object_get(ev, "attendees"), i, at)
  {
    json_t *ea = json_object_get(at, "emailAddress");
    if (str(ea, "address"))
      kith_activity_add_participant(
          a, str(ea, "address"), str(ea, "name"), KITH_PART_ATTENDEE,
          g_strcmp0(str(at, "type"), "resource") == 0 ? KITH_CUTYPE_RESOURCE : KITH_CUTYPE_PERSON);
  }
  kith_team_deliver(&m->team, a);
  return TRUE;
}

static gboolean read_calendar(ms *m, GError **error)
{
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  g_autofree char *kept = kith_team_cursor_get(&m->team, "calendar.delta");
  g_autofree char *until_text = kith_team_cursor_get(&m->team, "calendar.until");
  gint64 until = until_text ? g_ascii_strtoll(until_text, NULL, 10) : 0;
  /* The window's end comes near: a new round over a window moved on. */
  if (kept && until - now < (gint64)KITH_GRAPH_WINDOW_MARGIN * 86400)
    g_clear_pointer(&kept, g_free);
  gint64 from = m->team.start ? m->team.start : now - 365 * 86400;
  gint64 to = now + (gint64)KITH_GRAPH_WINDOW_DAYS * 86400;
  g_autofree char *f = kith_time_format(from), *t = kith_time_format(to);
  g_autofree char *uid = g_uri_escape_string(m->team.user, "@", FALSE);
  g_autofree char *first = g_strdup_printf("%s/users/%s/calendarView/delta?startDateTime=%s"
                                           "&endDateTime=%s",
                                           m->graph_url, uid, f, t);
  round_result r = delta_round(m, "calendar", kept ? kept : first, kept != NULL, "calendar.delta",
                               on_event, error);
  if (r == ROUND_GONE) {
    g_clear_pointer(&kept, g_free);
    r = delta_round(m, "calendar", first, FALSE, "calendar.delta", on_event, error);
  }
  if (r == ROUND_OK && !kept && !m->team.stopped) {
    g_autofree char *end = g_strdup_printf("%" G_GINT64_FORMAT, to);
    if (!kith_team_cursor_set(&m->team, "calendar.until", end))
      return FALSE;
  }
  return r == ROUND_OK;
}

/* ---- the source ---- */

/* One User: each mail folder, then the calendar. */
static gboolean read_user(gpointer data, GError **error)
{
  ms *m = data;
  static const char *const default_folders[] = {"inbox", "sentitems", NULL};
  const char *const *folders = m->team.src->folders[0] ? (const char *const *)m->team.src->folders
                                                       : default_folders;
  for (const char *const *f = folders; *f && !m->team.stopped; f++)
    if (!read_folder(m, *f, error))
      return FALSE;
  return m->team.stopped || read_calendar(m, error);
}

gboolean kith_microsoft_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                                const kith_capture_sink *sink, kith_capture_stats *stats,
                                GError **error)
{
  ms m = {0};
  kith_team_init(&m.team, "microsoft", cursor, src, sink, stats);
  m.team.auth.renew = renew_token;
  m.team.auth.user_data = &m;
  g_autofree char *base = NULL;
  g_autoptr(GError) local = NULL;
  if (!kith_team_base_url(BASE_URL_ENV, &base, &local)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name, local->message);
    return FALSE;
  }
  g_autofree char *tenant = g_uri_escape_string(src->tenant, NULL, FALSE);
  m.token_url = g_strdup_printf("%s/%s/oauth2/v2.0/token", base ? base : LOGIN_URL, tenant);
  m.graph_url = base ? g_strconcat(base, "/v1.0", NULL) : g_strdup(GRAPH_URL);
  gboolean ok = read_credentials(&m, error) &&
                kith_team_run(&m.team, KITH_TEAM_TOKEN_PER_APP, read_user, &m, error);
  kith_team_clear(&m.team);
  g_free(m.token_url);
  g_free(m.graph_url);
  if (m.secret)
    memset(m.secret, 0, strlen(m.secret));
  if (m.pem)
    memset(m.pem, 0, strlen(m.pem));
  g_free(m.secret);
  g_free(m.pem);
  g_free(m.x5t);
  return ok;
}
