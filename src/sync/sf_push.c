/* sf_push.c - the Salesforce org as a backend of apply.c: bounded look-ups and sObject Collections writes, each record's answer on its own. */
#include "sync/sf_sync.h"

#include "sync/sf_json.h"

#include "store/crmwrite.h"
#include "util/error.h"

#include <string.h>

/* sObject Collections take at most 200 records a request. */
#define MAX_COLLECTION 200

/* ---- bounded SOQL --------------------------------------------------------------- */

static gsize escaped_len(const char *s)
{
  g_autofree char *e = kith_http_escape(s);
  return strlen(e);
}

/* "BEFORE v1, v2, ... AFTER" for VALUES (each once), split into as many
 * queries as it takes for every query's URI to stay within KITH_SF_MAX_URI:
 * a list is cut by its size, not only by its count. */
static GPtrArray *bounded_queries(sf_sync *x, const char *before, const char *after,
                                  GPtrArray *values)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *prefix = kith_sf_query_path(x, "");
  gsize base = strlen(prefix) + escaped_len(before) + escaped_len(after);
  gsize sep = escaped_len(", ");
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GString) in = g_string_new(NULL);
  gsize len = base;
  for (guint i = 0; i < values->len; i++) {
    const char *v = g_ptr_array_index(values, i);
    if (!v || !*v || !g_hash_table_add(seen, (gpointer)v))
      continue;
    g_autofree char *q = kith_sf_soql_quote(v);
    gsize n = escaped_len(q);
    if (in->len && len + sep + n > KITH_SF_MAX_URI) {
      g_ptr_array_add(out, g_strconcat(before, in->str, after, NULL));
      g_string_truncate(in, 0);
      len = base;
    }
    if (in->len) {
      g_string_append(in, ", ");
      len += sep;
    }
    g_string_append(in, q);
    len += n;
  }
  if (in->len)
    g_ptr_array_add(out, g_strconcat(before, in->str, after, NULL));
  return out;
}

static gboolean query_each(sf_sync *x, const char *before, const char *after, GPtrArray *values,
                           kith_sf_record_fn fn, gpointer data, GError **error)
{
  g_autoptr(GPtrArray) queries = bounded_queries(x, before, after, values);
  for (guint i = 0; i < queries->len; i++)
    if (!kith_sf_query_all(x, g_ptr_array_index(queries, i), fn, data, error))
      return FALSE;
  return TRUE;
}

/* ---- look-ups --------------------------------------------------------------------- */

/* ", FIELD" when the org has kith's External ID on TYPE, else "". */
static char *kith_id_column(const sf_sync *x, const char *type)
{
  const char *field = kith_sf_kith_id(x, type);
  return field ? g_strconcat(", ", field, NULL) : g_strdup("");
}

static char *kith_id_of(const sf_sync *x, const char *type, json_t *rec)
{
  const char *field = kith_sf_kith_id(x, type);
  return field ? kith_sf_json_value_text(json_object_get(rec, field)) : NULL;
}

static kith_sync_person *person_of(const sf_sync *x, json_t *rec, gboolean is_contact)
{
  kith_sync_person *p = g_new0(kith_sync_person, 1);
  p->type = g_strdup(is_contact ? "Contact" : "Lead");
  p->id = kith_sf_json_value_text(json_object_get(rec, "Id"));
  p->by_kith = json_is_true(json_object_get(rec, x->sf->created_flag_field));
  if (is_contact) {
    p->kith_id = kith_id_of(x, "Contact", rec);
    p->account_id = kith_sf_json_value_text(json_object_get(rec, "AccountId"));
  }
  return p;
}

/* What a look-up found, and the org's records of it for the mirror, which
 * are stored once the org has answered (never while it is being asked). */
typedef struct {
  GHashTable *found;
  GPtrArray *records; /* json_t* */
} look_up;

static gboolean collect_person(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  look_up *look = data;
  const char *type = json_string_value(json_object_get(json_object_get(rec, "attributes"), "type"));
  g_autofree char *email = kith_sf_json_value_text(json_object_get(rec, "Email"));
  g_autofree char *key = g_utf8_strdown(email, -1);
  gboolean is_contact = g_strcmp0(type, "Contact") == 0;
  if (is_contact)
    g_ptr_array_add(look->records, json_incref(rec));
  kith_sync_person *prev = g_hash_table_lookup(look->found, key);
  if (prev && strcmp(prev->type, "Contact") == 0)
    return TRUE; /* a Contact wins over a Lead; the first (oldest) Contact wins */
  g_hash_table_replace(look->found, g_steal_pointer(&key), person_of(x, rec, is_contact));
  return TRUE;
}

/* R61 in the org: the Contacts, else unconverted Leads, with these addresses. */
static gboolean sf_people(kith_sync_backend *b, GPtrArray *entries, GHashTable *people,
                          GError **error)
{
  sf_sync *x = (sf_sync *)b;
  g_autoptr(GPtrArray) emails = g_ptr_array_new();
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add(emails, ((kith_outbox_entry *)g_ptr_array_index(entries, i))->email);
  g_autofree char *fields = kith_sf_select_list(x->sf, kith_crm_object_lookup("Contact"));
  g_autofree char *kith_id = kith_id_column(x, "Contact");
  g_autofree char *contacts = g_strdup_printf("SELECT %s%s FROM Contact WHERE Email IN (", fields,
                                              kith_id);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  look_up look = {people, records};
  return query_each(x, contacts, ") ORDER BY CreatedDate, Id", emails, collect_person, &look,
                    error) &&
         query_each(x, "SELECT Id, Email FROM Lead WHERE IsConverted = false AND Email IN (",
                    ") ORDER BY Id", emails, collect_person, &look, error) &&
         kith_sf_mirror_records(x, kith_crm_object_lookup("Contact"), records, error);
}

static gboolean collect_role(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  look_up *look = data;
  g_autofree char *opp = kith_sf_json_value_text(json_object_get(rec, "OpportunityId"));
  g_autofree char *contact = kith_sf_json_value_text(json_object_get(rec, "ContactId"));
  kith_sync_role *r = g_new0(kith_sync_role, 1);
  r->id = kith_sf_json_value_text(json_object_get(rec, "Id"));
  r->kith_id = kith_id_of(x, "OpportunityContactRole", rec);
  g_hash_table_replace(look->found, g_strconcat(opp, "|", contact, NULL), r);
  g_ptr_array_add(look->records, json_incref(rec));
  return TRUE;
}

/* The roles on the items' opportunities: kith's own sent before a crash, or
 * anybody's, so that no pair gets a second role. */
static gboolean sf_roles(kith_sync_backend *b, GPtrArray *items, GHashTable *roles, GError **error)
{
  sf_sync *x = (sf_sync *)b;
  g_autoptr(GPtrArray) opps = g_ptr_array_new();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(opps, ((kith_sync_item *)g_ptr_array_index(items, i))->e->opportunity_id);
  g_autofree char *kith_id = kith_id_column(x, "OpportunityContactRole");
  g_autofree char *soql = g_strdup_printf(
      "SELECT Id, OpportunityId, ContactId, Role, IsPrimary, %s%s FROM OpportunityContactRole"
      " WHERE OpportunityId IN (",
      x->sf->created_flag_field, kith_id);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  look_up look = {roles, records};
  return query_each(x, soql, ") ORDER BY Id", opps, collect_role, &look, error) &&
         kith_sf_mirror_records(x, kith_crm_object_lookup("OpportunityContactRole"), records,
                                error);
}

/* ---- writes ---------------------------------------------------------------------- */

static const char *const TRANSIENT[] = {
    "UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG", "SERVER_UNAVAILABLE",
    "UNKNOWN_EXCEPTION",  "REQUEST_LIMIT_EXCEEDED",
};

/* Sorts one record's result by what retrying can mend (docs/salesforce.md). */
static void answer(kith_sync_item *it, json_t *res, gboolean deleting)
{
  const char *id = json_string_value(json_object_get(res, "id"));
  if (json_is_true(json_object_get(res, "success"))) {
    /* A success with no Id is no success kith can record. */
    kith_sync_item_answer(it, id || deleting ? KITH_WRITE_DONE : KITH_WRITE_FINAL,
                          deleting ? it->target : id, id || deleting ? NULL : "NO_ID",
                          "the org said success but named no Id");
    return;
  }
  json_t *err = json_array_get(json_object_get(res, "errors"), 0);
  const char *code = json_string_value(json_object_get(err, "statusCode"));
  const char *msg = json_string_value(json_object_get(err, "message"));
  if (!json_is_object(res)) {
    code = "NO_RESULT";
    msg = "the reply has no result for this record";
  }
  kith_write_status status = KITH_WRITE_FINAL;
  for (guint i = 0; code && i < G_N_ELEMENTS(TRANSIENT); i++)
    if (strcmp(code, TRANSIENT[i]) == 0)
      status = KITH_WRITE_TRANSIENT;
  if (g_strcmp0(code, "INACTIVE_OWNER_OR_USER") == 0)
    status = KITH_WRITE_INACTIVE_OWNER;
  else if (g_strcmp0(code, "DUPLICATES_DETECTED") == 0)
    status = KITH_WRITE_DUPLICATE;
  else if (deleting &&
           (g_strcmp0(code, "ENTITY_IS_DELETED") == 0 || g_strcmp0(code, "NOT_FOUND") == 0))
    status = KITH_WRITE_DONE; /* already gone (deleted before a lost reply, or by someone) */
  kith_sync_item_answer(it, status, status == KITH_WRITE_DONE ? it->target : NULL, code, msg);
}

static json_t *collection(GPtrArray *records)
{
  json_t *body = json_object();
  json_object_set_new(body, "allOrNone", json_false());
  json_t *list = json_array();
  for (guint i = 0; i < records->len; i++)
    json_array_append(list, g_ptr_array_index(records, i));
  json_object_set_new(body, "records", list);
  return body;
}

static json_t *record_of(const char *type)
{
  json_t *r = json_object();
  json_t *attrs = json_object();
  json_object_set_new(attrs, "type", json_string(type));
  json_object_set_new(r, "attributes", attrs);
  return r;
}

static json_t *contact_record(sf_sync *x, const kith_sync_item *it)
{
  const kith_outbox_entry *e = it->e;
  json_t *r = record_of("Contact");
  if (x->contact_kith_id)
    json_object_set_new(r, x->contact_kith_id, json_string(e->object_id));
  json_object_set_new(r, "AccountId", json_string(e->account_id ? e->account_id : ""));
  json_object_set_new(r, "Email", json_string(e->email));
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    if (it->values[f])
      json_object_set_new(r, kith_sf_org_field(x->sf, kith_field_name(f)),
                          json_string(it->values[f]));
  if (it->owner && *it->owner)
    json_object_set_new(r, "OwnerId", json_string(it->owner));
  json_object_set_new(r, "LeadSource", json_string(e->value ? e->value : ""));
  json_object_set_new(r, x->sf->created_flag_field, json_true());
  return r;
}

static json_t *role_record(sf_sync *x, const kith_sync_item *it)
{
  const kith_outbox_entry *e = it->e;
  json_t *r = record_of("OpportunityContactRole");
  if (x->role_kith_id)
    json_object_set_new(r, x->role_kith_id, json_string(e->object_id));
  json_object_set_new(r, "OpportunityId", json_string(e->opportunity_id));
  json_object_set_new(r, "ContactId", json_string(it->target));
  if (e->value && *e->value)
    json_object_set_new(r, "Role", json_string(e->value));
  json_object_set_new(r, "IsPrimary", json_false());
  json_object_set_new(r, x->sf->created_flag_field, json_true());
  return r;
}

typedef struct {
  const char *field;
  GHashTable *held;
} kith_id_look;

static gboolean collect_kith_id(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  (void)x;
  (void)error;
  kith_id_look *look = data;
  g_hash_table_replace(look->held, kith_sf_json_value_text(json_object_get(rec, look->field)),
                       kith_sf_json_value_text(json_object_get(rec, "Id")));
  return TRUE;
}

/* R60: what the org holds of ITEMS' creates, by the outbox Id kith wrote on
 * them in FIELD. Found: done, with the org's Id. Not found: MISSING. */
static gboolean settle_by_kith_id(sf_sync *x, const char *type, const char *field, GPtrArray *items,
                                  kith_write_status missing, const char *code, const char *why,
                                  GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(ids, ((kith_sync_item *)g_ptr_array_index(items, i))->e->object_id);
  g_autoptr(GHashTable) held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  kith_id_look look = {field, held};
  g_autofree char *soql = g_strdup_printf("SELECT Id, %s FROM %s WHERE %s IN (", field, type,
                                          field);
  if (!query_each(x, soql, ")", ids, collect_kith_id, &look, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    const char *id = g_hash_table_lookup(held, it->e->object_id);
    if (id)
      kith_sync_item_answer(it, KITH_WRITE_DONE, id, NULL, NULL);
    else
      kith_sync_item_answer(it, missing, NULL, code, why);
  }
  return TRUE;
}

typedef struct {
  GHashTable *ours;   /* "address|AccountId" -> Id, of the Contacts kith made */
  GHashTable *anyone; /* address -> Id, of the oldest Contact with it */
} contact_look;

static gboolean collect_contact(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  (void)error;
  contact_look *look = data;
  g_autoptr(kith_sync_person) p = person_of(x, rec, TRUE);
  g_autofree char *email = kith_sf_json_value_text(json_object_get(rec, "Email"));
  char *key = g_utf8_strdown(email, -1);
  char *ours = g_strconcat(key, "|", p->account_id, NULL);
  if (p->by_kith && !g_hash_table_contains(look->ours, ours))
    g_hash_table_insert(look->ours, ours, g_strdup(p->id));
  else
    g_free(ours);
  if (g_hash_table_contains(look->anyone, key))
    g_free(key);
  else
    g_hash_table_insert(look->anyone, key, g_strdup(p->id));
  return TRUE;
}

/* R60 where the org has no External ID on Contact: what it holds of ITEMS'
 * creates, by the address kith queued. A Contact kith made, on the entry's
 * account, is the one it sent: done. Any other Contact with the address is
 * somebody's (R61): the applier links it. None: MISSING. */
static gboolean settle_contacts_by_email(sf_sync *x, GPtrArray *items, kith_write_status missing,
                                         const char *code, const char *why, GError **error)
{
  g_autoptr(GPtrArray) emails = g_ptr_array_new();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(emails, ((kith_sync_item *)g_ptr_array_index(items, i))->e->email);
  g_autoptr(GHashTable) ours = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) anyone = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  contact_look look = {ours, anyone};
  g_autofree char *soql = g_strdup_printf(
      "SELECT Id, Email, AccountId, %s FROM Contact WHERE Email IN (", x->sf->created_flag_field);
  if (!query_each(x, soql, ") ORDER BY CreatedDate, Id", emails, collect_contact, &look, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    g_autofree char *email = g_utf8_strdown(it->e->email, -1);
    g_autofree char *key = g_strconcat(email, "|", it->e->account_id ? it->e->account_id : "",
                                       NULL);
    const char *id = g_hash_table_lookup(ours, key);
    if (id)
      kith_sync_item_answer(it, KITH_WRITE_DONE, id, NULL, NULL);
    else if (g_hash_table_contains(anyone, email))
      kith_sync_item_answer(it, KITH_WRITE_DUPLICATE, NULL, "EXISTS_AT_SYNC",
                            "a Contact with this Email exists that kith did not send");
    else
      kith_sync_item_answer(it, missing, NULL, code, why);
  }
  return TRUE;
}

static gboolean collect_pair(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  (void)x;
  (void)error;
  g_autofree char *opp = kith_sf_json_value_text(json_object_get(rec, "OpportunityId"));
  g_autofree char *contact = kith_sf_json_value_text(json_object_get(rec, "ContactId"));
  char *pair = g_strconcat(opp, "|", contact, NULL);
  if (g_hash_table_contains(data, pair))
    g_free(pair);
  else
    g_hash_table_insert(data, pair, kith_sf_json_value_text(json_object_get(rec, "Id")));
  return TRUE;
}

/* R60 where the org has no External ID on OpportunityContactRole: a role on
 * the item's opportunity for its contact is the one kith sent (plan_roles
 * sends none for a pair that has one). None: MISSING. */
static gboolean settle_roles_by_pair(sf_sync *x, GPtrArray *items, kith_write_status missing,
                                     const char *code, const char *why, GError **error)
{
  g_autoptr(GPtrArray) opps = g_ptr_array_new();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(opps, ((kith_sync_item *)g_ptr_array_index(items, i))->e->opportunity_id);
  g_autoptr(GHashTable) held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (!query_each(x,
                  "SELECT Id, OpportunityId, ContactId FROM OpportunityContactRole"
                  " WHERE OpportunityId IN (",
                  ") ORDER BY Id", opps, collect_pair, held, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    g_autofree char *pair = g_strconcat(it->e->opportunity_id, "|", it->target, NULL);
    const char *id = g_hash_table_lookup(held, pair);
    if (id)
      kith_sync_item_answer(it, KITH_WRITE_DONE, id, NULL, NULL);
    else
      kith_sync_item_answer(it, missing, NULL, code, why);
  }
  return TRUE;
}

/* R60: what the org holds of ITEMS' creates whose replies were lost, or
 * which a unique field refused: by kith's External ID where the org has
 * it, else by what identifies each record. Nothing is sent twice without
 * this look first. */
static gboolean settle_lost(sf_sync *x, const char *type, GPtrArray *items,
                            kith_write_status missing, const char *code, const char *why,
                            GError **error)
{
  const char *field = kith_sf_kith_id(x, type);
  if (field)
    return settle_by_kith_id(x, type, field, items, missing, code, why, error);
  if (strcmp(type, "Contact") == 0)
    return settle_contacts_by_email(x, items, missing, code, why, error);
  return settle_roles_by_pair(x, items, missing, code, why, error);
}

/* The org refused kith's External ID on TYPE though its describe listed it
 * (deleted or hidden from kith since): nothing was written, so ITEMS go
 * again without it, and for the rest of the sync kith finds its records of
 * TYPE by what identifies them. */
static void drop_kith_id(sf_sync *x, const char *type, GPtrArray *items)
{
  g_snprintf(x->stats->note, sizeof x->stats->note,
             "salesforce: the org refuses %s on %s: for the rest of this sync kith writes it no "
             "more and looks up what it created by what identifies it (R60)",
             kith_sf_kith_id(x, type), type);
  if (strcmp(type, "Contact") == 0)
    x->contact_kith_id = NULL;
  else
    x->role_kith_id = NULL;
  for (guint i = 0; i < items->len; i++)
    kith_sync_item_answer(g_ptr_array_index(items, i), KITH_WRITE_TRANSIENT, NULL, "INVALID_FIELD",
                          "the org has no such field");
}

/* Creates ITEMS (at most 200) with POST. A reply that never came may hide
 * records the org saved; a unique field refused (DUPLICATE_VALUE) may mean
 * one was saved before: both are settled by looking, never by re-sending. */
static gboolean create(sf_sync *x, const char *type, GPtrArray *items, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  for (guint i = 0; i < items->len; i++) {
    const kith_sync_item *it = g_ptr_array_index(items, i);
    g_ptr_array_add(records,
                    strcmp(type, "Contact") == 0 ? contact_record(x, it) : role_record(x, it));
  }
  g_autofree char *path = kith_sf_path(x->client, "/composite/sobjects");
  json_t *body = collection(records);
  GError *lost = NULL;
  json_t *reply = kith_sf_call(x->client, "POST", path, body, &lost);
  json_decref(body);
  const char *field = kith_sf_kith_id(x, type);
  if (!reply) {
    if (field && kith_sf_refused_field(x->client, field)) {
      g_error_free(lost);
      drop_kith_id(x, type, items);
      return TRUE;
    }
    if (!x->client->maybe_applied) {
      g_propagate_error(error, lost);
      return FALSE;
    }
    gboolean ok = settle_lost(x, type, items, KITH_WRITE_TRANSIENT, "NO_REPLY", lost->message,
                              error);
    g_error_free(lost);
    return ok;
  }
  g_autoptr(GPtrArray) taken = g_ptr_array_new();
  g_autoptr(GPtrArray) unknown = g_ptr_array_new();
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    answer(it, json_array_get(reply, i), FALSE);
    if (g_strcmp0(it->code, "DUPLICATE_VALUE") == 0)
      g_ptr_array_add(taken, it);
    else if (field && kith_sf_error_names_field(it->code, it->message, field))
      g_ptr_array_add(unknown, it);
  }
  json_decref(reply);
  if (unknown->len)
    drop_kith_id(x, type, unknown);
  return taken->len == 0 || settle_lost(x, type, taken, KITH_WRITE_FINAL, "DUPLICATE_VALUE",
                                        "a unique field's value is taken", error);
}

static gboolean update(sf_sync *x, GPtrArray *items, GError **error)
{
  /* One record per contact: Salesforce refuses the same Id twice in one
   * request. RECORD_OF maps each item to its record. */
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  g_autoptr(GHashTable) by_contact = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GArray) index_of = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < items->len; i++) {
    const kith_sync_item *it = g_ptr_array_index(items, i);
    gpointer found;
    guint index;
    if (g_hash_table_lookup_extended(by_contact, it->target, NULL, &found)) {
      index = GPOINTER_TO_UINT(found);
    } else {
      json_t *r = record_of("Contact");
      json_object_set_new(r, "id", json_string(it->target));
      index = records->len;
      g_ptr_array_add(records, r);
      g_hash_table_insert(by_contact, it->target, GUINT_TO_POINTER(index));
    }
    json_object_set_new(g_ptr_array_index(records, index), kith_sf_org_field(x->sf, it->e->field),
                        json_string(it->e->value ? it->e->value : ""));
    g_array_append_val(index_of, index);
  }
  g_autofree char *path = kith_sf_path(x->client, "/composite/sobjects");
  json_t *body = collection(records);
  json_t *reply = kith_sf_call(x->client, "PATCH", path, body, error);
  json_decref(body);
  if (!reply)
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    kith_sync_item *it = g_ptr_array_index(items, i);
    answer(it, json_array_get(reply, g_array_index(index_of, guint, i)), FALSE);
    if (it->status == KITH_WRITE_DONE)
      kith_sync_item_answer(it, KITH_WRITE_DONE, it->target, NULL, NULL);
  }
  json_decref(reply);
  return TRUE;
}

/* Deletes ITEMS, as many per request as the URI holds. */
static gboolean delete_all(sf_sync *x, GPtrArray *items, GError **error)
{
  g_autofree char *prefix = kith_sf_path(x->client, "/composite/sobjects?allOrNone=false&ids=");
  for (guint from = 0; from < items->len;) {
    g_autoptr(GString) list = g_string_new(NULL);
    guint to = from;
    while (to < items->len) {
      g_autofree char *esc = kith_http_escape(
          ((kith_sync_item *)g_ptr_array_index(items, to))->target);
      if (to > from && strlen(prefix) + list->len + 1 + strlen(esc) > KITH_SF_MAX_URI)
        break;
      g_string_append_printf(list, "%s%s", to > from ? "," : "", esc);
      to++;
    }
    g_autofree char *path = g_strconcat(prefix, list->str, NULL);
    json_t *reply = kith_sf_call(x->client, "DELETE", path, NULL, error);
    if (!reply)
      return FALSE;
    for (guint i = from; i < to; i++)
      answer(g_ptr_array_index(items, i), json_array_get(reply, i - from), TRUE);
    json_decref(reply);
    from = to;
  }
  return TRUE;
}

static gboolean sf_write(kith_sync_backend *b, kith_sync_kind kind, GPtrArray *items,
                         GError **error)
{
  sf_sync *x = (sf_sync *)b;
  for (guint from = 0; from < items->len; from += MAX_COLLECTION) {
    g_autoptr(GPtrArray) part = g_ptr_array_new();
    for (guint i = from; i < items->len && i < from + MAX_COLLECTION; i++)
      g_ptr_array_add(part, g_ptr_array_index(items, i));
    gboolean ok;
    switch (kind) {
    case KITH_SYNC_CONTACT: ok = create(x, "Contact", part, error); break;
    case KITH_SYNC_ROLE: ok = create(x, "OpportunityContactRole", part, error); break;
    case KITH_SYNC_UPDATE: ok = update(x, part, error); break;
    default: ok = delete_all(x, part, error);
    }
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

static void sf_pause(kith_sync_backend *b, guint attempt)
{
  kith_sf_backoff(((sf_sync *)b)->client, (int)attempt);
}

static gboolean sf_may_continue(kith_sync_backend *b, GError **error)
{
  kith_sf_client *c = ((sf_sync *)b)->client;
  if (!kith_sf_limit_reached(c))
    return TRUE;
  g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
              "salesforce: paused: the org has used %" G_GINT64_FORMAT " of its %" G_GINT64_FORMAT
              " daily API calls and kith keeps %d in reserve; the rest of the outbox waits",
              c->api_used, c->api_limit, c->sf->api_reserve);
  return FALSE;
}

void kith_sf_backend_init(sf_sync *x)
{
  x->base.name = "Salesforce";
  x->base.local = FALSE;
  x->base.batch_size = x->sf->batch_size > 0 ? MIN(x->sf->batch_size, MAX_COLLECTION)
                                             : MAX_COLLECTION;
  x->base.people = sf_people;
  x->base.roles = sf_roles;
  x->base.write = sf_write;
  x->base.pause = sf_pause;
  x->base.max_retries = x->sf->max_retries > 0 ? (guint)x->sf->max_retries : 0;
  x->base.may_continue = sf_may_continue;
}
