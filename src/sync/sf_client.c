/* sf_client.c - OAuth and REST calls to Salesforce with retries and backoff. */
#include "sync/sf_client.h"

#include "sync/sf_json.h"

#include "util/jwt.h"
#include "util/secret.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

kith_sf_client *kith_sf_client_new(const kith_salesforce_config *sf)
{
  kith_sf_client *c = g_new0(kith_sf_client, 1);
  c->sf = sf;
  c->http = kith_http_new(sf->timeout);
  c->instance_url = g_strdup(sf->instance_url);
  c->api_limit = -1;
  c->jitter = g_rand_new();
  return c;
}

void kith_sf_client_free(kith_sf_client *c)
{
  if (!c)
    return;
  kith_http_free(c->http);
  g_free(c->token);
  g_free(c->instance_url);
  g_free(c->last_code);
  g_free(c->last_message);
  g_rand_free(c->jitter);
  g_free(c);
}

char *kith_sf_path(kith_sf_client *c, const char *rest)
{
  return g_strdup_printf("/services/data/v%s%s", c->sf->api_version, rest);
}

gboolean kith_sf_limit_reached(const kith_sf_client *c)
{
  return c->api_limit > 0 && c->api_limit - c->api_used <= c->sf->api_reserve;
}

static void read_limit(kith_sf_client *c, const char *info)
{
  /* "api-usage=18/15000" */
  const char *p = info ? strstr(info, "api-usage=") : NULL;
  gint64 used, limit;
  if (p && sscanf(p + 10, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, &used, &limit) == 2) {
    c->api_used = used;
    c->api_limit = limit;
  }
}

/* Keeps the code and message of the first error R names. */
static void keep_error(kith_sf_client *c, const kith_http_response *r)
{
  json_t *j = json_loads((const char *)r->body->data, 0, NULL);
  json_t *first = json_is_array(j) ? json_array_get(j, 0) : j;
  c->last_status = r->status;
  g_free(c->last_code);
  g_free(c->last_message);
  c->last_code = g_strdup(json_string_value(json_object_get(first, "errorCode")));
  c->last_message = g_strdup(json_string_value(json_object_get(first, "message")));
  json_decref(j);
}

gboolean kith_sf_error_names_field(const char *code, const char *message, const char *field)
{
  if (g_strcmp0(code, "INVALID_FIELD") != 0 || !message || !field)
    return FALSE;
  /* "No such column 'Kith_Id__c' on entity 'Contact'": API names ignore case. */
  g_autofree char *text = g_ascii_strdown(message, -1);
  g_autofree char *quoted = g_strdup_printf("'%s'", field);
  g_autofree char *name = g_ascii_strdown(quoted, -1);
  return strstr(text, name) != NULL;
}

gboolean kith_sf_refused_field(const kith_sf_client *c, const char *field)
{
  return c->last_status == 400 && kith_sf_error_names_field(c->last_code, c->last_message, field);
}

/* The first error a Salesforce error reply names: "CODE: message". */
static char *error_text(const kith_http_response *r)
{
  json_t *j = json_loads((const char *)r->body->data, 0, NULL);
  char *out = kith_sf_json_error_text(j);
  json_decref(j);
  if (!out)
    out = g_strndup((const char *)r->body->data, MIN(r->body->len, 200));
  return out;
}

gboolean kith_sf_authenticate(kith_sf_client *c, GError **error)
{
  const kith_salesforce_config *sf = c->sf;
  g_autoptr(GString) form = g_string_new(NULL);
  if (*sf->private_key) {
    g_autofree char *jwt = kith_jwt_assertion(sf->private_key, sf->client_id, sf->user,
                                              sf->login_url, g_get_real_time() / G_USEC_PER_SEC,
                                              error);
    if (!jwt)
      return FALSE;
    g_string_append_printf(form, "grant_type=%s&assertion=%s",
                           "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", jwt);
  } else {
    g_autofree char *refresh = kith_secret_read(sf->refresh_token_file, error);
    if (!refresh)
      return FALSE;
    g_autofree char *rt = kith_http_escape(refresh);
    g_autofree char *id = kith_http_escape(sf->client_id);
    g_string_append_printf(form, "grant_type=refresh_token&client_id=%s&refresh_token=%s", id, rt);
    if (*sf->client_secret_file) {
      g_autofree char *secret = kith_secret_read(sf->client_secret_file, error);
      if (!secret)
        return FALSE;
      g_autofree char *es = kith_http_escape(secret);
      g_string_append_printf(form, "&client_secret=%s", es);
    }
  }
  g_autofree char *url = g_strconcat(sf->login_url, "/services/oauth2/token", NULL);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded",
                           "Accept: application/json", NULL};
  kith_http_response r;
  gboolean got = kith_http_request(c->http, "POST", url, headers, form->str, &r);
  if (!got || r.status != 200) {
    g_autofree char *why = got ? error_text(&r) : g_strdup(r.transport_error);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "salesforce: login at %s failed (%ld): %s",
                sf->login_url, r.status, why);
    kith_http_response_clear(&r);
    return FALSE;
  }
  json_t *j = json_loads((const char *)r.body->data, 0, NULL);
  kith_http_response_clear(&r);
  const char *token = json_string_value(json_object_get(j, "access_token"));
  const char *instance = json_string_value(json_object_get(j, "instance_url"));
  if (!token) {
    json_decref(j);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "salesforce: the login reply has no access_token");
    return FALSE;
  }
  g_free(c->token);
  c->token = g_strdup(token);
  if (instance && *instance) {
    g_free(c->instance_url);
    c->instance_url = g_strdup(instance);
  }
  json_decref(j);
  if (!*c->instance_url) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "salesforce: no instance_url known");
    return FALSE;
  }
  return TRUE;
}

/* Whether the org surely did not apply the request: it may go again as it is. */
static gboolean refused_for_load(const kith_http_response *r, gboolean got)
{
  if (!got)
    return r->unsent;
  if (r->status == 429)
    return TRUE;
  return r->status == 403 && strstr((const char *)r->body->data, "REQUEST_LIMIT_EXCEEDED");
}

/* Whether the request may have been applied without kith hearing so. */
static gboolean unanswered(const kith_http_response *r, gboolean got)
{
  return !got || r->status == 500 || r->status == 502 || r->status == 503 || r->status == 504;
}

void kith_sf_backoff(kith_sf_client *c, int attempt)
{
  /* Exponential with full jitter over its upper half: base * 2^attempt * [0.5, 1). */
  double ms = c->sf->retry_base_ms * (double)(1u << MIN(attempt, 16));
  ms = MIN(ms, 60000.0) * g_rand_double_range(c->jitter, 0.5, 1.0);
  g_usleep((gulong)(ms * 1000));
}

char *kith_sf_short_path(const char *path)
{
  const char *data = strstr(path, "/services/data/");
  const char *from = data ? data : path;
  gsize n = strcspn(from, "?");
  if (n > 80)
    n = 80;
  return g_strndup(from, n);
}

/* One line of at most 200 bytes from a reply's error. */
static char *one_line(char *text)
{
  if (strlen(text) > 200)
    text[200] = '\0';
  g_strdelimit(text, "\r\n\t", ' ');
  return text;
}

json_t *kith_sf_call(kith_sf_client *c, const char *method, const char *path, json_t *body,
                     GError **error)
{
  if (kith_sf_limit_reached(c)) {
    g_set_error(
        error, KITH_ERROR, KITH_ERROR_FAILED,
        "salesforce: paused: the org has used %" G_GINT64_FORMAT " of its %" G_GINT64_FORMAT
        " daily API calls and kith keeps %d in reserve; what is not done waits for the next sync",
        c->api_used, c->api_limit, c->sf->api_reserve);
    return NULL;
  }
  c->maybe_applied = FALSE;
  c->last_status = 0;
  g_clear_pointer(&c->last_code, g_free);
  g_clear_pointer(&c->last_message, g_free);
  g_autofree char *shown = kith_sf_short_path(path);
  if (strlen(path) > KITH_SF_MAX_URI) {
    /* A programming mistake upstream; never sent, so never a 414. */
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "salesforce: %s %s: the URI would be %zu bytes, over kith's limit of %d", method,
                shown, strlen(path), KITH_SF_MAX_URI);
    return NULL;
  }
  gboolean idempotent = strcmp(method, "POST") != 0;
  if (!c->token && !kith_sf_authenticate(c, error))
    return NULL;
  g_autofree char *url = g_str_has_prefix(path, "http") ? g_strdup(path)
                                                        : g_strconcat(c->instance_url, path, NULL);
  g_autofree char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  gboolean reauthed = FALSE;
  g_autofree char *last = NULL;
  for (int attempt = 0; attempt <= c->sf->max_retries;) {
    g_autofree char *auth = g_strdup_printf("Authorization: Bearer %s", c->token);
    const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json",
                             NULL};
    kith_http_response r;
    gboolean got = kith_http_request(c->http, method, url, headers, text, &r);
    c->requests++;
    if (got)
      read_limit(c, r.limit_info);
    if (got && r.status == 401 && !reauthed) {
      /* An expired session: one new token, then the same request again. */
      kith_http_response_clear(&r);
      reauthed = TRUE;
      if (!kith_sf_authenticate(c, error))
        return NULL;
      continue;
    }
    if (got && r.status < 300) {
      json_t *j = r.body->len ? json_loads((const char *)r.body->data, 0, NULL) : json_null();
      kith_http_response_clear(&r);
      if (!j)
        g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                    "salesforce: %s %s: the reply is not JSON", method, shown);
      return j;
    }
    g_free(last);
    if (got) {
      keep_error(c, &r);
      g_autofree char *why = one_line(error_text(&r));
      last = g_strdup_printf("%ld %s", r.status, why);
    } else {
      c->last_status = 0;
      last = g_strdup(r.transport_error);
    }
    gboolean again = refused_for_load(&r, got) || (idempotent && unanswered(&r, got));
    gboolean lost = !idempotent && unanswered(&r, got) && !refused_for_load(&r, got);
    kith_http_response_clear(&r);
    if (lost) {
      c->maybe_applied = TRUE;
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "salesforce: %s %s: no answer: %s", method,
                  shown, last);
      return NULL;
    }
    if (!again) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "salesforce: %s %s: %s", method, shown,
                  last);
      return NULL;
    }
    if (attempt < c->sf->max_retries)
      kith_sf_backoff(c, attempt);
    attempt++;
  }
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "salesforce: %s %s: gave up after %d tries: %s",
              method, shown, c->sf->max_retries + 1, last ? last : "no reply");
  return NULL;
}
