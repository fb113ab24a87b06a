/* microsoft.h - live capture from Microsoft 365: every chosen User's mail
 * folders and calendar through Microsoft Graph, as an application with a
 * certificate or a client secret (docs/sources.md). */
#pragma once

#include "capture/capture.h"
#include "capture/cursor.h"
#include "config/config.h"

/* Messages or events asked for in one page (Prefer: odata.maxpagesize). */
#define KITH_GRAPH_PAGE 100
/* The calendar is read over a window from start_date to this many days
 * ahead; a new round begins once less than KITH_GRAPH_WINDOW_MARGIN days of
 * it are left. */
#define KITH_GRAPH_WINDOW_DAYS 180
#define KITH_GRAPH_WINDOW_MARGIN 90

/* Reads what is new in the mail folders (mail_folders, default inbox and
 * sentitems) and the calendar of every active CRM User (CURSOR->users)
 * whose Email is in SRC's domains, narrowed by users and exclude_users,
 * and hands one activity per message and event to SINK. Per User and
 * folder, the delta link Graph gave last ("microsoft.USER.mail.FOLDER.delta",
 * "microsoft.USER.calendar.delta") says where the last run stopped; it is
 * written after the activities it covers. Requests go one at a time, well
 * under Graph's four at once per mailbox. A User that cannot be read (no
 * mailbox, outside the app's access policy) is reported through
 * SINK->on_error and skipped; the others are read. Returns FALSE with
 * ERROR when the source cannot be used at all (its secret or certificate,
 * the store's list of Users, a cursor that cannot be written). */
gboolean kith_microsoft_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                                const kith_capture_sink *sink, kith_capture_stats *stats,
                                GError **error);
