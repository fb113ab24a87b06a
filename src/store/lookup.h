/* lookup.h - the CRM look-ups the rules make, on the CRM as it will be once
 * the outbox is applied (queued creates count, queued deletes do not). Each
 * answers found, none or error (a GError); none of them writes. */
#pragma once

#include "store/store.h"

typedef struct {
  char *id;
  char *account_id;
  gboolean created_by_kith;
  gboolean queued; /* a contact_create still in the outbox */
} kith_contact_ref;

void kith_contact_ref_clear(kith_contact_ref *c);

/* R20/R27: the contact with ADDRESS (the earliest, then lowest Id). */
kith_lookup_answer kith_lookup_contact_by_email(kith_store *s, const char *address,
                                                kith_contact_ref *out, GError **error);
/* What the mirror's Contact and Lead tables hold, by address, for a caller
 * that asks about the same addresses again and again while the mirror
 * cannot change (one ingest's decisions: only sync and crm import write
 * it). Bounded; clear it when the mirror may have changed. */
typedef struct kith_mirror_cache kith_mirror_cache;
kith_mirror_cache *kith_mirror_cache_new(void);
void kith_mirror_cache_clear(kith_mirror_cache *c);
void kith_mirror_cache_free(kith_mirror_cache *c);
/* kith_lookup_contact_by_email and kith_lookup_lead_by_email reading the
 * mirror through CACHE (NULL: straight from the store). The outbox, which
 * changes as decisions are made, is always read afresh. */
kith_lookup_answer kith_lookup_contact_by_email_cached(kith_store *s, kith_mirror_cache *cache,
                                                       const char *address, kith_contact_ref *out,
                                                       GError **error);
kith_lookup_answer kith_lookup_lead_by_email_cached(kith_store *s, kith_mirror_cache *cache,
                                                    const char *address, char **id, GError **error);
/* A contact by Id (queued ones too). */
kith_lookup_answer kith_lookup_contact_by_id(kith_store *s, const char *id, kith_contact_ref *out,
                                             char **email, GError **error);
/* R21: an unconverted Lead with ADDRESS: *ID (newly allocated) when found. */
kith_lookup_answer kith_lookup_lead_by_email(kith_store *s, const char *address, char **id,
                                             GError **error);
/* R2: the User with ADDRESS (an active one first, then the lowest Id):
 * *ID (newly allocated) and *ACTIVE (may be NULL) when found. */
kith_lookup_answer kith_lookup_user_by_email(kith_store *s, const char *address, char **id,
                                             gboolean *active, GError **error);
/* Whether USER_ID is a User: *ACTIVE (may be NULL) says whether it is active. */
kith_lookup_answer kith_lookup_user_active(kith_store *s, const char *user_id, gboolean *active,
                                           GError **error);
/* The Emails of the active Users (their email_key: normalised, R1), in
 * order, each once: whose mailboxes a team source (Google Workspace,
 * Microsoft 365) reads. NULL with ERROR when the store cannot say. */
GPtrArray *kith_lookup_active_user_emails(kith_store *s, GError **error);

typedef struct {
  char *account_id;
  gboolean primary; /* matched the Account's primary (Website) domain */
} kith_account_match;

/* R3: the Accounts whose domain matches DOMAIN most specifically (never a
 * public suffix), lowest Id first. An array of kith_account_match* (empty
 * when none does), or NULL with ERROR. */
GPtrArray *kith_lookup_matching_accounts(kith_store *s, const char *domain, GError **error);

/* R24 relations of USER_ID to ACCOUNT_ID. */
kith_lookup_answer kith_lookup_account_owned_by(kith_store *s, const char *account_id,
                                                const char *user_id, GError **error);
kith_lookup_answer kith_lookup_user_owns_opportunity_on(kith_store *s, const char *account_id,
                                                        const char *user_id, GError **error);
kith_lookup_answer kith_lookup_user_on_team(kith_store *s, const char *account_id,
                                            const char *user_id, GError **error);

typedef struct {
  char *id;
  char *owner_id;
  gint64 created; /* CreatedDate, Unix seconds; G_MININT64 when unknown */
} kith_opportunity;

/* The open Opportunities (IsClosed = false) of ACCOUNT_ID, by Id (empty
 * when none is), or NULL with ERROR. */
GPtrArray *kith_lookup_open_opportunities(kith_store *s, const char *account_id, GError **error);
void kith_opportunity_free(gpointer o);

/* Roles, queued ones included. */
kith_lookup_answer kith_lookup_role_exists(kith_store *s, const char *opportunity_id,
                                           const char *contact_id, GError **error);
kith_lookup_answer kith_lookup_opportunity_has_role(kith_store *s, const char *opportunity_id,
                                                    GError **error);
/* The Opportunity Ids on which CONTACT_ID has a role (empty when none), or
 * NULL with ERROR. */
GPtrArray *kith_lookup_contact_roles(kith_store *s, const char *contact_id, GError **error);
/* R42: the Role of CONTACT_ID's role on OPPORTUNITY_ID (a queued one too):
 * *ROLE newly allocated when found. */
kith_lookup_answer kith_lookup_role_value(kith_store *s, const char *opportunity_id,
                                          const char *contact_id, char **role, GError **error);

/* The value FIELD of contact ID will have: a queued update, else the CRM's;
 * *VALUE (newly allocated) is "" when neither has one. FALSE with ERROR
 * when the store fails. */
gboolean kith_lookup_contact_field(kith_store *s, const char *id, const char *field, char **value,
                                   GError **error);

/* Every group of two or more contacts sharing an address (R40): calls FN with
 * the address and the contacts' Ids, earliest CreatedDate first (then Id),
 * with their Created_By_Kith__c flags. Contacts queued for deletion are out. */
typedef gboolean (*kith_duplicate_fn)(const char *email, GPtrArray *ids, GArray *by_kith,
                                      gpointer user_data, GError **error);
gboolean kith_lookup_each_duplicate_group(kith_store *s, kith_duplicate_fn fn, gpointer user_data,
                                          GError **error);

/* The Name of an Account or Opportunity, or a User's FirstName LastName
 * (TABLE "Account", "Opportunity" or "User"; for sentences), "" when
 * unknown; NULL with ERROR when the store fails. */
char *kith_lookup_record_name(kith_store *s, const char *table, const char *id, GError **error);
