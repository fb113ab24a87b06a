/* apply.c - the one outbox applier: R26 and R61 at sync, the rules that drop a role or an update, relinking and logging, for every backend. */
#include "sync/apply.h"

#include "store/crmwrite.h"
#include "store/lookup.h"
#include "store/state.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

/* Longest CRM message kept in a log row or an error line. */
#define MAX_MESSAGE 240

kith_sync_kind kith_sync_kind_of(kith_op op)
{
  switch (op) {
  case KITH_OP_CONTACT_CREATE: return KITH_SYNC_CONTACT;
  case KITH_OP_ROLE_CREATE: return KITH_SYNC_ROLE;
  case KITH_OP_FIELD_UPDATE: return KITH_SYNC_UPDATE;
  case KITH_OP_CONTACT_DELETE:
  case KITH_OP_CONTACT_REMOVE: return KITH_SYNC_DELETE;
  }
  return KITH_SYNC_UNKNOWN;
}

void kith_sync_item_answer(kith_sync_item *item, kith_write_status status, const char *id,
                           const char *code, const char *message)
{
  item->status = status;
  g_free(item->id);
  g_free(item->code);
  g_free(item->message);
  item->id = g_strdup(id);
  item->code = g_strdup(code);
  /* One bounded line: a CRM message may hold newlines or a whole page. */
  item->message = message ? g_strndup(message, MAX_MESSAGE) : NULL;
  if (item->message)
    g_strdelimit(item->message, "\r\n\t", ' ');
}

void kith_sync_person_free(gpointer p)
{
  kith_sync_person *o = p;
  g_free(o->type);
  g_free(o->id);
  g_free(o->kith_id);
  g_free(o->account_id);
  g_free(o);
}

void kith_sync_role_free(gpointer p)
{
  kith_sync_role *r = p;
  g_free(r->id);
  g_free(r->kith_id);
  g_free(r);
}

static void item_free(gpointer p)
{
  kith_sync_item *it = p;
  if (!it)
    return;
  g_free(it->target);
  g_free(it->owner);
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    g_free(it->values[f]);
  g_free(it->id);
  g_free(it->code);
  g_free(it->message);
  g_free(it);
}

static kith_sync_item *item_new(const kith_outbox_entry *e, kith_sync_kind kind)
{
  kith_sync_item *it = g_new0(kith_sync_item, 1);
  it->e = e;
  it->kind = kind;
  return it;
}

typedef struct {
  kith_store *store;
  const kith_config *config;
  kith_sync_backend *b;
  kith_sync_stats *stats;
} applier;

/* A local backend holds the store (its lock and one transaction) for a
 * whole batch, taken by kith_sync_apply; a remote one takes it for a short
 * step at a time, never across the network: HOLD and LET_GO around a read,
 * STEP_BEGIN and STEP_END around a transaction. */
static void hold(applier *a)
{
  if (!a->b->local)
    kith_store_lock(a->store);
}

static void let_go(applier *a)
{
  if (!a->b->local)
    kith_store_unlock(a->store);
}

static gboolean step_begin(applier *a, GError **error)
{
  if (a->b->local)
    return TRUE;
  kith_store_lock(a->store);
  if (kith_store_begin(a->store, error))
    return TRUE;
  kith_store_unlock(a->store);
  return FALSE;
}

static gboolean step_end(applier *a, gboolean ok, GError **error)
{
  if (a->b->local)
    return ok;
  ok = ok && kith_store_commit(a->store, error);
  if (!ok)
    kith_store_rollback(a->store);
  kith_store_unlock(a->store);
  return ok;
}

static gboolean log_it(applier *a, const kith_outbox_entry *e, kith_action action,
                       const char *reason, const char *object_id, const char *rule,
                       const char *detail, GError **error)
{
  kith_log_entry entry = {e->activity_id, e->email, kith_action_name(action), reason, object_id,
                          rule,           detail};
  return kith_state_log(a->store, &entry, error);
}

static gboolean drop(applier *a, const kith_outbox_entry *e, GError **error)
{
  a->stats->dropped++;
  return kith_outbox_mark(a->store, e->seq, "dropped", NULL, error);
}

/* A record the CRM refused for a reason retrying cannot mend: logged with the
 * CRM's code (kith explain shows it), marked failed, never sent again. */
static gboolean fail_item(applier *a, const kith_sync_item *it, GError **error)
{
  const kith_outbox_entry *e = it->e;
  const char *code = it->code ? it->code : "ERROR";
  g_autofree char *why = g_strdup_printf("%s refused %s %s: %s: %s", a->b->name,
                                         kith_op_name(e->op), e->email ? e->email : e->object_id,
                                         code, it->message ? it->message : "no message");
  a->stats->dropped++;
  return log_it(a, e, KITH_ACTION_SYNC_FAILED, code, e->object_id, e->rule, why, error) &&
         kith_outbox_mark(a->store, e->seq, "failed", why, error);
}

/* ---- contacts (R25, R26, R61) ---------------------------------------------- */

/* Whether P, found by E's address, is the very record kith wrote for E: it
 * carries E's outbox Id; or, where the CRM holds no such mark (an org without
 * the field, a record written before kith marked its records), E was sent
 * before a crash and P is kith's, on E's account. Anything else is R61's. */
static gboolean person_is_ours(const kith_outbox_entry *e, const kith_sync_person *p)
{
  if (strcmp(p->type, "Contact") != 0)
    return FALSE;
  if (p->kith_id && *p->kith_id)
    return strcmp(p->kith_id, e->object_id) == 0;
  if (strcmp(p->id, e->object_id) == 0)
    return TRUE;
  gboolean same_account = !p->account_id ||
                          g_strcmp0(p->account_id, e->account_id ? e->account_id : "") == 0;
  return e->sent && p->by_kith && same_account;
}

/* HELD: the CRM's copy in the store holds the record already (found by R61);
 * otherwise it is inserted, and an Id that is taken is an error. */
static gboolean record_contact(applier *a, const kith_sync_item *it, gboolean held, GError **error)
{
  const kith_outbox_entry *e = it->e;
  kith_lookup_answer there = KITH_LOOKUP_NONE;
  if (held && (there = kith_crmw_contact_exists(a->store, it->id, error)) == KITH_LOOKUP_ERROR)
    return FALSE;
  if (there == KITH_LOOKUP_NONE) {
    g_autofree char *now = kith_time_now();
    kith_new_contact c = {.id = it->id,
                          .account_id = e->account_id,
                          .email = e->email,
                          .owner_id = it->owner,
                          .lead_source = e->value,
                          .created_date = now};
    for (int f = 0; f < KITH_FIELD_COUNT; f++)
      c.fields[f] = it->values[f];
    if (!kith_crmw_insert_contact(a->store, &c, error))
      return FALSE;
  }
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    if (it->values[f] &&
        !kith_state_set_field_source(a->store, it->id, kith_field_name(f), it->times[f], error))
      return FALSE;
  if (strcmp(it->id, e->object_id) != 0 &&
      !(kith_crmw_alias(a->store, e->object_id, it->id, "Contact", error) &&
        kith_state_relink(a->store, e->object_id, "Contact", it->id, error)))
    return FALSE;
  g_autofree char *detail = NULL;
  if (it->reowned)
    detail = g_strdup_printf("%s%sits owner %s is inactive by sync, so %s owns it (R26)",
                             e->detail ? e->detail : "", e->detail ? "; " : "", e->owner_id,
                             it->owner);
  a->stats->contacts_created++;
  return log_it(a, e, KITH_ACTION_CONTACT_CREATED, NULL, it->id, e->rule,
                detail ? detail : e->detail, error) &&
         kith_outbox_mark(a->store, e->seq, "done", NULL, error);
}

/* R61: the person exists by sync. Either it is the record kith itself wrote
 * (its reply was lost): then it is recorded as created, once; or somebody
 * made it meanwhile: nothing is created and the activity is linked to it. */
static gboolean settle_existing(applier *a, kith_sync_item *it, const kith_sync_person *p,
                                GError **error)
{
  const kith_outbox_entry *e = it->e;
  if (person_is_ours(e, p)) {
    kith_sync_item_answer(it, KITH_WRITE_DONE, p->id, NULL, NULL);
    return record_contact(a, it, TRUE, error);
  }
  gboolean lead = strcmp(p->type, "Lead") == 0;
  g_autofree char *why = g_strdup_printf(
      "not created at sync: %s is %s %s%s%s by then, so the activity is linked to it (R61)",
      e->email, lead ? "lead" : "contact", p->id, a->b->local ? "" : " in ",
      a->b->local ? "" : a->b->name);
  a->stats->contacts_linked++;
  return kith_crmw_alias(a->store, e->object_id, p->id, p->type, error) &&
         kith_state_relink(a->store, e->object_id, p->type, p->id, error) &&
         log_it(a, e, lead ? KITH_ACTION_LEAD_LINKED : KITH_ACTION_CONTACT_LINKED,
                kith_reason_name(KITH_REASON_EXISTS_AT_SYNC), p->id, "R61", why, error) &&
         kith_outbox_mark(a->store, e->seq, "done", NULL, error);
}

/* R26 at sync: the queued owner, unless that User is inactive by now.
 * FALSE with ERROR when the User cannot be read. */
static gboolean choose_owner(applier *a, kith_sync_item *it, GError **error)
{
  const char *owner = it->e->owner_id;
  const char *fallback = a->config->integration_user;
  it->owner = g_strdup(owner);
  if (!owner || !*owner || !fallback || !*fallback || strcmp(owner, fallback) == 0)
    return TRUE;
  gboolean active = FALSE;
  if (kith_lookup_user_active(a->store, owner, &active, error) == KITH_LOOKUP_ERROR)
    return FALSE;
  if (!active) {
    g_free(it->owner);
    it->owner = g_strdup(fallback);
    it->reowned = TRUE;
  }
  return TRUE;
}

/* Whether IT may be sent with the integration user as owner after the CRM
 * refused its owner as inactive (R26). */
static gboolean reown(applier *a, kith_sync_item *it)
{
  const char *fallback = a->config->integration_user;
  if (it->kind != KITH_SYNC_CONTACT || it->reowned || !fallback || !*fallback ||
      g_strcmp0(it->owner, fallback) == 0)
    return FALSE;
  g_free(it->owner);
  it->owner = g_strdup(fallback);
  it->reowned = TRUE;
  return TRUE;
}

static gboolean plan_contacts(applier *a, GPtrArray *batch, GPtrArray *send, GError **error)
{
  g_autoptr(GHashTable)
      people = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, kith_sync_person_free);
  if (!a->b->people(a->b, batch, people, error) || !step_begin(a, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    kith_sync_item *it = item_new(e, KITH_SYNC_CONTACT);
    g_ptr_array_add(send, it);
    /* The newest observations of the person's fields (R25, R37). */
    if (!kith_state_observations(a->store, e->email, it->values, it->times, error) ||
        !choose_owner(a, it, error)) {
      ok = FALSE;
      break;
    }
    g_autofree char *key = g_utf8_strdown(e->email, -1);
    const kith_sync_person *p = g_hash_table_lookup(people, key);
    if (p) {
      ok = settle_existing(a, it, p, error);
      g_ptr_array_remove_index(send, send->len - 1);
    }
  }
  return step_end(a, ok, error);
}

/* ---- roles, updates, deletions ---------------------------------------------- */

static gboolean record_role(applier *a, const kith_sync_item *it, GError **error)
{
  const kith_outbox_entry *e = it->e;
  kith_lookup_answer has = kith_crmw_role_exists(a->store, e->opportunity_id, it->target, error);
  if (has == KITH_LOOKUP_ERROR ||
      (has == KITH_LOOKUP_NONE &&
       !kith_crmw_insert_role(a->store, it->id, e->opportunity_id, it->target, e->value, error)))
    return FALSE;
  if (strcmp(it->id, e->object_id) != 0 &&
      !kith_crmw_alias(a->store, e->object_id, it->id, "OpportunityContactRole", error))
    return FALSE;
  a->stats->roles_created++;
  return log_it(a, e, KITH_ACTION_OCR_CREATED, NULL, it->id, e->rule, e->detail, error) &&
         kith_outbox_mark(a->store, e->seq, "done", NULL, error);
}

static gboolean role_is_ours(const kith_outbox_entry *e, const kith_sync_role *r)
{
  if (r->kith_id && *r->kith_id)
    return strcmp(r->kith_id, e->object_id) == 0;
  return strcmp(r->id, e->object_id) == 0 || e->sent;
}

/* *YES: whether role IT may go to the CRM: never for a Lead, to a contact
 * that is gone or, unless MOVED by dedup (R42), on a closed deal (R30-R35). */
static gboolean role_possible(applier *a, const kith_sync_item *it, gboolean moved, gboolean *yes,
                              GError **error)
{
  *yes = FALSE;
  if (it->lead)
    return TRUE;
  kith_lookup_answer r = kith_crmw_contact_exists(a->store, it->target, error);
  if (r == KITH_LOOKUP_FOUND && !moved)
    r = kith_crmw_opportunity_open(a->store, it->e->opportunity_id, error);
  *yes = r == KITH_LOOKUP_FOUND;
  return r != KITH_LOOKUP_ERROR;
}

static gboolean plan_roles(applier *a, GPtrArray *batch, GPtrArray *send, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(item_free);
  gboolean resolved = TRUE;
  hold(a);
  for (guint i = 0; resolved && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    kith_sync_item *it = item_new(e, KITH_SYNC_ROLE);
    const char *type = NULL;
    g_ptr_array_add(items, it);
    resolved = (it->target = kith_crmw_resolve(a->store, e->contact_id, &type, error)) != NULL;
    if (resolved)
      it->lead = strcmp(type, "Lead") == 0;
  }
  let_go(a);
  if (!resolved)
    return FALSE;
  g_autoptr(GHashTable)
      held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, kith_sync_role_free);
  if (!a->b->roles(a->b, items, held, error) || !step_begin(a, error))
    return FALSE;
  g_autoptr(GHashTable) planned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    const kith_outbox_entry *e = it->e;
    g_autofree char *pair = g_strconcat(e->opportunity_id, "|", it->target, NULL);
    const kith_sync_role *r = g_hash_table_lookup(held, pair);
    /* Roles moved by dedup (R42) keep their place even on a closed deal; new
     * roles never go on one (R30-R35). */
    gboolean moved = g_strcmp0(e->rule, "R42") == 0, possible = FALSE;
    if (r && role_is_ours(e, r)) {
      kith_sync_item_answer(it, KITH_WRITE_DONE, r->id, NULL, NULL);
      ok = record_role(a, it, error); /* written before; its reply was lost */
    } else if (!r && !role_possible(a, it, moved, &possible, error)) {
      ok = FALSE;
    } else if (r || !possible || g_hash_table_contains(planned, pair)) {
      ok = drop(a, e, error); /* never a role for a Lead, on a closed deal, or twice */
    } else {
      g_hash_table_add(planned, g_steal_pointer(&pair));
      g_ptr_array_add(send, it);
      items->pdata[i] = NULL; /* SEND owns it now */
    }
  }
  return step_end(a, ok, error);
}

static gboolean record_update(applier *a, const kith_sync_item *it, GError **error)
{
  const kith_outbox_entry *e = it->e;
  g_autofree char *old = NULL;
  if (!kith_crmw_update_field(a->store, it->target, e->field, e->value, &old, error))
    return FALSE;
  a->stats->fields_updated++;
  g_autofree char *why = e->detail
                             ? g_strdup(e->detail)
                             : g_strdup_printf("%s: '%s' becomes '%s'", e->field, old, e->value);
  return log_it(a, e, KITH_ACTION_FIELD_UPDATED, e->field, it->target, e->rule, why, error) &&
         kith_outbox_mark(a->store, e->seq, "done", NULL, error);
}

static gboolean plan_updates(applier *a, GPtrArray *batch, GPtrArray *send, GError **error)
{
  if (!step_begin(a, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    const char *type = NULL;
    g_autofree char *contact = kith_crmw_resolve(a->store, e->contact_id, &type, error);
    kith_lookup_answer there = !contact ? KITH_LOOKUP_ERROR
                               : strcmp(type, "Lead") == 0
                                   ? KITH_LOOKUP_NONE
                                   : kith_crmw_contact_exists(a->store, contact, error);
    if (there == KITH_LOOKUP_ERROR) {
      ok = FALSE;
    } else if (there == KITH_LOOKUP_NONE) {
      ok = drop(a, e, error);
    } else {
      kith_sync_item *it = item_new(e, KITH_SYNC_UPDATE);
      it->target = g_steal_pointer(&contact);
      g_ptr_array_add(send, it);
    }
  }
  return step_end(a, ok, error);
}

static gboolean record_delete(applier *a, const kith_sync_item *it, GError **error)
{
  const kith_outbox_entry *e = it->e;
  gboolean removal = e->op == KITH_OP_CONTACT_REMOVE;
  if (!kith_crmw_delete_contact(a->store, it->target, NULL, error))
    return FALSE;
  /* R42: activities linked to the deleted contact go to the survivor. */
  if (!removal && e->value && !kith_state_relink(a->store, it->target, "Contact", e->value, error))
    return FALSE;
  if (removal)
    a->stats->contacts_removed++;
  else
    a->stats->contacts_deleted++;
  return log_it(a, e, removal ? KITH_ACTION_CONTACT_REMOVED : KITH_ACTION_CONTACT_DELETED, NULL,
                it->target, e->rule, e->detail, error) &&
         kith_outbox_mark(a->store, e->seq, "done", NULL, error);
}

static gboolean plan_deletes(applier *a, GPtrArray *batch, GPtrArray *send, GError **error)
{
  gboolean ok = TRUE;
  hold(a);
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    kith_sync_item *it = item_new(e, KITH_SYNC_DELETE);
    const char *type = NULL;
    g_ptr_array_add(send, it);
    ok = (it->target = kith_crmw_resolve(a->store, e->object_id, &type, error)) != NULL;
  }
  let_go(a);
  return ok;
}

/* ---- sending ---------------------------------------------------------------- */

static gboolean record(applier *a, const kith_sync_item *it, GError **error)
{
  switch (it->kind) {
  case KITH_SYNC_CONTACT: return record_contact(a, it, FALSE, error);
  case KITH_SYNC_ROLE: return record_role(a, it, error);
  case KITH_SYNC_UPDATE: return record_update(a, it, error);
  case KITH_SYNC_DELETE: return record_delete(a, it, error);
  default: g_assert_not_reached();
  }
}

/* A remote CRM: every entry is marked sent, in the store, before its request
 * goes out, so a crash in between is known at the next sync. */
static gboolean mark_sent(applier *a, GPtrArray *items, GError **error)
{
  if (a->b->local)
    return TRUE;
  gboolean ok = step_begin(a, error);
  if (!ok)
    return FALSE;
  for (guint i = 0; ok && i < items->len; i++) {
    const kith_sync_item *it = g_ptr_array_index(items, i);
    ok = it->e->sent || kith_outbox_set_sent(a->store, it->e->seq, TRUE, error);
  }
  return step_end(a, ok, error);
}

/* The CRM's duplicate rule saw the person: link to it (R61), else fail. */
static gboolean settle_duplicate(applier *a, kith_sync_item *it, GError **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new();
  g_ptr_array_add(one, (gpointer)it->e);
  g_autoptr(GHashTable)
      people = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, kith_sync_person_free);
  if (!a->b->people(a->b, one, people, error) || !step_begin(a, error))
    return FALSE;
  g_autofree char *key = g_utf8_strdown(it->e->email, -1);
  const kith_sync_person *p = g_hash_table_lookup(people, key);
  return step_end(a, p ? settle_existing(a, it, p, error) : fail_item(a, it, error), error);
}

/* Sends SEND until every record has its final answer: refused-for-now
 * records again after a pause, at most max_retries times; records whose
 * owner was deactivated again with the integration user (R26). What is
 * still refused for now at the end stays queued and stops the sync. */
static gboolean send_items(applier *a, kith_sync_kind kind, GPtrArray *send, GError **error)
{
  if (send->len == 0)
    return TRUE;
  if (!mark_sent(a, send, error))
    return FALSE;
  g_autoptr(GPtrArray) round = g_ptr_array_new();
  for (guint i = 0; i < send->len; i++)
    g_ptr_array_add(round, g_ptr_array_index(send, i));
  const kith_sync_item *stuck = NULL;
  for (guint attempt = 0; round->len > 0; attempt++) {
    if (attempt > 0 && a->b->pause)
      a->b->pause(a->b, attempt - 1);
    for (guint i = 0; i < round->len; i++)
      kith_sync_item_answer(g_ptr_array_index(round, i), KITH_WRITE_PENDING, NULL, NULL, NULL);
    if (!a->b->write(a->b, kind, round, error) || !step_begin(a, error))
      return FALSE;
    g_autoptr(GPtrArray) again = g_ptr_array_new();
    g_autoptr(GPtrArray) duplicates = g_ptr_array_new();
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < round->len; i++) {
      kith_sync_item *it = g_ptr_array_index(round, i);
      switch (it->status) {
      case KITH_WRITE_DONE:
        ok = it->id && *it->id ? record(a, it, error) : fail_item(a, it, error);
        break;
      case KITH_WRITE_INACTIVE_OWNER:
        if (reown(a, it))
          g_ptr_array_add(again, it);
        else
          ok = fail_item(a, it, error);
        break;
      case KITH_WRITE_TRANSIENT:
        if (++it->tries <= a->b->max_retries)
          g_ptr_array_add(again, it);
        else if (!stuck)
          stuck = it;
        break;
      case KITH_WRITE_DUPLICATE:
        if (kind == KITH_SYNC_CONTACT) {
          g_ptr_array_add(duplicates, it);
          break;
        }
        ok = fail_item(a, it, error);
        break;
      default: ok = fail_item(a, it, error);
      }
    }
    if (!step_end(a, ok, error))
      return FALSE;
    for (guint i = 0; i < duplicates->len; i++)
      if (!settle_duplicate(a, g_ptr_array_index(duplicates, i), error))
        return FALSE;
    g_ptr_array_set_size(round, 0);
    for (guint i = 0; i < again->len; i++)
      g_ptr_array_add(round, g_ptr_array_index(again, i));
  }
  if (stuck) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: %s %s (outbox entry %" G_GINT64_FORMAT "): gave up after %u tries: %s: %s;"
                " it stays queued for the next sync",
                a->b->name, kith_op_name(stuck->e->op),
                stuck->e->email ? stuck->e->email : stuck->e->object_id, stuck->e->seq,
                stuck->tries, stuck->code ? stuck->code : "ERROR",
                stuck->message ? stuck->message : "no message");
    return FALSE;
  }
  return TRUE;
}

/* ---- batches ------------------------------------------------------------------ */

static gboolean apply_kind(applier *a, kith_sync_kind kind, GPtrArray *batch, GError **error)
{
  g_autoptr(GPtrArray) send = g_ptr_array_new_with_free_func(item_free);
  gboolean ok;
  switch (kind) {
  case KITH_SYNC_CONTACT: ok = plan_contacts(a, batch, send, error); break;
  case KITH_SYNC_ROLE: ok = plan_roles(a, batch, send, error); break;
  case KITH_SYNC_UPDATE: ok = plan_updates(a, batch, send, error); break;
  case KITH_SYNC_DELETE: ok = plan_deletes(a, batch, send, error); break;
  default: /* an operation this kith does not know: kept visible, not applied */
    ok = step_begin(a, error) &&
         step_end(a,
                  kith_outbox_mark(a->store, ((kith_outbox_entry *)batch->pdata[0])->seq, "failed",
                                   "unknown operation", error),
                  error);
    break;
  }
  return ok && send_items(a, kind, send, error);
}

/* The next batch: consecutive pending entries of one kind, in outbox order. */
static GPtrArray *next_batch(applier *a, kith_sync_kind *kind, GError **error)
{
  kith_store_lock(a->store);
  GPtrArray *pending = kith_outbox_pending(a->store, a->b->batch_size, error);
  kith_store_unlock(a->store);
  if (!pending || pending->len == 0)
    return pending;
  *kind = kith_sync_kind_of(((kith_outbox_entry *)g_ptr_array_index(pending, 0))->op);
  guint n = 1;
  while (*kind != KITH_SYNC_UNKNOWN && n < pending->len &&
         kith_sync_kind_of(((kith_outbox_entry *)g_ptr_array_index(pending, n))->op) == *kind)
    n++;
  g_ptr_array_set_size(pending, n);
  return pending;
}

gboolean kith_sync_apply(kith_store *store, const kith_config *config, kith_sync_backend *b,
                         kith_sync_stats *stats, GError **error)
{
  kith_sync_stats unused = {0};
  applier a = {store, config, b, stats ? stats : &unused};
  for (;;) {
    if (b->may_continue && !b->may_continue(b, error))
      return FALSE;
    kith_sync_kind kind = KITH_SYNC_UNKNOWN;
    g_autoptr(GPtrArray) batch = next_batch(&a, &kind, error);
    if (!batch)
      return FALSE;
    if (batch->len == 0)
      return TRUE;
    if (!b->local) {
      if (!apply_kind(&a, kind, batch, error))
        return FALSE;
      continue;
    }
    /* The local CRM: the whole batch, with its outbox marks, in one
     * transaction, so a failure part-way leaves all of it queued. */
    kith_sync_stats before = *a.stats;
    kith_store_lock(store);
    gboolean ok = kith_store_begin(store, error) && apply_kind(&a, kind, batch, error) &&
                  kith_store_commit(store, error);
    if (!ok)
      kith_store_rollback(store);
    kith_store_unlock(store);
    if (!ok) {
      *a.stats = before;
      const kith_outbox_entry *first = g_ptr_array_index(batch, 0);
      g_prefix_error(error, "sync stopped at outbox entries from %" G_GINT64_FORMAT " (%s %s): ",
                     first->seq, kith_op_name(first->op), first->object_id);
      return FALSE;
    }
  }
}
