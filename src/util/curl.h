/* curl.h - the one libcurl setup of kith's clients (Salesforce, CalDAV, IMAP):
 * global init once, certificate checks, time limits, a cap on reply bodies,
 * the user agent and one line of error text. */
#pragma once

#include <curl/curl.h>
#include <glib.h>

typedef struct {
  const char *protocols;  /* the schemes a URL (and a redirect) may use: "http,https" */
  gboolean tls_verify;    /* check the server's certificate and name */
  const char *ca_file;    /* a CA bundle for a private server; NULL or "": the system's */
  long connect_timeout_s; /* to connect, TLS handshake included */
  long timeout_s;         /* the whole transfer; 0: no limit */
  long stall_s;           /* no byte for this long fails the transfer; 0: no limit */
} kith_curl_setup;

/* A new easy handle with SETUP applied; libcurl's global init runs once,
 * before the first. Free it with curl_easy_cleanup. */
CURL *kith_curl_new(const kith_curl_setup *setup);

/* Applies SETUP to H (again after curl_easy_reset): the options above, no
 * signals, the user agent. */
void kith_curl_apply(CURL *h, const kith_curl_setup *setup);

/* Runs H's transfer with the reply body appended to BODY (NULL: dropped),
 * at most MAX_BODY bytes of it; BODY is then NUL-terminated beyond its
 * length. On failure returns libcurl's code and sets *OUT_WHY to one line
 * (free it): "a reply over N bytes", or libcurl's own account. */
CURLcode kith_curl_perform(char **out_why, CURL *h, GByteArray *body, gsize max_body);
