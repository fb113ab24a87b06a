/* source.c - capture from a configured source: files, an IMAP mailbox or CalDAV calendars. */
#include "capture/source.h"

#include "capture/caldav.h"
#include "capture/google.h"
#include "capture/imap.h"
#include "capture/microsoft.h"
#include "util/secret.h"
#include "util/error.h"
#include "util/timeutil.h"

gboolean kith_source_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error)
{
  switch (src->type) {
  case KITH_SOURCE_FILES: {
    const char *paths[] = {src->path, NULL};
    kith_capture_paths(paths, sink, stats);
    return TRUE;
  }
  case KITH_SOURCE_IMAP: return kith_imap_capture(cursor, src, sink, stats, error);
  case KITH_SOURCE_CALDAV: return kith_caldav_capture(cursor, src, sink, stats, error);
  case KITH_SOURCE_GOOGLE: return kith_google_capture(cursor, src, sink, stats, error);
  case KITH_SOURCE_MICROSOFT: return kith_microsoft_capture(cursor, src, sink, stats, error);
  }
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: unknown kind of source", src->name);
  return FALSE;
}

void kith_source_flush(const kith_source_cursor *cursor)
{
  if (cursor && cursor->flush)
    cursor->flush(cursor->user_data);
}

const char *kith_source_bearer_token(const char *secret)
{
  if (g_ascii_strncasecmp(secret, "bearer ", 7) != 0)
    return NULL;
  const char *token = secret + 7;
  while (*token == ' ')
    token++;
  return token;
}

char *kith_source_secret(const kith_source_config *src, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *secret = kith_secret_read(src->password_file, &local);
  if (!secret)
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: password_file: %s", src->name,
                local->message);
  return secret;
}

gint64 kith_source_start(const kith_source_config *src)
{
  gint64 start = 0;
  if (src->start_date && *src->start_date && !kith_time_parse(src->start_date, &start))
    start = 0;
  return start;
}
