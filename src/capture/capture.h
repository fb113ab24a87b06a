/* capture.h - paths to a stream of activities (CONTRACT.md section 3). */
#pragma once

#include "core/activity.h"

/* Called for every activity found, in a stable order. The activity is
 * borrowed: it is freed when the callback returns. Return FALSE to stop. */
typedef gboolean (*kith_activity_fn)(kith_activity *activity, gpointer user_data);

/* Called for every file or record that cannot be read: WHERE is "FILE" or
 * "FILE:LINE" (or "FILE: message N"), WHY a short reason. */
typedef void (*kith_capture_error_fn)(const char *where, const char *why, gpointer user_data);

typedef struct {
  guint files;   /* files read */
  guint ignored; /* files of no known kind inside walked folders */
  /* Those files by extension (".pdf"; "" for none, "hidden" for dot files),
   * in the order first met; past the last slot they are counted in
   * ignored only. */
  struct {
    char ext[16];
    guint n;
  } ignored_ext[8];
  guint errors;     /* files or records reported through the error callback */
  guint activities; /* activities handed to the callback */
  guint unchanged;  /* files want_file skipped */
  guint64 bytes;    /* bytes of input read */
  /* A team source's Users: how many it reads this run, and how many of
   * them are done (read, or skipped after an error); 0 of 0 otherwise. */
  guint users_total, users_done;
} kith_capture_stats;

/* Optional: asked before a file is read (FALSE skips it, e.g. unchanged since
 * the last scan) and told after it was read. */
typedef gboolean (*kith_capture_file_fn)(const char *path, gint64 size, gint64 mtime,
                                         gpointer user_data);

/* Optional: work on an activity that needs nothing but the activity (name
 * parsing, signature reading), set in activity->prepared. It may run on
 * another thread, several at once, before on_activity is called for it;
 * on_activity must not count on it having run (not every reader calls it). */
typedef void (*kith_capture_prepare_fn)(kith_activity *activity, gpointer user_data);

/* Optional: asked, possibly on another thread, with the domain of an email's
 * sender as its raw From header gives it (lower case, before the message
 * is parsed). FALSE lets the reader leave the body unread: the activity's
 * sender_text is then NULL. A reader checks the parsed sender against the
 * domain asked about and reads the body after all when they differ. */
typedef gboolean (*kith_capture_body_fn)(const char *sender_domain, gpointer user_data);

/* Optional: told that a long reading moved on where no activity shows it
 * (a team source's User done), so that progress can be reported. */
typedef void (*kith_capture_progress_fn)(gpointer user_data);

typedef struct {
  kith_activity_fn on_activity;
  kith_capture_error_fn on_error;
  gpointer user_data;
  kith_capture_file_fn want_file;    /* may be NULL */
  kith_capture_file_fn file_read;    /* may be NULL */
  kith_capture_prepare_fn prepare;   /* may be NULL */
  kith_capture_body_fn body_wanted;  /* may be NULL: every body is read */
  kith_capture_progress_fn progress; /* may be NULL */
} kith_capture_sink;

/* Captures every path: files by kind, folders walked recursively in name
 * order, Maildirs (cur/ new/ tmp/) message by message. A file of no known
 * kind named directly is an error; inside a folder it is counted in
 * STATS->ignored. Returns FALSE only when the callback stopped the walk. */
gboolean kith_capture_paths(const char *const *paths, const kith_capture_sink *sink,
                            kith_capture_stats *stats);
