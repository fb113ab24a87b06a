/* apply.h - the one outbox applier and the backend interface it drives (internal to sync/). */
#pragma once

#include "sync/sync.h"

#include "core/field.h"
#include "store/outbox.h"

/* The kinds of queued change; a batch holds consecutive entries of one kind. */
typedef enum {
  KITH_SYNC_CONTACT, /* contact_create */
  KITH_SYNC_ROLE,    /* role_create */
  KITH_SYNC_UPDATE,  /* field_update */
  KITH_SYNC_DELETE,  /* contact_delete (R41) and contact_remove (R50) */
  KITH_SYNC_UNKNOWN,
} kith_sync_kind;

/* What the CRM said about one record of a write. */
typedef enum {
  KITH_WRITE_PENDING,        /* not answered yet */
  KITH_WRITE_DONE,           /* written; a deletion of a record already gone counts too */
  KITH_WRITE_TRANSIENT,      /* refused for now (a lock, a busy server): send again later */
  KITH_WRITE_INACTIVE_OWNER, /* R26: the owner was deactivated meanwhile */
  KITH_WRITE_DUPLICATE,      /* the CRM's duplicate rule found the person (R61) */
  KITH_WRITE_FINAL,          /* refused for good (validation, required field, ...) */
} kith_write_status;

/* One entry the applier sends, with what it sends and what came back. */
typedef struct {
  const kith_outbox_entry *e; /* borrowed from the batch */
  kith_sync_kind kind;
  char *target;                   /* roles, updates: the contact's CRM Id; deletes: the record's */
  char *owner;                    /* contacts: the owner at sync (R26) */
  gboolean reowned;               /* contacts: R26 gave the integration user instead */
  gboolean lead;                  /* roles: the contact became a Lead (R61) */
  char *values[KITH_FIELD_COUNT]; /* contacts: the newest observations (R25) */
  gint64 times[KITH_FIELD_COUNT];
  kith_write_status status;
  char *id;      /* DONE: the record's CRM Id */
  char *code;    /* otherwise: the CRM's status code */
  char *message; /* and its message */
  guint tries;
} kith_sync_item;

/* Sets ITEM's answer (CODE and MESSAGE may be NULL). */
void kith_sync_item_answer(kith_sync_item *item, kith_write_status status, const char *id,
                           const char *code, const char *message);

/* A person the CRM holds with an address (R61). */
typedef struct {
  char *type; /* "Contact" or "Lead" */
  char *id;
  gboolean by_kith; /* Created_By_Kith__c */
  char *kith_id;    /* the outbox Id kith wrote on it (docs/salesforce.md), or NULL */
  char *account_id; /* a Contact's AccountId, or NULL when the CRM did not say */
} kith_sync_person;

void kith_sync_person_free(gpointer p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_sync_person, kith_sync_person_free)

/* A contact role the CRM holds. */
typedef struct {
  char *id;
  char *kith_id; /* as for a person */
} kith_sync_role;

void kith_sync_role_free(gpointer p);

typedef struct kith_sync_backend kith_sync_backend;

/* A CRM behind `kith sync`. The look-ups answer from the CRM as it is now;
 * writes fill each item's answer and fail only when the CRM could not be
 * asked at all (then the sync stops with the rest queued). */
struct kith_sync_backend {
  const char *name;
  /* TRUE: the CRM is the store's own tables, and a batch is one transaction.
   * FALSE: the CRM is remote; entries are marked sent before their request
   * goes out, and no transaction is held across the network. */
  gboolean local;
  /* Entries per batch. */
  guint batch_size;
  /* R61: fills PEOPLE (lower-case address -> kith_sync_person) for ENTRIES. */
  gboolean (*people)(kith_sync_backend *b, GPtrArray *entries, GHashTable *people, GError **error);
  /* Fills ROLES ("OpportunityId|ContactId" -> kith_sync_role) with the roles
   * the CRM holds on ITEMS' opportunities. */
  gboolean (*roles)(kith_sync_backend *b, GPtrArray *items, GHashTable *roles, GError **error);
  /* Writes ITEMS (kith_sync_item*, one kind) and fills their answers. */
  gboolean (*write)(kith_sync_backend *b, kith_sync_kind kind, GPtrArray *items, GError **error);
  /* Waits before the ATTEMPT'th re-send of records refused for now. */
  void (*pause)(kith_sync_backend *b, guint attempt);
  /* Records refused for now are sent again at most this many times. */
  guint max_retries;
  /* FALSE with ERROR when the sync must pause before the next batch. */
  gboolean (*may_continue)(kith_sync_backend *b, GError **error);
};

kith_sync_kind kith_sync_kind_of(kith_op op);

/* Applies every pending outbox entry, in order, through BACKEND: R26 and R61
 * at sync, the rules that drop a role or an update, relinking and the log,
 * each done once here whatever the CRM. */
gboolean kith_sync_apply(kith_store *store, const kith_config *config, kith_sync_backend *backend,
                         kith_sync_stats *stats, GError **error);
