/* jsonl.h - activities from JSON Lines, one activity a line (CONTRACT.md section 3). */
#pragma once

#include "capture/capture.h"

#define KITH_JSONL_LINE_MAX (16 * 1024 * 1024) /* bytes of one line */

/* One activity from one line of JSON (LEN bytes); ORIGIN becomes
 * activity->origin. NULL with ERROR set (a short reason) when the line is
 * not JSON, lacks type or id, or has a bad time or field type. */
kith_activity *kith_jsonl_parse_line(const char *line, gsize len, const char *origin,
                                     GError **error);

/* Reads PATH line by line and hands each activity to SINK (both callbacks
 * required); a bad line is reported as "FILE:LINE" and skipped, blank lines
 * are ignored. Returns FALSE only when on_activity said stop. */
gboolean kith_jsonl_read_file(const char *path, const kith_capture_sink *sink);
