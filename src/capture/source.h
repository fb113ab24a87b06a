/* source.h - capture from a configured [source NAME]: files, IMAP or CalDAV. */
#pragma once

#include "capture/capture.h"
#include "rules/config.h"
#include "store/store.h"

/* Captures what is new in SRC, handing each activity to SINK. Live sources
 * (IMAP, CalDAV) keep where they got to in STORE (source_state), written in
 * the caller's open transaction after the activities they cover, so a crash
 * never skips a message. Returns FALSE with ERROR when the source cannot be
 * read at all (refused login, unreachable server); errors in single items
 * go to SINK->on_error and the rest goes on. */
gboolean kith_source_capture(kith_store *store, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error);
