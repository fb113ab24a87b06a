/* review.h - the review queue (docs/review.md): decisions a person should look
 * at, found in the engagement log and the outbox, kept with what was done
 * about each. The items are owned by the caller (kith_review_item_free). */
#pragma once

#include "store/store.h"

typedef enum {
  KITH_REVIEW_ALTERNATE,    /* R43 kept the address from becoming a second contact */
  KITH_REVIEW_MISSING_NAME, /* R22 skipped it for a missing name, at a matching Account */
  KITH_REVIEW_MANY,         /* a contact queued from an activity with many participants */
  KITH_REVIEW_KIND_COUNT,
} kith_review_kind;

/* The kind's word ("alternate", "missing_name", "many_participants"). */
const char *kith_review_kind_name(kith_review_kind kind);

/* An item's state: open in the table but no longer applying (the address
 * became a contact, was suppressed, the contact went) reads "settled". */
typedef enum {
  KITH_REVIEW_OPEN,
  KITH_REVIEW_ACCEPTED,
  KITH_REVIEW_REJECTED,
  KITH_REVIEW_SETTLED,
  KITH_REVIEW_STATE_COUNT,
} kith_review_state;

const char *kith_review_state_name(kith_review_state state);

typedef struct {
  gint64 id;
  kith_review_kind kind;
  kith_review_state state;
  char *email;
  char *first_name; /* the newest observed, or NULL */
  char *last_name;
  char *account_id; /* the Account found (its contact's, or the domain's) */
  char *account_name;
  char *contact_id;   /* alternate: the contact R43 found; many: the contact made */
  char *contact_name; /* its FirstName LastName, "" when not known */
  char *activity_id;  /* the activity of the decision */
  char *subject;
  gint64 participants; /* the activity's distinct addresses */
  char *seen;          /* the time of the latest activity naming the address, or "" */
  char *created_at;    /* when the item was found */
  char *decided_at;    /* accepted or rejected: when, and what was done */
  char *decision;
} kith_review_item;

void kith_review_item_free(gpointer item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_review_item, kith_review_item_free)

/* The Account a missing-name item is at: the one the rules group EMAIL
 * under in the activity ACTIVITY_ID (R3, R24's tie-breaks), in *ACCOUNT
 * (newly allocated), NULL when no Account has its domain. FALSE with ERROR
 * when the store fails. The rules' own choice, given by the layer above. */
typedef gboolean (*kith_review_account_fn)(const char *email, const char *activity_id,
                                           char **account, gpointer data, GError **error);

/* Reads the log rows and outbox entries written since the last call and
 * adds the items they show: same_person skips (alternates), missing_field
 * skips of an address without a name at an Account (ACCOUNT_OF, with
 * DATA), and contacts queued by R25 or R31 from an activity naming more
 * than PARTICIPANTS addresses (0: none are). Run inside a transaction. */
gboolean kith_review_refresh(kith_store *s, int participants, kith_review_account_fn account_of,
                             gpointer data, GError **error);

/* Whether kith_review_refresh has log rows or outbox entries to read:
 * FOUND when it has, NONE when not. */
kith_lookup_answer kith_review_behind(kith_store *s, GError **error);

/* The items, oldest first: the open ones that still apply, or with ALL
 * every one. kith_review_item*; NULL with ERROR on a failed read. */
GPtrArray *kith_review_list(kith_store *s, gboolean all, GError **error);

/* Every item of EMAIL, whatever its state, oldest first (for kith
 * explain). kith_review_item*; NULL with ERROR on a failed read. */
GPtrArray *kith_review_for_email(kith_store *s, const char *email, GError **error);

/* One item by Id. */
kith_lookup_answer kith_review_get(kith_store *s, gint64 id, kith_review_item **out,
                                   GError **error);

/* Records what was done about open item ID: STATE accepted or rejected,
 * DECISION a few words ("merge 003...", "create 003...", "keep", ...). A
 * contact an accept queued ("create ID") is never an item of its own. */
gboolean kith_review_close(kith_store *s, gint64 id, kith_review_state state, const char *decision,
                           GError **error);
