/* record.h - the one place the rules' decisions are stored: the outbox, the
 * engagement log, the activity links, field sources and suppression. */
#pragma once

#include "rules/decide.h"

/* A kith_decision_fn over the kith_store STORE: stores X in the order the
 * rules decided it, in the caller's transaction. What it does by action:
 * contact_created queues a contact_create (a fresh "003" Id when X has
 * none) and links the activity to it; ocr_created queues a role_create (a
 * fresh "00K" Id); field_updated queues a field_update, replacing a queued
 * one of the same field; contact_deleted queues a contact_delete;
 * contact_removed queues a contact_remove, or for a contact only queued
 * (cancel_queued) cancels it and logs contact_removed; any other action is
 * logged and, with an object type, linked. Then field_source and suppress. */
gboolean kith_record_decision(const kith_decision *x, char **id_out, gpointer store,
                              GError **error);

/* A decider over STORE whose decisions kith_record_decision stores there:
 * what kith ingest, dedup and remove decide with. */
void kith_record_decider_init(kith_decider *d, kith_store *store, const kith_config *config);
