/* timeutil.c - ISO 8601 UTC parsing and formatting; RFC 5322 mail dates. */
#include "util/timeutil.h"

#include <string.h>

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar. */
static gint64 days_from_civil(gint64 y, unsigned m, unsigned d)
{
  y -= m <= 2;
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64)doe - 719468;
}

/* The forms CRM exports write, "2026-01-31T09:00:00Z" and
 * "2026-01-31T09:00:00.000+0000", without GDateTime's cost. */
static gboolean parse_utc_fast(const char *t, gint64 *out)
{
  for (int i = 0; i < 19; i++) {
    char c = t[i];
    gboolean digit = c >= '0' && c <= '9';
    gboolean want_digit = !(i == 4 || i == 7 || i == 10 || i == 13 || i == 16);
    if (c == '\0' || digit != want_digit)
      return FALSE;
  }
  if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
    return FALSE;
  const char *rest = t + 19;
  if (rest[0] == '.') {
    rest++;
    while (*rest >= '0' && *rest <= '9')
      rest++;
  }
  if (strcmp(rest, "Z") != 0 && strcmp(rest, "+0000") != 0 && strcmp(rest, "+00:00") != 0)
    return FALSE;
#define NUM2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
  gint64 year = NUM2(t) * 100 + NUM2(t + 2);
  unsigned mon = NUM2(t + 5), day = NUM2(t + 8), h = NUM2(t + 11), mi = NUM2(t + 14),
           sec = NUM2(t + 17);
#undef NUM2
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60)
    return FALSE;
  static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > mdays[mon - 1] || (mon == 2 && day == 29 && !leap))
    return FALSE;
  *out = days_from_civil(year, mon, day) * 86400 + h * 3600 + mi * 60 + sec;
  return TRUE;
}

gboolean kith_time_parse(const char *text, gint64 *out)
{
  if (!text || !*text || strlen(text) > 64)
    return FALSE;
  if (parse_utc_fast(text, out))
    return TRUE;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(text, utc);
  if (!dt && strlen(text) == 10) {
    g_autofree char *full = g_strconcat(text, "T00:00:00Z", NULL);
    dt = g_date_time_new_from_iso8601(full, utc);
  }
  if (!dt)
    return FALSE;
  *out = g_date_time_to_unix(dt);
  return TRUE;
}

char *kith_time_format(gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
  if (!dt)
    return g_strdup("");
  return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

const char *kith_time_month_abbr(int month)
{
  /* Spelt out: strftime's %b follows the locale, a Date header does not. */
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return months[CLAMP(month, 1, 12) - 1];
}

char *kith_time_format_mail(gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
  if (!dt)
    return g_strdup("");
  return g_strdup_printf("%d %s %d %02d:%02d:%02d +0000", g_date_time_get_day_of_month(dt),
                         kith_time_month_abbr(g_date_time_get_month(dt)), g_date_time_get_year(dt),
                         g_date_time_get_hour(dt), g_date_time_get_minute(dt),
                         g_date_time_get_second(dt));
}

gint64 kith_time_now_unix(void)
{
  gint64 t;
  const char *fixed = g_getenv("KITH_NOW");
  if (fixed && kith_time_parse(fixed, &t))
    return t;
  return g_get_real_time() / G_USEC_PER_SEC;
}

char *kith_time_now(void)
{
  /* Formatting is dear and a sync asks thousands of times a second. */
  static GMutex lock;
  static gint64 cached_at = G_MININT64;
  static char cached[32];
  gint64 now = kith_time_now_unix();
  g_mutex_lock(&lock);
  if (now != cached_at) {
    g_autofree char *text = kith_time_format(now);
    g_strlcpy(cached, text, sizeof cached);
    cached_at = now;
  }
  char *out = g_strdup(cached);
  g_mutex_unlock(&lock);
  return out;
}
