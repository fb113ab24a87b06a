/* ical.h - meeting capture with libical: every VEVENT of an .ics file is one activity. */
#pragma once

#include "capture/capture.h"

#define KITH_ICAL_FILE_MAX (64 * 1024 * 1024) /* bytes of one .ics file */
#define KITH_ICAL_VALUE_MAX (1024 * 1024)     /* bytes of one unfolded property line */

/* Bounds on a VTIMEZONE the file defines (issue #16). libical expands a
 * zone's rules from their DTSTART onwards with no limit of its own, so a
 * zone past these is not used: its times are read as UTC and reported.
 * Years: Outlook starts every zone in 1601, the Windows epoch; no meeting
 * needs a rule after 2100. */
#define KITH_ICAL_TZ_YEAR_MIN 1601
#define KITH_ICAL_TZ_YEAR_MAX 2100
/* More than twice the transitions any zone of the tz database has from 1601
 * to 2100 (Europe/London, the busiest, about 370). */
#define KITH_ICAL_TZ_OBSERVANCES_MAX 1000 /* STANDARD/DAYLIGHT of one zone */
#define KITH_ICAL_TZ_RDATES_MAX 1000      /* RDATE values of one zone */
/* One change a year from 1601 to 2100 is 500: twice that is no zone. */
#define KITH_ICAL_TZ_COUNT_MAX 1000 /* RRULE COUNT */
/* Offset changes libical may compute for the zones of one file (or one
 * CalDAV object): about 100 zones written from 1601, or 350 from 1970. With
 * the rule forms kith allows, each costs some 40 bytes and under 10 us
 * (100,000 take 0.8 s); the same zone repeated in a file counts once. */
#define KITH_ICAL_TZ_FILE_CHANGES_MAX 100000

/* Reads the iCalendar text DATA (LEN bytes) and hands one meeting per UID
 * to SINK (both callbacks required); ORIGIN names the file in reports and
 * becomes activity->origin. A text that is not iCalendar, or is broken, is
 * reported once and skipped; so are, as a whole, the VTIMEZONEs past the
 * bounds above, whose times are read as UTC. A TZID naming an Olson zone
 * is read with libical's own zone, never the file's. Returns FALSE only
 * when on_activity said stop. */
gboolean kith_ical_read_buffer(const char *data, gsize len, const char *origin,
                               const kith_capture_sink *sink);

/* The same for the file PATH (at most KITH_ICAL_FILE_MAX bytes). */
gboolean kith_ical_read_file(const char *path, const kith_capture_sink *sink);
