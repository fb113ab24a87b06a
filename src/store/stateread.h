/* stateread.h - the look-ups of kith's own tables (activities, observations,
 * suppression, bounces, sources): each answers found, none or error, and
 * none of them writes. What the rules may read; store/state.h writes. */
#pragma once

#include "core/activity.h"
#include "store/store.h"

/* ---- activities ---------------------------------------------------------- */

typedef struct {
  char *id;
  char *kind;
  gint64 time;
  char *subject;
  char *origin;
  gboolean unauthenticated; /* R12 */
  GPtrArray *participants;  /* kith_participant* in contract order, with the
                              names the display name gave (R4) */
} kith_stored_activity;

/* activity.flags */
#define KITH_ACTIVITY_FLAG_UNAUTHENTICATED 1

void kith_stored_activity_free(kith_stored_activity *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_stored_activity, kith_stored_activity_free)

/* About how many activities the store holds (the greatest key: activities
 * are never deleted, so it is their number). */
gint64 kith_state_activities_stored(kith_store *s);

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

/* The order kith_state_observe keeps observations in (its SQL says the
 * same): a later TIME, or at the same time the greater ACTIVITY_ID. */
gboolean kith_state_observation_newer(gint64 time, const char *activity_id, gint64 than_time,
                                      const char *than_activity_id);
/* The newest observation of FIELD of EMAIL: found (*VALUE newly allocated
 * and *TIME; each may be NULL), none, or an error. */
kith_lookup_answer kith_state_observation(kith_store *s, const char *email, const char *field,
                                          char **value, gint64 *time, GError **error);
/* The same, with the Id of the activity that showed it (newly allocated). */
kith_lookup_answer kith_state_observation_full(kith_store *s, const char *email, const char *field,
                                               char **value, gint64 *time, char **activity_id,
                                               GError **error);

/* Which fields EMAIL has an observation of: bit 1 << f of *FIELDS for each
 * kith_field f. FALSE with ERROR when the store fails. */
gboolean kith_state_observed_fields(kith_store *s, const char *email, guint32 *fields,
                                    GError **error);

/* Every field's newest observation for EMAIL in one look-up: VALUES[f] and
 * TIMES[f] by kith_field (values newly allocated; NULL where none). FALSE
 * with ERROR when the store fails (then every value is NULL). */
gboolean kith_state_observations(kith_store *s, const char *email, char **values, gint64 *times,
                                 GError **error);
/* The same with the Id of the activity that showed each (ACTIVITY_IDS[f],
 * newly allocated; NULL where none). */
gboolean kith_state_observations_full(kith_store *s, const char *email, char **values,
                                      gint64 *times, char **activity_ids, GError **error);

/* R39: the time of the observation a contact's field was last written from:
 * found (*TIME), none (a value imported from the CRM, older than every
 * one), or an error. */
kith_lookup_answer kith_state_field_source(kith_store *s, const char *contact_id, const char *field,
                                           gint64 *time, GError **error);

/* ---- suppression, bounces, activities by address -------------------------- */

/* R11, R50: whether EMAIL is suppressed. */
kith_lookup_answer kith_state_is_suppressed(kith_store *s, const char *email, GError **error);

/* R45: whether EMAIL (normalised) is bounced (found, none, or an error:
 * never read as none, or R44 would act on the wrong answer): it has a bounce, and no
 * stored email from it is later and neither automatic (R10) nor
 * unauthenticated (R12). Mail ingested before the notification counts too,
 * so the order of ingestion does not matter. When found, *TIME_OUT and
 * *ACTIVITY_ID_OUT (each may be NULL; the Id newly allocated) say when and
 * which notification. This is what R44 asks. (store/bounce.c) */
kith_lookup_answer kith_state_bounced(kith_store *store, const char *email, gint64 *time_out,
                                      char **activity_id_out, GError **error);

/* Calls FN for every activity that named EMAIL, oldest first. */
typedef gboolean (*kith_activity_row_fn)(const char *id, const char *kind, gint64 time,
                                         const char *subject, const char *role, const char *state,
                                         const char *reason, gpointer user_data);
gboolean kith_state_activities_for(kith_store *s, const char *email, kith_activity_row_fn fn,
                                   gpointer user_data, GError **error);

/* ---- live sources --------------------------------------------------------- */

/* A value a source keeps between runs (KEY like "INBOX.uidvalidity"): found
 * (*VALUE newly allocated), none, or an error. */
kith_lookup_answer kith_state_source_get(kith_store *s, const char *source, const char *key,
                                         char **value, GError **error);
/* Whether PATH was read before with this SIZE and MTIME. */
kith_lookup_answer kith_state_file_seen(kith_store *s, const char *path, gint64 size, gint64 mtime,
                                        GError **error);
