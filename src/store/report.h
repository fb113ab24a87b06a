/* report.h - read-only views of the store for the console's API, as JSON. */
#pragma once

#include "store/store.h"

#include <jansson.h>

/* {"activities", "activities_skipped", "contacts_created", "outbox_depth"} */
json_t *kith_report_totals(kith_store *s);

/* Decisions per day over the last DAYS days up to NOW (Unix seconds), every
 * day present, plus over the same window the people skipped by reason
 * ("skipped_by_reason") and the activities skipped by reason
 * ("activities_skipped_by_reason"). */
json_t *kith_report_counts(kith_store *s, int days, gint64 now);

/* The engagement log, newest first, filtered; {"total", "entries"}. */
json_t *kith_report_log(kith_store *s, const char *email, const char *action, const char *reason,
                        const char *query, int limit, int offset);

/* Everything about one address: CRM records with their fields and the
 * evidence for each, suppression, activities, what was observed, decisions
 * with their activities, queued changes (docs/api.md). NULL with ERROR when
 * any of it cannot be read. */
json_t *kith_report_explain(kith_store *s, const char *email, GError **error);

/* ---- evidence: where a value came from (kith explain, the console) ------- */

/* One activity as explain shows it: {"id", "kind", "time", "subject"} in
 * *OUT (found), or none when the store holds no activity by that Id
 * (purged, or never captured), or an error. */
kith_lookup_answer kith_report_activity(kith_store *s, const char *id, json_t **out,
                                        GError **error);

/* The newest observation of FIELD (an API name) for EMAIL:
 * {"field", "value", "time", "source", "activity"}, SOURCE saying what of
 * the activity showed it: "display name", "signature" (R5; Department,
 * Seniority__c and Persona__c from the signature's title) or "quoted
 * header" (a name the text ties to the address, docs/names.md). With VALUE
 * not NULL, only an observation of that value. In *OUT when found. */
kith_lookup_answer kith_report_evidence(kith_store *s, const char *email, const char *field,
                                        const char *value, json_t **out, GError **error);

/* The Contacts and unconverted Leads with EMAIL, each with its Account's
 * and its Owner's (a User's) names beside their Ids and, under "fields",
 * every non-empty field kith observes with its evidence (NULL evidence: a
 * value no kept observation shows, from the CRM). NULL with ERROR on a
 * failed read. */
json_t *kith_report_people(kith_store *s, const char *email, GError **error);

/* The Ids of the contacts kith created from the activity ACTIVITY_ID that
 * are in the CRM or queued and not yet queued for removal (R50), oldest
 * first. NULL on a failed read. */
GPtrArray *kith_report_created_from(kith_store *s, const char *activity_id, GError **error);

/* The name of the Account (001...) or User (FirstName LastName, 005...)
 * with Id ID; "" for another kind of Id or one the store has no record of.
 * Newly allocated; NULL with ERROR on a failed read. */
char *kith_report_record_name(kith_store *s, const char *id, GError **error);

/* TEXT (a decision's sentence) with the name of each Account (001...) and
 * User (005...) it names by a bare Id put before that Id: "owner
 * 005000000000001AAA" reads "owner Ann Lee (005000000000001AAA)". An Id
 * already in parentheses, or of no record the store has, stays as it is.
 * Newly allocated; NULL with ERROR on a failed read. */
char *kith_report_name_ids(kith_store *s, const char *text, GError **error);

/* The outcome of the last sync, whoever ran it (kith_sync_run keeps it
 * under KEY in meta), or NULL when none is kept. */
json_t *kith_report_last_sync(kith_store *s, const char *key);

/* The contacts kith created, with the contract's Contact columns and the
 * names beside the Ids: AccountName, OwnerName (the User's). */
json_t *kith_report_created(kith_store *s);

/* Decision and activity totals for /metrics:
 * {"decisions": [{"action", "reason", "count"}], "activities": {"decided": N, ...}} */
json_t *kith_report_metrics(kith_store *s);
