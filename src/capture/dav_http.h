/* dav_http.h - the HTTP side of CalDAV: one libcurl handle a server and the
 * WebDAV requests kith makes with it (capture/caldav.c). */
#pragma once

#include "capture/caldav.h"
#include "config/config.h"

#include <curl/curl.h>
#include <glib.h>

typedef struct {
  CURL *curl;
  const kith_source_config *src;
  struct curl_slist *headers[3]; /* Depth: 0, Depth: 1, none */
  gboolean broken;               /* the server went away: stop every calendar */
  char *host;                    /* scheme://authority, for messages */
} kith_dav;

typedef struct {
  long status;
  GByteArray *body; /* NUL-terminated beyond its length; at most KITH_CALDAV_BODY_MAX */
} kith_dav_reply;

/* A handle for SRC's server, logging in with SECRET (a password, or "Bearer
 * TOKEN" for OAuth 2.0) as the server asks. */
kith_dav *kith_dav_new(const kith_source_config *src, const char *secret);
void kith_dav_free(kith_dav *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_dav, kith_dav_free)

/* METHOD URL with DEPTH ("0", "1" or NULL) and the XML BODY into *OUT (clear
 * it with kith_dav_reply_clear). FALSE (and D->broken) when no reply came. */
gboolean kith_dav_request(kith_dav *d, const char *method, const char *url, const char *depth,
                          const char *body, kith_dav_reply *out, GError **error);
void kith_dav_reply_clear(kith_dav_reply *r);

/* The multistatus of a 207 reply; NULL with ERROR otherwise. */
kith_dav_multistatus *kith_dav_reply_multistatus(const kith_dav_reply *rp, const char *url,
                                                 GError **error);
