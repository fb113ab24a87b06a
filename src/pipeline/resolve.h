/* resolve.h - what a person decides about the review queue's items
 * (docs/review.md), logged and queued like every decision: kith review and
 * the console's Review page both come here. */
#pragma once

#include "config/config.h"
#include "store/review.h"

/* How an item is accepted. All NULL / FALSE: the item's own way (an
 * alternate becomes another address of the contact R43 found, a missing
 * name is created, a contact made from many participants is kept). */
typedef struct {
  const char *merge;      /* this contact takes the address (alternate, missing name) */
  gboolean create;        /* a contact of its own for the address (alternate, missing name) */
  const char *first_name; /* the name to create it with, over the observed one */
  const char *last_name;
} kith_review_choice;

/* What was done, for the person who asked. */
typedef struct {
  char *email;
  kith_review_kind kind;
  char *contact_id; /* merged into, created, kept or removed; NULL for a suppression */
  char *decision;   /* the item's record of it: "merge ID", "create ID", "keep ID",
                       "suppress", "remove ID" */
  char *sentence;   /* one plain sentence */
  gboolean queued;  /* a CRM change waits for kith sync */
} kith_review_outcome;

void kith_review_outcome_clear(kith_review_outcome *out);

/* Brings the queue up to the log and the outbox (kith_review_refresh with
 * [review] participants), in a transaction of its own. */
gboolean kith_resolve_refresh(kith_store *store, const kith_config *config, GError **error);

/* Accepts or rejects open item ID, in one transaction. Errors: NOT_FOUND
 * (no such item, or no contact CHOICE->merge), REFUSED (decided already,
 * no longer applying, a choice its kind does not take), USAGE (a name to
 * create it with is missing, or CHOICE contradicts itself). Rejecting
 * suppresses the address (R50), and removes a contact made from many
 * participants as kith remove does. */
gboolean kith_resolve_accept(kith_store *store, const kith_config *config, gint64 id,
                             const kith_review_choice *choice, kith_review_outcome *out,
                             GError **error);
gboolean kith_resolve_reject(kith_store *store, const kith_config *config, gint64 id,
                             kith_review_outcome *out, GError **error);
