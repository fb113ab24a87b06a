/* caldav.h - live capture from CalDAV calendars over libcurl (RFC 6578 sync, or queries). */
#pragma once

#include "capture/capture.h"
#include "config/config.h"
#include "capture/cursor.h"

/* Largest reply body kith reads from a CalDAV server. */
#define KITH_CALDAV_BODY_MAX (64 * 1024 * 1024)
/* Events asked for in one calendar-multiget REPORT. */
#define KITH_CALDAV_MULTIGET 100

/* Reads what changed in every calendar of SRC (the configured ones, else all
 * found from the principal) and hands one meeting per event to SINK. With
 * RFC 6578 sync-collection the calendar's sync token is kept in STORE as
 * "caldav.<calendar href>.sync_token", written after the events it covers;
 * a server without it is read with a calendar-query (from start_date), and
 * the ETag of each event kept ("caldav.<calendar href>.etag.<event href>")
 * so that unchanged events are not fetched again. A removed event needs
 * nothing from kith (an activity is a fact that happened). Returns FALSE
 * with ERROR when the server cannot be used at all (password file,
 * connection, refused login, no calendar); a calendar that cannot be read
 * or a connection lost half-way is reported through SINK->on_error. */
gboolean kith_caldav_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error);

/* ---- a WebDAV multistatus reply, read (tests/unit/test_caldav_parse.c) ---- */

typedef struct {
  char *href;          /* as the server wrote it (usually a path) */
  int status;          /* its own status (404: removed), else the first 2xx propstat's */
  char *etag;          /* DAV:getetag, or NULL */
  char *calendar_data; /* C:calendar-data, or NULL */
  char *displayname;
  char *sync_token;    /* DAV:sync-token asked as a property */
  char *principal;     /* DAV:current-user-principal's href */
  char *home;          /* C:calendar-home-set's (first) href */
  gboolean collection; /* resourcetype has DAV:collection */
  gboolean calendar;   /* resourcetype has C:calendar */
  gboolean events;     /* C:supported-calendar-component-set names VEVENT, or is absent */
} kith_dav_response;

typedef struct {
  GPtrArray *responses; /* kith_dav_response*, in reply order */
  char *sync_token;     /* the multistatus's DAV:sync-token (sync-collection), or NULL */
} kith_dav_multistatus;

/* Parses a 207 reply body. Only properties in a propstat of status 2xx are
 * kept. NULL with ERROR when it is not a WebDAV multistatus. */
kith_dav_multistatus *kith_dav_multistatus_parse(const char *xml, gsize len, GError **error);
void kith_dav_multistatus_free(kith_dav_multistatus *ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_dav_multistatus, kith_dav_multistatus_free)

/* TEXT with & < > " escaped for an XML body. */
char *kith_dav_xml_escape(const char *text);
