/* imap_conn.h - an IMAP connection: libcurl for the login, kith's own
 * commands after it (capture/imap.c says why). */
#pragma once

#include "config/config.h"

#include <curl/curl.h>
#include <glib.h>

typedef struct {
  CURL *curl;
  curl_socket_t sock;
  GByteArray *in; /* bytes received and not yet consumed, from POS */
  gsize pos;
  guint tag;
  char *where;     /* "imaps://host:port", for messages */
  gboolean broken; /* the connection is unusable: stop every folder */
  guint64 bytes;   /* bytes received */
} kith_imap_conn;

/* Connects to SRC's server and logs in with SECRET (a password, or "Bearer
 * TOKEN" for OAuth 2.0); NULL with ERROR set, saying what failed. */
kith_imap_conn *kith_imap_conn_open(const kith_source_config *src, const char *secret,
                                    GError **error);
void kith_imap_conn_free(kith_imap_conn *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_imap_conn, kith_imap_conn_free)

typedef gboolean (*kith_imap_untagged_fn)(char *data, gsize len, gpointer user_data);

/* Sends "TAG COMMAND" and reads up to its completion, handing every untagged
 * response to ON_UNTAGGED (may be NULL). A NO or BAD completion fails with
 * the server's text; the connection stays usable then. */
gboolean kith_imap_conn_command(kith_imap_conn *c, const char *command,
                                kith_imap_untagged_fn on_untagged, gpointer user_data,
                                GError **error);
