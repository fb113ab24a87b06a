/* curl.c - the one libcurl setup of kith's clients: see curl.h. */
#include "util/curl.h"

#include <string.h>

#define USER_AGENT "kith/" KITH_VERSION_STRING

static void global_init(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&once, 1);
  }
}

void kith_curl_apply(CURL *h, const kith_curl_setup *s)
{
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, s->protocols);
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, s->protocols);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, s->tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, s->tls_verify ? 2L : 0L);
  if (s->ca_file && *s->ca_file)
    curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, s->connect_timeout_s);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_s);
  if (s->stall_s > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, s->stall_s);
  }
  /* Threads (the service's) and signals do not mix: time limits without SIGALRM. */
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
}

CURL *kith_curl_new(const kith_curl_setup *setup)
{
  global_init();
  CURL *h = curl_easy_init();
  if (h)
    kith_curl_apply(h, setup);
  return h;
}

typedef struct {
  GByteArray *body;
  gsize max;
  gboolean over;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
  sink *s = user;
  size_t len = size * n;
  if (!s->body)
    return len;
  if (s->body->len + len > s->max) {
    s->over = TRUE;
    return 0; /* makes curl fail the transfer */
  }
  g_byte_array_append(s->body, (const guint8 *)data, (guint)len);
  return len;
}

CURLcode kith_curl_perform(char **out_why, CURL *h, GByteArray *body, gsize max_body)
{
  *out_why = NULL;
  sink s = {body, max_body, FALSE};
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(h);
  /* Nothing on H may point into this frame once it returns. */
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
  if (body) {
    g_byte_array_append(body, (const guint8 *)"", 1); /* NUL-terminated, not counted */
    g_byte_array_set_size(body, body->len - 1);
  }
  if (rc != CURLE_OK)
    *out_why = s.over ? g_strdup_printf("a reply over %" G_GSIZE_FORMAT " bytes", max_body)
                      : g_strdup(*errbuf ? errbuf : curl_easy_strerror(rc));
  return rc;
}
