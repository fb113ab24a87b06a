/* google.h - live capture from Google Workspace: every chosen User's Gmail
 * and primary calendar, read through a service account with domain-wide
 * delegation (docs/sources.md). */
#pragma once

#include "capture/capture.h"
#include "capture/cursor.h"
#include "capture/team.h"
#include "config/config.h"

/* The scopes kith asks for on behalf of each User, the narrowest that do:
 * gmail.metadata cannot fetch an outside sender's text nor search by date,
 * and calendar.events.readonly lists the events. The administrator
 * delegates exactly these (docs/sources.md). */
#define KITH_GOOGLE_SCOPES                                                                         \
  "https://www.googleapis.com/auth/gmail.readonly "                                                \
  "https://www.googleapis.com/auth/calendar.events.readonly"
/* Messages or events asked for in one list page. */
#define KITH_GOOGLE_PAGE 500
#define KITH_GOOGLE_EVENT_PAGE 250
/* Gmail calls sent in one batch request (Google advises at most 50). */
#define KITH_GOOGLE_BATCH 50

/* Reads what is new in the mailbox and calendar of every active CRM User
 * (CURSOR->users) whose Email is in SRC's domains, narrowed by users and
 * exclude_users, and hands one activity per message and event to SINK.
 * Per User, "google.USER.gmail.history_id" and
 * "google.USER.calendar.sync_token" in CURSOR say where the last run
 * stopped; they are written after the activities they cover. A User that
 * cannot be read (no mailbox, delegation refused, a reply kith cannot use)
 * is reported through SINK->on_error and skipped; the others are read.
 * Returns FALSE with ERROR when the source cannot be used at all (its key
 * file, the store's list of Users, a cursor that cannot be written). */
gboolean kith_google_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error);

/* ---- shared by google.c, gmail.c and gcal.c ---- */

typedef struct {
  kith_team team;     /* the Users, the token acting for the current one, the cursors */
  char *pem;          /* the service account's private key */
  char *client_email; /* the JWT's iss */
  char *key_id;       /* the JWT header's kid; may be NULL */
  char *token_url, *gmail_url, *calendar_url;
  char *gmail_root; /* scheme and host of the Gmail API: batch paths start after it */
  char *batch_url;  /* where a batch of Gmail calls is sent */
} kith_google;

/* Sends the N GET calls PATHS (paths on the Gmail API's host,
 * "/gmail/v1/users/me/messages/ID?...") as one batch request, and fills
 * REPLIES (N of them, in order; clear each) with each call's own status,
 * Retry-After and JSON body; a call the batch reply lacks is a 503, to be
 * tried again alone. FALSE with ERROR when the batch itself fails. */
gboolean kith_google_batch(kith_google *g, const char *const *paths, guint n,
                           kith_webapi_reply *replies, GError **error);

/* The passes over one User's data; FALSE with ERROR ends that User's
 * reading (what was handed over before stays). */
gboolean kith_gmail_read(kith_google *g, GError **error);
gboolean kith_gcal_read(kith_google *g, GError **error);
