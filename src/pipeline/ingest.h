/* ingest.h - the pipeline: capture -> extract -> rules -> store, in batches,
 * with the parse workers of capture/pool.h. */
#pragma once

#include "capture/capture.h"
#include "config/config.h"
#include "store/store.h"

typedef struct {
  kith_capture_stats capture;
  guint new_activities;
  guint duplicates;
  GHashTable *counts;                       /* decisions: "action" or "action/reason" -> count */
  guint decided;                            /* activities decided */
  double capture_seconds;                   /* reading, parsing and storing the activities */
  double decide_seconds, median_us, p99_us; /* time spent deciding, per activity */
} kith_ingest_result;

/* Where an ingest got to. */
typedef struct {
  const char *phase; /* "capture", "decide" */
  guint files;       /* files, or a live source's messages and events, read */
  guint done;        /* activities stored (capture) or decided (decide) */
  double seconds;    /* since the ingest began */
  gboolean last;     /* the phase is over */
  /* A team source's Users (capture): done of total; 0 of 0 otherwise. */
  guint users_done, users_total;
  /* The capture's time left, from the Users still to read at the pace of
   * those done; -1 when it cannot be told (no User done yet, not a team
   * source, or the phase over). */
  double eta_seconds;
} kith_ingest_progress;

/* How an ingest tells what happens as it goes; each may be NULL. on_error:
 * an input that cannot be read ("FILE", "FILE:LINE"), or a warning about
 * one (WHY starts "warning: "). on_progress: now and then (every 256
 * activities, each team source's User done), and LAST at the end of each
 * phase. */
typedef struct {
  void (*on_error)(const char *where, const char *why, gpointer user_data);
  void (*on_progress)(const kith_ingest_progress *progress, gpointer user_data);
  gpointer user_data;
} kith_ingest_report;

/* Captures PATHS into STORE, then decides every pending activity, oldest
 * first. Errors in the input go to REPORT (may be NULL) and are counted;
 * FALSE only when the store fails. */
gboolean kith_ingest_paths(kith_store *store, const kith_config *config, const char *const *paths,
                           const kith_ingest_report *report, kith_ingest_result *result,
                           GError **error);
/* The same for a configured [source NAME] (files, IMAP or CalDAV). */
gboolean kith_ingest_source(kith_store *store, const kith_config *config,
                            const kith_source_config *source, const kith_ingest_report *report,
                            kith_ingest_result *result, GError **error);
void kith_ingest_result_clear(kith_ingest_result *r);
