/* bounce.h - R45: the addresses a delivery-status notification said failed, and when. */
#pragma once

#include "core/activity.h"
#include "store/stateread.h"

/* Records that delivery to EMAIL (normalised) failed at TIME, as the
 * notification ACTIVITY_ID said; an address keeps only its latest bounce
 * (the later time, at the same time the greater activity Id, so the order
 * of ingestion never matters). */
gboolean kith_state_bounce_record(kith_store *store, const char *email, gint64 time,
                                  const char *activity_id, GError **error);

/* EMAIL sent mail that is not automatic (R10) at TIME: a bounce it had
 * before that time is over and forgotten. */
gboolean kith_state_bounce_clear_if_older(kith_store *store, const char *email, gint64 time,
                                          GError **error);

/* What one stored activity tells of bounces: each address in A->bounced
 * bounced at A's time, and A's senders unbounce when A is an email that is
 * not automatic. Unauthenticated mail (R12) tells nothing, either way. */
gboolean kith_state_bounce_note(kith_store *store, const kith_activity *a, GError **error);

/* R45: whether an address is bounced, kith_state_bounced, is a look-up:
 * store/stateread.h. */
