/* outbox.h - the ordered queue of CRM changes that sync applies (R60). */
#pragma once

#include "core/vocab.h"
#include "store/store.h"

/* One queued change. op: KITH_OP_COUNT when read from a store a newer kith
 * wrote with an op this one does not know. object_id: the Id the record
 * gets (creates) or has (updates, deletes). */
typedef struct {
  gint64 seq;
  kith_op op;
  char *activity_id;
  char *email;
  char *object_id;
  char *account_id;
  char *opportunity_id;
  char *contact_id;
  char *owner_id;
  char *field;
  char *value;
  char *old_value;
  gint64 obs_time;
  char *rule;
  char *detail;
  gboolean sent; /* sent to a remote CRM, reply not recorded (a crash in between) */
} kith_outbox_entry;

void kith_outbox_entry_free(kith_outbox_entry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_outbox_entry, kith_outbox_entry_free)

gboolean kith_outbox_add(kith_store *s, const kith_outbox_entry *e, GError **error);

/* Queues FIELD = VALUE for CONTACT_ID, replacing a queued update of the same
 * field (one change per field reaches the CRM). */
gboolean kith_outbox_set_field(kith_store *s, const kith_outbox_entry *e, GError **error);

/* The pending entries in order, at most LIMIT. kith_outbox_entry*. */
GPtrArray *kith_outbox_pending(kith_store *s, guint limit, GError **error);
gboolean kith_outbox_mark(kith_store *s, gint64 seq, const char *state, const char *error_text,
                          GError **error);
/* Cancels every pending entry that creates, changes or roles OBJECT_ID. */
gboolean kith_outbox_cancel_object(kith_store *s, const char *object_id, GError **error);
gint64 kith_outbox_depth(kith_store *s);
/* Marks entry SEQ as sent (in flight) or not; committed by the caller
 * before the request goes out. */
gboolean kith_outbox_set_sent(kith_store *s, gint64 seq, gboolean sent, GError **error);
/* The pending contact_create for EMAIL, if any (for kith explain). */
kith_outbox_entry *kith_outbox_find_create(kith_store *s, const char *object_id);
/* Calls FN for every entry (any state) about EMAIL or its contacts. */
typedef gboolean (*kith_outbox_fn)(const kith_outbox_entry *e, const char *state,
                                   gpointer user_data);
gboolean kith_outbox_each_for_email(kith_store *s, const char *email, kith_outbox_fn fn,
                                    gpointer user_data, GError **error);
