/* privacy.h - forgetting people: retention of what kith keeps about
 * addresses with no CRM record, and erasure of one address. */
#pragma once

#include "store/store.h"

/* What a purge removed or blanked, row by row. */
typedef struct {
  gint64 observations; /* observation and observation_log rows */
  gint64 participants; /* participant rows (erasure) or names blanked (retention) */
  gint64 log_rows;     /* log rows (erasure) or details blanked (retention) */
  gint64 links;        /* activity_link rows */
} kith_purge_counts;

/* Right to erasure: removes every observation, participant row, log row and
 * link of EMAIL (normalised). CRM records, queued changes and the
 * suppression list (R50) are left as they are. */
gboolean kith_privacy_purge_address(kith_store *store, const char *email, kith_purge_counts *out,
                                    GError **error);

/* Retention ([org] retain_days): for every address with no Contact, no Lead
 * and nothing queued in the outbox, removes observations older than CUTOFF
 * (Unix seconds) and blanks the names of participants in activities older
 * than it and the details of log rows written before it. */
gboolean kith_privacy_purge_expired(kith_store *store, gint64 cutoff, kith_purge_counts *out,
                                    GError **error);
