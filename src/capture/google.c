/* google.c - the Google Workspace source: the service account, its tokens, the Users read. */
#include "capture/google.h"

#include "capture/source.h"
#include "capture/team.h"
#include "util/error.h"
#include "util/jwt.h"
#include "util/secret.h"
#include "util/timeutil.h"

#include <string.h>

#define TOKEN_URL "https://oauth2.googleapis.com/token"
#define GMAIL_ROOT "https://gmail.googleapis.com"
#define CALENDAR_URL "https://www.googleapis.com/calendar/v3"
/* For tests only: one local server stands in for all three (docs/sources.md). */
#define BASE_URL_ENV "KITH_GOOGLE_BASE_URL"
/* A JWT grant lives at most an hour (Google refuses longer). */
#define ASSERTION_LIFETIME_S 3600

void kith_google_report(kith_google *g, const char *where, const char *why)
{
  g->stats->errors++;
  g->sink->on_error(where, why, g->sink->user_data);
}

gboolean kith_google_deliver(kith_google *g, kith_activity *a)
{
  if (g->start && a->time && a->time < g->start)
    return TRUE; /* older than start_date */
  g->stats->activities++;
  if (!g->sink->on_activity(a, g->sink->user_data))
    g->stopped = TRUE;
  return !g->stopped;
}

static char *cursor_key(kith_google *g, const char *key)
{
  return g_strdup_printf("google.%s.%s", g->user, key);
}

char *kith_google_cursor_get(kith_google *g, const char *key)
{
  g_autofree char *k = cursor_key(g, key);
  return g->cursor->get(k, g->cursor->user_data);
}

gboolean kith_google_cursor_set(kith_google *g, const char *key, const char *value)
{
  g_autofree char *k = cursor_key(g, key);
  return g->cursor->set(k, value, g->cursor->user_data, &g->fatal);
}

/* The service account's key file: client_email, private_key and its id. */
static gboolean read_key(kith_google *g, GError **error)
{
  const kith_source_config *src = g->src;
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
                             g->user, "scope", KITH_GOOGLE_SCOPES, "aud", g->token_url, "iat",
                             (json_int_t)now, "exp", (json_int_t)(now + ASSERTION_LIFETIME_S));
  json_t *header = g->key_id ? json_pack("{s:s}", "kid", g->key_id) : NULL;
  g_autofree char *jwt = kith_jwt_sign(g->pem, g->src->key_file, header, claims, error);
  json_decref(claims);
  json_decref(header);
  if (!jwt)
    return FALSE;
  g_autofree char *body = g_strconcat(
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", jwt, NULL);
  return kith_webapi_token(g->api, g->token_url, body, auth, error);
}

gboolean kith_google_get(kith_google *g, const char *url, kith_webapi_reply *out, GError **error)
{
  kith_source_flush(g->cursor); /* nothing is held while Google answers */
  return kith_webapi_get(g->api, &g->auth, url, NULL, out, error);
}

static void google_clear(kith_google *g)
{
  kith_webapi_free(g->api);
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
  g_free(g->auth.token);
}

gboolean kith_google_capture(const kith_source_cursor *cursor, const kith_source_config *src,
                             const kith_capture_sink *sink, kith_capture_stats *stats,
                             GError **error)
{
  kith_google g = {.src = src, .cursor = cursor, .sink = sink, .stats = stats};
  g.auth.renew = renew_token;
  g.auth.user_data = &g;
  if (src->start_date && *src->start_date)
    kith_time_parse(src->start_date, &g.start);
  const char *base = g_getenv(BASE_URL_ENV);
  if (base && *base) {
    g.token_url = g_strconcat(base, "/token", NULL);
    g.gmail_root = g_strdup(base);
    g.calendar_url = g_strconcat(base, "/calendar/v3", NULL);
  } else {
    g.gmail_root = g_strdup(GMAIL_ROOT);
    g.calendar_url = g_strdup(CALENDAR_URL);
  }
  g.gmail_url = g_strconcat(g.gmail_root, "/gmail/v1", NULL);
  g.batch_url = g_strconcat(g.gmail_root, "/batch/gmail/v1", NULL);
  g_autoptr(GPtrArray) users = NULL;
  gboolean ok = read_key(&g, error) && (users = kith_team_users(cursor, src, error));
  if (ok)
    g.api = kith_webapi_new(src);
  for (guint i = 0; ok && users && i < users->len && !g.stopped && !g.fatal; i++) {
    g.user = g_ptr_array_index(users, i);
    g_clear_pointer(&g.auth.token, g_free); /* a token acts for one User */
    g_autoptr(GError) local = NULL;
    /* One User's failure is that User's: reported, and the others are read. */
    if (!kith_gmail_read(&g, &local) || (!g.stopped && !kith_gcal_read(&g, &local))) {
      if (g.fatal)
        break;
      if (g.auth.client_refused) {
        /* The service account or its delegation, not this User: one line. */
        g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", src->name,
                    local->message);
        ok = FALSE;
        break;
      }
      g_autofree char *where = g_strdup_printf("source %s: %s", src->name, g.user);
      g_autofree char *why = g_strdup_printf("%s; this User is skipped", local->message);
      kith_google_report(&g, where, why);
    }
  }
  if (g.fatal) {
    g_propagate_prefixed_error(error, g.fatal, "source %s: ", src->name);
    ok = FALSE;
  }
  google_clear(&g);
  return ok;
}
