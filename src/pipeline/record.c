/* record.c - storing the rules' decisions: every write a decision makes is here. */
#include "pipeline/record.h"

#include "store/outbox.h"
#include "store/state.h"

#include <string.h>

/* The outbox op an action is queued as, or KITH_OP_COUNT when it is
 * logged now. */
static kith_op queued_op(const kith_decision *x)
{
  if (x->cancel_queued)
    return (kith_op)KITH_OP_COUNT; /* contact_removed of a contact not in the CRM yet */
  switch (x->action) {
  case KITH_ACTION_CONTACT_CREATED: return KITH_OP_CONTACT_CREATE;
  case KITH_ACTION_OCR_CREATED: return KITH_OP_ROLE_CREATE;
  case KITH_ACTION_FIELD_UPDATED: return KITH_OP_FIELD_UPDATE;
  case KITH_ACTION_CONTACT_DELETED: return KITH_OP_CONTACT_DELETE;
  case KITH_ACTION_CONTACT_REMOVED: return KITH_OP_CONTACT_REMOVE;
  default: return (kith_op)KITH_OP_COUNT;
  }
}

/* Queues X as OP, for the record OBJECT_ID. */
static gboolean queue(kith_store *s, const kith_decision *x, kith_op op, const char *object_id,
                      GError **error)
{
  kith_outbox_entry e = {.op = op,
                         .activity_id = (char *)x->activity_id,
                         .email = (char *)x->email,
                         .object_id = (char *)object_id,
                         .account_id = (char *)x->account_id,
                         .opportunity_id = (char *)x->opportunity_id,
                         .contact_id = (char *)x->contact_id,
                         .owner_id = (char *)x->owner_id,
                         .field = (char *)x->field,
                         .value = (char *)x->value,
                         .old_value = (char *)x->old_value,
                         .obs_time = x->obs_time,
                         .rule = (char *)x->rule,
                         .detail = (char *)x->detail};
  if (op == KITH_OP_FIELD_UPDATE)
    return kith_outbox_set_field(s, &e, error);
  return kith_outbox_add(s, &e, error);
}

/* The action itself: queued, or logged (a removal of a queued contact
 * cancels it first). *ID is the record's Id (a fresh one for a create
 * without one; newly allocated). */
static gboolean act(kith_store *s, const kith_decision *x, char **id, GError **error)
{
  kith_op op = queued_op(x);
  *id = g_strdup(x->object_id);
  if (op != KITH_OP_COUNT) {
    const char *prefix = op == KITH_OP_CONTACT_CREATE ? "003"
                         : op == KITH_OP_ROLE_CREATE  ? "00K"
                                                      : NULL;
    if (!*id && prefix && !(*id = kith_state_new_id(s, prefix, error)))
      return FALSE;
    return queue(s, x, op, *id, error);
  }
  if (x->cancel_queued && !kith_outbox_cancel_object(s, x->object_id, error))
    return FALSE;
  /* field_updated's Reason is the field's API name (section 6). */
  const char *reason = x->action == KITH_ACTION_FIELD_UPDATED ? x->field
                                                              : kith_reason_name(x->reason);
  kith_log_entry entry = {x->activity_id, x->email,     kith_action_name(x->action),
                          reason,         x->object_id, x->rule,
                          x->detail};
  return kith_state_log(s, &entry, error);
}

gboolean kith_record_decision(const kith_decision *x, char **id_out, gpointer store, GError **error)
{
  kith_store *s = store;
  g_autofree char *id = NULL;
  if (x->action) {
    if (!act(s, x, &id, error))
      return FALSE;
    /* A contact created is linked to the activity that made it, as is
     * anything decided about a person with the record it names. */
    const char *type = x->action == KITH_ACTION_CONTACT_CREATED ? "Contact" : x->object_type;
    if (type && id && x->email && !kith_state_link(s, x->activity_id, x->email, type, id, error))
      return FALSE;
  }
  if (x->field_source &&
      !kith_state_set_field_source(s, x->contact_id, x->field, x->obs_time, error))
    return FALSE;
  if (x->suppress && !kith_state_suppress(s, x->email, x->object_id, error))
    return FALSE;
  if (id_out)
    *id_out = g_steal_pointer(&id);
  return TRUE;
}

void kith_record_decider_init(kith_decider *d, kith_store *store, const kith_config *config)
{
  kith_decider_init(d, store, config, kith_record_decision, store);
}
