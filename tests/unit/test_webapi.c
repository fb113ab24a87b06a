/* test_webapi.c - what the team sources read of a web API's replies: throttling, waits, error lines. */
#include "capture/automatic.h"
#include "capture/team.h"
#include "capture/webapi.h"
#include "util/timeutil.h"

#include <string.h>

static kith_webapi_reply reply(long status, const char *json, gint64 retry_after)
{
  kith_webapi_reply r = {.status = status, .retry_after = retry_after};
  r.json = json ? json_loads(json, 0, NULL) : NULL;
  return r;
}

/* 429 and the server errors are waited out; a 403 only when Google says it
 * is a rate limit, not when access is denied. */
static void test_webapi_throttled(void)
{
  static const struct {
    long status;
    const char *json;
    gboolean throttled;
  } cases[] = {
      {429, NULL, TRUE},
      {503, NULL, TRUE},
      {500, NULL, TRUE},
      {504, NULL, TRUE},
      {403, "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"rateLimitExceeded\"}]}}", TRUE},
      {403, "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"userRateLimitExceeded\"}]}}", TRUE},
      {403, "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"dailyLimitExceeded\"}]}}", FALSE},
      {403, "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied.\"}}",
       FALSE},
      {404, NULL, FALSE},
      {410, NULL, FALSE},
      {200, "{}", FALSE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_auto(kith_webapi_reply) r = reply(cases[i].status, cases[i].json, -1);
    g_assert_cmpint(kith_webapi_throttled(&r), ==, cases[i].throttled);
  }
}

/* Retry-After is honoured (up to the longest wait); without it, 1, 2, 4 ...
 * seconds with up to a quarter more. */
static void test_webapi_backoff(void)
{
  g_auto(kith_webapi_reply) after = reply(429, NULL, 7);
  g_assert_cmpint(kith_webapi_backoff(&after, 1), ==, 7);
  g_assert_cmpint(kith_webapi_backoff(&after, 5), ==, 7);
  g_auto(kith_webapi_reply) huge = reply(429, NULL, 86400);
  g_assert_cmpint(kith_webapi_backoff(&huge, 1), ==, KITH_WEBAPI_WAIT_MAX_S);
  g_auto(kith_webapi_reply) none = reply(503, NULL, -1);
  for (int try = 1; try <= 5; try++) {
    gint64 base = (gint64)1 << (try - 1), w = kith_webapi_backoff(&none, try);
    g_assert_cmpint(w, >=, base);
    g_assert_cmpint(w, <=, base + base / 4);
  }
  g_assert_cmpint(kith_webapi_backoff(&none, 30), <=, KITH_WEBAPI_WAIT_MAX_S);
}

/* One line from each provider's error shape. */
static void test_webapi_error_text(void)
{
  g_auto(kith_webapi_reply) oauth = reply(
      400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid email or User ID\"}", -1);
  g_autofree char *a = kith_webapi_error_text(&oauth);
  g_assert_cmpstr(a, ==, "400 invalid_grant: Invalid email or User ID");
  g_auto(kith_webapi_reply)
      google = reply(400,
                     "{\"error\":{\"code\":400,\"message\":\"Mail service not enabled\",\"errors\":"
                     "[{\"reason\":\"failedPrecondition\"}]}}",
                     -1);
  g_autofree char *b = kith_webapi_error_text(&google);
  g_assert_cmpstr(b, ==, "400 Mail service not enabled (failedPrecondition)");
  g_auto(kith_webapi_reply) graph = reply(
      404,
      "{\"error\":{\"code\":\"MailboxNotEnabledForRESTAPI\",\"message\":\"The mailbox is "
      "either inactive.\"}}",
      -1);
  g_autofree char *c = kith_webapi_error_text(&graph);
  g_assert_cmpstr(c, ==, "404 The mailbox is either inactive. (MailboxNotEnabledForRESTAPI)");
  g_auto(kith_webapi_reply) bare = reply(502, NULL, -1);
  g_autofree char *d = kith_webapi_error_text(&bare);
  g_assert_cmpstr(d, ==, "502 server error");
}

/* Retry-After as seconds or as an HTTP date, the same for a reply and for
 * one call inside a Gmail batch reply; anything else is no Retry-After. */
static void test_webapi_retry_after(void)
{
  g_assert_cmpint(kith_webapi_retry_after("120"), ==, 120);
  g_assert_cmpint(kith_webapi_retry_after(" 7\r\n"), ==, 7);
  g_assert_cmpint(kith_webapi_retry_after("0"), ==, 0);
  g_assert_cmpint(kith_webapi_retry_after("-3"), ==, -1);
  g_assert_cmpint(kith_webapi_retry_after(""), ==, -1);
  g_assert_cmpint(kith_webapi_retry_after("soon"), ==, -1);
  g_assert_cmpint(kith_webapi_retry_after("12abc"), ==, -1);
  g_assert_cmpint(kith_webapi_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), ==, 0);
  g_autofree char *date = kith_time_format_mail(g_get_real_time() / G_USEC_PER_SEC + 90);
  gint64 wait = kith_webapi_retry_after(date);
  g_assert_cmpint(wait, >=, 85);
  g_assert_cmpint(wait, <=, 91);
}

/* A test server's base URL is honoured on loopback only: anywhere else
 * the token and the mail would go to a host nobody configured. */
static void test_webapi_team_base_url_loopback_only(void)
{
  static const char *const good[] = {"http://127.0.0.1:8080", "http://[::1]:9000/",
                                     "http://localhost:1", "https://LOCALHOST/base", NULL};
  static const char *const bad[] = {"http://example.com",
                                    "https://127.0.0.1.example.com/",
                                    "http://localhost@evil.example/",
                                    "http://127.0.0.2:80",
                                    "ftp://127.0.0.1/",
                                    "127.0.0.1:8080",
                                    "not a url",
                                    NULL};
  for (const char *const *u = good; *u; u++) {
    g_setenv("KITH_TEST_BASE_URL", *u, TRUE);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_assert_true(kith_team_base_url("KITH_TEST_BASE_URL", &out, &error));
    g_assert_no_error(error);
    g_assert_nonnull(out);
    g_assert_false(g_str_has_suffix(out, "/"));
  }
  for (const char *const *u = bad; *u; u++) {
    g_setenv("KITH_TEST_BASE_URL", *u, TRUE);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_assert_false(kith_team_base_url("KITH_TEST_BASE_URL", &out, &error));
    g_assert_null(out);
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(error->message, "KITH_TEST_BASE_URL: "));
    g_assert_nonnull(strstr(error->message, "loopback"));
  }
  g_unsetenv("KITH_TEST_BASE_URL");
  g_autofree char *none = NULL;
  g_assert_true(kith_team_base_url("KITH_TEST_BASE_URL", &none, NULL));
  g_assert_null(none);
}

/* Of a colleague's message kith asks for the header fields R10 reads too:
 * none of kith_automatic_header_names may be missing from the team list. */
static void test_webapi_team_headers_cover_r10(void)
{
  for (const char *const *h = kith_automatic_header_names; *h; h++)
    if (!kith_team_header_kept(*h))
      g_error("%s is read by R10 but not asked for by the team sources", *h);
  g_assert_true(kith_team_header_kept("authentication-results"));
  g_assert_false(kith_team_header_kept("Received"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/webapi/throttled", test_webapi_throttled);
  g_test_add_func("/webapi/backoff", test_webapi_backoff);
  g_test_add_func("/webapi/error_text", test_webapi_error_text);
  g_test_add_func("/webapi/retry_after", test_webapi_retry_after);
  g_test_add_func("/webapi/team_base_url_loopback_only", test_webapi_team_base_url_loopback_only);
  g_test_add_func("/webapi/team_headers_cover_r10", test_webapi_team_headers_cover_r10);
  return g_test_run();
}
