/* source.c - capture from a configured source (files now; IMAP and CalDAV to come). */
#include "capture/source.h"

#include "util/error.h"

gboolean kith_source_capture(kith_store *store, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error)
{
  if (src->type == KITH_SOURCE_FILES) {
    const char *paths[] = {src->path, NULL};
    kith_capture_paths(paths, sink, stats);
    return TRUE;
  }
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: this kind of source is not built yet",
              src->name);
  return FALSE;
}
