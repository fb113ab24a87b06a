/* ical.h - meeting capture with libical: every VEVENT of an .ics file is one activity. */
#pragma once

#include "capture/capture.h"

#define KITH_ICAL_FILE_MAX (64 * 1024 * 1024) /* bytes of one .ics file */
#define KITH_ICAL_VALUE_MAX (1024 * 1024)     /* bytes of one unfolded property line */

/* Reads the iCalendar text DATA (LEN bytes) and hands one meeting per UID
 * to SINK (both callbacks required); ORIGIN names the file in reports and
 * becomes activity->origin. A text that is not iCalendar, or is broken, is
 * reported once and skipped. Returns FALSE only when on_activity said stop. */
gboolean kith_ical_read_buffer(const char *data, gsize len, const char *origin,
                               const kith_capture_sink *sink);

/* The same for the file PATH (at most KITH_ICAL_FILE_MAX bytes). */
gboolean kith_ical_read_file(const char *path, const kith_capture_sink *sink);
