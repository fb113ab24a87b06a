/* gcal.c - one User's primary Google calendar: events.list with a sync token. */
#include "capture/google.h"

#include "capture/mime.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

#define SYNC_KEY "calendar.sync_token"

static const char *str(json_t *obj, const char *key)
{
  return json_string_value(json_object_get(obj, key));
}

/* An event's start: dateTime, or date for an all-day event; 0 when neither. */
static gint64 event_time(json_t *start)
{
  const char *t = str(start, "dateTime");
  if (!t)
    t = str(start, "date");
  gint64 out = 0;
  return t && kith_time_parse(t, &out) ? out : 0;
}

/* R11: Google's room and resource calendars are resources; a group's
 * calendar is a group. Their addresses end in these domains. */
static kith_cutype calendar_cutype(const char *email, gboolean resource)
{
  if (resource || g_str_has_suffix(email, "@resource.calendar.google.com"))
    return KITH_CUTYPE_RESOURCE;
  if (g_str_has_suffix(email, "@group.calendar.google.com") ||
      g_str_has_suffix(email, "@group.v.calendar.google.com"))
    return KITH_CUTYPE_GROUP;
  return KITH_CUTYPE_PERSON;
}

/* Whether the calendar's own User declined EVENT. */
static gboolean declined_by_owner(json_t *event)
{
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(event, "attendees"), i, a)
  {
    if (json_is_true(json_object_get(a, "self")))
      return g_strcmp0(str(a, "responseStatus"), "declined") == 0;
  }
  return FALSE;
}

/* One event as a meeting, identified by its iCalendar UID (the same meeting
 * in several Users' calendars is one activity, R10). NULL for what needs
 * nothing: a deletion (an id and status only) or an event the calendar's
 * User declined (it says nothing of whom they met). */
static kith_activity *event_activity(json_t *event)
{
  const char *uid = str(event, "iCalUID");
  if (!uid || !*uid || declined_by_owner(event))
    return NULL;
  kith_activity *a = kith_activity_new(KITH_ACTIVITY_MEETING);
  a->id = g_strdup(uid);
  a->time = event_time(json_object_get(event, "start"));
  g_free(a->subject);
  a->subject = kith_capture_clean_text(str(event, "summary"), KITH_CAPTURE_SUBJECT_MAX);
  /* R10: a cancelled meeting is skipped. */
  a->cancelled = g_strcmp0(str(event, "status"), "cancelled") == 0;
  json_t *org = json_object_get(event, "organizer");
  const char *org_email = str(org, "email");
  if (org_email)
    kith_activity_add_participant(a, org_email, str(org, "displayName"), KITH_PART_ORGANIZER,
                                  calendar_cutype(org_email, FALSE));
  size_t i;
  json_t *at;
  json_array_foreach(json_object_get(event, "attendees"), i, at)
  {
    const char *email = str(at, "email");
    if (email)
      kith_activity_add_participant(
          a, email, str(at, "displayName"), KITH_PART_ATTENDEE,
          calendar_cutype(email, json_is_true(json_object_get(at, "resource"))));
  }
  return a;
}

typedef enum { LIST_OK, LIST_GONE, LIST_FAILED } list_result;

/* Lists the calendar, from SYNC_TOKEN when given (what changed since), else
 * in full from start_date, handing each event over; the new sync token is
 * kept after the events it covers. */
static list_result list_events(kith_google *g, const char *sync_token, GError **error)
{
  g_autofree char *page = NULL, *next_sync = NULL;
  g_autofree char *since = NULL;
  if (sync_token) {
    g_autofree char *st = g_uri_escape_string(sync_token, NULL, FALSE);
    since = g_strconcat("&syncToken=", st, NULL);
  } else if (g->team.start) {
    g_autofree char *t = kith_time_format(g->team.start);
    g_autofree char *et = g_uri_escape_string(t, NULL, FALSE);
    since = g_strconcat("&timeMin=", et, NULL);
  } else {
    since = g_strdup("");
  }
  do {
    g_autofree char *pt = page ? g_uri_escape_string(page, NULL, FALSE) : NULL;
    g_autofree char *url = g_strdup_printf(
        "%s/calendars/primary/events?singleEvents=true&maxResults=%d%s%s%s", g->calendar_url,
        KITH_GOOGLE_EVENT_PAGE, since, pt ? "&pageToken=" : "", pt ? pt : "");
    g_auto(kith_webapi_reply) r = {0};
    if (!kith_team_get(&g->team, url, NULL, &r, error))
      return LIST_FAILED;
    if (r.status == 410 && sync_token)
      return LIST_GONE;
    if (r.status != 200 || !r.json) {
      g_autofree char *why = kith_webapi_error_text(&r);
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "calendar events.list: %s", why);
      return LIST_FAILED;
    }
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(r.json, "items"), i, ev)
    {
      g_autoptr(kith_activity) a = event_activity(ev);
      g->team.stats->files++;
      if (a && !kith_team_deliver(&g->team, a))
        return LIST_OK;
    }
    g_free(page);
    page = g_strdup(str(r.json, "nextPageToken"));
    if (!page || !*page)
      next_sync = g_strdup(str(r.json, "nextSyncToken"));
  } while (page && *page);
  if (next_sync && g_strcmp0(next_sync, sync_token) != 0 &&
      !kith_team_cursor_set(&g->team, SYNC_KEY, next_sync))
    return LIST_FAILED;
  return LIST_OK;
}

gboolean kith_gcal_read(kith_google *g, GError **error)
{
  g_autofree char *token = kith_team_cursor_get(&g->team, SYNC_KEY);
  list_result r = list_events(g, token, error);
  /* 410 Gone: Google forgot the sync token; the window again (R10 knows
   * the meetings seen before by their UID). */
  if (r == LIST_GONE)
    r = list_events(g, NULL, error);
  return r == LIST_OK;
}
