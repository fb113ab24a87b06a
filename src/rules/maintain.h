/* maintain.h - de-duplication (R40-R42) and removal (R50), decided like every
 * decision and stored by the decider's kith_decision_fn. */
#pragma once

#include "rules/decide.h"

typedef struct {
  guint groups;  /* addresses with two or more contacts */
  guint deleted; /* kith-created duplicates queued for deletion */
  guint kept;    /* duplicates not created by kith, never deleted (R41) */
  guint roles_moved;
} kith_dedup_stats;

/* Called for each planned change, for --dry-run and reports. */
typedef void (*kith_plan_fn)(const char *what, const char *email, const char *id,
                             const char *detail, gpointer user_data);

/* R40-R42: decides the deletions and role moves (contact_deleted,
 * ocr_created); with DRY_RUN only reports them through PLAN. */
gboolean kith_rules_dedup(kith_decider *d, gboolean dry_run, kith_plan_fn plan, gpointer user_data,
                          kith_dedup_stats *stats, GError **error);

/* R50: decides the removal of contact ID (refused with KITH_ERROR_REFUSED for
 * a contact kith did not create, KITH_ERROR_NOT_FOUND for an unknown Id),
 * with its address suppressed unless ALLOW_RECREATE. *EMAIL_OUT gets the
 * address. */
gboolean kith_rules_remove(kith_decider *d, const char *id, gboolean allow_recreate,
                           char **email_out, GError **error);
