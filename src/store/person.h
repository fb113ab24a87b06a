/* person.h - the look-ups that tell one person from another: Users and
 * their aliases (R2), the contacts of an account by name (R43), when an
 * address was last seen (R44), and the addresses kept from becoming a
 * second contact (R43, kith report alternates). Each answers found, not
 * found or error: an error is never read as "not found". */
#pragma once

#include "store/store.h"

/* R2: calls FN for every User, in Id order. */
typedef void (*kith_user_fn)(const char *id, const char *first_name, const char *last_name,
                             gboolean active, gpointer user_data);
gboolean kith_person_users_each(kith_store *s, kith_user_fn fn, gpointer user_data, GError **error);

/* R2: the Id of the User EMAIL was learned to be an alias of (an
 * alias_learned row of the log): TRUE and *USER_ID (newly allocated), or
 * FALSE with *USER_ID NULL when it was never learned; FALSE with ERROR when
 * the store fails. */
gboolean kith_person_learned_alias(kith_store *s, const char *email, char **user_id,
                                   GError **error);

/* R2: the Email of User USER_ID, normalised: TRUE and *EMAIL (newly
 * allocated), or FALSE with no error when there is no such User. */
gboolean kith_person_user_email(kith_store *s, const char *user_id, char **email, GError **error);

/* A contact on an account as R43 compares it. */
typedef struct {
  char *id;
  char *email;
  char *first_name; /* the CRM's, or for a queued contact the newest observation */
  char *last_name;
  gboolean created_by_kith;
  gboolean queued; /* a contact_create still in the outbox */
} kith_account_person;

void kith_account_person_free(gpointer p);

/* R43: the Contacts on ACCOUNT_ID and those queued for it, Id order;
 * kith_account_person*. NULL with ERROR when the store fails. */
GPtrArray *kith_person_account_contacts(kith_store *s, const char *account_id, GError **error);

/* R44: the time of the latest activity naming EMAIL. TRUE with *TIME, or
 * FALSE with no error when no activity names it. */
gboolean kith_person_last_seen(kith_store *s, const char *email, gint64 *time, GError **error);

/* R43: the columns of `kith report alternates`, in order:
 * Email, FirstName, LastName (as observed for the address), AccountId,
 * ContactId (the contact it was found to be), Seen (the latest activity
 * naming it, ISO 8601). */
#define KITH_ALTERNATE_N_COLUMNS 6
extern const char *const kith_alternate_columns[KITH_ALTERNATE_N_COLUMNS];

/* R43: every address kept from becoming a second contact, one row each,
 * its values in the order of kith_alternate_columns. An address that has
 * since become a contact's own is left out. */
typedef gboolean (*kith_alternate_fn)(const char *const *values, gpointer user_data);
gboolean kith_person_alternates_each(kith_store *s, kith_alternate_fn fn, gpointer user_data,
                                     GError **error);
