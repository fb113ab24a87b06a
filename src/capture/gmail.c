/* gmail.c - one User's Gmail: the window listed once, then users.history.list from the kept historyId. */
#include "capture/google.h"

#include "capture/automatic.h"
#include "capture/mime.h"
#include "capture/team.h"
#include "util/error.h"

#include <string.h>

#define HISTORY_KEY "gmail.history_id"

/* Labels whose messages are no conversation: drafts, spam, the bin, chats. */
static gboolean skipped_labels(json_t *label_ids)
{
  static const char *const skip[] = {"DRAFT", "SPAM", "TRASH", "CHAT", NULL};
  size_t i;
  json_t *v;
  json_array_foreach(label_ids, i, v)
  {
    const char *l = json_string_value(v);
    if (l && g_strv_contains(skip, l))
      return TRUE;
  }
  return FALSE;
}

/* The header block a format=metadata reply lists, as RFC 5322 text. */
static GByteArray *header_block(json_t *headers)
{
  g_autoptr(GString) s = g_string_new(NULL);
  size_t i;
  json_t *h;
  json_array_foreach(headers, i, h)
  {
    const char *name = json_string_value(json_object_get(h, "name"));
    const char *value = json_string_value(json_object_get(h, "value"));
    if (!name || !value || strpbrk(name, ":\r\n "))
      continue;
    g_string_append_printf(s, "%s: ", name);
    kith_team_append_clean(s, value); /* a CR or LF in a value would begin a field of its own */
    g_string_append(s, "\r\n");
  }
  g_string_append(s, "\r\n");
  return g_bytes_unref_to_array(g_string_free_to_bytes(g_steal_pointer(&s)));
}

/* base64url (padded or not) to bytes; NULL when it is not that. */
static guchar *b64url_decode(const char *text, gsize *len)
{
  gsize n = strlen(text);
  g_autofree char *s = g_malloc(n + 4);
  for (gsize i = 0; i < n; i++) {
    char c = text[i];
    if (!g_ascii_isalnum(c) && c != '-' && c != '_' && c != '=')
      return NULL;
    s[i] = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (n % 4)
    s[n++] = '=';
  s[n] = '\0';
  return g_base64_decode(s, len);
}

/* "&metadataHeaders=From&..." for the header fields kith reads of a
 * message (kith_team_header_names, then R10's): nothing else of a
 * colleague's message leaves Google. */
static char *metadata_headers(void)
{
  GString *s = g_string_new(NULL);
  for (const char *const *h = kith_team_header_names; *h; h++)
    g_string_append_printf(s, "&metadataHeaders=%s", *h);
  for (const char *const *h = kith_automatic_header_names; *h; h++)
    g_string_append_printf(s, "&metadataHeaders=%s", *h);
  return g_string_free(s, FALSE);
}

typedef enum { FETCH_OK, FETCH_GONE, FETCH_FAILED } fetch_result;

/* The path (on the Gmail API's host) of message ID in FORMAT. */
static char *message_path(const char *id, const char *format)
{
  g_autofree char *eid = g_uri_escape_string(id, NULL, FALSE);
  g_autofree char *headers = strcmp(format, "metadata") == 0 ? metadata_headers() : g_strdup("");
  return g_strdup_printf("/gmail/v1/users/me/messages/%s?format=%s%s", eid, format, headers);
}

/* R's error for message ID as ERROR; GONE when it was deleted since it was
 * listed (404), OK when R is a 200 with a JSON body. */
static fetch_result reply_result(kith_google *g, const char *id, kith_webapi_reply *r,
                                 GError **error)
{
  if (r->status == 404)
    return FETCH_GONE;
  if (r->status == 200 && r->json)
    return FETCH_OK;
  g_autofree char *why = kith_webapi_error_text(r);
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: gmail message %s: %s", g->team.user, id,
              why);
  return FETCH_FAILED;
}

/* Message ID's metadata reply: its activity handed over from the header
 * fields when the sender is the team's own; *OUTSIDE when the sender is
 * outside, whose whole message (format=raw) is read for the signature. */
static fetch_result on_metadata(kith_google *g, const char *id, kith_webapi_reply *meta,
                                gboolean *outside, GError **error)
{
  *outside = FALSE;
  fetch_result res = reply_result(g, id, meta, error);
  if (res != FETCH_OK || skipped_labels(json_object_get(meta->json, "labelIds")))
    return res;
  g_autofree char *where = g_strdup_printf("%s: gmail message %s", g->team.user, id);
  g->team.stats->files++;
  g_autoptr(GByteArray)
      head = header_block(json_object_get(json_object_get(meta->json, "payload"), "headers"));
  g->team.stats->bytes += head->len;
  g_autofree char *why = NULL;
  g_autoptr(kith_activity)
      a = kith_mime_parse_bytes(head->data, head->len, where, NULL, NULL, &why);
  if (!a) {
    kith_team_report(&g->team, where, why);
    return FETCH_OK;
  }
  const kith_participant *from = a->participants->len ? g_ptr_array_index(a->participants, 0)
                                                      : NULL;
  *outside = from && from->role == KITH_PART_FROM &&
             !kith_team_internal(g->team.src, from->domain) &&
             (!g->team.sink->body_wanted ||
              g->team.sink->body_wanted(from->domain, g->team.sink->user_data));
  if (!*outside)
    kith_team_deliver(&g->team, a);
  return FETCH_OK;
}

/* Message ID's raw reply: the whole message read as from a file. */
static fetch_result on_raw(kith_google *g, const char *id, kith_webapi_reply *full, GError **error)
{
  fetch_result res = reply_result(g, id, full, error);
  if (res != FETCH_OK)
    return res;
  g_autofree char *where = g_strdup_printf("%s: gmail message %s", g->team.user, id);
  const char *raw = json_string_value(json_object_get(full->json, "raw"));
  gsize len = 0;
  g_autofree guchar *bytes = raw ? b64url_decode(raw, &len) : NULL;
  if (!bytes) {
    kith_team_report(&g->team, where, "the raw message is not base64url");
    return FETCH_OK;
  }
  g->team.stats->bytes += len;
  g_autofree char *why = NULL;
  g_autoptr(kith_activity) whole = kith_mime_parse_bytes(bytes, len, where, NULL, NULL, &why);
  if (!whole)
    kith_team_report(&g->team, where, why);
  else
    kith_team_deliver(&g->team, whole);
  return FETCH_OK;
}

/* GETs message ID in FORMAT alone into OUT (with backoff and renewal). */
static gboolean get_one(kith_google *g, const char *id, const char *format, kith_webapi_reply *out,
                        GError **error)
{
  g_autofree char *path = message_path(id, format);
  g_autofree char *url = g_strconcat(g->gmail_root, path, NULL);
  return kith_team_get(&g->team, url, NULL, out, error);
}

static void clear_replies(kith_webapi_reply *replies, guint n)
{
  for (guint i = 0; i < n; i++)
    kith_webapi_reply_clear(&replies[i]);
}

/* Fetches IDS[0..N) in FORMAT as one batch into REPLIES; a call the batch
 * answered with throttling, a server error or a 401 is tried again alone,
 * where the backoff and the token renewal apply. */
static gboolean get_batch(kith_google *g, char **ids, guint n, const char *format,
                          kith_webapi_reply *replies, GError **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(paths, message_path(ids[i], format));
  if (!kith_google_batch(g, (const char *const *)paths->pdata, n, replies, error))
    return FALSE;
  for (guint i = 0; i < n; i++) {
    if (!kith_webapi_throttled(&replies[i]) && replies[i].status != 401)
      continue;
    kith_webapi_reply_clear(&replies[i]);
    if (!get_one(g, ids[i], format, &replies[i], error)) {
      clear_replies(replies, n);
      return FALSE;
    }
  }
  return TRUE;
}

/* Reads every message of IDS, KITH_GOOGLE_BATCH at a time: the header
 * fields of each in one batch request, then the whole of those from
 * outside in another. FALSE with ERROR at a message that cannot be read,
 * so the cursor is not moved past it. */
static gboolean fetch_all(kith_google *g, GPtrArray *ids, GError **error)
{
  kith_webapi_reply replies[KITH_GOOGLE_BATCH];
  char *outside_ids[KITH_GOOGLE_BATCH];
  for (guint start = 0; start < ids->len && !g->team.stopped; start += KITH_GOOGLE_BATCH) {
    guint n = MIN(KITH_GOOGLE_BATCH, ids->len - start), n_out = 0;
    char **chunk = (char **)ids->pdata + start;
    if (!get_batch(g, chunk, n, "metadata", replies, error))
      return FALSE;
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < n && !g->team.stopped; i++) {
      gboolean outside = FALSE;
      ok = on_metadata(g, chunk[i], &replies[i], &outside, error) != FETCH_FAILED;
      if (outside)
        outside_ids[n_out++] = chunk[i];
    }
    clear_replies(replies, n);
    if (!ok)
      return FALSE;
    if (!n_out || g->team.stopped)
      continue;
    if (!get_batch(g, outside_ids, n_out, "raw", replies, error))
      return FALSE;
    for (guint i = 0; ok && i < n_out && !g->team.stopped; i++)
      ok = on_raw(g, outside_ids[i], &replies[i], error) != FETCH_FAILED;
    clear_replies(replies, n_out);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* A page's error as ERROR; TRUE when R is a 200 with a JSON body. */
static gboolean page_ok(kith_google *g, const char *what, kith_webapi_reply *r, GError **error)
{
  if (r->status == 200 && r->json)
    return TRUE;
  g_autofree char *why = kith_webapi_error_text(r);
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "gmail %s: %s", what, why);
  return FALSE;
}

/* The first pass, or a resync: the mailbox's historyId taken first (what
 * arrives while the window is read comes again from history, and is then a
 * duplicate, R10), then every message from start_date on, oldest first. */
static gboolean full_sync(kith_google *g, GError **error)
{
  g_autofree char *url = g_strdup_printf("%s/users/me/profile", g->gmail_url);
  g_auto(kith_webapi_reply) profile = {0};
  if (!kith_team_get(&g->team, url, NULL, &profile, error) ||
      !page_ok(g, "profile", &profile, error))
    return FALSE;
  const char *history_id = json_string_value(json_object_get(profile.json, "historyId"));
  if (!history_id) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "gmail profile: no historyId");
    return FALSE;
  }
  g_autofree char *keep = g_strdup(history_id);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *page = NULL;
  /* Gmail's after: takes Unix seconds; a day earlier, as Gmail's dates
   * are its own time zone's, and start_date is applied to Date: after. */
  g_autofree char *q = g->team.start
                           ? g_strdup_printf("&q=after%%3A%" G_GINT64_FORMAT, g->team.start - 86400)
                           : g_strdup("");
  do {
    g_autofree char *pt = page ? g_uri_escape_string(page, NULL, FALSE) : NULL;
    g_free(url);
    url = g_strdup_printf("%s/users/me/messages?maxResults=%d%s%s%s", g->gmail_url,
                          KITH_GOOGLE_PAGE, q, pt ? "&pageToken=" : "", pt ? pt : "");
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_team_get(&g->team, url, NULL, &r, error) || !page_ok(g, "messages.list", &r, error))
      return FALSE;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(r.json, "messages"), i, m)
    {
      const char *id = json_string_value(json_object_get(m, "id"));
      if (id)
        g_ptr_array_add(ids, g_strdup(id));
    }
    g_free(page);
    page = g_strdup(json_string_value(json_object_get(r.json, "nextPageToken")));
  } while (page && *page);
  /* Listed newest first; read oldest first. */
  for (guint i = 0; i < ids->len / 2; i++) {
    gpointer t = ids->pdata[i];
    ids->pdata[i] = ids->pdata[ids->len - 1 - i];
    ids->pdata[ids->len - 1 - i] = t;
  }
  return fetch_all(g, ids, error) &&
         (g->team.stopped || kith_team_cursor_set(&g->team, HISTORY_KEY, keep));
}

/* What was added since HISTORY_ID. *EXPIRED when Gmail no longer keeps it
 * (404): the window is read again. */
static gboolean history_sync(kith_google *g, const char *history_id, gboolean *expired,
                             GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  g_autofree char *page = NULL, *latest = NULL;
  g_autofree char *start = g_uri_escape_string(history_id, NULL, FALSE);
  do {
    g_autofree char *pt = page ? g_uri_escape_string(page, NULL, FALSE) : NULL;
    g_autofree char *url = g_strdup_printf(
        "%s/users/me/history?startHistoryId=%s&historyTypes=messageAdded&maxResults=%d%s%s",
        g->gmail_url, start, KITH_GOOGLE_PAGE, pt ? "&pageToken=" : "", pt ? pt : "");
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_team_get(&g->team, url, NULL, &r, error))
      return FALSE;
    if (r.status == 404) {
      *expired = TRUE;
      return TRUE;
    }
    if (!page_ok(g, "history.list", &r, error))
      return FALSE;
    size_t i, j;
    json_t *h, *added;
    json_array_foreach(json_object_get(r.json, "history"), i, h)
    {
      json_array_foreach(json_object_get(h, "messagesAdded"), j, added)
      {
        json_t *msg = json_object_get(added, "message");
        const char *id = json_string_value(json_object_get(msg, "id"));
        if (!id || skipped_labels(json_object_get(msg, "labelIds")) ||
            g_hash_table_contains(seen, id))
          continue;
        char *copy = g_strdup(id);
        g_ptr_array_add(ids, copy);
        g_hash_table_add(seen, copy);
      }
    }
    const char *now = json_string_value(json_object_get(r.json, "historyId"));
    if (now) {
      g_free(latest);
      latest = g_strdup(now);
    }
    g_free(page);
    page = g_strdup(json_string_value(json_object_get(r.json, "nextPageToken")));
  } while (page && *page);
  if (!fetch_all(g, ids, error))
    return FALSE;
  if (g->team.stopped)
    return TRUE;
  /* Nothing new: the history id stays as it is, and nothing is written. */
  if (!latest || strcmp(latest, history_id) == 0)
    return TRUE;
  return kith_team_cursor_set(&g->team, HISTORY_KEY, latest);
}

gboolean kith_gmail_read(kith_google *g, GError **error)
{
  g_autofree char *history_id = kith_team_cursor_get(&g->team, HISTORY_KEY);
  if (!history_id)
    return full_sync(g, error);
  gboolean expired = FALSE;
  if (!history_sync(g, history_id, &expired, error))
    return FALSE;
  /* An expired history id: the window again, its messages known before
   * recognised by their Message-ID (R10). */
  return !expired || full_sync(g, error);
}
