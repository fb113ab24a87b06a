/* imap.h - live capture from IMAP mailboxes: new messages only, header and first text part. */
#pragma once

#include "capture/capture.h"
#include "config/config.h"
#include "capture/cursor.h"

#include <gmime/gmime.h>

/* Messages asked for in one UID FETCH: few round trips, bounded memory. */
#define KITH_IMAP_BATCH 200
/* Bytes of a message's header, and of its text part, asked for (partial
 * FETCH): the text part leaves room for base64 around KITH_MIME_TEXT_MAX. */
#define KITH_IMAP_HEADER_MAX (1024 * 1024)
#define KITH_IMAP_BODY_MAX (384 * 1024)
/* Limits on what a server may send: one line (a SEARCH reply of a large
 * folder is one line), one literal, one whole response. */
#define KITH_IMAP_LINE_MAX (16 * 1024 * 1024)
#define KITH_IMAP_LITERAL_MAX (8 * 1024 * 1024)
#define KITH_IMAP_RESPONSE_MAX (32 * 1024 * 1024)

/* Reads the new messages of every folder of SRC (default INBOX) and hands
 * their activities to SINK. Per folder, "imap.FOLDER.uidvalidity" and
 * "imap.FOLDER.last_uid" in STORE say where the last run stopped; they are
 * written after the activities they cover. The folder is opened read-only
 * (EXAMINE) and read with BODY.PEEK, so no flag changes on the server.
 * Returns FALSE with ERROR when the server cannot be used at all (password
 * file, connection, TLS, refused login); a folder that cannot be read, or a
 * connection lost half-way, is reported through SINK->on_error, and what was
 * read before it stays read. */
gboolean kith_imap_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                           const kith_capture_sink *sink, kith_capture_stats *stats,
                           GError **error);

/* ---- the pieces, pure functions (tests/unit/test_imap_parse.c) ---- */

/* The length of the first complete response in BUF (LEN bytes): its lines
 * up to the CRLF that is not followed by a literal, literals included.
 * 0 when more bytes are needed; -1 with ERROR when a line, a literal or the
 * response breaks the limits above. */
gssize kith_imap_response_length(const char *buf, gsize len, GError **error);

typedef enum {
  KITH_IMAP_NIL,
  KITH_IMAP_ATOM,   /* also numbers and "BODY[HEADER]<0>" */
  KITH_IMAP_STRING, /* quoted or literal */
  KITH_IMAP_LIST,
} kith_imap_kind;

typedef struct {
  kith_imap_kind kind;
  const char *data; /* ATOM and STRING: bytes inside the parsed buffer, not NUL-terminated */
  gsize len;
  GPtrArray *items; /* LIST: kith_imap_value* */
} kith_imap_value;

/* Parses one response (as delimited by kith_imap_response_length) into a
 * LIST of its values, e.g. "* 3 FETCH (UID 7 ...)" gives [*, 3, FETCH, (...)].
 * Quoted strings are unescaped in place, so DATA is changed, and the values
 * point into it: DATA must outlive them. NULL with ERROR when malformed. */
kith_imap_value *kith_imap_parse(char *data, gsize len, GError **error);
void kith_imap_value_free(kith_imap_value *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_imap_value, kith_imap_value_free)

/* TRUE when V is an atom or string equal to S, ignoring ASCII case. */
gboolean kith_imap_value_is(const kith_imap_value *v, const char *s);
/* Item I of the list V, or NULL. */
const kith_imap_value *kith_imap_item(const kith_imap_value *v, guint i);
/* V as a number (an atom of digits); FALSE when it is not one. */
gboolean kith_imap_value_number(const kith_imap_value *v, guint64 *out);
/* V is a parenthesised list (NULL is not). */
gboolean kith_imap_value_is_list(const kith_imap_value *v);

/* From a BODYSTRUCTURE: the section holding the text the sender wrote (as
 * kith_mime_sender_text picks it: the first text/plain part that is not an
 * attachment, else the first such text/html; forwarded messages not entered):
 * "TEXT" when the message is that one part, "1.2" style inside a multipart,
 * NULL when there is none. *BOUNDARY (may be NULL) gets the boundary of a
 * multipart message, newly allocated, or NULL. */
char *kith_imap_text_section(const kith_imap_value *bodystructure, char **boundary);

/* A message GMime can read from what was fetched: the header, then for a
 * "TEXT" section the body, for a part the part (its MIME header and body)
 * as the only part of a multipart with BOUNDARY; the header alone when
 * there is no body. Any piece may be NULL. */
GByteArray *kith_imap_assemble(GBytes *header, const char *section, const char *boundary,
                               GBytes *part_mime, GBytes *body);

/* A folder name as an IMAP astring: modified UTF-7 (RFC 3501 5.1.3), quoted. */
char *kith_imap_mailbox_arg(const char *folder);
/* Sorted UIDS as a compact UID set: "1:5,7,9:10". */
char *kith_imap_uid_set(const guint32 *uids, guint n);

/* The section a FETCH item NAME names: "BODY[1.MIME]" or "BODY[1]<0>" gives
 * "1.MIME" or "1", written into OUT (SIZE bytes). FALSE when NAME is no
 * BODY[...] item or the section does not fit. */
gboolean kith_imap_body_section(const kith_imap_value *name, char *out, gsize size);
/* UNIX seconds as an IMAP SEARCH date: "3-Mar-2026". */
char *kith_imap_search_date(gint64 t);
