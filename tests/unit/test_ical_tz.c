/* test_ical_tz.c - issue #16: a VTIMEZONE from the file never drives an unbounded expansion. */
#include "capture/ical.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every hostile case runs in a child that is killed after this long, so
 * that a regression fails the test instead of hanging the suite. */
#define GUARD_USEC                                                                                 \
  (60 * G_USEC_PER_SEC) /* a hang, not a speed: sanitizers on a loaded machine are slow */

#define WINTER_10_UTC G_GINT64_CONSTANT(1767261600)   /* 2026-01-01T10:00:00Z */
#define WINTER_09_UTC G_GINT64_CONSTANT(1767258000)   /* 2026-01-01T09:00:00Z */
#define WINTER_0430_UTC G_GINT64_CONSTANT(1767241800) /* 2026-01-01T04:30:00Z */
#define SUMMER_08_UTC G_GINT64_CONSTANT(1782892800)   /* 2026-07-01T08:00:00Z */

/* ---- helpers ---- */

typedef struct {
  GPtrArray *ids;    /* activity ids, in order */
  GArray *times;     /* gint64, in order */
  GPtrArray *errors; /* "WHERE|WHY" */
} seen;

static gboolean on_activity(kith_activity *a, gpointer data)
{
  seen *s = data;
  g_ptr_array_add(s->ids, g_strdup(a->id));
  g_array_append_val(s->times, a->time);
  return TRUE;
}

static void on_error(const char *where, const char *why, gpointer data)
{
  seen *s = data;
  g_ptr_array_add(s->errors, g_strdup_printf("%s|%s", where, why));
}

static seen *seen_new(void)
{
  seen *s = g_new0(seen, 1);
  s->ids = g_ptr_array_new_with_free_func(g_free);
  s->times = g_array_new(FALSE, FALSE, sizeof(gint64));
  s->errors = g_ptr_array_new_with_free_func(g_free);
  return s;
}

static void seen_free(seen *s)
{
  g_ptr_array_unref(s->ids);
  g_array_unref(s->times);
  g_ptr_array_unref(s->errors);
  g_free(s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(seen, seen_free)

/* Reads TEXT as the file NAME and says how long it took. */
static seen *read_ics(const char *name, const char *text)
{
  seen *s = seen_new();
  kith_capture_sink sink = {.on_activity = on_activity, .on_error = on_error, .user_data = s};
  gint64 start = g_get_monotonic_time();
  kith_ical_read_buffer(text, strlen(text), name, &sink);
  g_test_message("%s: %zu bytes read in %.3f s", name, strlen(text),
                 (g_get_monotonic_time() - start) / 1e6);
  return s;
}

static gint64 time_at(seen *s, guint i)
{
  g_assert_cmpuint(i, <, s->times->len);
  return g_array_index(s->times, gint64, i);
}

static const char *error_at(seen *s, guint i)
{
  g_assert_cmpuint(i, <, s->errors->len);
  return g_ptr_array_index(s->errors, i);
}

/* One STANDARD or DAYLIGHT observance; RRULE may be NULL. */
static char *observance(const char *kind, const char *dtstart, const char *rrule, const char *from,
                        const char *to)
{
  return g_strdup_printf(
      "BEGIN:%s\r\nDTSTART:%s\r\n%s%s%sTZOFFSETFROM:%s\r\nTZOFFSETTO:%s\r\nEND:%s\r\n", kind,
      dtstart, rrule ? "RRULE:" : "", rrule ? rrule : "", rrule ? "\r\n" : "", from, to, kind);
}

/* A VTIMEZONE named TZID made of OBSERVANCES; NULL: no VTIMEZONE at all. */
static char *zone_text(const char *tzid, const char *observances)
{
  if (!observances)
    return g_strdup("");
  return g_strdup_printf("BEGIN:VTIMEZONE\r\nTZID:%s\r\n%sEND:VTIMEZONE\r\n", tzid, observances);
}

static char *event_text(const char *uid, const char *tzid, const char *start)
{
  return g_strdup_printf("BEGIN:VEVENT\r\nUID:%s\r\nDTSTART;TZID=%s:%s\r\nSUMMARY:Sync\r\n"
                         "ORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
                         "ATTENDEE;CN=Jane Doe:mailto:jane@acme.com\r\nEND:VEVENT\r\n",
                         uid, tzid, start);
}

/* One calendar: the zone TZID of OBSERVANCES, and the VEVENT "ev-1"
 * starting at the local time START in it. */
static char *calendar(const char *tzid, const char *observances, const char *start)
{
  g_autofree char *zone = zone_text(tzid, observances);
  g_autofree char *event = event_text("ev-1", tzid, start);
  return g_strdup_printf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//test//EN\r\n%s%s"
                         "END:VCALENDAR\r\n",
                         zone, event);
}

/* A zone with one STANDARD and one DAYLIGHT observance, both under RRULE. */
static char *two_rules(const char *start, const char *rrule)
{
  g_autofree char *st = observance("STANDARD", start, rrule, "+0100", "+0000");
  g_autofree char *dl = observance("DAYLIGHT", start, rrule, "+0000", "+0100");
  return g_strconcat(st, dl, NULL);
}

/* Outlook's own W. Europe zone: DTSTART in 1601, the Windows epoch. */
static char *outlook_observances(void)
{
  g_autofree char *st = observance("STANDARD", "16011028T030000",
                                   "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "+0200", "+0100");
  g_autofree char *dl = observance("DAYLIGHT", "16010325T020000",
                                   "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "+0100", "+0200");
  return g_strconcat(st, dl, NULL);
}

/* Runs the current test again in a child killed after GUARD_USEC; TRUE in
 * the child, which then does the work. */
static gboolean guarded(void)
{
  if (g_test_subprocess())
    return TRUE;
  g_test_trap_subprocess(NULL, GUARD_USEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed();
  return FALSE;
}

/* The file's zone TZID was refused for WHY: the one event is captured, its
 * 10:00 read as UTC, and the file reported once. */
static void assert_read_as_utc(const char *name, const char *text, const char *tzid,
                               const char *why)
{
  g_autoptr(seen) s = read_ics(name, text);
  g_assert_cmpuint(s->ids->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(s->ids, 0), ==, "ev-1");
  g_assert_cmpint(time_at(s, 0), ==, WINTER_10_UTC);
  g_assert_cmpuint(s->errors->len, ==, 1);
  g_autofree char *want = g_strdup_printf("%s|VTIMEZONE %s: %s; times read as UTC", name, tzid,
                                          why);
  g_assert_cmpstr(error_at(s, 0), ==, want);
}

/* ---- the reproducer and its kin ---- */

static void test_ical_tz_minutely_from_1900_read_as_utc(void)
{
  if (!guarded())
    return;
  g_autofree char *obs = two_rules("19000101T000000", "FREQ=MINUTELY");
  g_autofree char *text = calendar("Evil", obs, "20260101T100000");
  assert_read_as_utc("tz.ics", text, "Evil", "RRULE FREQ=MINUTELY is not YEARLY");
}

static void test_ical_tz_hourly_from_1601_read_as_utc(void)
{
  if (!guarded())
    return;
  g_autofree char *obs = two_rules("16010101T000000", "FREQ=HOURLY");
  g_autofree char *text = calendar("Evil", obs, "20260101T100000");
  assert_read_as_utc("hourly.ics", text, "Evil", "RRULE FREQ=HOURLY is not YEARLY");
}

/* Only YEARLY rules are read: a MONTHLY rule that never matches costs
 * libical seconds on its own, and no zone changes offset more than yearly. */
static void test_ical_tz_rules_other_than_yearly_refused(void)
{
  if (!guarded())
    return;
  static const char *const freqs[] = {"SECONDLY", "MINUTELY", "HOURLY",
                                      "DAILY",    "WEEKLY",   "MONTHLY"};
  for (gsize i = 0; i < G_N_ELEMENTS(freqs); i++) {
    g_autofree char *rule = g_strdup_printf("FREQ=%s;BYMONTHDAY=20;BYDAY=1SU", freqs[i]);
    g_autofree char *obs = two_rules("19000101T000000", rule);
    g_autofree char *text = calendar("Evil", obs, "20260101T100000");
    g_autofree char *why = g_strdup_printf("RRULE FREQ=%s is not YEARLY", freqs[i]);
    assert_read_as_utc("freq.ics", text, "Evil", why);
  }
}

static void test_ical_tz_dtstart_outside_years_refused(void)
{
  if (!guarded())
    return;
  g_autofree char *early = two_rules("15000101T000000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
  g_autofree char *text = calendar("Old", early, "20260101T100000");
  assert_read_as_utc("1500.ics", text, "Old", "DTSTART year 1500 is outside 1601-2100");
  g_autofree char *late = two_rules("25000101T000000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
  g_autofree char *text2 = calendar("Late", late, "20260101T100000");
  assert_read_as_utc("2500.ics", text2, "Late", "DTSTART year 2500 is outside 1601-2100");
  /* An observance without RRULE is checked the same way. */
  g_autofree char *plain = observance("STANDARD", "15000101T000000", NULL, "+0100", "+0200");
  g_autofree char *text3 = calendar("Plain", plain, "20260101T100000");
  assert_read_as_utc("plain.ics", text3, "Plain", "DTSTART year 1500 is outside 1601-2100");
}

static void test_ical_tz_count_and_until_checked(void)
{
  if (!guarded())
    return;
  g_autofree char *count = two_rules("19700101T000000",
                                     "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=100000");
  g_autofree char *text = calendar("Count", count, "20260101T100000");
  assert_read_as_utc("count.ics", text, "Count", "RRULE COUNT=100000 is not within 1-1000");
  g_autofree char *until = two_rules("19700101T000000",
                                     "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=30000101T000000Z");
  g_autofree char *text2 = calendar("Until", until, "20260101T100000");
  assert_read_as_utc("until.ics", text2, "Until", "RRULE UNTIL year 3000 is outside 1601-2100");
}

/* KITH_ICAL_TZ_OBSERVANCES_MAX observances are read; one more is refused. */
static void test_ical_tz_too_many_observances_refused(void)
{
  if (!guarded())
    return;
  for (int extra = 0; extra <= 1; extra++) {
    GString *obs = g_string_new(NULL);
    for (int i = 0; i < KITH_ICAL_TZ_OBSERVANCES_MAX + extra; i++) {
      g_autofree char *start = g_strdup_printf("%04d0101T000000", 1601 + i % 400);
      g_autofree char *one = observance("STANDARD", start, NULL, "+0100", "+0100");
      g_string_append(obs, one);
    }
    g_autofree char *text = calendar("Many", obs->str, "20260101T100000");
    g_string_free(obs, TRUE);
    if (extra) {
      assert_read_as_utc("many.ics", text, "Many", "more than 1000 STANDARD/DAYLIGHT observances");
    } else {
      g_autoptr(seen) s = read_ics("enough.ics", text);
      g_assert_cmpuint(s->errors->len, ==, 0);
      g_assert_cmpint(time_at(s, 0), ==, WINTER_09_UTC);
    }
  }
}

/* RDATE lists count value by value (libical splits them into properties). */
static void test_ical_tz_too_many_rdates_refused(void)
{
  if (!guarded())
    return;
  GString *obs = g_string_new("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n");
  for (int line = 0; line < 3; line++) {
    g_string_append(obs, "RDATE:");
    for (int i = 0; i < 400; i++)
      g_string_append_printf(obs, "%s%04d0101T000000", i ? "," : "", 1700 + i);
    g_string_append(obs, "\r\n");
  }
  g_string_append(obs, "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n");
  g_autofree char *text = calendar("Rdates", obs->str, "20260101T100000");
  g_string_free(obs, TRUE);
  assert_read_as_utc("rdates.ics", text, "Rdates", "more than 1000 RDATE values");
  /* An RDATE outside the years is refused like a DTSTART. */
  g_autofree char *one = g_strdup(
      "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nRDATE:99990101T000000\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n");
  g_autofree char *text2 = calendar("Far", one, "20260101T100000");
  assert_read_as_utc("rdate.ics", text2, "Far", "RDATE year 9999 is outside 1601-2100");
}

/* A YEARLY rule must give a date every year, in the forms zones use: a
 * rule that misses makes libical walk day by day to the year 2582. */
static void test_ical_tz_rule_shapes_refused(void)
{
  if (!guarded())
    return;
  static const struct {
    const char *rule;
    const char *why;
  } cases[] = {
      {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "RRULE day 30 of month 2 is not in every year"},
      {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "RRULE day 29 of month 2 is not in every year"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=1SU;BYMONTHDAY=20",
       "RRULE BYDAY with BYMONTHDAY is not one weekday in 7 days in a row"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=8,9,10",
       "RRULE BYDAY with BYMONTHDAY is not one weekday in 7 days in a row"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=SU", "RRULE BYDAY=SU without BYMONTHDAY is every week"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=5SU", "RRULE BYDAY position 5 is not in every month"},
      {"FREQ=YEARLY;BYDAY=-1SU", "RRULE BYDAY or BYMONTHDAY without BYMONTH"},
      {"FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU", "RRULE BYMONTH has 2 values, not one"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU,-1SA", "RRULE BYDAY has 2 values, not one"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=1,2", "RRULE BYHOUR has 2 values, not one"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYMINUTE=0,30", "RRULE BYMINUTE has 2 values, not one"},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYSETPOS=1",
       "RRULE BYYEARDAY, BYWEEKNO or BYSETPOS is not read"},
      {"FREQ=YEARLY;BYYEARDAY=100", "RRULE BYYEARDAY, BYWEEKNO or BYSETPOS is not read"},
      {"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "RRULE BYYEARDAY, BYWEEKNO or BYSETPOS is not read"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *obs = two_rules("19000101T000000", cases[i].rule);
    g_autofree char *text = calendar("Shape", obs, "20260101T100000");
    assert_read_as_utc("shape.ics", text, "Shape", cases[i].why);
  }
}

/* ---- what is still honoured ---- */

/* Zones under names libical does not know, in the shapes real calendars
 * write them, give the right UTC time and no report. */
static void test_ical_tz_real_zones_honoured(void)
{
  if (!guarded())
    return;
  g_autofree char *outlook = outlook_observances();
  static const char *const starts[] = {"20260101T100000", "20260701T100000"};
  static const gint64 want[] = {WINTER_09_UTC, SUMMER_08_UTC};
  for (gsize i = 0; i < G_N_ELEMENTS(starts); i++) {
    g_autofree char *text = calendar("W. Europe Standard Time", outlook, starts[i]);
    g_autoptr(seen) s = read_ics("outlook.ics", text);
    g_assert_cmpuint(s->errors->len, ==, 0);
    g_assert_cmpint(time_at(s, 0), ==, want[i]);
  }
  /* Other real shapes: a weekday on or after a date, one fixed date, the
   * date of DTSTART itself, and Lotus Notes' BYHOUR/BYMINUTE. */
  static const struct {
    const char *std_rule, *dst_rule;
  } shapes[] = {
      {"FREQ=YEARLY;BYMONTH=10;BYDAY=SU;BYMONTHDAY=-7,-6,-5,-4,-3,-2,-1",
       "FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29"},
      {"FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=22", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=22"},
      {"FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=1"},
      {"FREQ=YEARLY;BYMINUTE=0;BYHOUR=3;BYDAY=-1SU;BYMONTH=10",
       "FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=3;UNTIL=20991231T000000Z"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(shapes); i++) {
    g_autofree char *st = observance("STANDARD", "19700922T030000", shapes[i].std_rule, "+0200",
                                     "+0100");
    g_autofree char *dl = observance("DAYLIGHT", "19700322T020000", shapes[i].dst_rule, "+0100",
                                     "+0200");
    g_autofree char *obs = g_strconcat(st, dl, NULL);
    g_autofree char *text = calendar("Kith Test Time", obs, "20260101T100000");
    g_autoptr(seen) s = read_ics("shapes.ics", text);
    g_assert_cmpuint(s->errors->len, ==, 0);
    g_assert_cmpint(time_at(s, 0), ==, WINTER_09_UTC);
  }
  /* A zone with no rule at all, e.g. India's. */
  g_autofree char *india = observance("STANDARD", "19700101T000000", NULL, "+0530", "+0530");
  g_autofree char *text = calendar("India Standard Time", india, "20260101T100000");
  g_autoptr(seen) s = read_ics("india.ics", text);
  g_assert_cmpuint(s->errors->len, ==, 0);
  g_assert_cmpint(time_at(s, 0), ==, WINTER_0430_UTC);
}

/* A TZID that names an Olson zone is read with libical's builtin zone, and
 * the file's definition, hostile or merely wrong, is not used. */
static void test_ical_tz_olson_name_uses_builtin_zone(void)
{
  if (!guarded())
    return;
  g_autofree char *evil = two_rules("19000101T000000", "FREQ=MINUTELY");
  g_autofree char *wrong = observance("STANDARD", "19700101T000000", NULL, "+0500", "+0500");
  static const char *const tzids[] = {"Europe/Berlin", "/citadel.org/20190914_1/Europe/Berlin",
                                      "/freeassociation.sourceforge.net/Europe/Berlin",
                                      "/mozilla.org/20050126_1/Europe/Berlin"};
  const char *const defs[] = {evil, wrong, NULL};
  for (gsize i = 0; i < G_N_ELEMENTS(tzids); i++)
    for (gsize k = 0; k < G_N_ELEMENTS(defs); k++) {
      g_autofree char *text = calendar(tzids[i], defs[k], "20260101T100000");
      g_autoptr(seen) s = read_ics("berlin.ics", text);
      g_assert_cmpuint(s->ids->len, ==, 1);
      g_assert_cmpuint(s->errors->len, ==, 0);
      g_assert_cmpint(time_at(s, 0), ==, WINTER_09_UTC);
    }
}

/* libical opens the file a builtin zone's name gives under its zoneinfo
 * folder: a TZID climbing out of it must not be opened (here a FIFO with
 * no writer, which would block the read for ever). The parent makes the
 * FIFO where its child, knowing its parent's pid, looks for it. */
static char *fifo_path(pid_t parent)
{
  return g_strdup_printf("%s/kith-tz-%d/Fifo", g_get_tmp_dir(), (int)parent);
}

static void test_ical_tz_tzid_never_opens_a_path(void)
{
  if (g_test_subprocess()) {
    g_autofree char *fifo = fifo_path(getppid());
    g_autofree char *tzid = g_strconcat("/../../../../../../../../..", fifo, NULL);
    g_autofree char *text = calendar(tzid, NULL, "20260101T100000");
    g_autoptr(seen) s = read_ics("path.ics", text);
    g_assert_cmpuint(s->ids->len, ==, 1);
    g_assert_cmpint(time_at(s, 0), ==, WINTER_10_UTC);
    return;
  }
  g_autofree char *fifo = fifo_path(getpid());
  g_autofree char *dir = g_path_get_dirname(fifo);
  g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
  g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
  g_test_trap_subprocess(NULL, GUARD_USEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unlink(fifo);
  g_rmdir(dir);
  g_test_trap_assert_passed();
}

/* ---- bounds on a whole file ---- */

/* Distinct zones share one budget of expanded changes per file: the zones
 * past it are read as UTC, every event is still captured, one report. */
static void test_ical_tz_file_budget(void)
{
  if (!guarded())
    return;
  g_autofree char *outlook = outlook_observances();
  GString *t = g_string_new("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
  const guint zones = 150; /* about 1,000 changes each from 1601 */
  for (guint i = 0; i < zones; i++) {
    g_autofree char *tzid = g_strdup_printf("Zone %u", i);
    g_autofree char *zone = zone_text(tzid, outlook);
    g_string_append(t, zone);
  }
  for (guint i = 0; i < zones; i++) {
    g_autofree char *tzid = g_strdup_printf("Zone %u", i);
    g_autofree char *uid = g_strdup_printf("ev-%u", i);
    g_autofree char *event = event_text(uid, tzid, "20260701T100000");
    g_string_append(t, event);
  }
  g_string_append(t, "END:VCALENDAR\r\n");
  g_autoptr(seen) s = read_ics("budget.ics", t->str);
  g_string_free(t, TRUE);
  /* Each zone: two observances of 1 change for DTSTART, 1 for the rule's
   * start and 510 from 1601 to 2110, 1,024 in all; 97 zones fit. */
  g_assert_cmpuint(s->ids->len, ==, zones);
  for (guint i = 0; i < zones; i++)
    g_assert_cmpint(time_at(s, i), ==, i < 97 ? SUMMER_08_UTC : SUMMER_08_UTC + 2 * 3600);
  g_assert_cmpuint(s->errors->len, ==, 1);
  g_assert_cmpstr(error_at(s, 0), ==,
                  "budget.ics|53 VTIMEZONEs unusable, their times read as UTC; first: VTIMEZONE "
                  "Zone 97: expands to about 1024 changes, more than the 672 left for this file");
}

/* The same zone in many calendars of one file (concatenated invitations)
 * is checked and expanded once, so it never runs out of the budget. */
static void test_ical_tz_same_zone_in_many_calendars_costs_once(void)
{
  if (!guarded())
    return;
  g_autofree char *outlook = outlook_observances();
  g_autofree char *zone = zone_text("W. Europe Standard Time", outlook);
  GString *t = g_string_new(NULL);
  const guint calendars = 2000;
  for (guint i = 0; i < calendars; i++) {
    g_autofree char *uid = g_strdup_printf("ev-%u", i);
    g_autofree char *event = event_text(uid, "W. Europe Standard Time", "20260701T100000");
    g_string_append_printf(t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%s%sEND:VCALENDAR\r\n", zone,
                           event);
  }
  g_autoptr(seen) s = read_ics("invites.ics", t->str);
  g_string_free(t, TRUE);
  g_assert_cmpuint(s->ids->len, ==, calendars);
  g_assert_cmpuint(s->errors->len, ==, 0);
  for (guint i = 0; i < calendars; i++)
    g_assert_cmpint(time_at(s, i), ==, SUMMER_08_UTC);
}

/* A time past KITH_ICAL_TZ_YEAR_MAX in a zone from the file is read as UTC
 * (R13 takes it as the capture time anyway): each such year would make
 * libical expand the zone again. */
static void test_ical_tz_far_future_time_read_as_utc(void)
{
  if (!guarded())
    return;
  g_autofree char *outlook = outlook_observances();
  g_autofree char *zone = zone_text("W. Europe Standard Time", outlook);
  GString *t = g_string_new("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
  g_string_append(t, zone);
  for (int year = 2101; year <= 2600; year++) {
    g_autofree char *uid = g_strdup_printf("ev-%d", year);
    g_autofree char *start = g_strdup_printf("%04d0101T100000", year);
    g_autofree char *event = event_text(uid, "W. Europe Standard Time", start);
    g_string_append(t, event);
  }
  g_string_append(t, "END:VCALENDAR\r\n");
  g_autoptr(seen) s = read_ics("future.ics", t->str);
  g_string_free(t, TRUE);
  g_assert_cmpuint(s->ids->len, ==, 500);
  g_assert_cmpuint(s->errors->len, ==, 0);
  /* 2101-01-01T10:00:00Z: read as UTC, not as +0100. */
  g_assert_cmpint(time_at(s, 0), ==, G_GINT64_CONSTANT(4134016800));
}

/* kith reads an event's DTSTART only: its own RRULE and RDATEs, however
 * fine, are never expanded. */
static void test_ical_tz_event_recurrence_not_expanded(void)
{
  if (!guarded())
    return;
  GString *t = g_string_new("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:rec\r\n"
                            "DTSTART:19000101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n"
                            "EXRULE:FREQ=SECONDLY;INTERVAL=7\r\n");
  for (int line = 0; line < 20; line++) {
    g_string_append(t, "RDATE:");
    for (int i = 0; i < 400; i++)
      g_string_append_printf(t, "%s19%02d0101T%02d%02d00Z", i ? "," : "", i % 100, line, i % 60);
    g_string_append(t, "\r\n");
  }
  g_string_append(t, "ORGANIZER:mailto:ann.lee@corp.example\r\nATTENDEE:mailto:jane@acme.com\r\n"
                     "END:VEVENT\r\nEND:VCALENDAR\r\n");
  g_autoptr(seen) s = read_ics("recurring.ics", t->str);
  g_string_free(t, TRUE);
  g_assert_cmpuint(s->ids->len, ==, 1);
  g_assert_cmpuint(s->errors->len, ==, 0);
  g_assert_cmpint(time_at(s, 0), ==, G_GINT64_CONSTANT(-2208988800)); /* 1900-01-01T00:00:00Z */
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ical/tz/minutely_from_1900_read_as_utc",
                  test_ical_tz_minutely_from_1900_read_as_utc);
  g_test_add_func("/ical/tz/hourly_from_1601_read_as_utc",
                  test_ical_tz_hourly_from_1601_read_as_utc);
  g_test_add_func("/ical/tz/rules_other_than_yearly_refused",
                  test_ical_tz_rules_other_than_yearly_refused);
  g_test_add_func("/ical/tz/dtstart_outside_years_refused",
                  test_ical_tz_dtstart_outside_years_refused);
  g_test_add_func("/ical/tz/count_and_until_checked", test_ical_tz_count_and_until_checked);
  g_test_add_func("/ical/tz/too_many_observances_refused",
                  test_ical_tz_too_many_observances_refused);
  g_test_add_func("/ical/tz/too_many_rdates_refused", test_ical_tz_too_many_rdates_refused);
  g_test_add_func("/ical/tz/rule_shapes_refused", test_ical_tz_rule_shapes_refused);
  g_test_add_func("/ical/tz/real_zones_honoured", test_ical_tz_real_zones_honoured);
  g_test_add_func("/ical/tz/olson_name_uses_builtin_zone",
                  test_ical_tz_olson_name_uses_builtin_zone);
  g_test_add_func("/ical/tz/tzid_never_opens_a_path", test_ical_tz_tzid_never_opens_a_path);
  g_test_add_func("/ical/tz/file_budget", test_ical_tz_file_budget);
  g_test_add_func("/ical/tz/same_zone_in_many_calendars_costs_once",
                  test_ical_tz_same_zone_in_many_calendars_costs_once);
  g_test_add_func("/ical/tz/far_future_time_read_as_utc", test_ical_tz_far_future_time_read_as_utc);
  g_test_add_func("/ical/tz/event_recurrence_not_expanded",
                  test_ical_tz_event_recurrence_not_expanded);
  return g_test_run();
}
