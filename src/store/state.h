/* state.h - kith's own tables: activities, observations, links, log, suppression, Ids. */
#pragma once

#include "core/activity.h"
#include "store/store.h"

/* ---- activities ---------------------------------------------------------- */

/* A participant as stored, with the name the display name gave (R4). */
typedef struct {
  char *email;
  char *domain; /* inside email */
  char *name;
  char *first_name; /* from the display name, may be NULL */
  char *last_name;
  kith_part_role role;
  kith_cutype cutype;
} kith_stored_participant;

typedef struct {
  char *id;
  char *kind;
  gint64 time;
  char *subject;
  char *origin;
  gboolean unauthenticated; /* R12 */
  GPtrArray *participants; /* kith_stored_participant* in contract order */
} kith_stored_activity;

/* activity.flags */
#define KITH_ACTIVITY_FLAG_UNAUTHENTICATED 1

void kith_stored_activity_free(kith_stored_activity *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_stored_activity, kith_stored_activity_free)

/* About how many activities the store holds (the greatest key: activities
 * are never deleted, so it is their number). */
gint64 kith_state_activities_stored(kith_store *s);

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
/* The Ids of the activities still to decide, oldest first (time, then Id):
 * all of them at once (kith ingest takes them a page at a time). */
GPtrArray *kith_state_pending_activities(kith_store *s, GError **error);
/* The same a page at a time: at most LIMIT Ids after the activity at
 * (*TIME, *ID) in that order (start with G_MININT64 and ""); *TIME and *ID
 * (newly allocated) are moved to the last one given. Memory stays the same
 * however many activities wait. */
GPtrArray *kith_state_pending_page(kith_store *s, gint64 *time, char **id, guint limit,
                                   GError **error);
kith_stored_activity *kith_state_activity_load(kith_store *s, const char *id, GError **error);

/* ---- observations (R37-R39) ----------------------------------------------- */

/* Records VALUE for FIELD of EMAIL at TIME unless a newer one is kept (ties
 * broken by activity Id, so the order of ingestion never matters). */
gboolean kith_state_observe(kith_store *s, const char *email, const char *field,
                            const char *value, gint64 time, const char *activity_id,
                            GError **error);
/* The same, appended to observation_log for kith_state_observations_merge
 * to keep: for a long capture, whose observations are merged once at its end. */
gboolean kith_state_observe_later(kith_store *s, const char *email, const char *field,
                                  const char *value, gint64 time, const char *activity_id,
                                  GError **error);
/* Keeps what kith_state_observe_later appended (KITH_SCHEMA_OBSERVATION_MERGE). */
gboolean kith_state_observations_merge(kith_store *s, GError **error);
/* The order kith_state_observe keeps observations in (its SQL says the
 * same): a later TIME, or at the same time the greater ACTIVITY_ID. */
gboolean kith_state_observation_newer(gint64 time, const char *activity_id, gint64 than_time,
                                      const char *than_activity_id);
/* The newest observation; FALSE when there is none. *VALUE newly allocated. */
gboolean kith_state_observation(kith_store *s, const char *email, const char *field,
                                char **value, gint64 *time);
/* The same, with the Id of the activity that showed it (newly allocated). */
gboolean kith_state_observation_full(kith_store *s, const char *email, const char *field,
                                     char **value, gint64 *time, char **activity_id);

/* Every field's newest observation for EMAIL in one look-up: VALUES[f] and
 * TIMES[f] by kith_field (values newly allocated; NULL where none). */
void kith_state_observations(kith_store *s, const char *email, char **values, gint64 *times);
/* The same with the Id of the activity that showed each (ACTIVITY_IDS[f],
 * newly allocated; NULL where none). */
void kith_state_observations_full(kith_store *s, const char *email, char **values,
                                  gint64 *times, char **activity_ids);

/* The time of the observation a contact's field was last written from;
 * FALSE when none (a value imported from the CRM, older than every one). */
gboolean kith_state_field_source(kith_store *s, const char *contact_id, const char *field,
                                 gint64 *time);
gboolean kith_state_set_field_source(kith_store *s, const char *contact_id, const char *field,
                                     gint64 time, GError **error);

/* ---- links, log, suppression, Ids ---------------------------------------- */

gboolean kith_state_link(kith_store *s, const char *activity_id, const char *email,
                         const char *object_type, const char *object_id, GError **error);
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

gboolean kith_state_is_suppressed(kith_store *s, const char *email);
gboolean kith_state_suppress(kith_store *s, const char *email, const char *contact_id,
                             GError **error);
/* FALSE with *WAS = FALSE when the address was not suppressed. */
gboolean kith_state_unsuppress(kith_store *s, const char *email, gboolean *was, GError **error);

/* A fresh Id for a record kith creates (prefix "003" Contact, "00K" role). */
char *kith_state_new_id(kith_store *s, const char *prefix, GError **error);

/* Calls FN for every activity that named EMAIL, oldest first. */
typedef gboolean (*kith_activity_row_fn)(const char *id, const char *kind, gint64 time,
                                         const char *subject, const char *role, const char *state,
                                         const char *reason, gpointer user_data);
gboolean kith_state_activities_for(kith_store *s, const char *email, kith_activity_row_fn fn,
                                   gpointer user_data, GError **error);

/* ---- live sources --------------------------------------------------------- */

/* A value a source keeps between runs (KEY like "INBOX.uidvalidity"), newly
 * allocated, or NULL. */
char *kith_state_source_get(kith_store *s, const char *source, const char *key);
gboolean kith_state_source_set(kith_store *s, const char *source, const char *key,
                               const char *value, GError **error);
/* Removes every KEY of SOURCE starting with PREFIX (e.g. a folder's state
 * when its UIDVALIDITY changed). */
gboolean kith_state_source_clear(kith_store *s, const char *source, const char *prefix,
                                 GError **error);

/* Whether PATH was read before with this SIZE and MTIME; and recording it. */
gboolean kith_state_file_seen(kith_store *s, const char *path, gint64 size, gint64 mtime);
gboolean kith_state_file_read(kith_store *s, const char *path, gint64 size, gint64 mtime,
                              GError **error);
