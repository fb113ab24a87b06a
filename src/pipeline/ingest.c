/* ingest.c - the pipeline: capture -> extract -> rules -> store (outbox). The
 * one place that ties them together; kith ingest, run, demo and serve call it. */
#include "pipeline/ingest.h"

#include "capture/source.h"
#include "extract/name.h"
#include "extract/quoted.h"
#include "extract/signature.h"
#include "extract/title.h"
#include "pipeline/record.h"
#include "store/bounce.h"
#include "store/lookup.h"
#include "store/privacy.h"
#include "store/schema.h"
#include "store/state.h"
#include "util/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define COMMIT_EVERY 5000

typedef struct {
  kith_store *store;
  kith_decider decider;
  const kith_title_rules *titles;
  kith_ingest_result *result;
  GError *error;        /* a store failure: stops the capture */
  GError *cursor_error; /* a live source's cursor could not be read: stops it too */
  guint in_batch;
  const kith_ingest_report *report; /* may be NULL */
  gint64 started;
  /* Observations of this batch not yet written: address -> its fields'
   * newest (person_obs). A short capture writes them in address order at
   * commit, so that the upserts walk the observation table's b-tree in
   * order; an address seen twice in a batch is written once. */
  GHashTable *obs;
  guint n_obs; /* fields held in obs */
  /* A long capture (past its first commit) appends its observations to
   * observation_log and merges them at its end. Once it has stored as many
   * activities as the store held before it, it also drops
   * KITH_SCHEMA_DEFERRED_INDEX and builds it at its end: building the
   * index costs a sort of every participant ever stored, worth it only when
   * this capture's own make up half of them or more. */
  gboolean long_capture;
  gboolean index_dropped;
  gint64 activities_before; /* the activities stored before this capture */
  /* A live source waits on its server: the store's lock and transaction
   * are let go meanwhile (store_pause), and taken again when the capture
   * next hands something over (store_resume). */
  gboolean paused;
  /* The activities this capture stored as pending, as the decisions will
   * want them (kith_state_activity_as_stored), by Id: decided from memory
   * rather than read back from the store. Bounded by HELD_MAX_BYTES; past
   * it, the rest are read back as before. */
  GHashTable *held;
  gsize held_bytes;
} ingest_ctx;

/* About 50,000 activities of four participants. */
#define HELD_MAX_BYTES (32u << 20)

static gsize held_size(const kith_stored_activity *a)
{
  gsize n = sizeof *a + 64 + strlen(a->id) * 2 + strlen(a->subject) +
            (a->origin ? strlen(a->origin) : 0) + a->participants->len * sizeof(gpointer);
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    n += sizeof *p + 48 + strlen(p->email) + (p->name ? strlen(p->name) : 0) +
         (p->first_name ? strlen(p->first_name) : 0) + (p->last_name ? strlen(p->last_name) : 0);
  }
  return n;
}

/* Keeps A, stored as pending with the names FIRSTS/LASTS, for its decision. */
static void hold(ingest_ctx *c, const kith_activity *a, char **firsts, char **lasts)
{
  if (c->held_bytes >= HELD_MAX_BYTES)
    return;
  kith_stored_activity *s = kith_state_activity_as_stored(a, firsts, lasts);
  c->held_bytes += held_size(s);
  g_hash_table_replace(c->held, s->id, s);
}

typedef struct {
  char *value; /* NULL: not seen in this batch */
  gint64 time;
  char *activity_id;
} pending_obs;

typedef struct {
  pending_obs field[KITH_FIELD_COUNT];
} person_obs;

static void person_obs_free(gpointer p)
{
  person_obs *o = p;
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    g_free(o->field[f].value);
    g_free(o->field[f].activity_id);
  }
  g_free(o);
}

/* Written before a batch reaches this many, whatever the batch size. */
#define OBS_MAX 16384

static void progress(ingest_ctx *c, const char *phase, guint done, gboolean last)
{
  if (!c->report || !c->report->on_progress)
    return;
  const kith_capture_stats *st = &c->result->capture;
  kith_ingest_progress p = {.phase = phase,
                            .files = st->files,
                            .done = done,
                            .seconds = (g_get_monotonic_time() - c->started) / 1e6,
                            .last = last,
                            .users_done = st->users_done,
                            .users_total = st->users_total,
                            .eta_seconds = -1};
  /* The Users left at the pace of those done: the first pass's long part. */
  if (!last && strcmp(phase, "capture") == 0 && p.users_done && p.users_done <= p.users_total)
    p.eta_seconds = p.seconds / p.users_done * (p.users_total - p.users_done);
  c->report->on_progress(&p, c->report->user_data);
}

/* A capture's reading moved on (a team source's User done). */
static void capture_moved_on(gpointer user_data)
{
  ingest_ctx *c = user_data;
  progress(c, "capture", c->result->new_activities, FALSE);
}

/* An input kith cannot read, or a warning about one. */
static void report_error(const ingest_ctx *c, const char *where, const char *why)
{
  if (c->report && c->report->on_error)
    c->report->on_error(where, why, c->report->user_data);
}

static gint compare_keys(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the batched fields of EMAIL. */
static gboolean write_person(ingest_ctx *c, const char *email, const person_obs *o)
{
  gboolean ok = TRUE;
  for (int f = 0; ok && f < KITH_FIELD_COUNT; f++) {
    const pending_obs *p = &o->field[f];
    if (p->value)
      ok = (c->long_capture ? kith_state_observe_later : kith_state_observe)(
          c->store, email, kith_field_name(f), p->value, p->time, p->activity_id, &c->error);
  }
  return ok;
}

/* Writes the batch's observations, each only if newer than the stored one
 * (kith_state_observe), in address order; a long capture appends them to
 * the log in any order (kith_state_observe_later), to be merged in order. */
static gboolean flush_observations(ingest_ctx *c)
{
  if (!c->obs || g_hash_table_size(c->obs) == 0)
    return TRUE;
  gboolean ok = TRUE;
  if (c->long_capture) {
    GHashTableIter it;
    gpointer email, o;
    g_hash_table_iter_init(&it, c->obs);
    while (ok && g_hash_table_iter_next(&it, &email, &o))
      ok = write_person(c, email, o);
  } else {
    guint n = 0;
    g_autofree gpointer *emails = g_hash_table_get_keys_as_array(c->obs, &n);
    qsort(emails, n, sizeof *emails, compare_keys);
    for (guint i = 0; ok && i < n; i++)
      ok = write_person(c, emails[i], g_hash_table_lookup(c->obs, emails[i]));
  }
  g_hash_table_remove_all(c->obs);
  c->n_obs = 0;
  return ok;
}

/* Keeps VALUE of field F for EMAIL unless the batch holds one as new or newer. */
static gboolean observe(ingest_ctx *c, const char *email, kith_field f, const char *value,
                        gint64 time, const char *activity_id)
{
  if (!value || !*value)
    return TRUE; /* showing no value is not an observation */
  person_obs *o = g_hash_table_lookup(c->obs, email);
  if (!o) {
    o = g_new0(person_obs, 1);
    g_hash_table_insert(c->obs, g_strdup(email), o);
  }
  pending_obs *p = &o->field[f];
  if (p->value) {
    if (!kith_state_observation_newer(time, activity_id, p->time, p->activity_id))
      return TRUE;
    g_free(p->value);
    g_free(p->activity_id);
  } else {
    c->n_obs++;
  }
  *p = (pending_obs){g_strdup(value), time, g_strdup(activity_id)};
  return c->n_obs < OBS_MAX || flush_observations(c);
}

/* What an activity shows of its people, worked out from the activity alone
 * (so on a capture worker thread when the reader has them). */
typedef struct {
  guint n;
  char **firsts, **lasts; /* per participant; NULL where the name gives none */
  gint sender;            /* the email's sender, whose signature was read; -1 if none */
  kith_signature *sig;
  char *dept, *seniority, *persona; /* from the signature's title */
  GPtrArray *quoted; /* kith_quoted_name: names the text ties to addresses (docs/names.md) */
} prepared;

static void prepared_free(gpointer data)
{
  prepared *pr = data;
  for (guint i = 0; i < pr->n; i++) {
    g_free(pr->firsts[i]);
    g_free(pr->lasts[i]);
  }
  g_free(pr->firsts);
  g_free(pr->lasts);
  kith_signature_free(pr->sig);
  g_free(pr->dept);
  g_free(pr->seniority);
  g_free(pr->persona);
  if (pr->quoted)
    g_ptr_array_unref(pr->quoted);
  g_free(pr);
}

/* R4 for every participant, R5 for the sender's signature, and the names
 * the text ties to addresses (kith's reading of R4, docs/names.md). Reads
 * only the activity, the title rules and the configuration: safe on any
 * thread. */
static void prepare(kith_activity *a, gpointer user_data)
{
  ingest_ctx *c = user_data;
  prepared *pr = g_new0(prepared, 1);
  pr->n = a->participants->len;
  /* Not GStrv: a participant without a name leaves a NULL in the middle. */
  pr->firsts = g_new0(char *, pr->n + 1);
  pr->lasts = g_new0(char *, pr->n + 1);
  pr->sender = -1;
  for (guint i = 0; i < pr->n; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    kith_name_parse(p->name, p->email, &pr->firsts[i], &pr->lasts[i]);
    if (pr->sender >= 0 || a->kind != KITH_ACTIVITY_EMAIL || p->role != KITH_PART_FROM)
      continue;
    pr->sender = (gint)i;
    /* Only an outside sender's signature is ever kept: none is read from
     * automatic mail (R10) or from a sender in the org's own domains (R11). */
    if (!a->sender_text || a->automatic ||
        kith_config_is_internal_domain(c->decider.config, p->domain))
      continue;
    pr->sig = kith_signature_extract(a->sender_text, p->email, pr->firsts[i], pr->lasts[i]);
    if (pr->sig->title)
      kith_title_classify(c->titles, pr->sig->title, &pr->dept, &pr->seniority, &pr->persona);
  }
  /* Any sender's text, the team's own too: a colleague's forward or reply
   * quotes the headers that name outside people. Only their names are
   * kept, and only for addresses R11 lets through (ingest_activity). */
  pr->quoted = kith_quoted_names(a, pr->sender, pr->firsts, pr->lasts,
                                 pr->sig && pr->sig->last_name);
  kith_activity_forget_text(a); /* read: not kept a moment longer */
  if (a->prepared && a->prepared_free)
    a->prepared_free(a->prepared);
  a->prepared = pr;
  a->prepared_free = prepared_free;
}

/* Records what this activity shows of external participant I (R4, R5):
 * the display name's parts, and for an email's sender the signature. A
 * participant whose display name and signature give no full name takes
 * the one its text ties to its address (docs/names.md). */
static gboolean observe_participant(ingest_ctx *c, const kith_activity *a, const prepared *pr,
                                    guint i)
{
  const kith_participant *p = g_ptr_array_index(a->participants, i);
  const kith_signature *sig = pr->sender == (gint)i ? pr->sig : NULL;
  const char *first = pr->firsts[i], *last = pr->lasts[i];
  /* When the display name gives none, the signature's name may (R4). */
  const kith_quoted_name *q = NULL;
  if (sig && !last && sig->last_name) {
    first = sig->first_name;
    last = sig->last_name;
  } else if (!last && (q = kith_quoted_for(pr->quoted, i))) {
    first = q->first_name;
    last = q->last_name;
  }
  gboolean ok = observe(c, p->email, KITH_FIELD_FIRST_NAME, first, a->time, a->id) &&
                observe(c, p->email, KITH_FIELD_LAST_NAME, last, a->time, a->id);
  if (ok && sig) {
    ok = observe(c, p->email, KITH_FIELD_TITLE, sig->title, a->time, a->id) &&
         observe(c, p->email, KITH_FIELD_PHONE, sig->phone, a->time, a->id) &&
         observe(c, p->email, KITH_FIELD_COUNTRY, sig->country, a->time, a->id) &&
         observe(c, p->email, KITH_FIELD_STATE, sig->state, a->time, a->id);
    if (ok && sig->title)
      ok = observe(c, p->email, KITH_FIELD_DEPARTMENT, pr->dept, a->time, a->id) &&
           observe(c, p->email, KITH_FIELD_SENIORITY, pr->seniority, a->time, a->id) &&
           observe(c, p->email, KITH_FIELD_PERSONA, pr->persona, a->time, a->id);
  }
  return ok;
}

/* The names the text ties to addresses that are no participant of A (a
 * quoted header's), for those R11 lets through: an observation like any
 * other (R37-R39), at A's time. */
static gboolean observe_quoted(ingest_ctx *c, const kith_activity *a, const prepared *pr)
{
  for (guint k = 0; pr->quoted && k < pr->quoted->len; k++) {
    const kith_quoted_name *q = g_ptr_array_index(pr->quoted, k);
    kith_reason skip = KITH_REASON_NONE;
    if (q->participant >= 0)
      continue;
    if (!kith_rules_participant_skip(&c->decider, q->email, KITH_CUTYPE_PERSON, &skip, NULL,
                                     &c->error))
      return FALSE;
    if (skip)
      continue;
    if (!observe(c, q->email, KITH_FIELD_FIRST_NAME, q->first_name, a->time, a->id) ||
        !observe(c, q->email, KITH_FIELD_LAST_NAME, q->last_name, a->time, a->id))
      return FALSE;
  }
  return TRUE;
}

static gboolean commit_batch(ingest_ctx *c, gboolean reopen)
{
  if (!flush_observations(c) || !kith_store_commit(c->store, &c->error))
    return FALSE;
  c->in_batch = 0;
  return !reopen || kith_store_begin(c->store, &c->error);
}

static gboolean ingest_activity(ingest_ctx *c, kith_activity *a, kith_reason skip);

/* Before a live source waits on its server: what it handed over is stored
 * (with the cursor kept since), and the store's lock let go, so that the
 * console's API and the service's other work go on meanwhile. A failure is
 * kept in C->error and stops the capture at its next hand-over. */
static void store_pause(ingest_ctx *c)
{
  if (c->paused)
    return;
  /* never let the lock go with a transaction open: after a failure the
   * batch is given up now, as the end of the ingest would */
  if (c->error || !commit_batch(c, FALSE))
    kith_store_rollback(c->store);
  kith_store_unlock(c->store);
  c->paused = TRUE;
}

/* The store's lock and a transaction again after store_pause; FALSE when
 * the store failed (C->error), with the lock held all the same. */
static gboolean store_resume(ingest_ctx *c)
{
  if (c->paused) {
    kith_store_lock(c->store);
    c->paused = FALSE;
    /* sync or an import may have changed the CRM's records meanwhile */
    kith_decider_forget_crm(&c->decider);
    if (!c->error)
      kith_store_begin(c->store, &c->error);
  }
  return !c->error;
}

static gboolean on_activity(kith_activity *a, gpointer user_data)
{
  ingest_ctx *c = user_data;
  kith_decider *d = &c->decider;
  if (c->cursor_error || !store_resume(c))
    return FALSE;
  if (a->warning) {
    g_autofree char *why = g_strdup_printf("warning: %s", a->warning);
    report_error(c, a->origin ? a->origin : a->id, why);
  }
  /* R13: a time later than now is taken as now, so that mail dated in the
   * future cannot outrank the observations that come after it. */
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  if (a->time > now)
    a->time = now;
  a->unauthenticated = kith_rules_unauthenticated(d->config, a->auth_results, NULL);
  if (!a->prepared || a->prepared_free != prepared_free)
    prepare(a, c); /* a reader that has no worker threads */
  const prepared *pr = a->prepared;
  /* R2: a colleague's other address, named by a User's full name, is that
   * User's: learned before R10 asks whether the activity has users. */
  if (!kith_rules_learn_aliases(d, a, pr->firsts, pr->lasts, &c->error))
    return FALSE;
  kith_reason skip = KITH_REASON_NONE;
  if (!kith_rules_activity_skip(d, a, &skip, &c->error))
    return FALSE;
  if (skip == KITH_REASON_SUBJECT_FILTERED) {
    /* The administrator asked kith to stay out of these: keep no subject. */
    g_free(a->subject);
    a->subject = g_strdup("");
  }
  gint64 seq = 0;
  if (!kith_state_activity_insert(c->store, a, skip ? "skipped" : "pending", kith_reason_name(skip),
                                  &seq, &c->error))
    return FALSE;
  if (seq == 0) {
    /* R10: ingested before. Counted in the summary, never logged again, so
     * that re-reading an export daily does not grow the log (section 6). */
    c->result->duplicates++;
    return TRUE;
  }
  c->result->new_activities++;
  /* R45: who a notification says bounced, and who wrote again since. */
  if (!kith_state_bounce_note(c->store, a, &c->error))
    return FALSE;
  if (!kith_state_participants_add(c->store, seq, a, pr->firsts, pr->lasts, &c->error))
    return FALSE;
  if (!skip)
    hold(c, a, pr->firsts, pr->lasts);
  return ingest_activity(c, a, skip);
}

static gboolean ingest_activity(ingest_ctx *c, kith_activity *a, kith_reason skip)
{
  kith_decider *d = &c->decider;
  const prepared *pr = a->prepared;
  guint n = a->participants->len;
  if (skip) {
    g_autofree char *why = g_strdup_printf(
        "skipped: the %s '%s' %s (R10)", kith_activity_kind_name(a->kind), a->subject,
        skip == KITH_REASON_AUTOMATIC   ? "was sent automatically"
        : skip == KITH_REASON_CANCELLED ? "was cancelled"
        : skip == KITH_REASON_NO_USERS  ? "has no CRM User among its participants"
                                        : "matches exclude_subjects");
    kith_decision x = {.action = KITH_ACTION_ACTIVITY_SKIPPED,
                       .reason = skip,
                       .rule = "R10",
                       .activity_id = a->id,
                       .detail = why};
    if (!kith_decider_emit(d, &x, &c->error))
      return FALSE;
  } else if (!a->unauthenticated) { /* R12: forged mail is no observation */
    for (guint i = 0; i < n; i++) {
      const kith_participant *p = g_ptr_array_index(a->participants, i);
      kith_reason why = KITH_REASON_NONE;
      if (!kith_rules_participant_skip(d, p->email, p->cutype, &why, NULL, &c->error))
        return FALSE;
      if (why)
        continue;
      if (!observe_participant(c, a, pr, i))
        return FALSE;
    }
    if (!observe_quoted(c, a, pr))
      return FALSE;
  }
  if (++c->in_batch >= COMMIT_EVERY) {
    if (!commit_batch(c, TRUE))
      return FALSE;
    c->long_capture = TRUE;
    /* The participants' address index built once at the end rather than
     * kept up to date message by message. */
    if (!c->index_dropped && c->result->new_activities >= c->activities_before) {
      if (!kith_store_exec(c->store, "DROP INDEX IF EXISTS " KITH_SCHEMA_DEFERRED_INDEX_NAME,
                           &c->error))
        return FALSE;
      c->index_dropped = TRUE;
    }
  }
  if ((c->result->new_activities & 255) == 0)
    progress(c, "capture", c->result->new_activities, FALSE);
  return TRUE;
}

static gboolean want_file(const char *path, gint64 size, gint64 mtime, gpointer user_data)
{
  ingest_ctx *c = user_data;
  if (c->error)
    return FALSE; /* the capture is stopping */
  /* A failed look-up reads nothing and stops the capture with its error. */
  return kith_state_file_seen(c->store, path, size, mtime, &c->error) == KITH_LOOKUP_NONE;
}

static gboolean file_read(const char *path, gint64 size, gint64 mtime, gpointer user_data)
{
  ingest_ctx *c = user_data;
  return c->error || kith_state_file_read(c->store, path, size, mtime, &c->error);
}

/* A live source's cursor, kept in the store under the source's name. A
 * cursor that cannot be read is no "none": read as one, the source would
 * start again from the top. Its error stops the capture: nothing more is
 * taken or kept. */
typedef struct {
  kith_store *store;
  const char *source;
  ingest_ctx *c;
} source_cursor;

static char *cursor_get(const char *key, gpointer user_data)
{
  source_cursor *sc = user_data;
  char *value = NULL;
  if (!sc->c->cursor_error && !store_resume(sc->c))
    sc->c->cursor_error = g_error_copy(sc->c->error);
  if (!sc->c->cursor_error)
    kith_state_source_get(sc->store, sc->source, key, &value, &sc->c->cursor_error);
  return value;
}

static gboolean cursor_failed(const source_cursor *sc, GError **error)
{
  if (!sc->c->cursor_error)
    return FALSE;
  g_propagate_error(error, g_error_copy(sc->c->cursor_error));
  return TRUE;
}

/* The store's failure, when the capture passed its own ERROR. */
static gboolean store_failed(ingest_ctx *c, GError **error)
{
  if (error != &c->error && c->error)
    g_propagate_error(error, g_error_copy(c->error));
  return FALSE;
}

static gboolean cursor_set(const char *key, const char *value, gpointer user_data, GError **error)
{
  const source_cursor *sc = user_data;
  if (cursor_failed(sc, error))
    return FALSE;
  if (!store_resume(sc->c))
    return store_failed(sc->c, error);
  return kith_state_source_set(sc->store, sc->source, key, value, error);
}

static gboolean cursor_clear(const char *prefix, gpointer user_data, GError **error)
{
  const source_cursor *sc = user_data;
  if (cursor_failed(sc, error))
    return FALSE;
  if (!store_resume(sc->c))
    return store_failed(sc->c, error);
  return kith_state_source_clear(sc->store, sc->source, prefix, error);
}

static void cursor_flush(gpointer user_data)
{
  const source_cursor *sc = user_data;
  store_pause(sc->c);
}

static GPtrArray *cursor_users(gpointer user_data, GError **error)
{
  const source_cursor *sc = user_data;
  if (cursor_failed(sc, error))
    return NULL;
  if (!store_resume(sc->c)) {
    store_failed(sc->c, error);
    return NULL;
  }
  return kith_lookup_active_user_emails(sc->store, error);
}

static void on_error(const char *where, const char *why, gpointer user_data)
{
  report_error(user_data, where, why);
}

static gboolean ingest(kith_store *store, const kith_config *config, const char *const *paths,
                       const kith_source_config *source, const kith_ingest_report *report,
                       kith_ingest_result *result, GError **error);
static gboolean retain(kith_store *store, const kith_config *config, GError **error);

gboolean kith_ingest_paths(kith_store *store, const kith_config *config, const char *const *paths,
                           const kith_ingest_report *report, kith_ingest_result *result,
                           GError **error)
{
  return ingest(store, config, paths, NULL, report, result, error);
}

gboolean kith_ingest_source(kith_store *store, const kith_config *config,
                            const kith_source_config *source, const kith_ingest_report *report,
                            kith_ingest_result *result, GError **error)
{
  return ingest(store, config, NULL, source, report, result, error);
}

/* Decision times in whole microseconds, counted per microsecond up to
 * 100 ms (slower ones counted at 100 ms): the median and p99 come out
 * exact at that grain, in fixed memory however many activities. */
#define LATENCY_MAX_US 100000

typedef struct {
  guint32 *counts; /* LATENCY_MAX_US + 1, made on first use */
  guint n;
} latency;

static void latency_add(latency *l, gint64 us)
{
  if (!l->counts)
    l->counts = g_new0(guint32, LATENCY_MAX_US + 1);
  l->counts[CLAMP(us, 0, LATENCY_MAX_US)]++;
  l->n++;
}

static double latency_quantile(const latency *l, double q)
{
  if (!l->n)
    return 0;
  guint64 rank = (guint64)(l->n * q), seen = 0;
  for (guint us = 0; us <= LATENCY_MAX_US; us++) {
    seen += l->counts[us];
    if (seen > rank)
      return us;
  }
  return LATENCY_MAX_US;
}

void kith_ingest_result_clear(kith_ingest_result *r)
{
  g_clear_pointer(&r->counts, g_hash_table_unref);
}

static gboolean ingest(kith_store *store, const kith_config *config, const char *const *paths,
                       const kith_source_config *source, const kith_ingest_report *report,
                       kith_ingest_result *result, GError **error)
{
  memset(result, 0, sizeof *result);
  /* The store is this ingest's until it returns, but for a live source's
   * waits on its server (store_pause). */
  kith_store_lock(store);
  ingest_ctx c = {.store = store,
                  .result = result,
                  .report = report,
                  .started = g_get_monotonic_time(),
                  .obs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, person_obs_free),
                  .held = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify)kith_stored_activity_free)};
  kith_record_decider_init(&c.decider, store, config);
  c.activities_before = kith_state_activities_stored(store);
  kith_title_rules *custom = NULL;
  if (config->title_rules && *config->title_rules) {
    custom = kith_title_rules_load(config->title_rules, error);
    if (!custom) {
      kith_decider_clear(&c.decider);
      g_hash_table_unref(c.obs);
      g_hash_table_unref(c.held);
      kith_store_unlock(store);
      return FALSE;
    }
  }
  c.titles = custom ? custom : kith_title_rules_default();
  gboolean ok = kith_store_begin(store, error);
  if (ok) {
    /* Every body is read (body_wanted NULL): prepare looks for names in
     * the team's own mail too. */
    kith_capture_sink sink = {.on_activity = on_activity,
                              .on_error = on_error,
                              .user_data = &c,
                              .prepare = prepare,
                              .progress = capture_moved_on};
    if (source && source->type == KITH_SOURCE_FILES) {
      /* A watched source: files read before and unchanged since are skipped. */
      sink.want_file = want_file;
      sink.file_read = file_read;
    }
    if (source) {
      source_cursor sc = {store, source->name, &c};
      kith_source_cursor cursor = {.get = cursor_get,
                                   .set = cursor_set,
                                   .clear = cursor_clear,
                                   .flush = cursor_flush,
                                   .users = cursor_users,
                                   .user_data = &sc};
      ok = kith_source_capture(&cursor, source, &sink, &result->capture, &c.error);
      store_resume(&c);
      if (c.cursor_error) {
        g_clear_error(&c.error);
        g_propagate_error(&c.error, g_steal_pointer(&c.cursor_error));
        ok = FALSE;
      }
    } else {
      kith_capture_paths(paths, &sink, &result->capture);
    }
    if (ok && !c.error && c.long_capture)
      ok = flush_observations(&c) && kith_state_observations_merge(store, &c.error);
    if (ok && !c.error && c.index_dropped)
      ok = kith_store_exec_sorted(store, KITH_SCHEMA_DEFERRED_INDEX, &c.error);
    ok = ok && !c.error && commit_batch(&c, FALSE);
    progress(&c, "capture", result->new_activities, TRUE);
    result->capture_seconds = (g_get_monotonic_time() - c.started) / 1e6;
  }
  /* Decide in time order, so the first activity that names someone is the
   * one that creates them, whatever order the files came in; a page of Ids
   * at a time, so memory does not grow with the mailbox. Those decided are
   * marked so a page and a commit at a time, one statement each
   * (kith_state_decided_through). */
  ok = ok && kith_store_begin(store, &c.error);
  /* A capture large against the store (index_dropped) is decided without
   * the indexes no decision reads, built once after. */
  if (ok && c.index_dropped)
    ok = kith_store_exec(store, KITH_SCHEMA_DECISION_INDEXES_DROP, &c.error);
  /* what the decider kept while capturing may be older than the capture */
  kith_decider_forget_crm(&c.decider);
  latency took = {0};
  gint64 decide_start = g_get_monotonic_time(), after_time = G_MININT64;
  g_autofree char *after_id = g_strdup("");
  guint done = 0;
  while (ok) {
    g_autoptr(GPtrArray)
        page = kith_state_pending_page(store, &after_time, &after_id, 1024, &c.error);
    if (!page) {
      ok = FALSE;
      break;
    }
    if (page->len == 0)
      break;
    for (guint i = 0; ok && i < page->len; i++) {
      const char *id = g_ptr_array_index(page, i);
      gint64 t0 = g_get_monotonic_time();
      kith_stored_activity *a = NULL;
      if (!g_hash_table_steal_extended(c.held, id, NULL, (gpointer *)&a))
        a = kith_state_activity_load(store, id, &c.error);
      ok = a && kith_rules_decide(&c.decider, a, &c.error);
      gint64 time = a ? a->time : 0;
      kith_stored_activity_free(a);
      latency_add(&took, g_get_monotonic_time() - t0);
      /* a commit mid-page marks the page up to this activity */
      if (ok && ++c.in_batch >= COMMIT_EVERY)
        ok = kith_state_decided_through(store, time, id, &c.error) && commit_batch(&c, TRUE);
      if (ok && (++done & 255) == 0)
        progress(&c, "decide", done, FALSE);
    }
    /* the whole page decided: AFTER_TIME and AFTER_ID are its last */
    if (ok)
      ok = kith_state_decided_through(store, after_time, after_id, &c.error);
  }
  if (ok) {
    ok = commit_batch(&c, FALSE) &&
         (!c.index_dropped ||
          kith_store_exec_sorted(store, KITH_SCHEMA_DECISION_INDEXES, &c.error)) &&
         retain(store, config, &c.error);
    progress(&c, "decide", done, TRUE);
  }
  result->decided = took.n;
  result->decide_seconds = (g_get_monotonic_time() - decide_start) / 1e6;
  result->median_us = latency_quantile(&took, 0.5);
  result->p99_us = latency_quantile(&took, 0.99);
  g_free(took.counts);
  if (!ok) {
    kith_store_rollback(store);
    if (c.error)
      g_propagate_error(error, c.error);
    /* Best effort: the next writing open builds them otherwise. */
    if (c.index_dropped)
      kith_store_exec(store, KITH_SCHEMA_DEFERRED_INDEX ";" KITH_SCHEMA_DECISION_INDEXES, NULL);
    if (c.long_capture)
      kith_state_observations_merge(store, NULL);
  }
  result->counts = g_steal_pointer(&c.decider.counts);
  kith_decider_clear(&c.decider);
  g_hash_table_unref(c.obs);
  g_hash_table_unref(c.held);
  kith_title_rules_free(custom);
  kith_store_unlock(store);
  return ok;
}

/* [org] retain_days: what kith keeps of addresses with no CRM record is
 * forgotten once older than that; looked at once a day. */
static gboolean retain(kith_store *store, const kith_config *config, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
  g_autofree char *last = NULL;
  if (kith_store_meta_get(store, "retention_day", &last, error) == KITH_LOOKUP_ERROR)
    return FALSE;
  if (last && strcmp(last, today) == 0)
    return TRUE;
  kith_purge_counts n;
  gint64 cutoff = g_date_time_to_unix(now) - (gint64)config->retain_days * 24 * 3600;
  return kith_privacy_purge_expired(store, cutoff, &n, error) &&
         kith_store_meta_set(store, "retention_day", today, error);
}
