/* team.c - what the team sources share: their Users read one after another, cursors, hand-over, header fields kept. */
#include "capture/team.h"

#include "capture/automatic.h"
#include "core/address.h"
#include "capture/source.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

gboolean kith_team_internal(const kith_source_config *src, const char *domain)
{
  for (char **d = src->domains; domain && *d; d++)
    if (kith_domain_within(domain, *d))
      return TRUE;
  return FALSE;
}

GPtrArray *kith_team_users(const kith_source_cursor *cursor, const kith_source_config *src,
                           GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) all = cursor->users(cursor->user_data, &local);
  if (!all) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: the CRM's Users: %s", src->name,
                local->message);
    return NULL;
  }
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < all->len; i++) {
    const char *email = g_ptr_array_index(all, i);
    if (!kith_team_internal(src, kith_address_domain(email)))
      continue;
    if (src->users[0] && !g_strv_contains((const char *const *)src->users, email))
      continue;
    if (g_strv_contains((const char *const *)src->exclude_users, email))
      continue;
    g_ptr_array_add(out, g_strdup(email));
  }
  return out;
}

const char *const kith_team_header_names[] = {
    "From",       "Sender",  "To",
    "Cc",         "Bcc",     "Date",
    "Message-ID", "Subject", "Authentication-Results", /* R12 */
    NULL};

static gboolean listed(const char *const *names, const char *name)
{
  for (const char *const *h = names; *h; h++)
    if (g_ascii_strcasecmp(name, *h) == 0)
      return TRUE;
  return FALSE;
}

gboolean kith_team_header_kept(const char *name)
{
  return listed(kith_team_header_names, name) || listed(kith_automatic_header_names, name);
}

void kith_team_append_clean(GString *s, const char *text)
{
  for (const char *p = text; p && *p; p++)
    g_string_append_c(s, *p == '\r' || *p == '\n' ? ' ' : *p);
}

void kith_team_init(kith_team *t, const char *provider, const kith_source_cursor *cursor,
                    const kith_source_config *src, const kith_capture_sink *sink,
                    kith_capture_stats *stats)
{
  *t = (kith_team){
      .src = src, .cursor = cursor, .sink = sink, .stats = stats, .provider = provider};
  if (src->start_date && *src->start_date)
    kith_time_parse(src->start_date, &t->start);
}

void kith_team_clear(kith_team *t)
{
  g_clear_pointer(&t->api, kith_webapi_free);
  g_clear_pointer(&t->auth.token, g_free);
  g_clear_error(&t->fatal);
}

void kith_team_report(kith_team *t, const char *where, const char *why)
{
  t->stats->errors++;
  t->sink->on_error(where, why, t->sink->user_data);
}

gboolean kith_team_deliver(kith_team *t, kith_activity *a)
{
  if (t->start && a->time && a->time < t->start)
    return TRUE; /* older than start_date */
  t->stats->activities++;
  if (!t->sink->on_activity(a, t->sink->user_data))
    t->stopped = TRUE;
  return !t->stopped;
}

char *kith_team_cursor_get(kith_team *t, const char *key)
{
  g_autofree char *k = g_strdup_printf("%s.%s.%s", t->provider, t->user, key);
  return t->cursor->get(k, t->cursor->user_data);
}

gboolean kith_team_cursor_set(kith_team *t, const char *key, const char *value)
{
  g_autofree char *k = g_strdup_printf("%s.%s.%s", t->provider, t->user, key);
  return t->cursor->set(k, value, t->cursor->user_data, &t->fatal);
}

gboolean kith_team_get(kith_team *t, const char *url, const char *const *headers,
                       kith_webapi_reply *out, GError **error)
{
  kith_source_flush(t->cursor); /* nothing is held while the provider answers */
  return kith_webapi_get(t->api, &t->auth, url, headers, out, error);
}

gboolean kith_team_post(kith_team *t, const char *url, const char *const *headers, const char *body,
                        kith_webapi_reply *out, GError **error)
{
  kith_source_flush(t->cursor);
  return kith_webapi_post(t->api, &t->auth, url, headers, body, out, error);
}

gboolean kith_team_base_url(const char *env, char **out, GError **error)
{
  *out = NULL;
  const char *value = g_getenv(env);
  if (!value || !*value)
    return TRUE;
  g_autoptr(GUri) uri = g_uri_parse(value, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme(uri) : NULL;
  const char *host = uri ? g_uri_get_host(uri) : NULL;
  gboolean web = scheme && (g_ascii_strcasecmp(scheme, "http") == 0 ||
                            g_ascii_strcasecmp(scheme, "https") == 0);
  gboolean loopback = host && (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
                               g_ascii_strcasecmp(host, "localhost") == 0);
  if (!web || !loopback || g_uri_get_userinfo(uri)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: '%s' is not on loopback (http(s) to 127.0.0.1, ::1 or localhost); it is "
                "for a test server only",
                env, value);
    return FALSE;
  }
  *out = g_strdup(value);
  gsize n = strlen(*out);
  while (n && (*out)[n - 1] == '/')
    (*out)[--n] = '\0';
  return TRUE;
}

/* Progress: one more User done (or the count of them known). */
static void moved_on(kith_team *t)
{
  if (t->sink->progress)
    t->sink->progress(t->sink->user_data);
}

gboolean kith_team_run(kith_team *t, kith_team_token token, kith_team_read_fn read_user,
                       gpointer data, GError **error)
{
  const char *name = t->src->name;
  g_autoptr(GPtrArray) users = kith_team_users(t->cursor, t->src, error);
  if (!users)
    return FALSE;
  if (!t->api)
    t->api = kith_webapi_new(t->src);
  /* One token for the app serves every mailbox: one the tenant refuses
   * (wrong secret, unknown certificate) stops the source, not one User. */
  if (token == KITH_TEAM_TOKEN_PER_APP && users->len) {
    g_autoptr(GError) refused = NULL;
    kith_source_flush(t->cursor);
    if (!t->auth.renew(&t->auth, &refused)) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", name, refused->message);
      return FALSE;
    }
  }
  t->stats->users_total = users->len;
  t->stats->users_done = 0;
  moved_on(t);
  for (guint i = 0; i < users->len && !t->stopped && !t->fatal; i++, moved_on(t)) {
    t->user = g_ptr_array_index(users, i);
    if (token == KITH_TEAM_TOKEN_PER_USER)
      g_clear_pointer(&t->auth.token, g_free); /* a token acts for one User */
    g_autoptr(GError) local = NULL;
    gboolean read = read_user(data, &local);
    t->stats->users_done++;
    if (read)
      continue;
    if (t->fatal)
      break;
    if (t->auth.client_refused) {
      /* The client or its grant, not this User: one line, and no more. */
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: %s", name, local->message);
      t->user = NULL;
      return FALSE;
    }
    g_autofree char *where = g_strdup_printf("source %s: %s", name, t->user);
    g_autofree char *why = g_strdup_printf("%s; this User is skipped", local->message);
    kith_team_report(t, where, why);
  }
  t->user = NULL;
  if (t->fatal) {
    g_propagate_prefixed_error(error, g_steal_pointer(&t->fatal), "source %s: ", name);
    return FALSE;
  }
  return TRUE;
}
