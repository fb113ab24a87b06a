/* ical.c - meetings from iCalendar files with libical: one activity per VEVENT UID. */
#include "capture/ical.h"

#include "capture/mime.h"

#include <errno.h>
#include <fcntl.h>
#include <libical/ical.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gpointer init_once(gpointer unused)
{
  /* Some builds of libical abort() on errors unless told otherwise; kith
   * reads untrusted files and wants a parse error, never an abort. */
  icalerror_set_errors_are_fatal(0);
  return NULL;
}

static void ical_init(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, init_once, NULL);
}

#define ICAL_MAX_DEPTH 64

/* Why TEXT cannot be handed to libical, or NULL: NUL bytes end C strings
 * early, and a property line unfolded past the cap is refused. */
static char *check_text(const char *data, gsize len)
{
  if (memchr(data, '\0', len))
    return g_strdup("contains a NUL byte");
  gsize logical = 0;
  guint64 line = 1, logical_start = 1;
  int depth = 0;
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', end - p);
    gsize n = nl ? (gsize)(nl - p) : (gsize)(end - p);
    if (*p == ' ' || *p == '\t') {
      logical += n; /* a folded continuation of the line before */
    } else {
      logical = n;
      logical_start = line;
    }
    if (logical > KITH_ICAL_VALUE_MAX)
      return g_strdup_printf("line %" G_GUINT64_FORMAT ": property longer than 1 MiB",
                             logical_start);
    /* libical frees components recursively: deep nesting would exhaust
     * the stack, and no real calendar nests more than a few levels. */
    if (n >= 6 && g_ascii_strncasecmp(p, "BEGIN:", 6) == 0 && ++depth > ICAL_MAX_DEPTH)
      return g_strdup_printf("line %" G_GUINT64_FORMAT ": components nested more than %d deep",
                             line, ICAL_MAX_DEPTH);
    if (n >= 4 && g_ascii_strncasecmp(p, "END:", 4) == 0 && depth > 0)
      depth--;
    p += n + 1;
    line++;
  }
  return NULL;
}

/* ---- time zones (issue #16) ---- */

/* libical expands a zone a few years past the year a time is read in; the
 * estimate of a rule's changes runs this far past KITH_ICAL_TZ_YEAR_MAX. */
#define TZ_EXPANSION_MARGIN 10
/* The longest Olson name looked up; the tz database's longest is 32 bytes. */
#define OLSON_NAME_MAX 64
/* Bytes of a TZID quoted in a report. */
#define TZID_QUOTED_MAX 100

typedef struct {
  const char *origin;
  const kith_capture_sink *sink;
  GHashTable *seen; /* ids already handed on: a series and its overrides are one */
  guint broken;
  char *first_broken;
  guint events;
  gboolean go;
  GHashTable *zones;    /* TZID -> zone_choice, in the calendar being read */
  GHashTable *checked;  /* a VTIMEZONE's text -> icaltimezone (NULL: refused), in the file */
  guint64 changes_left; /* of KITH_ICAL_TZ_FILE_CHANGES_MAX */
  guint refused;
  char *first_refused;
} ical_reader;

typedef struct {
  icaltimezone *zone; /* NULL: read as UTC */
  gboolean from_file;
} zone_choice;

/* libical turns a builtin zone's name into a path under its zoneinfo folder
 * and reads that file, so only names shaped like the tz database's reach
 * it: parts of letters, digits, '_', '-' and '+', each starting with a
 * letter. No "..", no absolute path, no FIFO or device to block on. */
static gboolean olson_shaped(const char *name, gsize len)
{
  if (len == 0 || len > OLSON_NAME_MAX)
    return FALSE;
  gboolean part_start = TRUE;
  for (gsize i = 0; i < len; i++) {
    char c = name[i];
    if (part_start) {
      if (!g_ascii_isalpha(c))
        return FALSE;
      part_start = FALSE;
    } else if (c == '/') {
      part_start = TRUE;
    } else if (!g_ascii_isalnum(c) && c != '_' && c != '-' && c != '+') {
      return FALSE;
    }
  }
  return !part_start;
}

/* libical's builtin zone for TZID: the Olson name itself, or the one ending
 * a prefixed TZID ("/citadel.org/20190914_1/Europe/Berlin",
 * "/mozilla.org/20050126_1/Europe/Paris"). NULL when there is none. */
static icaltimezone *builtin_zone(const char *tzid)
{
  gsize len = strlen(tzid);
  for (const char *t = tzid; t && *t; t = strchr(t + 1, '/')) {
    const char *name = *t == '/' ? t + 1 : t;
    if (!olson_shaped(name, len - (gsize)(name - tzid)))
      continue;
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);
    if (zone)
      return zone;
  }
  return NULL;
}

static guint by_len(const short *by, gsize size)
{
  guint n = 0;
  while (n < size && by[n] != ICAL_RECURRENCE_ARRAY_MAX)
    n++;
  return n;
}
#define BY_LEN(list) by_len((list), G_N_ELEMENTS(list))

static gboolean year_ok(int year)
{
  return year >= KITH_ICAL_TZ_YEAR_MIN && year <= KITH_ICAL_TZ_YEAR_MAX;
}

static char *outside_years(const char *what, int year)
{
  return g_strdup_printf("%s year %d is outside %d-%d", what, year, KITH_ICAL_TZ_YEAR_MIN,
                         KITH_ICAL_TZ_YEAR_MAX);
}

/* TRUE when DAYS are 7 days in a row of a month of MONTH_DAYS days, from
 * its start (8..14) or its end (-7..-1): every weekday falls on one. */
static gboolean week_of_days(const short *days, int month_days)
{
  for (int i = 1; i < 7; i++)
    if (days[i] != days[0] + i)
      return FALSE;
  return (days[0] >= 1 && days[0] + 6 <= month_days) ||
         (days[0] >= -month_days && days[0] + 6 <= -1);
}

/* Why libical should not expand the RRULE R of an observance that starts
 * at DTSTART, or NULL. libical walks a rule from DTSTART until it yields a
 * date past the year it expands to; a rule finer than YEARLY yields
 * millions of changes, and one that misses a year walks day by day up to
 * the year 2582 (seconds of CPU for a MONTHLY rule). So only the forms zones
 * are written in pass, each giving one date in every year: the Nth weekday
 * of a month, a weekday in 7 days in a row, or a fixed date, at one time. */
static char *rule_problem(const struct icalrecurrencetype *r, struct icaltimetype dtstart)
{
  if (r->freq != ICAL_YEARLY_RECURRENCE)
    return g_strdup_printf("RRULE FREQ=%s is not YEARLY", icalrecur_freq_to_string(r->freq));
  if (r->count < 0 || r->count > KITH_ICAL_TZ_COUNT_MAX)
    return g_strdup_printf("RRULE COUNT=%d is not within 1-%d", r->count, KITH_ICAL_TZ_COUNT_MAX);
  if (!icaltime_is_null_time(r->until) && !year_ok(r->until.year))
    return outside_years("RRULE UNTIL", r->until.year);
  if (r->rscale)
    return g_strdup("RRULE RSCALE is not read");
  if (BY_LEN(r->by_year_day) || BY_LEN(r->by_week_no) || BY_LEN(r->by_set_pos))
    return g_strdup("RRULE BYYEARDAY, BYWEEKNO or BYSETPOS is not read");
  const struct {
    const char *name;
    guint len;
    int first, max;
  } single[] = {
      {.name = "BYSECOND", .len = BY_LEN(r->by_second), .first = r->by_second[0], .max = 60},
      {.name = "BYMINUTE", .len = BY_LEN(r->by_minute), .first = r->by_minute[0], .max = 59},
      {.name = "BYHOUR", .len = BY_LEN(r->by_hour), .first = r->by_hour[0], .max = 23},
      {.name = "BYMONTH", .len = BY_LEN(r->by_month), .first = r->by_month[0], .max = 12},
      {.name = "BYDAY", .len = BY_LEN(r->by_day), .first = 0, .max = 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(single); i++) {
    if (single[i].len > 1)
      return g_strdup_printf("RRULE %s has %u values, not one", single[i].name, single[i].len);
    if (single[i].len && single[i].max && (single[i].first < 0 || single[i].first > single[i].max))
      return g_strdup_printf("RRULE %s=%d is out of range", single[i].name, single[i].first);
  }
  gboolean has_month = BY_LEN(r->by_month) == 1, has_weekday = BY_LEN(r->by_day) == 1;
  guint days = BY_LEN(r->by_month_day);
  if ((has_weekday || days) && !has_month)
    return g_strdup("RRULE BYDAY or BYMONTHDAY without BYMONTH");
  int month = has_month ? r->by_month[0] : dtstart.month;
  if (month < 1 || month > 12)
    return g_strdup_printf("RRULE month %d is not a month", month);
  int month_days = icaltime_days_in_month(month, 2001); /* a year without 29 February */
  if (has_weekday) {
    int pos = icalrecurrencetype_day_position(r->by_day[0]);
    const char *weekday = icalrecur_weekday_to_string(
        icalrecurrencetype_day_day_of_week(r->by_day[0]));
    if (days == 0 && pos == 0)
      return g_strdup_printf("RRULE BYDAY=%s without BYMONTHDAY is every week", weekday);
    if (days == 0 && (pos > 4 || pos < -4)) /* every month has 4 of each weekday, not 5 */
      return g_strdup_printf("RRULE BYDAY position %d is not in every month", pos);
    if (days && (pos != 0 || days != 7 || !week_of_days(r->by_month_day, month_days)))
      return g_strdup("RRULE BYDAY with BYMONTHDAY is not one weekday in 7 days in a row");
    return NULL;
  }
  if (days > 1)
    return g_strdup_printf("RRULE BYMONTHDAY has %u values, not one", days);
  int day = days ? r->by_month_day[0] : dtstart.day;
  if (day == 0 || day > month_days || day < -month_days)
    return g_strdup_printf("RRULE day %d of month %d is not in every year", day, month);
  return NULL;
}

/* Changes libical makes of a rule rule_problem passed: one a year, or one
 * every INTERVAL years, from the year FROM to UNTIL or a little past the
 * last year a time is read in. */
static guint64 rule_changes(const struct icalrecurrencetype *r, int from)
{
  int to = KITH_ICAL_TZ_YEAR_MAX + TZ_EXPANSION_MARGIN;
  if (!icaltime_is_null_time(r->until))
    to = MIN(to, r->until.year);
  if (to < from)
    return 1;
  guint64 n = (guint64)(to - from) / (guint64)MAX(r->interval, 1) + 1;
  return r->count > 0 ? MIN(n, (guint64)r->count) : n;
}

typedef struct {
  guint observances;
  guint rdates;
  guint64 changes;
} zone_tally;

/* Why the STANDARD or DAYLIGHT observance OBS is not read, or NULL; counts
 * its RDATE values and the changes libical will make of it into T. */
static char *observance_problem(icalcomponent *obs, zone_tally *t)
{
  struct icaltimetype start = icaltime_null_time();
  gboolean dated = FALSE;
  /* libical takes the last DTSTART: every one is checked. */
  for (icalproperty *p = icalcomponent_get_first_property(obs, ICAL_DTSTART_PROPERTY); p;
       p = icalcomponent_get_next_property(obs, ICAL_DTSTART_PROPERTY)) {
    start = icalproperty_get_dtstart(p);
    dated = TRUE;
    if (!year_ok(start.year))
      return outside_years("DTSTART", start.year);
  }
  for (icalproperty *p = icalcomponent_get_first_property(obs, ICAL_RDATE_PROPERTY); p;
       p = icalcomponent_get_next_property(obs, ICAL_RDATE_PROPERTY)) {
    if (++t->rdates > KITH_ICAL_TZ_RDATES_MAX)
      return g_strdup_printf("more than %d RDATE values", KITH_ICAL_TZ_RDATES_MAX);
    struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
    struct icaltimetype when = icaltime_is_null_time(rd.time) ? rd.period.start : rd.time;
    if (!year_ok(when.year))
      return outside_years("RDATE", when.year);
    t->changes++;
  }
  t->changes++; /* DTSTART's own change */
  if (!dated)
    return NULL; /* libical expands nothing of an observance without DTSTART */
  for (icalproperty *p = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY); p;
       p = icalcomponent_get_next_property(obs, ICAL_RRULE_PROPERTY)) {
    struct icalrecurrencetype r = icalproperty_get_rrule(p);
    if (r.freq == ICAL_NO_RECURRENCE)
      continue; /* a rule libical could not read, and skips */
    char *why = rule_problem(&r, start);
    if (why)
      return why;
    t->changes += rule_changes(&r, start.year) + 1;
  }
  return NULL;
}

/* Why the VTIMEZONE VTZ from a file is not read, or NULL with the offset
 * changes libical will compute for it in OUT_CHANGES. */
static char *zone_problem(icalcomponent *vtz, guint64 *out_changes)
{
  zone_tally t = {0};
  icalcompiter it = icalcomponent_begin_component(vtz, ICAL_ANY_COMPONENT);
  for (icalcomponent *obs; (obs = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it)) {
    icalcomponent_kind kind = icalcomponent_isa(obs);
    if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT)
      continue; /* libical reads no other part of a zone */
    if (++t.observances > KITH_ICAL_TZ_OBSERVANCES_MAX)
      return g_strdup_printf("more than %d STANDARD/DAYLIGHT observances",
                             KITH_ICAL_TZ_OBSERVANCES_MAX);
    char *why = observance_problem(obs, &t);
    if (why)
      return why;
  }
  *out_changes = t.changes;
  return NULL;
}

/* Has libical expand ZONE once up to the last year a time is read in it,
 * so that no later time makes it expand the zone again. */
static void expand_once(icaltimezone *zone)
{
  struct icaltimetype last = icaltime_null_time();
  last.year = KITH_ICAL_TZ_YEAR_MAX;
  last.month = 12;
  last.day = 31;
  (void)icaltimezone_get_utc_offset(zone, &last, NULL);
}

static void refuse_zone(ical_reader *r, const char *tzid, const char *why)
{
  if (r->refused++ == 0) {
    g_autofree char *name = kith_capture_clean_text(tzid, TZID_QUOTED_MAX);
    r->first_refused = g_strdup_printf("VTIMEZONE %s: %s", name, why);
  }
}

/* The VTIMEZONE VCAL defines for TZID once checked, or NULL (none, or
 * refused). The same definition in several calendars of the file, as in
 * concatenated invitations, is checked and expanded once. */
static icaltimezone *file_zone(ical_reader *r, icalcomponent *vcal, const char *tzid)
{
  icaltimezone *zone = icalcomponent_get_timezone(vcal, tzid);
  if (!zone)
    return NULL;
  char *raw = icalcomponent_as_ical_string_r(icaltimezone_get_component(zone));
  g_autofree char *text = g_strdup(raw);
  icalmemory_free_buffer(raw);
  gpointer known;
  if (g_hash_table_lookup_extended(r->checked, text, NULL, &known))
    return known;
  guint64 changes = 0;
  g_autofree char *why = zone_problem(icaltimezone_get_component(zone), &changes);
  if (!why && changes > r->changes_left)
    why = g_strdup_printf("expands to about %" G_GUINT64_FORMAT
                          " changes, more than the %" G_GUINT64_FORMAT " left for this file",
                          changes, r->changes_left);
  if (why) {
    refuse_zone(r, tzid, why);
    zone = NULL;
  } else {
    r->changes_left -= changes;
    expand_once(zone);
  }
  g_hash_table_insert(r->checked, g_steal_pointer(&text), zone);
  return zone;
}

/* The zone a DTSTART's TZID names in VCAL (NULL for a bare VEVENT): a
 * known Olson name is libical's builtin zone whatever the file says, any
 * other name the file's own VTIMEZONE if it passes the checks above. */
static const zone_choice *find_zone(ical_reader *r, icalcomponent *vcal, const char *tzid)
{
  zone_choice *c = g_hash_table_lookup(r->zones, tzid);
  if (c)
    return c;
  c = g_new0(zone_choice, 1);
  c->zone = builtin_zone(tzid);
  if (!c->zone && vcal) {
    c->zone = file_zone(r, vcal, tzid);
    c->from_file = c->zone != NULL;
  }
  g_hash_table_insert(r->zones, g_strdup(tzid), c);
  return c;
}

/* DTSTART as UTC Unix seconds: a date (all day) is its midnight UTC, a
 * floating time or one in an unknown or refused zone is read as UTC, and
 * so is one after KITH_ICAL_TZ_YEAR_MAX in a zone from the file (R13 takes
 * it as the capture time anyway). 0 when none. */
static gint64 start_time(ical_reader *r, icalcomponent *ev, icalcomponent *vcal)
{
  icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
  if (!p)
    return 0;
  struct icaltimetype t = icalproperty_get_dtstart(p);
  if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
    return 0;
  icaltimezone *utc = icaltimezone_get_utc_timezone();
  if (t.is_date) {
    t.is_date = 0;
    t.hour = t.minute = t.second = 0;
    return (gint64)icaltime_as_timet_with_zone(t, utc);
  }
  icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
  icaltimezone *zone = NULL;
  if (!icaltime_is_utc(t) && tzid) {
    const zone_choice *c = find_zone(r, vcal, tzid);
    if (!c->from_file || t.year <= KITH_ICAL_TZ_YEAR_MAX)
      zone = c->zone;
  }
  return (gint64)icaltime_as_timet_with_zone(t, zone ? zone : utc);
}

/* A parameter's value, owned by the caller (g_free), or NULL. */
static char *param(icalproperty *p, const char *name)
{
  char *v = icalproperty_get_parameter_as_string_r(p, name);
  char *copy = g_strdup(v);
  icalmemory_free_buffer(v);
  return copy;
}

/* CN as a name: surrounding quotes dropped, RFC 6868 ^-escapes decoded. */
static char *common_name(icalproperty *p)
{
  g_autofree char *cn = param(p, "CN");
  if (!cn)
    return NULL;
  gsize n = strlen(cn);
  if (n >= 2 && cn[0] == '"' && cn[n - 1] == '"') {
    cn[n - 1] = '\0';
    memmove(cn, cn + 1, n - 1);
  }
  GString *out = g_string_sized_new(strlen(cn));
  for (const char *c = cn; *c; c++) {
    if (*c == '^' && (c[1] == 'n' || c[1] == 'N' || c[1] == '^' || c[1] == '\'')) {
      c++;
      g_string_append_c(out, *c == '^' ? '^' : *c == '\'' ? '"' : ' ');
    } else {
      g_string_append_c(out, *c);
    }
  }
  g_autofree char *decoded = g_string_free(out, FALSE);
  return kith_capture_clean_text(decoded, KITH_CAPTURE_NAME_MAX);
}

static kith_cutype cutype_of(icalproperty *p)
{
  g_autofree char *cu = param(p, "CUTYPE");
  kith_cutype c = KITH_CUTYPE_PERSON; /* also for none and x-names (RFC 5545 3.2.3) */
  kith_cutype_from_word(cu, &c);
  return c;
}

static void add_person(kith_activity *a, icalproperty *p, const char *value, kith_part_role role)
{
  g_autofree char *email = NULL;
  if (value && g_ascii_strncasecmp(value, "mailto:", 7) == 0)
    email = g_strdup(value + 7);
  else if (!(email = param(p, "EMAIL"))) /* RFC 7986: the address beside a non-mailto URI */
    email = g_strdup(value);
  if (!email)
    return;
  g_autofree char *name = common_name(p);
  kith_activity_add_participant(a, email, name, role, cutype_of(p));
}

/* The first error libical recorded while reading a line of EV (a line it
 * could not split, e.g. after broken folding), or NULL. Errors in single
 * values (an empty DESCRIPTION) are common in real files and tolerated. */
static char *broken_reason(icalcomponent *ev)
{
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
    icalparameter *t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
    icalparameter_xlicerrortype type = t ? icalparameter_get_xlicerrortype(t)
                                         : ICAL_XLICERRORTYPE_NONE;
    if (type == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR ||
        type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR)
      return kith_capture_clean_text(icalproperty_get_xlicerror(p), 200);
  }
  return NULL;
}

/* The identity of a VEVENT without UID: what the invitation says, not when
 * it was exported (DTSTAMP), so that reading it again gives the same id. */
static char *derived_id(icalcomponent *ev)
{
  static const icalproperty_kind kinds[] = {ICAL_DTSTART_PROPERTY, ICAL_ORGANIZER_PROPERTY,
                                            ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
                                            ICAL_ATTENDEE_PROPERTY};
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
  for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++)
    for (icalproperty *p = icalcomponent_get_first_property(ev, kinds[k]); p;
         p = icalcomponent_get_next_property(ev, kinds[k])) {
      char *raw = icalproperty_as_ical_string_r(p);
      g_ptr_array_add(parts, g_strdup(raw));
      icalmemory_free_buffer(raw);
    }
  return kith_capture_derived_id((const char *const *)parts->pdata, parts->len);
}

static kith_activity *event_activity(ical_reader *r, icalcomponent *ev, icalcomponent *vcal)
{
  kith_activity *a = kith_activity_new(KITH_ACTIVITY_MEETING);
  a->origin = g_strdup(r->origin);
  const char *uid = icalcomponent_get_uid(ev);
  icalproperty *org = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
  const char *summary = icalcomponent_get_summary(ev);
  g_autofree char *id = uid ? kith_capture_clean_text(uid, KITH_CAPTURE_ID_MAX) : NULL;
  if (id && *id) {
    a->id = g_steal_pointer(&id);
  } else {
    a->id = derived_id(ev);
  }
  a->time = start_time(r, ev, vcal);
  g_free(a->subject);
  a->subject = kith_capture_clean_text(summary, KITH_CAPTURE_SUBJECT_MAX);
  a->cancelled = icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED ||
                 (vcal && icalcomponent_get_method(vcal) == ICAL_METHOD_CANCEL);
  if (org)
    add_person(a, org, icalproperty_get_organizer(org), KITH_PART_ORGANIZER);
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
    add_person(a, p, icalproperty_get_attendee(p), KITH_PART_ATTENDEE);
  return a;
}

static void read_event(ical_reader *r, icalcomponent *ev, icalcomponent *vcal)
{
  r->events++;
  g_autofree char *why = broken_reason(ev);
  if (why) {
    if (r->broken++ == 0)
      r->first_broken = g_steal_pointer(&why);
    return;
  }
  g_autoptr(kith_activity) a = event_activity(r, ev, vcal);
  if (g_hash_table_contains(r->seen, a->id))
    return; /* a RECURRENCE-ID override (or repeat) of a UID already read */
  g_hash_table_add(r->seen, g_strdup(a->id));
  r->go = r->sink->on_activity(a, r->sink->user_data);
}

static void read_calendar(ical_reader *r, icalcomponent *vcal)
{
  /* A TZID means what this calendar defines; outside any calendar (bare
   * VEVENTs) only builtin zones. */
  g_hash_table_remove_all(r->zones);
  icalcompiter it = icalcomponent_begin_component(vcal, ICAL_VEVENT_COMPONENT);
  for (icalcomponent *ev; r->go && (ev = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it))
    read_event(r, ev, vcal);
  g_hash_table_remove_all(r->zones);
}

gboolean kith_ical_read_buffer(const char *data, gsize len, const char *origin,
                               const kith_capture_sink *sink)
{
  ical_init();
  g_autofree char *why = check_text(data, len);
  if (why) {
    sink->on_error(origin, why, sink->user_data);
    return TRUE;
  }
  g_autofree char *text = g_strndup(data, len);
  /* libical prints its own warnings on stderr ("Encountered END before
   * BEGIN"); kith reports bad files itself, one kith: line each. */
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && devnull >= 0)
    dup2(devnull, STDERR_FILENO);
  icalcomponent *root = icalparser_parse_string(text);
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
  if (devnull >= 0)
    close(devnull);
  if (!root) {
    sink->on_error(origin,
                   "not a complete iCalendar file (no BEGIN/END:VCALENDAR pair libical can read)",
                   sink->user_data);
    return TRUE;
  }
  ical_reader r = {
      .origin = origin,
      .sink = sink,
      .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
      .go = TRUE,
      .zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
      .checked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
      .changes_left = KITH_ICAL_TZ_FILE_CHANGES_MAX,
  };
  guint calendars = 0;
  icalcomponent_kind kind = icalcomponent_isa(root);
  if (kind == ICAL_VCALENDAR_COMPONENT) {
    calendars++;
    read_calendar(&r, root);
  } else if (kind == ICAL_VEVENT_COMPONENT) {
    read_event(&r, root, NULL); /* a bare VEVENT: lenient, it is still a meeting */
  } else if (kind == ICAL_XROOT_COMPONENT) {
    /* Several top-level components: every VCALENDAR, and bare VEVENTs. */
    icalcompiter it = icalcomponent_begin_component(root, ICAL_ANY_COMPONENT);
    for (icalcomponent *c; r.go && (c = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it)) {
      if (icalcomponent_isa(c) == ICAL_VCALENDAR_COMPONENT) {
        calendars++;
        read_calendar(&r, c);
      } else if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT) {
        read_event(&r, c, NULL);
      }
    }
  }
  if (calendars == 0 && r.events == 0) {
    sink->on_error(origin, "not an iCalendar calendar (no VCALENDAR or VEVENT in it)",
                   sink->user_data);
  } else if (r.broken) {
    g_autofree char *msg = r.broken == 1
                               ? g_strdup_printf("broken VEVENT skipped: %s", r.first_broken)
                               : g_strdup_printf("%u broken VEVENTs skipped; first: %s", r.broken,
                                                 r.first_broken);
    sink->on_error(origin, msg, sink->user_data);
  }
  if (r.refused) {
    g_autofree char *msg = r.refused == 1
                               ? g_strdup_printf("%s; times read as UTC", r.first_refused)
                               : g_strdup_printf(
                                     "%u VTIMEZONEs unusable, their times read as UTC; first: %s",
                                     r.refused, r.first_refused);
    sink->on_error(origin, msg, sink->user_data);
  }
  g_free(r.first_broken);
  g_free(r.first_refused);
  g_hash_table_unref(r.zones);
  g_hash_table_unref(r.checked);
  g_hash_table_unref(r.seen);
  icalcomponent_free(root);
  return r.go;
}

gboolean kith_ical_read_file(const char *path, const kith_capture_sink *sink)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    sink->on_error(path, g_strerror(errno), sink->user_data);
    return TRUE;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size > KITH_ICAL_FILE_MAX) {
    sink->on_error(path, st.st_size > KITH_ICAL_FILE_MAX ? "larger than 64 MiB" : g_strerror(errno),
                   sink->user_data);
    close(fd);
    return TRUE;
  }
  /* Read at most one byte past the cap: a file growing meanwhile is caught. */
  gsize cap = KITH_ICAL_FILE_MAX + 1, len = 0;
  char *buf = g_malloc(MIN((gsize)st.st_size + 1, cap));
  gsize size = MIN((gsize)st.st_size + 1, cap);
  for (;;) {
    if (len == size) {
      if (size == cap)
        break;
      size = MIN(size * 2, cap);
      buf = g_realloc(buf, size);
    }
    ssize_t n = read(fd, buf + len, size - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      sink->on_error(path, g_strerror(errno), sink->user_data);
      close(fd);
      g_free(buf);
      return TRUE;
    }
    if (n == 0)
      break;
    len += (gsize)n;
  }
  close(fd);
  gboolean go = TRUE;
  if (len > KITH_ICAL_FILE_MAX)
    sink->on_error(path, "larger than 64 MiB", sink->user_data);
  else
    go = kith_ical_read_buffer(buf, len, path, sink);
  g_free(buf);
  return go;
}
