/* team.h - what the team sources (Google Workspace, Microsoft 365) share:
 * whose mailboxes are read and how, one User after another, and what
 * counts as the team's own mail. google.c and microsoft.c add only their
 * provider's calls. */
#pragma once

#include "capture/capture.h"
#include "capture/cursor.h"
#include "capture/webapi.h"
#include "config/config.h"

/* One pass of a team source over its Users. */
typedef struct {
  const kith_source_config *src;
  const kith_source_cursor *cursor;
  const kith_capture_sink *sink;
  kith_capture_stats *stats;
  const char *provider; /* "google", "microsoft": the first word of its cursor keys */
  kith_webapi *api;
  kith_webapi_auth auth;
  gint64 start;     /* start_date as Unix seconds; 0 for everything */
  gboolean stopped; /* the sink said stop */
  GError *fatal;    /* the source cannot go on (a cursor not written) */
  const char *user; /* the User being read */
} kith_team;

/* How a provider's token acts: for one User at a time (Google's
 * domain-wide delegation: dropped between Users), or for the app in every
 * mailbox (Microsoft's client credentials: got once before the first
 * User, and a refusal stops the source). */
typedef enum { KITH_TEAM_TOKEN_PER_USER, KITH_TEAM_TOKEN_PER_APP } kith_team_token;

/* Reads the current User (T->user) for DATA; FALSE with ERROR ends that
 * User's reading (what was handed over before stays). */
typedef gboolean (*kith_team_read_fn)(gpointer data, GError **error);

/* Sets T up for SRC (its start_date read) with PROVIDER's cursor keys; the
 * caller sets T->auth's renew and user_data. */
void kith_team_init(kith_team *t, const char *provider, const kith_source_cursor *cursor,
                    const kith_source_config *src, const kith_capture_sink *sink,
                    kith_capture_stats *stats);
/* Frees what T holds (its client and token), not T. */
void kith_team_clear(kith_team *t);

/* The base URL a test server stands at, from the environment variable ENV
 * (KITH_GOOGLE_BASE_URL, KITH_MICROSOFT_BASE_URL) without a trailing
 * slash: *OUT is NULL when ENV is unset or empty. Honoured only on
 * loopback (http or https, host 127.0.0.1, ::1 or localhost): anywhere
 * else FALSE with ERROR ("ENV: 'URL' is not on loopback ..."), since the
 * source's credentials would go there. */
gboolean kith_team_base_url(const char *env, char **out, GError **error);

/* Reads every User of kith_team_users with READ_USER, one after another,
 * until the sink says stop. One User's failure (no mailbox, access
 * denied, a reply kith cannot use) is reported through the sink as
 * "source NAME: USER", "WHY; this User is skipped", and the next is read.
 * FALSE with ERROR ("source NAME: ...") when the source cannot go on: the
 * store's list of Users, a cursor not written, the client itself refused
 * at the token endpoint (or, per app, any token refused). */
gboolean kith_team_run(kith_team *t, kith_team_token token, kith_team_read_fn read_user,
                       gpointer data, GError **error);

/* GET URL as the current User (HEADERS may be NULL): what was handed over
 * is flushed first, so nothing is held while the provider answers; then
 * kith_webapi_get with T's token. */
gboolean kith_team_get(kith_team *t, const char *url, const char *const *headers,
                       kith_webapi_reply *out, GError **error);
/* The same for a POST of BODY. */
gboolean kith_team_post(kith_team *t, const char *url, const char *const *headers, const char *body,
                        kith_webapi_reply *out, GError **error);

/* The value kept for the current User's KEY ("PROVIDER.USER.KEY"), or NULL. */
char *kith_team_cursor_get(kith_team *t, const char *key);
/* Keeps VALUE for the current User's KEY; FALSE (and T->fatal set) when the
 * store cannot keep it. */
gboolean kith_team_cursor_set(kith_team *t, const char *key, const char *value);

/* Hands A to the sink unless it is older than start_date; FALSE when the
 * sink said stop. */
gboolean kith_team_deliver(kith_team *t, kith_activity *a);
/* Reports WHY about WHERE through the sink, counted in the errors. */
void kith_team_report(kith_team *t, const char *where, const char *why);

/* The Users a team source reads: the CRM's active Users (CURSOR->users)
 * whose Email is in SRC's domains, in SRC's users when that is set, not in
 * its exclude_users. NULL with ERROR ("source NAME: the CRM's Users: ...")
 * when the store cannot say. */
GPtrArray *kith_team_users(const kith_source_cursor *cursor, const kith_source_config *src,
                           GError **error);

/* Whether DOMAIN (normalised) is one of SRC's domains or below one: mail
 * from there is the team's own, read by its header only. */
gboolean kith_team_internal(const kith_source_config *src, const char *domain);

/* The header fields an activity is made of, and R12's, NULL-terminated: of
 * a message whose text it does not need, kith reads these and R10's
 * (kith_automatic_header_names, capture/automatic.h), no others. */
extern const char *const kith_team_header_names[];
/* Appends TEXT to S with every CR and LF made a space, so that a value an
 * API hands over can never start a header field of its own. */
void kith_team_append_clean(GString *s, const char *text);
/* Whether NAME is one of kith_team_header_names or
 * kith_automatic_header_names, ignoring case. */
gboolean kith_team_header_kept(const char *name);
