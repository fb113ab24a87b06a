/* state.h - kith's own tables: activities, observations, links, log, suppression, Ids.
 * What writes them; the look-ups are in store/stateread.h. */
#pragma once

#include "core/activity.h"
#include "store/stateread.h"

/* ---- activities ---------------------------------------------------------- */

/* Stores the activity with STATE "pending", "skipped" (with REASON) or
 * "decided": *SEQ is its key, or 0 when it was stored before and nothing
 * was written. Then its participants under that key; FIRSTS/LASTS (may be
 * NULL) are the parsed names per participant. */
gboolean kith_state_activity_insert(kith_store *s, const kith_activity *a, const char *state,
                                    const char *reason, gint64 *seq, GError **error);
gboolean kith_state_participants_add(kith_store *s, gint64 seq, const kith_activity *a,
                                     char **firsts, char **lasts, GError **error);
gboolean kith_state_activity_set_state(kith_store *s, const char *id, const char *state,
                                       const char *reason, GError **error);
/* Marks "decided" every pending activity at or before (TIME, ID) in the
 * order kith_state_pending_page gives them: for a caller that decided
 * them all in that order, one statement where one a row would do. */
gboolean kith_state_decided_through(kith_store *s, gint64 time, const char *id, GError **error);
/* What kith_state_activity_load would read back of A once stored with the
 * names FIRSTS/LASTS (may be NULL): kept in memory by a caller that decides
 * it in the same run, so that it need not be read again. */
kith_stored_activity *kith_state_activity_as_stored(const kith_activity *a, char **firsts,
                                                    char **lasts);

/* ---- observations (R37-R39) ----------------------------------------------- */

/* Records VALUE for FIELD of EMAIL at TIME unless a newer one is kept (ties
 * broken by activity Id, so the order of ingestion never matters). */
gboolean kith_state_observe(kith_store *s, const char *email, const char *field, const char *value,
                            gint64 time, const char *activity_id, GError **error);
/* The same, appended to observation_log for kith_state_observations_merge
 * to keep: for a long capture, whose observations are merged once at its end. */
gboolean kith_state_observe_later(kith_store *s, const char *email, const char *field,
                                  const char *value, gint64 time, const char *activity_id,
                                  GError **error);
/* Keeps what kith_state_observe_later appended (KITH_SCHEMA_OBSERVATION_MERGE). */
gboolean kith_state_observations_merge(kith_store *s, GError **error);

/* R39: TIME is the observation FIELD of CONTACT_ID was last written from. */
gboolean kith_state_set_field_source(kith_store *s, const char *contact_id, const char *field,
                                     gint64 time, GError **error);

/* ---- links, log, suppression, Ids ---------------------------------------- */

gboolean kith_state_link(kith_store *s, const char *activity_id, const char *email,
                         const char *object_type, const char *object_id, GError **error);
/* Links every decided activity naming EMAIL to the record OBJECT_ID (an
 * address a person accepted as another address of that contact). */
gboolean kith_state_link_address(kith_store *s, const char *email, const char *object_type,
                                 const char *object_id, GError **error);
/* Points every link to FROM_ID at TO_ID (R42, R61). */
gboolean kith_state_relink(kith_store *s, const char *from_id, const char *to_type,
                           const char *to_id, GError **error);

typedef struct {
  const char *activity_id;
  const char *email;
  const char *action;
  const char *reason;
  const char *object_id;
  const char *rule;
  const char *detail; /* a plain sentence for kith explain */
} kith_log_entry;

gboolean kith_state_log(kith_store *s, const kith_log_entry *entry, GError **error);

/* Calls ROW for every log entry (oldest first), of EMAIL only when given. */
typedef gboolean (*kith_log_row_fn)(const char *time, const kith_log_entry *entry,
                                    gpointer user_data);
gboolean kith_state_log_each(kith_store *s, const char *email, kith_log_row_fn row,
                             gpointer user_data, GError **error);

gboolean kith_state_suppress(kith_store *s, const char *email, const char *contact_id,
                             GError **error);
/* FALSE with *WAS = FALSE when the address was not suppressed. */
gboolean kith_state_unsuppress(kith_store *s, const char *email, gboolean *was, GError **error);

/* A fresh Id for a record kith creates (prefix "003" Contact, "00K" role). */
char *kith_state_new_id(kith_store *s, const char *prefix, GError **error);

/* ---- live sources --------------------------------------------------------- */

gboolean kith_state_source_set(kith_store *s, const char *source, const char *key,
                               const char *value, GError **error);
/* Removes every KEY of SOURCE starting with PREFIX (e.g. a folder's state
 * when its UIDVALIDITY changed). */
gboolean kith_state_source_clear(kith_store *s, const char *source, const char *prefix,
                                 GError **error);

/* Records that PATH was read with this SIZE and MTIME. */
gboolean kith_state_file_read(kith_store *s, const char *path, gint64 size, gint64 mtime,
                              GError **error);
