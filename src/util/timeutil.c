/* timeutil.c - ISO 8601 UTC parsing and formatting. */
#include "util/timeutil.h"

#include <string.h>

gboolean kith_time_parse(const char *text, gint64 *out)
{
  if (!text || !*text || strlen(text) > 64)
    return FALSE;
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
