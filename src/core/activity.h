/* activity.h - one email or meeting as captured: identity, time, participants. */
#pragma once

#include "core/vocab.h"

#include <glib.h>

typedef struct {
  char *email;  /* normalised (R1): lower-case, domain as IDNA A-label */
  char *domain; /* points inside email, after the '@' */
  char *name;   /* display name or CN, decoded to UTF-8; NULL when none */
  kith_part_role role;
  kith_cutype cutype;
  /* R4: the names the display name gave, as the store keeps them; NULL at
   * capture and when it gave none. */
  char *first_name;
  char *last_name;
} kith_participant;

/* Frees a participant (a GDestroyNotify for lists of them); NULL is fine. */
void kith_participant_free(gpointer participant);

typedef struct {
  kith_activity_kind kind;
  char *id;                /* Message-ID (without <>) or UID; derived when absent */
  gint64 time;             /* Date / DTSTART as Unix seconds, UTC; 0 when unknown */
  char *subject;           /* decoded; "" when none */
  gboolean automatic;      /* R10: auto-submitted, bulk, list, auto-reply, out of office */
  gboolean cancelled;      /* R10: STATUS:CANCELLED or METHOD:CANCEL */
  GPtrArray *participants; /* kith_participant*, contract order, each address once */
  /* Email only: the text the sender wrote (text/plain, else HTML as text).
   * Handed to signature extraction, never stored. NULL otherwise. */
  char *sender_text;
  char *origin; /* where it came from, for messages: "FILE", "FILE:LINE" */
  /* Email only: the values of its Authentication-Results headers, topmost
   * first (R12 reads them); NULL when it has none. */
  GPtrArray *auth_results;
  /* R12, set by the pipeline from auth_results and [org] authserv_ids. */
  gboolean unauthenticated;
  /* R45: addresses a delivery-status notification says failed; NULL when none. */
  GPtrArray *bounced;
  /* Something the reader changed to read it safely (a header cut), for the
   * administrator to see; NULL when nothing. */
  char *warning;
  GHashTable *addresses; /* private: the participants' addresses, for de-duplication */
  /* What a sink's prepare step worked out (kith_capture_sink), freed with
   * the activity; NULL until then. */
  gpointer prepared;
  GDestroyNotify prepared_free;
} kith_activity;

kith_activity *kith_activity_new(kith_activity_kind kind);
void kith_activity_free(kith_activity *activity);
/* Wipes and frees the sender's text once its signature has been read. */
void kith_activity_forget_text(kith_activity *activity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_activity, kith_activity_free)

/* Adds a participant unless its address is already there (the first place
 * wins, CONTRACT.md section 3). RAW_ADDRESS is normalised with
 * kith_address_normalize(); returns FALSE (and adds nothing) when it is not
 * a usable address. NAME may be NULL. */
gboolean kith_activity_add_participant(kith_activity *activity, const char *raw_address,
                                       const char *name, kith_part_role role, kith_cutype cutype);
