/* caldav.c - CalDAV capture: discovery, RFC 6578 sync, calendar-query fallback, multiget. */
#include "capture/caldav.h"

#include "capture/dav_http.h"
#include "capture/ical.h"
#include "capture/source.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define SYNC_ROUNDS_MAX 1000 /* truncated (507) sync replies followed, at most */

/* ---- URLs ---- */

/* HREF (a path, or a whole URL) against BASE. */
static char *resolve(const char *base, const char *href)
{
  g_autofree char *abs = g_uri_resolve_relative(base, href, G_URI_FLAGS_ENCODED, NULL);
  return abs ? g_steal_pointer(&abs) : g_strdup(href);
}

/* The path of URL ("/ann/work/"), the name kith keeps state under. */
static char *url_path(const char *url)
{
  g_autoptr(GUri) u = g_uri_parse(url, G_URI_FLAGS_ENCODED, NULL);
  return g_strdup(u && *g_uri_get_path(u) ? g_uri_get_path(u) : "/");
}

static gboolean same_path(const char *a, const char *b)
{
  gsize la = strlen(a), lb = strlen(b);
  while (la > 1 && a[la - 1] == '/')
    la--;
  while (lb > 1 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp(a, b, la) == 0;
}

/* ---- discovery ---- */

typedef struct {
  char *url;  /* absolute */
  char *href; /* its path: the state key */
  char *name; /* displayname, or NULL */
} calendar;

static void calendar_free(gpointer p)
{
  calendar *c = p;
  g_free(c->url);
  g_free(c->href);
  g_free(c->name);
  g_free(c);
}

static calendar *calendar_new(const char *url, const char *name)
{
  calendar *c = g_new0(calendar, 1);
  c->url = g_strdup(url);
  c->href = url_path(url);
  c->name = g_strdup(name);
  return c;
}

static const char PROPFIND_BODY[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop>"
    "<D:current-user-principal/><D:resourcetype/><D:displayname/><C:calendar-home-set/>"
    "<C:supported-calendar-component-set/></D:prop></D:propfind>";

static gboolean login_refused(const kith_dav *d, const kith_dav_reply *rp, GError **error)
{
  if (rp->status != 401)
    return FALSE;
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
              "%s: the server refused the login of '%s' (HTTP 401; check user and password_file; "
              "not retried until the next run)",
              d->host, d->src->user);
  return TRUE;
}

/* PROPFIND URL at DEPTH: its multistatus, or NULL with ERROR. */
static kith_dav_multistatus *propfind(kith_dav *d, const char *url, const char *depth,
                                      GError **error)
{
  kith_dav_reply rp;
  if (!kith_dav_request(d, "PROPFIND", url, depth, PROPFIND_BODY, &rp, error))
    return NULL;
  kith_dav_multistatus *ms = NULL;
  if (!login_refused(d, &rp, error))
    ms = kith_dav_reply_multistatus(&rp, url, error);
  kith_dav_reply_clear(&rp);
  return ms;
}

static const kith_dav_response *response_for(const kith_dav_multistatus *ms, const char *base,
                                             const char *url)
{
  g_autofree char *want = url_path(url);
  for (guint i = 0; i < ms->responses->len; i++) {
    const kith_dav_response *r = g_ptr_array_index(ms->responses, i);
    g_autofree char *abs = resolve(base, r->href);
    g_autofree char *path = url_path(abs);
    if (same_path(path, want))
      return r;
  }
  return ms->responses->len ? g_ptr_array_index(ms->responses, 0) : NULL;
}

/* Every calendar of the user that holds events: the URL itself when it is
 * a calendar, else the calendars of the principal's calendar home. */
static GPtrArray *discover(kith_dav *d, GError **error)
{
  GPtrArray *cals = g_ptr_array_new_with_free_func(calendar_free);
  const char *url = d->src->url;
  g_autoptr(kith_dav_multistatus) top = propfind(d, url, "0", error);
  if (!top) {
    g_ptr_array_unref(cals);
    return NULL;
  }
  const kith_dav_response *self = response_for(top, url, url);
  if (self && self->calendar) {
    g_ptr_array_add(cals, calendar_new(url, self->displayname));
    return cals;
  }
  g_autofree char *home = self && self->home ? resolve(url, self->home) : NULL;
  g_autofree char *principal = self && self->principal ? resolve(url, self->principal) : NULL;
  if (!home && !principal) {
    /* RFC 6764: the server's well-known place leads to the principal. */
    g_autofree char *wk = resolve(url, "/.well-known/caldav");
    g_autoptr(kith_dav_multistatus) w = propfind(d, wk, "0", NULL);
    const kith_dav_response *wr = w ? response_for(w, wk, wk) : NULL;
    if (wr && wr->principal)
      principal = resolve(wk, wr->principal);
    if (wr && wr->home)
      home = resolve(wk, wr->home);
  }
  if (!home && principal) {
    g_autoptr(kith_dav_multistatus) p = propfind(d, principal, "0", error);
    if (!p) {
      g_ptr_array_unref(cals);
      return NULL;
    }
    const kith_dav_response *pr = response_for(p, principal, principal);
    if (pr && pr->home)
      home = resolve(principal, pr->home);
  }
  if (!home && self && self->collection)
    home = g_strdup(url);
  if (!home) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: no calendar found (no principal, no calendar home, not a calendar)", url);
    g_ptr_array_unref(cals);
    return NULL;
  }
  g_autoptr(kith_dav_multistatus) list = propfind(d, home, "1", error);
  if (!list) {
    g_ptr_array_unref(cals);
    return NULL;
  }
  for (guint i = 0; i < list->responses->len; i++) {
    const kith_dav_response *r = g_ptr_array_index(list->responses, i);
    if (!r->calendar || !r->events || r->status < 200 || r->status > 299)
      continue;
    g_autofree char *abs = resolve(home, r->href);
    g_ptr_array_add(cals, calendar_new(abs, r->displayname));
  }
  return cals;
}

/* ---- reading calendars ---- */

typedef struct {
  const kith_source_cursor *cursor;
  const kith_source_config *src;
  const kith_capture_sink *outer;
  kith_capture_sink inner; /* filters and counts, then OUTER */
  kith_capture_stats *stats;
  kith_dav *d;
  gint64 start;
  gboolean stopped; /* the sink or the store said stop */
  GError **error;
} reader;

/* A request to R's server; the cursor's owner lets go of the store first. */
static gboolean request(reader *r, const char *url, const char *depth, const char *body,
                        kith_dav_reply *out, GError **error)
{
  kith_source_flush(r->cursor);
  return kith_dav_request(r->d, "REPORT", url, depth, body, out, error);
}

static void report(reader *r, const char *where, const char *why)
{
  r->stats->errors++;
  r->outer->on_error(where, why, r->outer->user_data);
}

static gboolean pass_activity(kith_activity *a, gpointer user_data)
{
  reader *r = user_data;
  if (r->start && a->time && a->time < r->start)
    return TRUE; /* older than start_date */
  r->stats->activities++;
  if (!r->outer->on_activity(a, r->outer->user_data))
    r->stopped = TRUE;
  return !r->stopped;
}

static void pass_error(const char *where, const char *why, gpointer user_data)
{
  report(user_data, where, why);
}

static gboolean deliver(reader *r, const calendar *cal, const kith_dav_response *ev)
{
  g_autofree char *origin = resolve(cal->url, ev->href);
  gsize len = strlen(ev->calendar_data);
  r->stats->files++;
  r->stats->bytes += len;
  kith_ical_read_buffer(ev->calendar_data, len, origin, &r->inner);
  return !r->stopped;
}

static char *key(const calendar *cal, const char *what)
{
  return g_strdup_printf("caldav.%s.%s", cal->href, what);
}

static gboolean set_state(reader *r, const char *k, const char *value)
{
  if (r->cursor->set(k, value, r->cursor->user_data, r->error))
    return TRUE;
  r->stopped = TRUE;
  return FALSE;
}

/* The path of event HREF of CAL: the same name however the server writes it. */
static char *event_path(const calendar *cal, const char *href)
{
  g_autofree char *abs = resolve(cal->url, href);
  return url_path(abs);
}

/* Fetches the events HREFS, a batch at a time, with calendar-multiget and
 * delivers them; in the fallback mode (ETAG_KEYS) the ETag of each event
 * delivered is kept after its batch. FALSE on a failure (reported) or when
 * R->stopped. */
static gboolean multiget(reader *r, const calendar *cal, GPtrArray *hrefs, gboolean etag_keys)
{
  for (guint i = 0; i < hrefs->len; i += KITH_CALDAV_MULTIGET) {
    g_autoptr(GString) body = g_string_new(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
        "<D:prop><D:getetag/><C:calendar-data/></D:prop>");
    guint end = MIN(hrefs->len, i + KITH_CALDAV_MULTIGET);
    for (guint k = i; k < end; k++) {
      g_autofree char *esc = kith_dav_xml_escape(g_ptr_array_index(hrefs, k));
      g_string_append_printf(body, "<D:href>%s</D:href>", esc);
    }
    g_string_append(body, "</C:calendar-multiget>");
    kith_dav_reply rp;
    g_autoptr(GError) local = NULL;
    g_autoptr(kith_dav_multistatus) ms = NULL;
    if (request(r, cal->url, "1", body->str, &rp, &local))
      ms = kith_dav_reply_multistatus(&rp, cal->url, &local);
    kith_dav_reply_clear(&rp);
    if (!ms) {
      g_autofree char *why = g_strdup_printf("%s; the events not read yet are read next time",
                                             local->message);
      report(r, cal->url, why);
      return FALSE;
    }
    for (guint k = 0; k < ms->responses->len; k++) {
      const kith_dav_response *ev = g_ptr_array_index(ms->responses, k);
      if (ev->status < 200 || ev->status > 299 || !ev->calendar_data)
        continue; /* removed since it was listed */
      if (!deliver(r, cal, ev))
        return FALSE;
    }
    for (guint k = 0; etag_keys && k < ms->responses->len; k++) {
      const kith_dav_response *ev = g_ptr_array_index(ms->responses, k);
      if (!ev->etag || !ev->calendar_data)
        continue;
      g_autofree char *path = event_path(cal, ev->href);
      g_autofree char *what = g_strdup_printf("etag.%s", path);
      g_autofree char *k_etag = key(cal, what);
      if (!set_state(r, k_etag, ev->etag))
        return FALSE;
    }
  }
  return TRUE;
}

typedef enum { SYNC_DONE, SYNC_FAILED, SYNC_UNSUPPORTED } sync_result;

/* RFC 6578: what changed since the kept sync token (everything, without
 * one), then the new token. */
static sync_result sync_calendar(reader *r, const calendar *cal)
{
  g_autofree char *k_token = key(cal, "sync_token");
  g_autofree char *token = r->cursor->get(k_token, r->cursor->user_data);
  gboolean retried = FALSE;
  for (guint round = 0; round < SYNC_ROUNDS_MAX; round++) {
    g_autofree char *esc = token ? kith_dav_xml_escape(token) : g_strdup("");
    g_autofree char *body = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<D:sync-collection xmlns:D=\"DAV:\"><D:sync-token>%s</D:sync-token>"
        "<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>",
        esc);
    kith_dav_reply rp;
    g_autoptr(GError) local = NULL;
    if (!request(r, cal->url, "0", body, &rp, &local)) {
      report(r, cal->url, local->message);
      return SYNC_FAILED;
    }
    if (rp.status != 207) {
      gboolean bad_token = token && (rp.status == 403 || rp.status == 409 || rp.status == 400) &&
                           g_strstr_len((const char *)rp.body->data, rp.body->len,
                                        "valid-sync-token");
      long status = rp.status;
      kith_dav_reply_clear(&rp);
      if (bad_token && !retried) {
        /* The server forgot the token: read everything again (UIDs make
         * the events read before duplicates). */
        retried = TRUE;
        g_clear_pointer(&token, g_free);
        continue;
      }
      if (!token && status != 401)
        return SYNC_UNSUPPORTED;
      g_autofree char *why = g_strdup_printf("sync-collection REPORT: HTTP status %ld", status);
      report(r, cal->url, why);
      return SYNC_FAILED;
    }
    g_autoptr(kith_dav_multistatus) ms = kith_dav_reply_multistatus(&rp, cal->url, &local);
    kith_dav_reply_clear(&rp);
    if (!ms) {
      report(r, cal->url, local->message);
      return SYNC_FAILED;
    }
    g_autoptr(GPtrArray) changed = g_ptr_array_new();
    gboolean truncated = FALSE;
    for (guint i = 0; i < ms->responses->len; i++) {
      const kith_dav_response *ev = g_ptr_array_index(ms->responses, i);
      g_autofree char *path = event_path(cal, ev->href);
      if (same_path(path, cal->href)) {
        truncated = truncated || ev->status == 507; /* more to come with the new token */
        continue;
      }
      /* 404: the event was removed. An activity is a fact that happened:
       * nothing to undo, nothing to read. */
      if (ev->status >= 200 && ev->status <= 299)
        g_ptr_array_add(changed, ev->href);
    }
    if (!multiget(r, cal, changed, FALSE))
      return SYNC_FAILED;
    if (!ms->sync_token) {
      report(r, cal->url, "the sync-collection reply has no sync-token");
      return SYNC_FAILED;
    }
    if (!set_state(r, k_token, ms->sync_token))
      return SYNC_FAILED;
    gboolean moved = !token || strcmp(token, ms->sync_token) != 0;
    g_free(token);
    token = g_strdup(ms->sync_token);
    if (!truncated || !moved)
      return SYNC_DONE;
  }
  return SYNC_DONE;
}

/* Without RFC 6578: the events from start_date on (all of them without
 * one), fetching only those whose ETag kith has not seen. */
static gboolean query_calendar(reader *r, const calendar *cal)
{
  g_autofree char *range = NULL;
  if (r->start) {
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(r->start);
    g_autofree char *s = g_date_time_format(t, "%Y%m%dT%H%M%SZ");
    range = g_strdup_printf("<C:time-range start=\"%s\"/>", s);
  }
  g_autofree char *body = g_strdup_printf(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
      "<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
      "<C:comp-filter name=\"VEVENT\">%s</C:comp-filter></C:comp-filter></C:filter>"
      "</C:calendar-query>",
      range ? range : "");
  kith_dav_reply rp;
  g_autoptr(GError) local = NULL;
  g_autoptr(kith_dav_multistatus) ms = NULL;
  if (request(r, cal->url, "1", body, &rp, &local))
    ms = kith_dav_reply_multistatus(&rp, cal->url, &local);
  kith_dav_reply_clear(&rp);
  if (!ms) {
    g_autofree char *why = g_strdup_printf("calendar-query REPORT: %s", local->message);
    report(r, cal->url, why);
    return FALSE;
  }
  g_autoptr(GPtrArray) changed = g_ptr_array_new();
  for (guint i = 0; i < ms->responses->len; i++) {
    const kith_dav_response *ev = g_ptr_array_index(ms->responses, i);
    g_autofree char *path = event_path(cal, ev->href);
    if (ev->status < 200 || ev->status > 299 || same_path(path, cal->href))
      continue;
    g_autofree char *what = g_strdup_printf("etag.%s", path);
    g_autofree char *k_etag = key(cal, what);
    g_autofree char *seen = r->cursor->get(k_etag, r->cursor->user_data);
    if (!ev->etag || !seen || strcmp(seen, ev->etag) != 0)
      g_ptr_array_add(changed, ev->href);
  }
  return multiget(r, cal, changed, TRUE);
}

/* Does configured calendar WANT name CAL (its href, URL, display name or
 * last path segment)? */
static gboolean calendar_matches(const calendar *cal, const char *want)
{
  if (same_path(cal->href, want) || strcmp(cal->url, want) == 0 ||
      (cal->name && strcmp(cal->name, want) == 0))
    return TRUE;
  g_autofree char *path = g_strdup(cal->href);
  gsize n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    path[--n] = '\0';
  const char *last = strrchr(path, '/');
  return last && strcmp(last + 1, want) == 0;
}

gboolean kith_caldav_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *secret = kith_source_secret(src, error);
  if (!secret)
    return FALSE;
  gint64 start = kith_source_start(src);
  g_autoptr(kith_dav) d = kith_dav_new(src, secret);
  kith_source_flush(cursor); /* nothing is stored while the calendars are found */
  g_autoptr(GPtrArray) found = discover(d, &local);
  if (!found) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name, local->message);
    return FALSE;
  }
  reader r = {.cursor = cursor,
              .src = src,
              .outer = sink,
              .stats = stats,
              .d = d,
              .start = start,
              .error = error};
  r.inner.on_activity = pass_activity;
  r.inner.on_error = pass_error;
  r.inner.user_data = &r;
  /* The configured calendars, in the configuration's order; else all found. */
  g_autoptr(GPtrArray) cals = g_ptr_array_new_with_free_func(calendar_free);
  if (src->folders && src->folders[0]) {
    for (char **want = src->folders; *want; want++) {
      const calendar *hit = NULL;
      for (guint i = 0; i < found->len && !hit; i++)
        if (calendar_matches(g_ptr_array_index(found, i), *want))
          hit = g_ptr_array_index(found, i);
      if (hit) {
        g_ptr_array_add(cals, calendar_new(hit->url, hit->name));
      } else if (**want == '/' || g_str_has_prefix(*want, "http://") ||
                 g_str_has_prefix(*want, "https://")) {
        g_autofree char *abs = resolve(src->url, *want);
        g_ptr_array_add(cals, calendar_new(abs, NULL));
      } else {
        g_autofree char *where = g_strdup_printf("%s (source %s)", src->url, src->name);
        g_autofree char *why = g_strdup_printf("no calendar called '%s'", *want);
        report(&r, where, why);
      }
    }
  } else {
    for (guint i = 0; i < found->len; i++) {
      const calendar *c = g_ptr_array_index(found, i);
      g_ptr_array_add(cals, calendar_new(c->url, c->name));
    }
  }
  for (guint i = 0; i < cals->len && !r.stopped && !d->broken; i++) {
    const calendar *cal = g_ptr_array_index(cals, i);
    if (sync_calendar(&r, cal) == SYNC_UNSUPPORTED && !r.stopped)
      query_calendar(&r, cal);
  }
  if (r.stopped) {
    if (error && !*error)
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: capture stopped", src->name);
    return FALSE;
  }
  return TRUE;
}
