/* test_api.c - the console's HTTP API (serve/api.c) served on loopback and
 * asked with libcurl, on a real store file: a store that fails is a 500
 * with its message, never a list that looks complete. */
#include "rules_fixture.h"

#include "serve/api.h"

#include <curl/curl.h>
#include <glib/gstdio.h>

#define TOKEN "api-test-token-0123456789abcdefghijklmnop"

typedef struct {
  char *dir;
  kith_store *store;
  kith_config *config;
  GMutex lock;
  kith_api *api;
} server;

static server *server_new(void)
{
  server *sv = g_new0(server, 1);
  g_autoptr(GError) e = NULL;
  sv->dir = g_dir_make_tmp("kith-api-XXXXXX", &e);
  g_assert_no_error(e);
  g_autofree char *path = g_build_filename(sv->dir, "kith.db", NULL);
  sv->store = kith_store_open(path, KITH_STORE_CREATE, &e);
  g_assert_no_error(e);
  sv->config = kith_config_new_default();
  g_mutex_init(&sv->lock);
  kith_api_context ctx = {
      .store = sv->store, .lock = &sv->lock, .config = sv->config, .token = TOKEN};
  sv->api = kith_api_start(&ctx, "127.0.0.1:0", FALSE, &e);
  g_assert_no_error(e);
  return sv;
}

static void server_free(server *sv)
{
  kith_api_stop(sv->api);
  kith_store_close(sv->store);
  kith_config_free(sv->config);
  g_mutex_clear(&sv->lock);
  g_autoptr(GDir) d = g_dir_open(sv->dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(sv->dir, name, NULL);
    g_unlink(p);
  }
  g_rmdir(sv->dir);
  g_free(sv->dir);
  g_free(sv);
}

static size_t collect(char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len(user_data, data, (gssize)(size * n));
  return size * n;
}

/* GET PATH with the token: the status, the body in *BODY (newly allocated). */
static long get(server *sv, const char *path, char **body)
{
  g_autofree char *url = g_strdup_printf("http://127.0.0.1:%u%s", kith_api_port(sv->api), path);
  GString *text = g_string_new(NULL);
  CURL *c = curl_easy_init();
  struct curl_slist *headers = curl_slist_append(NULL, "Authorization: Bearer " TOKEN);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, text);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  g_assert_cmpint(curl_easy_perform(c), ==, CURLE_OK);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  *body = g_string_free(text, FALSE);
  return status;
}

/* GET /api/v1/review brings the queue up to the log first: when that
 * fails, the reply is a 500 with the store's message, not the last list. */
static void test_api_review_refresh_error_is_500(void)
{
  server *sv = server_new();
  g_autoptr(GError) e = NULL;
  kith_log_entry x = {.activity_id = "m1",
                      .email = "jdoe@acme.com",
                      .action = "skipped",
                      .reason = "same_person",
                      .object_id = "003A",
                      .rule = "R43",
                      .detail = "test"};
  g_assert_true(kith_state_log(sv->store, &x, &e));
  g_assert_no_error(e);
  kith_store_fail_reads(sv->store, "FROM engagement_log l WHERE");
  g_autofree char *body = NULL;
  g_assert_cmpint(get(sv, "/api/v1/review", &body), ==, 500);
  json_t *j = json_loads(body, 0, NULL);
  g_assert_nonnull(j);
  const char *message = json_string_value(json_object_get(j, "error"));
  g_assert_nonnull(message);
  g_assert_nonnull(strstr(message, "disk I/O error (injected)"));
  json_decref(j);
  kith_store_fail_reads(sv->store, NULL);
  g_autofree char *again = NULL;
  g_assert_cmpint(get(sv, "/api/v1/review", &again), ==, 200);
  g_assert_nonnull(strstr(again, "jdoe@acme.com"));
  server_free(sv);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  g_test_add_func("/api/review/refresh_error_is_500", test_api_review_refresh_error_is_500);
  int rc = g_test_run();
  curl_global_cleanup();
  return rc;
}
