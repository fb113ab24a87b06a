/* report.h - read-only views of the store for the console's API, as JSON. */
#pragma once

#include "store/store.h"

#include <jansson.h>

/* {"activities", "activities_skipped", "contacts_created", "outbox_depth"} */
json_t *kith_report_totals(kith_store *s);

/* Decisions per day over the last DAYS days up to NOW (Unix seconds), every
 * day present, plus skips by reason over the same window. */
json_t *kith_report_counts(kith_store *s, int days, gint64 now);

/* The engagement log, newest first, filtered; {"total", "entries"}. */
json_t *kith_report_log(kith_store *s, const char *email, const char *action, const char *reason,
                        const char *query, int limit, int offset);

/* Everything about one address: CRM records, suppression, activities,
 * decisions, queued changes. NULL with ERROR when any of it cannot be read. */
json_t *kith_report_explain(kith_store *s, const char *email, GError **error);

/* The contacts kith created, with the contract's Contact columns. */
json_t *kith_report_created(kith_store *s);

/* Decision and activity totals for /metrics:
 * {"decisions": [{"action", "reason", "count"}], "activities": {"decided": N, ...}} */
json_t *kith_report_metrics(kith_store *s);
