/* sf_sync.h - the Salesforce backend's state and the SOQL helpers salesforce.c and sf_push.c share (internal to sync/). */
#pragma once

#include "sync/apply.h"
#include "sync/sf_client.h"

#include "store/crm.h"

typedef struct {
  kith_sync_backend base; /* first: apply.c sees only this */
  kith_store *store;
  const kith_config *config;
  const kith_salesforce_config *sf;
  kith_sf_client *client;
  /* R60: the External ID field ([salesforce] kith_id_field) kith writes on
   * the Contacts and roles it creates, the outbox Id of the entry that made
   * them; NULL where the org has none: kith then finds its own records by
   * what identifies them (docs/salesforce.md). Learnt once a sync. */
  const char *contact_kith_id, *role_kith_id;
  kith_sync_stats *stats; /* where the sync's note goes */
} sf_sync;

/* Fills X->base with the org as a backend of apply.c. */
void kith_sf_backend_init(sf_sync *x);

/* The External ID field kith writes on TYPE ("Contact" or
 * "OpportunityContactRole"), or NULL. */
const char *kith_sf_kith_id(const sf_sync *x, const char *type);

/* The org's API name of one of the contract's columns (kith's custom fields
 * may have other names in an org). */
const char *kith_sf_org_field(const kith_salesforce_config *sf, const char *name);
/* A SOQL string literal. */
char *kith_sf_soql_quote(const char *s);
/* The org's names of O's columns, comma-separated. */
char *kith_sf_select_list(const kith_salesforce_config *sf, const kith_crm_object *o);
/* The REST path that runs SOQL. */
char *kith_sf_query_path(sf_sync *x, const char *soql);
/* Upserts one org record into the mirror (the caller holds the store). */
gboolean kith_sf_mirror_record(sf_sync *x, const kith_crm_object *o, json_t *rec, GError **error);
/* Upserts RECORDS (json_t*) into the mirror in one transaction, taking the
 * store's lock for it: for what a look-up brought back over the network. */
gboolean kith_sf_mirror_records(sf_sync *x, const kith_crm_object *o, GPtrArray *records,
                                GError **error);

/* Runs SOQL, following nextRecordsUrl, calling FN for every record; FN
 * must not use the store (the lock is not held). */
typedef gboolean (*kith_sf_record_fn)(sf_sync *x, json_t *rec, gpointer data, GError **error);
gboolean kith_sf_query_all(sf_sync *x, const char *soql, kith_sf_record_fn fn, gpointer data,
                           GError **error);
