/* service.c - the service: capture as mail arrives, sync every interval,
 * dedup daily, and serve the administrator's console, until SIGTERM. */
#include "serve/service.h"

#include "pipeline/ingest.h"
#include "pipeline/record.h"
#include "rules/maintain.h"
#include "serve/api.h"
#include "store/outbox.h"
#include "sync/salesforce.h"
#include "sync/sync.h"
#include "util/secret.h"
#include "util/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  const kith_config *config;
  kith_store *store;
  /* The store's lock (kith_store_share): the API takes it for one read or
   * one transaction; the work holds it while it works on the store (an
   * ingest for its whole run, in batches of transactions) but lets it go
   * whenever it waits on a server (a sync's requests, a live source's
   * fetches: store_pause in pipeline/ingest.c), so the console's API
   * answers meanwhile. */
  GMutex lock;
  GMutex work;       /* one piece of work at a time: a sync, a scan, the dedup */
  GMutex state_lock; /* LAST_* and the counters, which the API's status reads: never
                        held across I/O, so the console answers during a sync */
  GMainLoop *loop;
  gint64 started;
  json_t *last_sync;
  json_t *last_ingest;
  json_t *progress; /* the scan under way, for the console; NULL between scans */
  guint syncs_ok, syncs_failed, scans;
  GPtrArray *monitors;  /* GFileMonitor* of files sources */
  GHashTable *due;      /* names of sources a monitor saw change */
  guint debounce;       /* timeout id, 0 when none is pending */
  gint64 due_since;     /* when the pending scan was first asked for */
  char *last_dedup_day; /* "2026-11-27" */
} service;

/* One JSON object a line on stderr: the service's log. */
static void log_event(const char *level, const char *event, json_t *fields)
{
  json_t *j = fields ? fields : json_object();
  g_autofree char *now = kith_time_now();
  json_object_set_new(j, "time", json_string(now));
  json_object_set_new(j, "level", json_string(level));
  json_object_set_new(j, "event", json_string(event));
  char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
  fprintf(stderr, "%s\n", text);
  fflush(stderr);
  free(text);
  json_decref(j);
}

static json_t *counts_json(GHashTable *counts)
{
  json_t *j = json_object();
  GHashTableIter it;
  gpointer k, v;
  if (counts) {
    g_hash_table_iter_init(&it, counts);
    while (g_hash_table_iter_next(&it, &k, &v))
      json_object_set_new(j, k, json_integer(GPOINTER_TO_UINT(v)));
  }
  return j;
}

/* ---- the work, one piece at a time; each takes the store lock for its steps -- */

static json_t *run_sync(service *svc)
{
  kith_sync_stats st = {0};
  g_autoptr(GError) error = NULL;
  g_mutex_lock(&svc->work);
  gboolean ok = kith_sync_run(svc->store, svc->config, &st, &error);
  g_mutex_unlock(&svc->work);
  g_autofree char *now = kith_time_now();
  g_autofree char *message = kith_api_hide_passwords(ok ? "" : error->message);
  json_t *r = json_pack("{s:s, s:b, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "time", now, "ok", ok,
                        "message", message, "contacts_created", st.contacts_created,
                        "contacts_linked", st.contacts_linked, "roles_created", st.roles_created,
                        "fields_updated", st.fields_updated, "contacts_deleted",
                        st.contacts_deleted, "contacts_removed", st.contacts_removed);
  g_mutex_lock(&svc->state_lock);
  if (ok)
    svc->syncs_ok++;
  else
    svc->syncs_failed++;
  json_decref(svc->last_sync);
  svc->last_sync = json_incref(r);
  g_mutex_unlock(&svc->state_lock);
  log_event(ok ? "info" : "error", "sync", json_deep_copy(r));
  return r;
}

static json_t *api_sync_now(gpointer user_data)
{
  return run_sync(user_data); /* waits for the work in hand, not holding the store */
}

/* An input a scan cannot read, or a warning about one: a line of the log. */
static void log_capture_error(const char *where, const char *why, gpointer user_data)
{
  g_autofree char *shown = kith_api_hide_passwords(where);
  log_event(g_str_has_prefix(why, "warning: ") ? "warning" : "error", "capture",
            json_pack("{s:s, s:s}", "where", shown, "message", why));
}

typedef struct {
  service *svc;
  const kith_source_config *src;
} scan_ctx;

/* Where a scan got to, as the console's status shows it (docs/api.md). */
static void scan_progress(const kith_ingest_progress *p, gpointer user_data)
{
  scan_ctx *sc = user_data;
  json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:f}", "source", sc->src->name, "phase",
                        p->phase, "users_done", p->users_done, "users_total", p->users_total,
                        "messages", p->files, "activities", p->done, "seconds", p->seconds);
  json_object_set_new(j, "eta_seconds",
                      p->eta_seconds >= 0 ? json_integer((json_int_t)(p->eta_seconds + 0.5))
                                          : json_null());
  g_mutex_lock(&sc->svc->state_lock);
  json_decref(sc->svc->progress);
  sc->svc->progress = j;
  g_mutex_unlock(&sc->svc->state_lock);
}

static void scan_source(service *svc, const kith_source_config *src)
{
  kith_ingest_result r;
  g_autoptr(GError) error = NULL;
  scan_ctx sc = {svc, src};
  const kith_ingest_report report = {log_capture_error, scan_progress, &sc};
  g_mutex_lock(&svc->work);
  gboolean ok = kith_ingest_source(svc->store, svc->config, src, &report, &r, &error);
  g_mutex_unlock(&svc->work);
  g_mutex_lock(&svc->state_lock);
  g_clear_pointer(&svc->progress, json_decref);
  g_mutex_unlock(&svc->state_lock);
  svc->scans++;
  g_autofree char *now = kith_time_now();
  json_t *j = json_pack("{s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:o}", "time", now, "source",
                        src->name, "ok", ok, "files", r.capture.files, "activities",
                        r.new_activities, "duplicates", r.duplicates, "errors", r.capture.errors,
                        "decisions", counts_json(r.counts));
  if (!ok) {
    g_autofree char *message = kith_api_hide_passwords(error->message);
    json_object_set_new(j, "message", json_string(message));
  }
  kith_ingest_result_clear(&r);
  if (r.new_activities || !ok || r.capture.errors) {
    /* The API's handlers read it from their own threads. */
    g_mutex_lock(&svc->state_lock);
    json_decref(svc->last_ingest);
    svc->last_ingest = json_incref(j);
    g_mutex_unlock(&svc->state_lock);
  }
  log_event(ok ? "info" : "error", "ingest", json_deep_copy(j));
  json_decref(j);
}

static void scan_all(service *svc)
{
  for (guint i = 0; i < svc->config->sources->len; i++)
    scan_source(svc, g_ptr_array_index(svc->config->sources, i));
}

static gboolean on_sync_timer(gpointer data)
{
  service *svc = data;
  g_mutex_lock(&svc->lock);
  gboolean pending = kith_outbox_depth(svc->store) > 0 || svc->config->salesforce.enabled;
  g_mutex_unlock(&svc->lock);
  json_decref(pending ? run_sync(svc) : NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean on_scan_timer(gpointer data)
{
  scan_all(data);
  return G_SOURCE_CONTINUE;
}

/* Every minute: the daily dedup at [serve] dedup_at (UTC). */
static gboolean on_minute(gpointer data)
{
  service *svc = data;
  const char *at = svc->config->serve.dedup_at;
  if (!at || !*at)
    return G_SOURCE_CONTINUE;
  g_autofree char *now = kith_time_now(); /* 2026-11-27T03:00:05Z */
  g_autofree char *day = g_strndup(now, 10);
  g_autofree char *hhmm = g_strndup(now + 11, 5);
  if (strcmp(hhmm, at) < 0 || g_strcmp0(day, svc->last_dedup_day) == 0)
    return G_SOURCE_CONTINUE;
  /* The day of the last dedup is kept in the store: a restart after
   * dedup_at must not run a second one that day. */
  g_autofree char *stored = NULL;
  g_autoptr(GError) read_error = NULL;
  g_mutex_lock(&svc->lock);
  kith_lookup_answer seen = kith_store_meta_get(svc->store, "dedup_day", &stored, &read_error);
  g_mutex_unlock(&svc->lock);
  if (seen == KITH_LOOKUP_ERROR) {
    /* Not knowing whether today's dedup ran, run none: the next minute asks again. */
    g_autofree char *why = kith_api_hide_passwords(read_error->message);
    log_event("error", "dedup", json_pack("{s:b, s:s}", "ok", 0, "message", why));
    return G_SOURCE_CONTINUE;
  }
  g_free(svc->last_dedup_day);
  svc->last_dedup_day = g_strdup(day);
  if (g_strcmp0(stored, day) == 0)
    return G_SOURCE_CONTINUE;
  kith_decider d;
  kith_dedup_stats st = {0};
  g_autoptr(GError) error = NULL;
  g_mutex_lock(&svc->work);
  g_mutex_lock(&svc->lock);
  kith_record_decider_init(&d, svc->store, svc->config);
  gboolean ok = kith_store_begin(svc->store, &error) &&
                kith_rules_dedup(&d, FALSE, NULL, NULL, &st, &error) &&
                kith_store_meta_set(svc->store, "dedup_day", day, &error) &&
                kith_store_commit(svc->store, &error);
  if (!ok)
    kith_store_rollback(svc->store);
  kith_decider_clear(&d);
  g_mutex_unlock(&svc->lock);
  g_mutex_unlock(&svc->work);
  g_autofree char *message = kith_api_hide_passwords(ok ? "" : error->message);
  log_event(ok ? "info" : "error", "dedup",
            json_pack("{s:b, s:i, s:i, s:i, s:s}", "ok", ok, "groups", st.groups, "deleted",
                      st.deleted, "roles_moved", st.roles_moved, "message", message));
  return G_SOURCE_CONTINUE;
}

/* The same a second after start: a service started after dedup_at dedups
 * that day at once, unless the store says it already did. */
static gboolean on_start_minute(gpointer data)
{
  on_minute(data);
  return G_SOURCE_REMOVE;
}

static gboolean on_debounce(gpointer data)
{
  service *svc = data;
  svc->debounce = 0;
  svc->due_since = 0;
  GHashTableIter it;
  gpointer name;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  g_hash_table_iter_init(&it, svc->due);
  while (g_hash_table_iter_next(&it, &name, NULL))
    g_ptr_array_add(names, g_strdup(name));
  g_hash_table_remove_all(svc->due);
  for (guint i = 0; i < names->len; i++) {
    const kith_source_config *src = kith_config_source(svc->config, g_ptr_array_index(names, i));
    if (src)
      scan_source(svc, src);
  }
  return G_SOURCE_REMOVE;
}

static void on_changed(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent event,
                       gpointer data)
{
  service *svc = data;
  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN && event != G_FILE_MONITOR_EVENT_RENAMED)
    return;
  const char *name = g_object_get_data(G_OBJECT(m), "kith-source");
  g_hash_table_add(svc->due, g_strdup(name));
  /* Mail arrives in bursts: read once the burst is over, but never wait
   * more than five seconds while mail keeps coming. */
  gint64 now = g_get_monotonic_time();
  if (svc->debounce && now - svc->due_since < 5 * G_USEC_PER_SEC) {
    g_source_remove(svc->debounce);
    svc->debounce = 0;
  }
  if (!svc->debounce) {
    if (!svc->due_since)
      svc->due_since = now;
    svc->debounce = g_timeout_add(1500, on_debounce, svc);
  }
}

static void watch_sources(service *svc)
{
  for (guint i = 0; i < svc->config->sources->len; i++) {
    const kith_source_config *src = g_ptr_array_index(svc->config->sources, i);
    if (src->type != KITH_SOURCE_FILES)
      continue;
    g_autoptr(GFile) f = g_file_new_for_path(src->path);
    g_autoptr(GError) error = NULL;
    GFileMonitor *m = g_file_test(src->path, G_FILE_TEST_IS_DIR)
                          ? g_file_monitor_directory(f, G_FILE_MONITOR_WATCH_MOVES, NULL, &error)
                          : g_file_monitor_file(f, G_FILE_MONITOR_NONE, NULL, &error);
    if (!m) {
      g_autofree char *message = kith_api_hide_passwords(error->message);
      log_event("warning", "watch",
                json_pack("{s:s, s:s}", "source", src->name, "message", message));
      continue;
    }
    g_object_set_data_full(G_OBJECT(m), "kith-source", g_strdup(src->name), g_free);
    g_signal_connect(m, "changed", G_CALLBACK(on_changed), svc);
    g_ptr_array_add(svc->monitors, m);
  }
}

static gboolean on_signal(gpointer data)
{
  service *svc = data;
  log_event("info", "stopping",
            json_pack("{s:s}", "message", "signal received; finishing the work in hand"));
  g_main_loop_quit(svc->loop);
  return G_SOURCE_REMOVE;
}

/* ---- the API's view of the service ----------------------------------------------- */

static void add_status(json_t *status, gpointer data)
{
  service *svc = data;
  g_autoptr(GMutexLocker) locked = g_mutex_locker_new(&svc->state_lock);
  g_autofree char *started = kith_time_format(svc->started);
  json_object_set_new(status, "started", json_string(started));
  json_object_set_new(status, "uptime_s", json_integer(kith_time_now_unix() - svc->started));
  json_object_set_new(status, "last_sync",
                      svc->last_sync ? json_deep_copy(svc->last_sync) : json_null());
  json_object_set_new(status, "last_ingest",
                      svc->last_ingest ? json_deep_copy(svc->last_ingest) : json_null());
  json_object_set_new(status, "progress",
                      svc->progress ? json_deep_copy(svc->progress) : json_null());
  json_t *sources = json_array();
  for (guint i = 0; i < svc->config->sources->len; i++) {
    const kith_source_config *src = g_ptr_array_index(svc->config->sources, i);
    json_array_append_new(sources, json_pack("{s:s, s:s}", "name", src->name, "type",
                                             kith_source_type_name(src->type)));
  }
  json_object_set_new(status, "sources", sources);
}

static void log_http(const char *message, gpointer data)
{
  log_event("warning", "http", json_pack("{s:s}", "message", message));
}

static void log_admin(const char *event, json_t *fields, gpointer data)
{
  log_event("info", event, fields);
}

static void add_metrics(GString *out, gpointer data)
{
  service *svc = data;
  g_string_append_printf(
      out,
      "# HELP kith_syncs_total Syncs run by the service, by result.\n"
      "# TYPE kith_syncs_total counter\n"
      "kith_syncs_total{result=\"ok\"} %u\nkith_syncs_total{result=\"failed\"} %u\n"
      "# HELP kith_uptime_seconds Seconds since the service started.\n"
      "# TYPE kith_uptime_seconds gauge\nkith_uptime_seconds %" G_GINT64_FORMAT "\n",
      svc->syncs_ok, svc->syncs_failed, kith_time_now_unix() - svc->started);
}

/* ---- the files: the token, the store's modes ------------------------------------ */

/* Writes TEXT to a new file beside PATH, readable by its owner only, and
 * renames it to PATH. The temporary name is fresh and random and opened
 * O_EXCL|O_NOFOLLOW: a symlink planted beside PATH is never written through. */
static gboolean write_private(const char *path, const char *text, GError **error)
{
  g_autofree char *tmp = g_strconcat(path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                g_strerror(e));
    return FALSE;
  }
  gsize len = strlen(text);
  gboolean ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
  int e = errno;
  ok = close(fd) == 0 && ok;
  if (ok && rename(tmp, path) != 0) {
    e = errno;
    ok = FALSE;
  }
  if (!ok) {
    unlink(tmp);
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                g_strerror(e));
  }
  return ok;
}

/* The API token: read from PATH, or at first start made of 32 random bytes
 * (64 hex digits) and written there, readable by its owner only. */
char *kith_service_token(const char *path, gboolean *made, GError **error)
{
  *made = FALSE;
  if (g_file_test(path, G_FILE_TEST_EXISTS) || g_file_test(path, G_FILE_TEST_IS_SYMLINK))
    return kith_secret_read(path, error);
  guchar raw[32];
  if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "no random bytes for a token");
    return NULL;
  }
  g_autoptr(GString) hex = g_string_new(NULL);
  for (guint i = 0; i < sizeof raw; i++)
    g_string_append_printf(hex, "%02x", raw[i]);
  g_autofree char *line = g_strconcat(hex->str, "\n", NULL);
  if (!write_private(path, line, error))
    return NULL;
  *made = TRUE;
  return g_string_free(g_steal_pointer(&hex), FALSE);
}

/* The store holds the team's correspondents: take group and others' access
 * away from it and its WAL and SHM (SQLite gives them the store's mode,
 * whatever the umask), however `kith init` made it. Logged when it does. */
void kith_service_keep_private(const char *db_path)
{
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    g_autofree char *path = g_strconcat(db_path, suffixes[i], NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
      continue; /* no such file yet, or the store's open says why */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) {
      gboolean ok = fchmod(fd, st.st_mode & 0700) == 0;
      int e = errno;
      g_autofree char *was = g_strdup_printf("%03o", (unsigned)(st.st_mode & 0777));
      g_autofree char *now = g_strdup_printf("%03o", (unsigned)(st.st_mode & 0700));
      log_event("warning", "store_mode",
                json_pack("{s:s, s:s, s:s, s:s}", "path", path, "was", was, "now", ok ? now : was,
                          "message", ok ? "readable by its owner only now" : g_strerror(e)));
    }
    close(fd);
  }
}

gboolean kith_service_run(kith_store *store, const kith_config *config, const char *token,
                          const char *listen, GError **error)
{
  service svc = {.config = config, .store = store, .started = kith_time_now_unix()};
  g_mutex_init(&svc.lock);
  g_mutex_init(&svc.work);
  g_mutex_init(&svc.state_lock);
  kith_store_share(store, &svc.lock);
  svc.loop = g_main_loop_new(NULL, FALSE);
  svc.monitors = g_ptr_array_new_with_free_func(g_object_unref);
  svc.due = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  kith_api_context ctx = {.store = store,
                          .lock = &svc.lock,
                          .config = config,
                          .token = token,
                          .allowed_hosts = (const char *const *)config->serve.allowed_hosts,
                          .sync_now = api_sync_now,
                          .add_status = add_status,
                          .add_metrics = add_metrics,
                          .log_http = log_http,
                          .log_admin = log_admin,
                          .user_data = &svc};
  kith_api *api = kith_api_start(&ctx, listen ? listen : config->serve.listen,
                                 config->serve.allow_remote, error);
  if (!api) {
    kith_store_share(store, NULL);
    g_main_loop_unref(svc.loop);
    g_mutex_clear(&svc.lock);
    g_mutex_clear(&svc.work);
    g_mutex_clear(&svc.state_lock);
    return FALSE;
  }
  /* Before any work: a SIGTERM during the first scan is the loop's to
   * handle once the scan is done, not the default death. */
  g_unix_signal_add(SIGTERM, on_signal, &svc);
  g_unix_signal_add(SIGINT, on_signal, &svc);
  g_autofree char *url = g_strdup_printf("http://%s:%u/", "127.0.0.1", kith_api_port(api));
  log_event("info", "started",
            json_pack("{s:s, s:I, s:s, s:i, s:i, s:i}", "url", url, "port",
                      (json_int_t)kith_api_port(api), "store", kith_store_path(store), "sources",
                      config->sources->len, "sync_interval", config->serve.sync_interval,
                      "scan_interval", config->serve.scan_interval));
  if (config->sources->len == 0)
    log_event("warning", "no_sources",
              json_pack("{s:s}", "message",
                        "no [source] in kith.conf: nothing is captured, only sync and dedup run "
                        "(docs/sources.md)"));
  watch_sources(&svc);
  scan_all(&svc);
  g_timeout_add_seconds(config->serve.sync_interval, on_sync_timer, &svc);
  g_timeout_add_seconds(config->serve.scan_interval, on_scan_timer, &svc);
  g_timeout_add_seconds(60, on_minute, &svc);
  g_timeout_add_seconds(1, on_start_minute, &svc);
  g_main_loop_run(svc.loop);

  /* Stopped: no request is half-served, the queued work is in the store. */
  kith_api_stop(api);
  g_mutex_lock(&svc.lock);
  gint64 depth = kith_outbox_depth(store);
  g_mutex_unlock(&svc.lock);
  log_event("info", "stopped", json_pack("{s:I}", "outbox_depth", (json_int_t)depth));
  if (svc.debounce)
    g_source_remove(svc.debounce);
  g_ptr_array_unref(svc.monitors);
  g_hash_table_unref(svc.due);
  json_decref(svc.last_sync);
  json_decref(svc.last_ingest);
  json_decref(svc.progress);
  g_free(svc.last_dedup_day);
  g_main_loop_unref(svc.loop);
  kith_store_share(store, NULL);
  g_mutex_clear(&svc.lock);
  g_mutex_clear(&svc.work);
  g_mutex_clear(&svc.state_lock);
  return TRUE;
}
