/* crmwrite.h - changes to the local CRM tables, as sync applies them. */
#pragma once

#include "store/store.h"

typedef struct {
  const char *id, *account_id, *email, *owner_id, *lead_source, *created_date;
  const char *fields[9]; /* by kith_field; NULL or "" when unknown */
} kith_new_contact;

gboolean kith_crmw_insert_contact(kith_store *s, const kith_new_contact *c, GError **error);
gboolean kith_crmw_insert_role(kith_store *s, const char *id, const char *opportunity_id,
                               const char *contact_id, const char *role, GError **error);
/* Sets FIELD (a kith_field API name) of contact ID; *OLD gets the value it had. */
gboolean kith_crmw_update_field(kith_store *s, const char *id, const char *field, const char *value,
                                char **old, GError **error);
/* Deletes contact ID and every role on it; FALSE with no error when absent. */
gboolean kith_crmw_delete_contact(kith_store *s, const char *id, gboolean *existed, GError **error);

/* R61: the Contact (or, failing that, unconverted Lead) with ADDRESS in the
 * CRM now: found with *ID (newly allocated) and *TYPE "Contact" or "Lead",
 * none, or an error (a failed read is never "none": sync would create a
 * second record). */
kith_lookup_answer kith_crmw_existing_for(kith_store *s, const char *address, char **id,
                                          const char **type, GError **error);
/* Whether contact ID, a role of CONTACT_ID on OPPORTUNITY_ID, an open
 * Opportunity ID is in the tables: found, none, or an error. */
kith_lookup_answer kith_crmw_contact_exists(kith_store *s, const char *id, GError **error);
kith_lookup_answer kith_crmw_role_exists(kith_store *s, const char *opportunity_id,
                                         const char *contact_id, GError **error);
kith_lookup_answer kith_crmw_opportunity_open(kith_store *s, const char *id, GError **error);

/* Remembers that queued Id QUEUED became ACTUAL (a TYPE record) at sync. */
gboolean kith_crmw_alias(kith_store *s, const char *queued, const char *actual, const char *type,
                         GError **error);
/* What queued Id ID became: newly allocated Id and *TYPE, or a copy of ID
 * ("Contact") when it became nothing else; NULL with ERROR when the store
 * fails. */
char *kith_crmw_resolve(kith_store *s, const char *id, const char **type, GError **error);
