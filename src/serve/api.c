/* api.c - the HTTP API on libmicrohttpd: Host and token checks, size and
 * connection limits, JSON replies, the embedded console, Prometheus metrics. */
#include "serve/api.h"

#include "core/address.h"
#include "pipeline/record.h"
#include "rules/decide.h"
#include "rules/maintain.h"
#include "pipeline/resolve.h"
#include "serve/api_review.h"
#include "store/crm.h"
#include "store/lookup.h"
#include "store/person.h"
#include "store/report.h"
#include "store/state.h"
#include "sync/sync.h"
#include "util/csv.h"
#include "util/data.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <string.h>

/* The limits docs/serve.md lists under "Limits and security". */
#define MAX_BODY (64 * 1024)
#define MAX_URL 4096
#define MAX_CONNECTIONS 256u
#define MAX_PER_IP 128u /* above what a slow client takes, below the total */
#define IDLE_TIMEOUT_S 10u
#define CONNECTION_MEMORY (128 * 1024)
#define LOG_PER_SECOND 5u

struct kith_api {
  kith_api_context ctx;
  /* A read-only connection of its own for what the console reads: SQLite
   * (WAL) lets it read the last committed state while the service writes,
   * so no read waits for the service's writes (CTX.lock, which the service
   * holds for a transaction at a time). READER_LOCK serialises its use by
   * the request threads. */
  kith_store *reader;
  GMutex reader_lock;
  struct MHD_Daemon *daemon;
  guint port;
  GPtrArray *hosts; /* Host values naming the listen address, lower case */
  gint hosts_ready; /* atomic: HOSTS is complete (port 0 is known after start) */
  GMutex counts_lock;
  GHashTable *requests; /* "path code" -> count */
  GMutex log_lock;
  gint64 log_second; /* the second of the last logged warning */
  guint log_count;   /* warnings logged in that second */
  guint log_dropped; /* warnings not logged since the last one that was */
};

typedef struct {
  GString *body;
  gboolean answered; /* refused from its headers, before any body was read */
} request_state;

gboolean kith_api_token_equal(const char *a, const char *b)
{
  if (!a || !b)
    return FALSE;
  /* Digests have one length whatever was sent, and every byte of them is
   * compared, so the time taken tells nothing of the token. */
  guint8 da[32], db[32];
  gsize la = sizeof da, lb = sizeof db;
  GChecksum *ca = g_checksum_new(G_CHECKSUM_SHA256), *cb = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(ca, (const guchar *)a, strlen(a));
  g_checksum_update(cb, (const guchar *)b, strlen(b));
  g_checksum_get_digest(ca, da, &la);
  g_checksum_get_digest(cb, db, &lb);
  g_checksum_free(ca);
  g_checksum_free(cb);
  volatile guint8 diff = 0;
  for (gsize i = 0; i < sizeof da; i++)
    diff |= da[i] ^ db[i];
  return diff == 0;
}

char *kith_api_hide_passwords(const char *text)
{
  GString *out = g_string_new(NULL);
  const char *p = text, *scheme;
  while ((scheme = strstr(p, "://"))) {
    const char *authority = scheme + 3;
    gsize len = strcspn(authority, "/?#\"'<> \t\r\n");
    const char *at = NULL;
    for (const char *q = authority; q < authority + len; q++)
      if (*q == '@')
        at = q; /* the last one: a password may hold '@' */
    g_string_append_len(out, p, authority - p);
    if (at)
      g_string_append(out, "***");
    p = at ? at : authority;
  }
  g_string_append(out, p);
  return g_string_free(out, FALSE);
}

static void count_request(kith_api *api, const char *path, unsigned code)
{
  /* Paths are counted by route, never by what a caller typed. */
  static const char *const routes[] = {"/api/v1/status",
                                       "/api/v1/counts",
                                       "/api/v1/log",
                                       "/api/v1/explain",
                                       "/api/v1/created",
                                       "/api/v1/alternates",
                                       "/api/v1/config",
                                       "/api/v1/remove",
                                       "/api/v1/dedup",
                                       "/api/v1/sync",
                                       "/api/v1/remove_activity",
                                       "/api/v1/unsuppress",
                                       "/metrics",
                                       "/",
                                       "/api/v1/review",
                                       "/api/v1/review/accept",
                                       "/api/v1/review/reject",
                                       NULL};
  const char *route = g_str_has_prefix(path, "/static/") ? "/static" : "other";
  for (const char *const *r = routes; *r; r++)
    if (strcmp(path, *r) == 0)
      route = *r;
  g_autofree char *key = g_strdup_printf("%s %u", route, code);
  g_mutex_lock(&api->counts_lock);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(api->requests, key));
  g_hash_table_replace(api->requests, g_steal_pointer(&key), GUINT_TO_POINTER(n + 1));
  g_mutex_unlock(&api->counts_lock);
}

static enum MHD_Result reply(kith_api *api, struct MHD_Connection *c, const char *path,
                             unsigned code, const char *type, const void *data, gsize len,
                             const char *disposition)
{
  struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
                                                           MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                          "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  if (disposition)
    MHD_add_response_header(r, "Content-Disposition", disposition);
  enum MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  count_request(api, path, code);
  return ret;
}

static enum MHD_Result reply_json(kith_api *api, struct MHD_Connection *c, const char *path,
                                  unsigned code, json_t *j)
{
  char *text = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  enum MHD_Result r = reply(api, c, path, code, "application/json; charset=utf-8", text,
                            text ? strlen(text) : 0, NULL);
  free(text);
  return r;
}

static enum MHD_Result reply_error(kith_api *api, struct MHD_Connection *c, const char *path,
                                   unsigned code, const char *message)
{
  return reply_json(api, c, path, code, json_pack("{s:s}", "error", message));
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
  const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
  return v ? v : "";
}

static int int_arg(struct MHD_Connection *c, const char *name, int def)
{
  const char *v = arg(c, name);
  return *v ? atoi(v) : def;
}

static gboolean authorised(kith_api *api, struct MHD_Connection *c)
{
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  return h && g_str_has_prefix(h, "Bearer ") && kith_api_token_equal(h + 7, api->ctx.token);
}

/* ---- the Host header -------------------------------------------------------- */

static gboolean is_port(const char *s)
{
  gsize n = strspn(s, "0123456789");
  return n >= 1 && n <= 5 && s[n] == '\0';
}

/* Whether NAME ("host", "host:port", "[v6]" or "[v6]:port") ends in a port. */
static gboolean has_port(const char *name)
{
  return name[0] == '[' ? strstr(name, "]:") != NULL : strchr(name, ':') != NULL;
}

/* Whether HOST, a Host header, names this server: the listen address, a
 * loopback name when it listens on loopback, or [serve] allowed_hosts. A
 * page on a name of its own that resolves to us (DNS rebinding) is not. */
static gboolean host_allowed(const kith_api *api, const char *host)
{
  if (!host || !*host || !g_atomic_int_get(&api->hosts_ready))
    return FALSE;
  g_autofree char *h = g_ascii_strdown(host, -1);
  for (guint i = 0; i < api->hosts->len; i++)
    if (strcmp(h, g_ptr_array_index(api->hosts, i)) == 0)
      return TRUE;
  for (const char *const *a = api->ctx.allowed_hosts; a && *a; a++) {
    gsize n = strlen(*a);
    if (n && g_ascii_strncasecmp(h, *a, n) == 0 &&
        (h[n] == '\0' || (h[n] == ':' && !has_port(*a) && is_port(h + n + 1))))
      return TRUE;
  }
  return FALSE;
}

/* The Host values that name HOST:PORT, the listen address; a loopback
 * address (or every address, 0.0.0.0) also answers to the loopback names,
 * which no outside page can take. A browser leaves port 80 out. */
static void add_listen_names(kith_api *api, const char *host, gboolean loopback)
{
  const char *names[] = {host, "localhost", "127.0.0.1", "[::1]"};
  for (guint i = 0; i < (loopback ? G_N_ELEMENTS(names) : 1); i++) {
    g_ptr_array_add(api->hosts, g_strdup_printf("%s:%u", names[i], api->port));
    if (api->port == 80)
      g_ptr_array_add(api->hosts, g_strdup(names[i]));
  }
}

/* ---- the console's static files ------------------------------------------ */

static enum MHD_Result serve_static(kith_api *api, struct MHD_Connection *c, const char *path)
{
  const char *name = strcmp(path, "/") == 0 ? "index.html" : path + strlen("/static/");
  if (strchr(name, '/') || strstr(name, ".."))
    return reply_error(api, c, path, 404, "no such page");
  g_autofree char *res = g_strconcat("/kith/web/", name, NULL);
  g_autoptr(GBytes) bytes = kith_resource_lookup(res);
  if (!bytes)
    return reply_error(api, c, path, 404, "no such page");
  const char *type = g_str_has_suffix(name, ".html")  ? "text/html; charset=utf-8"
                     : g_str_has_suffix(name, ".css") ? "text/css; charset=utf-8"
                     : g_str_has_suffix(name, ".js")  ? "text/javascript; charset=utf-8"
                     : g_str_has_suffix(name, ".svg") ? "image/svg+xml"
                                                      : "application/octet-stream";
  gsize len = 0;
  const void *data = g_bytes_get_data(bytes, &len);
  return reply(api, c, path, 200, type, data, len, NULL);
}

/* ---- API handlers ------------------------------------------------------------ */

/* The store the console's reads use: the API's own read-only connection
 * (under reader_lock), or the service's (under its lock) when there is none
 * (an in-memory store in tests). */
static kith_store *read_begin(kith_api *api)
{
  if (api->reader) {
    g_mutex_lock(&api->reader_lock);
    return api->reader;
  }
  g_mutex_lock(api->ctx.lock);
  return api->ctx.store;
}

static void read_end(kith_api *api)
{
  g_mutex_unlock(api->reader ? &api->reader_lock : api->ctx.lock);
}

/* The last sync, whoever ran it: the store keeps every sync's outcome
 * (kith_sync_run), so one `kith sync` or `kith run` from the command line
 * shows too; the newer of that and the service's own. */
static void add_last_sync(json_t *status, kith_store *s)
{
  json_t *kept = kith_report_last_sync(s, KITH_SYNC_LAST_KEY);
  if (!kept)
    return;
  json_t *mine = json_object_get(status, "last_sync");
  const char *kept_time = json_string_value(json_object_get(kept, "time"));
  const char *my_time = json_string_value(json_object_get(mine, "time"));
  if (my_time && g_strcmp0(my_time, kept_time) > 0) {
    json_decref(kept);
    return;
  }
  const char *message = json_string_value(json_object_get(kept, "message"));
  g_autofree char *shown = kith_api_hide_passwords(message ? message : "");
  json_object_set_new(kept, "message", json_string(shown));
  json_object_set_new(status, "last_sync", kept);
}

static json_t *status(kith_api *api, kith_store *s)
{
  json_t *j = kith_report_totals(s);
  json_object_set_new(j, "version", json_string(KITH_VERSION_STRING));
  json_object_set_new(j, "store", json_string(kith_store_path(api->ctx.store)));
  if (api->ctx.add_status)
    api->ctx.add_status(j, api->ctx.user_data);
  add_last_sync(j, s);
  return j;
}

static json_t *explain(kith_store *s, struct MHD_Connection *c, unsigned *code)
{
  g_autoptr(GError) e = NULL;
  g_autofree char *email = kith_address_normalize(arg(c, "email"), &e);
  if (!email) {
    *code = 400;
    return json_pack("{s:s}", "error", "email: not an address");
  }
  json_t *j = kith_report_explain(s, email, &e);
  if (!j) {
    *code = 500; /* a failed read, never an empty answer */
    return json_pack("{s:s}", "error", e->message);
  }
  return j;
}

static json_t *remove_contact(kith_api *api, json_t *body, unsigned *code)
{
  const char *id = json_string_value(json_object_get(body, "contact_id"));
  gboolean allow = json_is_true(json_object_get(body, "allow_recreate"));
  if (!id || !*id) {
    *code = 400;
    return json_pack("{s:s}", "error", "contact_id is needed");
  }
  kith_decider d;
  kith_record_decider_init(&d, api->ctx.store, api->ctx.config);
  g_autoptr(GError) e = NULL;
  g_autofree char *email = NULL;
  gboolean ok = kith_store_begin(api->ctx.store, &e) &&
                kith_rules_remove(&d, id, allow, &email, &e) &&
                kith_store_commit(api->ctx.store, &e);
  kith_decider_clear(&d);
  if (!ok) {
    kith_store_rollback(api->ctx.store);
    *code = g_error_matches(e, KITH_ERROR, KITH_ERROR_NOT_FOUND) ? 404
            : g_error_matches(e, KITH_ERROR, KITH_ERROR_REFUSED) ? 409
                                                                 : 500;
    return json_pack("{s:s}", "error", e ? e->message : "failed");
  }
  return json_pack("{s:b, s:s, s:s, s:b}", "ok", TRUE, "contact_id", id, "email", email,
                   "suppressed", !allow);
}

/* ---- removal by activity and unsuppression (R50) ---------------------------- */

/* POST /api/v1/remove_activity {"activity_id", "allow_recreate", "dry_run"}:
 * removes, as `kith remove` does each (R50), every contact kith created
 * from one activity; a dry run names them and changes nothing. */
static json_t *remove_activity(kith_api *api, json_t *body, unsigned *code)
{
  const char *activity = json_string_value(json_object_get(body, "activity_id"));
  gboolean allow = json_is_true(json_object_get(body, "allow_recreate"));
  gboolean dry_run = json_is_true(json_object_get(body, "dry_run"));
  if (!activity || !*activity) {
    *code = 400;
    return json_pack("{s:s}", "error", "activity_id is needed");
  }
  kith_store *s = api->ctx.store;
  g_autoptr(GError) e = NULL;
  g_autoptr(GPtrArray) ids = kith_report_created_from(s, activity, &e);
  if (!ids) {
    *code = 500;
    return json_pack("{s:s}", "error", "the contacts of that activity could not be read");
  }
  json_t *removed = json_array();
  kith_decider d;
  kith_record_decider_init(&d, s, api->ctx.config);
  gboolean ok = dry_run || kith_store_begin(s, &e);
  for (guint i = 0; ok && i < ids->len; i++) {
    const char *id = g_ptr_array_index(ids, i);
    g_autofree char *email = NULL;
    if (dry_run) {
      kith_contact_ref c = {0};
      ok = kith_lookup_contact_by_id(s, id, &c, &email, &e) != KITH_LOOKUP_ERROR;
      kith_contact_ref_clear(&c);
    } else {
      ok = kith_rules_remove(&d, id, allow, &email, &e);
    }
    if (ok)
      json_array_append_new(removed,
                            json_pack("{s:s, s:s}", "contact_id", id, "email", email ? email : ""));
  }
  ok = ok && (dry_run || kith_store_commit(s, &e));
  kith_decider_clear(&d);
  if (!ok) {
    kith_store_rollback(s);
    json_decref(removed);
    *code = 500;
    return json_pack("{s:s}", "error", e ? e->message : "failed");
  }
  return json_pack("{s:b, s:b, s:s, s:o, s:b}", "ok", TRUE, "dry_run", dry_run, "activity_id",
                   activity, "contacts", removed, "suppressed", !allow && !dry_run);
}

/* POST /api/v1/unsuppress {"email"}: lets kith create a removed address
 * again, as `kith unsuppress` does. The engagement log has no action for
 * it (CONTRACT.md section 6), so the service's log says it. */
static json_t *unsuppress(kith_api *api, json_t *body, unsigned *code)
{
  g_autoptr(GError) e = NULL;
  const char *given = json_string_value(json_object_get(body, "email"));
  g_autofree char *email = given ? kith_address_normalize(given, &e) : NULL;
  if (!email) {
    *code = 400;
    return json_pack("{s:s}", "error", "email: not an address");
  }
  gboolean was = FALSE;
  if (!kith_state_unsuppress(api->ctx.store, email, &was, &e)) {
    *code = 500;
    return json_pack("{s:s}", "error", e->message);
  }
  if (!was) {
    *code = 404;
    return json_pack("{s:s}", "error", "that address is not suppressed");
  }
  if (api->ctx.log_admin)
    api->ctx.log_admin("unsuppress",
                       json_pack("{s:s, s:s}", "email", email, "message",
                                 "may be created again (R50 suppression lifted)"),
                       api->ctx.user_data);
  return json_pack("{s:b, s:s, s:b}", "ok", TRUE, "email", email, "suppressed", FALSE);
}

static void plan_item(const char *what, const char *email, const char *id, const char *detail,
                      gpointer data)
{
  json_array_append_new(data, json_pack("{s:s, s:s, s:s, s:s}", "what", what, "email", email, "id",
                                        id, "detail", detail));
}

static json_t *dedup(kith_api *api, json_t *body, unsigned *code)
{
  json_t *dry = json_object_get(body, "dry_run");
  gboolean dry_run = !json_is_false(dry); /* a preview unless told otherwise */
  kith_decider d;
  kith_record_decider_init(&d, api->ctx.store, api->ctx.config);
  kith_dedup_stats st = {0};
  json_t *plan = json_array();
  g_autoptr(GError) e = NULL;
  gboolean ok = (dry_run || kith_store_begin(api->ctx.store, &e)) &&
                kith_rules_dedup(&d, dry_run, plan_item, plan, &st, &e) &&
                (dry_run || kith_store_commit(api->ctx.store, &e));
  kith_decider_clear(&d);
  if (!ok) {
    kith_store_rollback(api->ctx.store);
    json_decref(plan);
    *code = 500;
    return json_pack("{s:s}", "error", e ? e->message : "failed");
  }
  return json_pack("{s:b, s:i, s:i, s:i, s:i, s:o}", "dry_run", dry_run, "groups", st.groups,
                   "deleted", st.deleted, "kept", st.kept, "roles_moved", st.roles_moved, "plan",
                   plan);
}

static gboolean csv_row(const char *const *values, gpointer data)
{
  /* Section 6: a download is for people, so a value a spreadsheet would
   * evaluate (an ICS UID can be =HYPERLINK(...)) is written as text. */
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  kith_csv_append_row(data, values, o->n_columns, KITH_CSV_SPREADSHEET_SAFE);
  return TRUE;
}

static gboolean alternate_csv_row(const char *const *values, gpointer data)
{
  kith_csv_append_row(data, values, KITH_ALTERNATE_N_COLUMNS, KITH_CSV_SPREADSHEET_SAFE);
  return TRUE;
}

static gboolean alternate_json_row(const char *const *values, gpointer data)
{
  json_t *row = json_object();
  for (guint i = 0; i < KITH_ALTERNATE_N_COLUMNS; i++)
    json_object_set_new(row, kith_alternate_columns[i], json_string(values[i] ? values[i] : ""));
  json_array_append_new(data, row);
  return TRUE;
}

/* GET /api/v1/alternates[?format=csv|json]: every address kept from
 * becoming a second contact for one person (R43), as `kith report
 * alternates` lists them. A failed read is a 500, never an empty list. */
static enum MHD_Result alternates(kith_api *api, struct MHD_Connection *c, const char *path,
                                  const char *format)
{
  gboolean csv = strcmp(format, "csv") == 0;
  if (*format && !csv && strcmp(format, "json") != 0)
    return reply_error(api, c, path, 400, "format: csv or json");
  g_autoptr(GString) text = g_string_new(NULL);
  json_t *rows = json_array();
  if (csv)
    kith_csv_append_row(text, kith_alternate_columns, KITH_ALTERNATE_N_COLUMNS,
                        KITH_CSV_SPREADSHEET_SAFE);
  g_autoptr(GError) e = NULL;
  kith_store *s = read_begin(api);
  gboolean ok = kith_person_alternates_each(s, csv ? alternate_csv_row : alternate_json_row,
                                            csv ? (gpointer)text : (gpointer)rows, &e);
  /* The Account's name beside its Id, for the console (JSON only: the CSV
   * keeps the report's columns). */
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row)
  {
    g_autofree char *name = kith_report_record_name(
        s, json_string_value(json_object_get(row, "AccountId")), &e);
    if (!name) {
      ok = FALSE;
      break;
    }
    json_object_set_new(row, "AccountName", json_string(name));
  }
  read_end(api);
  if (!ok) {
    json_decref(rows);
    return reply_error(api, c, path, 500, "the alternates could not be read from the store");
  }
  if (!csv)
    return reply_json(api, c, path, 200, json_pack("{s:o}", "alternates", rows));
  json_decref(rows);
  return reply(api, c, path, 200, "text/csv; charset=utf-8", text->str, text->len,
               "attachment; filename=\"kith-alternates.csv\"");
}

static void metrics(kith_api *api, kith_store *s, GString *out)
{
  json_t *m = kith_report_metrics(s);
  g_string_append(out, "# HELP kith_activities_total Activities captured, by state.\n"
                       "# TYPE kith_activities_total gauge\n");
  const char *state;
  json_t *v;
  json_object_foreach(json_object_get(m, "activities"), state, v)
      g_string_append_printf(out, "kith_activities_total{state=\"%s\"} %" JSON_INTEGER_FORMAT "\n",
                             state, json_integer_value(v));
  g_string_append(out, "# HELP kith_decisions_total Engagement log entries, by action and reason.\n"
                       "# TYPE kith_decisions_total counter\n");
  size_t i;
  json_array_foreach(json_object_get(m, "decisions"), i, v) g_string_append_printf(
      out, "kith_decisions_total{action=\"%s\",reason=\"%s\"} %" JSON_INTEGER_FORMAT "\n",
      json_string_value(json_object_get(v, "action")),
      json_string_value(json_object_get(v, "reason")),
      json_integer_value(json_object_get(v, "count")));
  json_decref(m);
  json_t *t = kith_report_totals(s);
  g_string_append_printf(out,
                         "# HELP kith_outbox_depth Changes waiting for sync.\n"
                         "# TYPE kith_outbox_depth gauge\nkith_outbox_depth %" JSON_INTEGER_FORMAT
                         "\n",
                         json_integer_value(json_object_get(t, "outbox_depth")));
  json_decref(t);
  if (api->ctx.add_metrics)
    api->ctx.add_metrics(out, api->ctx.user_data);
  g_string_append(out, "# HELP kith_http_requests_total HTTP requests, by route and status.\n"
                       "# TYPE kith_http_requests_total counter\n");
  g_mutex_lock(&api->counts_lock);
  GHashTableIter it;
  gpointer key, count;
  g_hash_table_iter_init(&it, api->requests);
  while (g_hash_table_iter_next(&it, &key, &count)) {
    const char *sp = strrchr(key, ' ');
    g_autofree char *route = g_strndup(key, sp - (char *)key);
    g_string_append_printf(out, "kith_http_requests_total{path=\"%s\",code=\"%s\"} %u\n", route,
                           sp + 1, GPOINTER_TO_UINT(count));
  }
  g_mutex_unlock(&api->counts_lock);
}

/* ---- the review queue (docs/review.md) -------------------------------------- */

/* GET /api/v1/review: the queue is brought up to the log first when it is
 * behind and the store is free; a busy store (a sync, a scan) is not waited
 * for: the list is then what the last refresh found. A store that cannot
 * say or do it is a 500 with its message, never a list that looks whole. */
static enum MHD_Result review_list(kith_api *api, struct MHD_Connection *c, const char *path)
{
  const char *state = arg(c, "state");
  if (*state && strcmp(state, "open") != 0 && strcmp(state, "all") != 0)
    return reply_error(api, c, path, 400, "state: open or all");
  g_autoptr(GError) e = NULL;
  kith_store *s = read_begin(api);
  kith_lookup_answer behind = kith_review_behind(s, &e);
  read_end(api);
  if (behind == KITH_LOOKUP_FOUND && g_mutex_trylock(api->ctx.lock)) {
    if (!kith_resolve_refresh(api->ctx.store, api->ctx.config, &e))
      behind = KITH_LOOKUP_ERROR;
    g_mutex_unlock(api->ctx.lock);
  }
  if (behind == KITH_LOOKUP_ERROR)
    return reply_error(api, c, path, 500, e ? e->message : "the review queue could not be read");
  unsigned code = 200;
  s = read_begin(api);
  json_t *out = kith_api_review_items(s, strcmp(state, "all") == 0, &code);
  read_end(api);
  return reply_json(api, c, path, code, out);
}

static enum MHD_Result route(kith_api *api, struct MHD_Connection *c, const char *method,
                             const char *path, json_t *body)
{
  gboolean get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
  unsigned code = 200;
  json_t *out = NULL;
  if (strcmp(path, "/metrics") == 0 && get) {
    g_autoptr(GString) text = g_string_new(NULL);
    kith_store *s = read_begin(api);
    metrics(api, s, text);
    read_end(api);
    return reply(api, c, path, 200, "text/plain; version=0.0.4; charset=utf-8", text->str,
                 text->len, NULL);
  }
  const char *format = arg(c, "format");
  if (get && strcmp(path, "/api/v1/created") == 0 && *format && strcmp(format, "csv") != 0 &&
      strcmp(format, "json") != 0)
    return reply_error(api, c, path, 400, "format: csv or json");
  if (get && strcmp(path, "/api/v1/created") == 0 && strcmp(format, "csv") == 0) {
    g_autoptr(GString) csv = g_string_new(NULL);
    const kith_crm_object *o = kith_crm_object_lookup("Contact");
    g_autofree const char **names = g_new(const char *, o->n_columns);
    for (guint i = 0; i < o->n_columns; i++)
      names[i] = o->columns[i].name;
    kith_csv_append_row(csv, names, o->n_columns, KITH_CSV_SPREADSHEET_SAFE);
    kith_store *s = read_begin(api);
    kith_crm_export_created(s, csv_row, csv, NULL);
    read_end(api);
    return reply(api, c, path, 200, "text/csv; charset=utf-8", csv->str, csv->len,
                 "attachment; filename=\"kith-created.csv\"");
  }
  if (get && strcmp(path, "/api/v1/alternates") == 0)
    return alternates(api, c, path, format);
  if (get && strcmp(path, "/api/v1/review") == 0)
    return review_list(api, c, path);
  if (get) {
    /* Reads: never behind the service's lock. */
    kith_store *s = read_begin(api);
    if (strcmp(path, "/api/v1/status") == 0)
      out = status(api, s);
    else if (strcmp(path, "/api/v1/counts") == 0)
      out = kith_report_counts(s, int_arg(c, "days", 30), kith_time_now_unix());
    else if (strcmp(path, "/api/v1/log") == 0)
      out = kith_report_log(s, arg(c, "email"), arg(c, "action"), arg(c, "reason"), arg(c, "q"),
                            int_arg(c, "limit", 50), int_arg(c, "offset", 0));
    else if (strcmp(path, "/api/v1/explain") == 0)
      out = explain(s, c, &code);
    else if (strcmp(path, "/api/v1/created") == 0)
      out = kith_report_created(s);
    else if (strcmp(path, "/api/v1/config") == 0) {
      g_autofree char *text = kith_config_describe(api->ctx.config);
      g_autofree char *shown = kith_api_hide_passwords(text);
      out = json_pack("{s:s?, s:s}", "path", api->ctx.config->path, "text", shown);
    }
    read_end(api);
    if (!out)
      return reply_error(api, c, path, 404, "no such API call");
    return reply_json(api, c, path, code, out);
  }
  if (post && strcmp(path, "/api/v1/sync") == 0) {
    /* Not under the store's lock: the sync takes it for each step, and lets
     * it go while it waits on the CRM. */
    out = api->ctx.sync_now ? api->ctx.sync_now(api->ctx.user_data)
                            : json_pack("{s:b, s:s}", "ok", FALSE, "message", "no sync here");
  } else {
    g_mutex_lock(api->ctx.lock);
    if (post && strcmp(path, "/api/v1/remove") == 0)
      out = remove_contact(api, body, &code);
    else if (post && strcmp(path, "/api/v1/remove_activity") == 0)
      out = remove_activity(api, body, &code);
    else if (post && strcmp(path, "/api/v1/unsuppress") == 0)
      out = unsuppress(api, body, &code);
    else if (post && strcmp(path, "/api/v1/dedup") == 0)
      out = dedup(api, body, &code);
    else if (post && (strcmp(path, "/api/v1/review/accept") == 0 ||
                      strcmp(path, "/api/v1/review/reject") == 0))
      out = kith_api_review_decide(api->ctx.store, api->ctx.config,
                                   strcmp(path, "/api/v1/review/accept") == 0, body, &code);
    g_mutex_unlock(api->ctx.lock);
  }
  if (!out)
    return reply_error(api, c, path, (get || post) ? 404 : 405,
                       (get || post) ? "no such API call" : "method not allowed");
  return reply_json(api, c, path, code, out);
}

static enum MHD_Result add_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
  gsize *total = cls;
  *total += strlen(key) + (value ? strlen(value) : 0) + 2;
  return MHD_YES;
}

/* Answers from the request line and headers alone what needs no body: a
 * foreign Host, a long URL, a missing token, a body that is not JSON or
 * announced over the limit. Runs before any of the body is read, so a
 * refused request's body is never buffered. TRUE when it answered. */
static gboolean refuse_early(kith_api *api, struct MHD_Connection *c, const char *url,
                             const char *method, enum MHD_Result *result)
{
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_LENGTH);
  gboolean get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
  gboolean is_static = strcmp(url, "/") == 0 || g_str_has_prefix(url, "/static/");
  gsize query = 0;
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_length, &query);
  if (!host_allowed(api, host))
    *result = reply_error(api, c, url, 421,
                          "this server does not answer to that Host name ([serve] allowed_hosts)");
  else if (strlen(url) + query > MAX_URL)
    *result = reply_error(api, c, "other", 414, "the URL is too long");
  else if (!get && !(post && !is_static))
    *result = reply_error(api, c, url, 405, "method not allowed");
  else if (is_static)
    return FALSE;
  else if (!authorised(api, c))
    *result = reply_error(api, c, url, 401,
                          "a valid token is needed (Authorization: Bearer TOKEN)");
  else if (post && (!type || !g_str_has_prefix(type, "application/json")))
    *result = reply_error(api, c, url, 415, "a POST body must be application/json");
  else if (post && length && g_ascii_strtoull(length, NULL, 10) > MAX_BODY)
    *result = reply_error(api, c, url, 413, "the request body is over 64 KiB");
  else
    return FALSE;
  return TRUE;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
  kith_api *api = cls;
  request_state *rs = *con_cls;
  if (!rs) {
    rs = g_new0(request_state, 1);
    rs->body = g_string_new(NULL);
    *con_cls = rs;
    enum MHD_Result r = MHD_YES;
    rs->answered = refuse_early(api, c, url, method, &r);
    return r;
  }
  if (rs->answered) {
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    /* Only a chunked body gets here past the limit (an announced length
     * was refused early): drop the connection rather than read on. */
    if (rs->body->len + *upload_size > MAX_BODY)
      return MHD_NO;
    g_string_append_len(rs->body, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (strcmp(url, "/") == 0 || g_str_has_prefix(url, "/static/"))
    return serve_static(api, c, url);
  json_t *body = NULL;
  if (strcmp(method, "POST") == 0) {
    body = json_loadb(rs->body->str, rs->body->len, 0, NULL);
    if (!json_is_object(body)) {
      json_decref(body);
      return reply_error(api, c, url, 400, "the body is not a JSON object");
    }
  }
  enum MHD_Result r = route(api, c, method, url, body);
  json_decref(body);
  return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  request_state *rs = *con_cls;
  if (rs) {
    g_string_free(rs->body, TRUE);
    g_free(rs);
    *con_cls = NULL;
  }
}

/* libmicrohttpd's own warnings (a connection refused at a limit, a
 * malformed request) go to the service's log, at most LOG_PER_SECOND a
 * second: a flood of connections must not become a flood of lines. */
static void log_http(void *cls, const char *fmt, va_list ap)
{
  kith_api *api = cls;
  if (!api->ctx.log_http)
    return;
  gint64 second = g_get_monotonic_time() / G_USEC_PER_SEC;
  guint dropped = 0;
  g_mutex_lock(&api->log_lock);
  if (second != api->log_second) {
    api->log_second = second;
    api->log_count = 0;
  }
  gboolean say = api->log_count < LOG_PER_SECOND;
  if (say) {
    api->log_count++;
    dropped = api->log_dropped;
    api->log_dropped = 0;
  } else {
    api->log_dropped++;
  }
  g_mutex_unlock(&api->log_lock);
  if (!say)
    return;
  g_autofree char *message = g_strdup_vprintf(fmt, ap);
  g_strstrip(message);
  if (dropped) {
    g_autofree char *more = g_strdup_printf("%s (and %u more not logged)", message, dropped);
    api->ctx.log_http(more, api->ctx.user_data);
  } else {
    api->ctx.log_http(message, api->ctx.user_data);
  }
}

kith_api *kith_api_start(const kith_api_context *ctx, const char *listen, gboolean allow_remote,
                         GError **error)
{
  if (!ctx->token || strlen(ctx->token) < KITH_API_TOKEN_MIN) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE,
                "the API token is too short (at least %d "
                "characters)",
                KITH_API_TOKEN_MIN);
    return NULL;
  }
  const char *colon = strrchr(listen, ':');
  g_autofree char *host = colon ? g_strndup(listen, colon - listen) : g_strdup("127.0.0.1");
  int port = colon ? atoi(colon + 1) : 8765;
  if (host[0] == '[') {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE, "[serve] listen: IPv6 is not supported yet");
    return NULL;
  }
  if (strcmp(host, "localhost") == 0) {
    g_free(host);
    host = g_strdup("127.0.0.1");
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE, "[serve] listen: '%s' is not an IPv4 address",
                host);
    return NULL;
  }
  gboolean loopback = (ntohl(addr.sin_addr.s_addr) >> 24) == 127;
  if (!loopback && !allow_remote) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE,
                "[serve] listen: %s is not a loopback address; set allow_remote = on to serve it",
                host);
    return NULL;
  }
  kith_api *api = g_new0(kith_api, 1);
  api->ctx = *ctx;
  g_mutex_init(&api->counts_lock);
  g_mutex_init(&api->reader_lock);
  api->reader = kith_store_open(kith_store_path(ctx->store), KITH_STORE_READ, NULL);
  g_mutex_init(&api->log_lock);
  api->requests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  api->hosts = g_ptr_array_new_with_free_func(g_free);
  api->port = (guint)port;
  gboolean local_names = loopback || addr.sin_addr.s_addr == htonl(INADDR_ANY);
  if (port) {
    add_listen_names(api, host, local_names);
    g_atomic_int_set(&api->hosts_ready, 1);
  }
  /* A thread per connection: a slow client holds its own thread only, and
   * a handler waiting for the store lock holds up no other connection.
   * The idle timeout closes what stops sending; the limits keep what keeps
   * trickling from taking every slot (see docs/serve.md). */
  api->daemon = MHD_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0, NULL,
      NULL, on_request, api, MHD_OPTION_EXTERNAL_LOGGER, log_http, api, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, api,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
      MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAX_PER_IP,
      MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, MHD_OPTION_END);
  if (!api->daemon) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "[serve] listen: cannot listen on %s",
                listen);
    kith_api_stop(api);
    return NULL;
  }
  if (!port) {
    /* Until the chosen port is known nobody can name it: refused meanwhile. */
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(api->daemon, MHD_DAEMON_INFO_BIND_PORT);
    api->port = info ? info->port : 0;
    add_listen_names(api, host, local_names);
    g_atomic_int_set(&api->hosts_ready, 1);
  }
  return api;
}

guint kith_api_port(const kith_api *api)
{
  return api->port;
}

void kith_api_stop(kith_api *api)
{
  if (!api)
    return;
  if (api->daemon)
    MHD_stop_daemon(api->daemon);
  g_hash_table_unref(api->requests);
  g_ptr_array_unref(api->hosts);
  g_mutex_clear(&api->counts_lock);
  g_mutex_clear(&api->log_lock);
  kith_store_close(api->reader);
  g_mutex_clear(&api->reader_lock);
  g_free(api);
}
