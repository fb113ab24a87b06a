/* google.c - the Google Workspace source: the service account, its tokens, the Users read. */
#include "capture/google.h"

#include "capture/team.h"
#include "util/error.h"
#include "util/jwt.h"
#include "util/secret.h"
#include "util/timeutil.h"

#include <string.h>

#define TOKEN_URL "https://oauth2.googleapis.com/token"
#define GMAIL_ROOT "https://gmail.googleapis.com"
#define CALENDAR_URL "https://www.googleapis.com/calendar/v3"
/* For tests only, on loopback only: one local server stands in for all three
 * (docs/sources.md). */
#define BASE_URL_ENV "KITH_GOOGLE_BASE_URL"
/* A JWT grant lives at most an hour (Google refuses longer). */
#define ASSERTION_LIFETIME_S 3600

/* The service account's key file: client_email, private_key and its id. */
static gboolean read_key(kith_google *g, GError **error)
{
  const kith_source_config *src = g->team.src;
  g_autoptr(GError) local = NULL;
  g_autofree char *text = kith_secret_read(src->key_file, &local);
  if (!text) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: key_file: %s", src->name,
                local->message);
    return FALSE;
  }
  json_error_t jerr;
  json_t *key = json_loads(text, 0, &jerr);
  const char *type = json_string_value(json_object_get(key, "type"));
  const char *email = json_string_value(json_object_get(key, "client_email"));
  const char *pem = json_string_value(json_object_get(key, "private_key"));
  const char *kid = json_string_value(json_object_get(key, "private_key_id"));
  const char *token_uri = json_string_value(json_object_get(key, "token_uri"));
  gboolean ok = key && type && strcmp(type, "service_account") == 0 && email && pem;
  if (ok) {
    g->client_email = g_strdup(email);
    g->pem = g_strdup(pem);
    g->key_id = g_strdup(kid);
    /* The key names its token endpoint, as Google's own libraries read it;
     * only over TLS, since the signed grant goes there. */
    if (!g->token_url && token_uri && g_str_has_prefix(token_uri, "https://"))
      g->token_url = g_strdup(token_uri);
    if (!g->token_url)
      g->token_url = g_strdup(TOKEN_URL);
  } else {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "source %s: %s: not a service account's JSON key (type service_account, "
                "client_email, private_key)",
                src->name, src->key_file);
  }
  json_decref(key);
  return ok;
}

/* A new access token for the current User: a JWT signed with the service
 * account's key, sub the User (domain-wide delegation), exchanged at the
 * token endpoint. */
static gboolean renew_token(kith_webapi_auth *auth, GError **error)
{
  kith_google *g = auth->user_data;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", g->client_email, "sub",
                             g->team.user, "scope", KITH_GOOGLE_SCOPES, "aud", g->token_url, "iat",
                             (json_int_t)now, "exp", (json_int_t)(now + ASSERTION_LIFETIME_S));
  json_t *header = g->key_id ? json_pack("{s:s}", "kid", g->key_id) : NULL;
  g_autofree char *jwt = kith_jwt_sign(g->pem, g->team.src->key_file, header, claims, error);
  json_decref(claims);
  json_decref(header);
  if (!jwt)
    return FALSE;
  g_autofree char *body = g_strconcat(
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", jwt, NULL);
  return kith_webapi_token(g->team.api, g->token_url, body, auth, error);
}

static void google_clear(kith_google *g)
{
  kith_team_clear(&g->team);
  if (g->pem)
    memset(g->pem, 0, strlen(g->pem));
  g_free(g->pem);
  g_free(g->client_email);
  g_free(g->key_id);
  g_free(g->token_url);
  g_free(g->gmail_url);
  g_free(g->gmail_root);
  g_free(g->batch_url);
  g_free(g->calendar_url);
}

/* One User: their mail, then their calendar. */
static gboolean read_user(gpointer data, GError **error)
{
  kith_google *g = data;
  return kith_gmail_read(g, error) && (g->team.stopped || kith_gcal_read(g, error));
}

gboolean kith_google_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error)
{
  kith_google g = {0};
  kith_team_init(&g.team, "google", cursor, src, sink, stats);
  g.team.auth.renew = renew_token;
  g.team.auth.user_data = &g;
  g_autofree char *base = NULL;
  g_autoptr(GError) local = NULL;
  if (!kith_team_base_url(BASE_URL_ENV, &base, &local)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name, local->message);
    return FALSE;
  }
  if (base) {
    g.token_url = g_strconcat(base, "/token", NULL);
    g.gmail_root = g_strdup(base);
    g.calendar_url = g_strconcat(base, "/calendar/v3", NULL);
  } else {
    g.gmail_root = g_strdup(GMAIL_ROOT);
    g.calendar_url = g_strdup(CALENDAR_URL);
  }
  g.gmail_url = g_strconcat(g.gmail_root, "/gmail/v1", NULL);
  g.batch_url = g_strconcat(g.gmail_root, "/batch/gmail/v1", NULL);
  gboolean ok = read_key(&g, error) &&
                kith_team_run(&g.team, KITH_TEAM_TOKEN_PER_USER, read_user, &g, error);
  google_clear(&g);
  return ok;
}
