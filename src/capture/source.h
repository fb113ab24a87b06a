/* source.h - capture from a configured [source NAME]: files, IMAP or CalDAV. */
#pragma once

#include "capture/capture.h"
#include "capture/cursor.h"
#include "config/config.h"

/* Captures what is new in SRC, handing each activity to SINK. Live sources
 * (IMAP, CalDAV) keep where they got to through CURSOR, which the caller
 * writes in its open transaction after the activities they cover, so a
 * crash never skips a message; before each wait on the server they call
 * CURSOR->flush, so that the caller holds nothing across it. Returns FALSE with ERROR when the source cannot be
 * read at all (refused login, unreachable server); errors in single items
 * go to SINK->on_error and the rest goes on. */
gboolean kith_source_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error);

/* For the live sources: SRC's password (from its password_file), NULL with
 * ERROR ("source NAME: password_file: WHY") when it cannot be read. */
char *kith_source_secret(const kith_source_config *src, GError **error);
/* The OAuth 2.0 access token a secret holds when it reads "Bearer TOKEN"
 * (as Microsoft 365 and Gmail accept); NULL when it is a password. Points
 * into SECRET. */
const char *kith_source_bearer_token(const char *secret);
/* Tells CURSOR's owner the capture is about to wait on the network
 * (kith_source_cursor.flush), when it asked to be told. */
void kith_source_flush(const kith_source_cursor *cursor);
/* SRC's start_date as Unix seconds; 0 (everything) when none is set. */
gint64 kith_source_start(const kith_source_config *src);
