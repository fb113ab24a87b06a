/* mime.h - email capture with GMime 3: .eml files, mbox files, Maildir messages. */
#pragma once

#include "capture/capture.h"

#include <gmime/gmime.h>

/* Largest sender text kept from one email (CONTRACT.md: never stored). */
#define KITH_MIME_TEXT_MAX (256 * 1024)

/* GMime 3.2 declares no autoptr cleanups of its own: these are kith's, for
 * every file that uses GMime. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)

/* Sets GMime up once for the whole process; safe to call from anywhere. */
void kith_mime_init(void);

/* The parser options every kith parse uses: loose RFC 2047 and address
 * parsing, fallback charsets "UTF-8, windows-1252" for 8-bit headers.
 * Borrowed, lives as long as the process. */
GMimeParserOptions *kith_mime_parser_options(void);

/* The activity of one parsed message; ORIGIN becomes activity->origin.
 * NULL with ERROR set when the message has no email header at all. */
kith_activity *kith_mime_activity_from_message(GMimeMessage *message, const char *origin,
                                               GError **error);

/* The text the sender wrote: the first text/plain part that is not an
 * attachment, else the first such text/html part as plain text; UTF-8,
 * LF line ends, at most KITH_MIME_TEXT_MAX bytes. NULL when there is none. */
char *kith_mime_sender_text(GMimeMessage *message);

/* HTML as plain text: tags dropped, <br> <p> <div> and other blocks as line
 * breaks, script/style/head dropped, the common entities decoded. */
char *kith_mime_html_to_text(const char *html, gsize len);

/* Reads one message file and hands its activity to SINK (both callbacks
 * required); an unreadable one is reported as "FILE". FALSE only when the
 * sink's on_activity asked to stop. (kith_capture_paths reads files and
 * mboxes through capture/pool.h.) */
gboolean kith_mime_read_message_file(const char *path, const kith_capture_sink *sink);

/* The same in parts, for parsing on other threads (capture/pool.h). Each
 * returns the activity of one message, or NULL with *WHY set (free it).
 * kith_mime_parse_bytes reads LEN bytes at DATA (a line break at the end
 * belongs to the mbox separator and is left out); with BODY_WANTED
 * (kith_capture_sink, may be NULL) it asks first, and when the answer is
 * no parses only the header block, unless the parsed sender then turns out
 * to be at another domain than the raw header seemed to say. */
kith_activity *kith_mime_parse_file(const char *path, char **why);
kith_activity *kith_mime_parse_bytes(const guint8 *data, gsize len, const char *where,
                                     kith_capture_body_fn body_wanted, gpointer user_data,
                                     char **why);

/* The bounds a raw message is held to before GMime reads it
 * (docs/reliability.md), checked by a scan fed the message in pieces of any
 * size. finish is FALSE with *WHY (free it) when the message's own header
 * block is too large to read at all. apply returns a copy of the message
 * with its too deeply nested address headers cut, or NULL when none is;
 * warning says what was cut (NULL when nothing); headers_only, that its
 * parts hold too many header fields for its body to be read. */
typedef struct kith_mime_scan kith_mime_scan;
kith_mime_scan *kith_mime_scan_new(void);
void kith_mime_scan_free(kith_mime_scan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_mime_scan, kith_mime_scan_free)
void kith_mime_scan_feed(kith_mime_scan *scan, const guint8 *data, gsize len);
gboolean kith_mime_scan_finish(kith_mime_scan *scan, char **why);
GByteArray *kith_mime_scan_apply(const kith_mime_scan *scan, const guint8 *data, gsize len);
gboolean kith_mime_scan_headers_only(const kith_mime_scan *scan);
const char *kith_mime_scan_warning(const kith_mime_scan *scan);

/* kith_mime_parse_bytes gives GMime only the headers an activity is made
 * from (and, when the body is read, those that say how); with ALL, every
 * header, as the message has them. For tests, which compare the two. */
void kith_mime_keep_all_headers(gboolean all);

/* Helpers shared by the capture formats. */

/* Bytes kept of a subject, a display name or CN, and an identity. */
#define KITH_CAPTURE_SUBJECT_MAX 4096
#define KITH_CAPTURE_NAME_MAX 1024
#define KITH_CAPTURE_ID_MAX 998 /* RFC 5322's line limit */

/* Outside text made safe to keep: valid UTF-8, control characters as
 * spaces, trimmed, cut to at most MAX bytes on a character boundary. */
char *kith_capture_clean_text(const char *text, gsize max);

/* A stable identity for an activity that names none: "kith-" and the first
 * 32 hex digits of the SHA-256 of the N_PARTS strings of PARTS (NULL as ""). */
char *kith_capture_derived_id(const char *const *parts, guint n_parts);
