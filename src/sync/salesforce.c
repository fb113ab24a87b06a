/* salesforce.c - kith sync against a Salesforce org: refresh the mirror, then
 * push the outbox in sObject Collections requests, each record's result on
 * its own, never losing a queued change and never writing one twice. */
#include "sync/salesforce.h"

#include "sync/sf_json.h"

#include "store/crm.h"
#include "store/crmwrite.h"
#include "store/outbox.h"
#include "store/state.h"
#include "sync/sf_client.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

typedef struct {
  kith_store *store;
  const kith_config *config;
  const kith_salesforce_config *sf;
  kith_sf_client *client;
  kith_sync_stats *stats;
} sf_sync;

/* The org's API name of one of the contract's columns (kith's custom
 * fields may have other names in an org). */
static const char *org_field(const kith_salesforce_config *sf, const char *name)
{
  if (strcmp(name, "Created_By_Kith__c") == 0)
    return sf->created_flag_field;
  if (strcmp(name, "Seniority__c") == 0)
    return sf->seniority_field;
  if (strcmp(name, "Persona__c") == 0)
    return sf->persona_field;
  if (strcmp(name, "Secondary_Domains__c") == 0)
    return sf->secondary_domains_field;
  return name;
}

/* A SOQL string literal. */
static char *soql_quote(const char *s)
{
  GString *q = g_string_new("'");
  for (const char *p = s; *p; p++) {
    if (*p == '\'' || *p == '\\')
      g_string_append_c(q, '\\');
    g_string_append_c(q, *p);
  }
  g_string_append_c(q, '\'');
  return g_string_free(q, FALSE);
}

static char *select_list(const kith_salesforce_config *sf, const kith_crm_object *o)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->n_columns; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", org_field(sf, o->columns[i].name));
  return g_string_free(s, FALSE);
}

static char *query_path(sf_sync *x, const char *soql)
{
  g_autofree char *q = kith_http_escape(soql);
  g_autofree char *rest = g_strconcat("/query?q=", q, NULL);
  return kith_sf_path(x->client, rest);
}

/* Upserts one org record into the mirror. */
static gboolean mirror_record(sf_sync *x, const kith_crm_object *o, json_t *rec, GError **error)
{
  char *vals[32] = {0};
  for (guint i = 0; i < o->n_columns; i++)
    vals[i] = kith_sf_json_value_text(json_object_get(rec, org_field(x->sf, o->columns[i].name)));
  gboolean ok = TRUE;
  if (strcmp(o->name, "Lead") == 0 && strcmp(vals[6], "true") == 0) {
    ok = kith_crm_delete(x->store, o, vals[0], error); /* converted: no longer a Lead for R21 */
  } else {
    g_autofree char *why = NULL;
    ok = kith_crm_upsert(x->store, o, (const char *const *)vals, &why, error);
    if (!ok && why) {
      /* A record the mirror cannot hold is skipped, not fatal. */
      g_warning("salesforce: %s %s: %s", o->name, vals[0], why);
      ok = TRUE;
    }
  }
  for (guint i = 0; i < o->n_columns; i++)
    g_free(vals[i]);
  return ok;
}

/* Runs SOQL, following nextRecordsUrl, calling FN for every record. */
typedef gboolean (*record_fn)(sf_sync *x, json_t *rec, gpointer data, GError **error);

static gboolean query_all(sf_sync *x, const char *soql, record_fn fn, gpointer data, GError **error)
{
  g_autofree char *path = query_path(x, soql);
  while (path) {
    json_t *reply = kith_sf_call(x->client, "GET", path, NULL, error);
    if (!reply)
      return FALSE;
    json_t *records = json_object_get(reply, "records");
    size_t i;
    json_t *rec;
    gboolean ok = TRUE;
    json_array_foreach(records, i, rec) {
      if (!(ok = fn(x, rec, data, error)))
        break;
    }
    g_free(path);
    const char *next = json_string_value(json_object_get(reply, "nextRecordsUrl"));
    path = ok && next && !json_is_true(json_object_get(reply, "done")) ? g_strdup(next) : NULL;
    json_decref(reply);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  const kith_crm_object *object;
  gint64 newest;
  guint count;
} refresh_state;

static gboolean refresh_one(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  refresh_state *r = data;
  gint64 t;
  if (kith_time_parse(json_string_value(json_object_get(rec, "SystemModstamp")), &t) && t > r->newest)
    r->newest = t;
  r->count++;
  return mirror_record(x, r->object, rec, error);
}

/* Brings one object's mirror up to date: everything the first time, then
 * what changed since the newest SystemModstamp seen, and what was deleted. */
static gboolean refresh_object(sf_sync *x, const kith_crm_object *o, GError **error)
{
  g_autofree char *key = g_strconcat("salesforce.modstamp.", o->name, NULL);
  g_autofree char *del_key = g_strconcat("salesforce.deleted_since.", o->name, NULL);
  g_autofree char *last = kith_store_meta_get(x->store, key);
  g_autofree char *deleted_since = kith_store_meta_get(x->store, del_key);
  g_autofree char *now = kith_time_now();
  g_autofree char *fields = select_list(x->sf, o);
  g_autoptr(GString) soql = g_string_new(NULL);
  g_string_printf(soql, "SELECT %s, SystemModstamp FROM %s", fields, o->name);
  if (last)
    g_string_append_printf(soql, " WHERE SystemModstamp >= %s", last);
  else if (strcmp(o->name, "Lead") == 0)
    g_string_append(soql, " WHERE IsConverted = false");
  g_string_append(soql, " ORDER BY SystemModstamp, Id");
  refresh_state r = {o, G_MININT64, 0};
  if (!kith_store_begin(x->store, error))
    return FALSE;
  gboolean ok = query_all(x, soql->str, refresh_one, &r, error);
  /* Deletions since the last look, with two minutes of overlap for clocks
   * that disagree; deleting from the mirror twice is harmless. */
  gint64 now_t = kith_time_now_unix(), since_t = 0;
  g_autofree char *until = kith_time_format(now_t + 1);
  g_autofree char *next_since = kith_time_format(now_t - 120);
  if (ok && last && deleted_since && kith_time_parse(deleted_since, &since_t)) {
    g_autofree char *start = kith_http_escape(deleted_since);
    g_autofree char *end = kith_http_escape(until);
    g_autofree char *rest = g_strdup_printf("/sobjects/%s/deleted/?start=%s&end=%s", o->name, start, end);
    g_autofree char *path = kith_sf_path(x->client, rest);
    json_t *reply = kith_sf_call(x->client, "GET", path, NULL, error);
    ok = reply != NULL;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(reply, "deletedRecords"), i, d) {
      const char *id = json_string_value(json_object_get(d, "id"));
      if (ok && id)
        ok = strcmp(o->name, "Contact") == 0 ? kith_crmw_delete_contact(x->store, id, NULL, error)
                                             : kith_crm_delete(x->store, o, id, error);
    }
    json_decref(reply);
  }
  if (ok && r.newest != G_MININT64) {
    g_autofree char *newest = kith_time_format(r.newest);
    ok = kith_store_meta_set(x->store, key, newest, error);
  } else if (ok && !last) {
    ok = kith_store_meta_set(x->store, key, now, error);
  }
  ok = ok && kith_store_meta_set(x->store, del_key, next_since, error) &&
       kith_store_commit(x->store, error);
  if (!ok)
    kith_store_rollback(x->store);
  return ok;
}

static gboolean refresh_mirror(sf_sync *x, GError **error)
{
  static const char *const order[] = {"User", "Account", "AccountTeamMember", "Contact", "Lead",
                                      "Opportunity", "OpportunityContactRole"};
  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    if (!refresh_object(x, kith_crm_object_lookup(order[i]), error)) {
      g_prefix_error(error, "refreshing %s: ", order[i]);
      return FALSE;
    }
  return TRUE;
}

/* ---- push ---------------------------------------------------------------- */

static gboolean log_it(sf_sync *x, const kith_outbox_entry *e, const char *action,
                       const char *reason, const char *object_id, const char *rule,
                       const char *detail, GError **error)
{
  kith_log_entry entry = {e->activity_id, e->email, action, reason, object_id, rule, detail};
  return kith_state_log(x->store, &entry, error);
}

/* A record's failure that retrying will not mend: logged, kept visible, and
 * never retried (the entry is marked failed). */
static gboolean fail_entry(sf_sync *x, const kith_outbox_entry *e, json_t *result, GError **error)
{
  json_t *err = json_array_get(json_object_get(result, "errors"), 0);
  const char *code = json_string_value(json_object_get(err, "statusCode"));
  const char *msg = json_string_value(json_object_get(err, "message"));
  g_autofree char *why = g_strdup_printf("Salesforce refused %s %s: %s: %s", e->op,
                                         e->email ? e->email : e->object_id, code ? code : "ERROR",
                                         msg ? msg : "no message");
  x->stats->dropped++;
  return log_it(x, e, "sync_failed", code ? code : "ERROR", e->object_id, e->rule, why, error) &&
         kith_outbox_mark(x->store, e->seq, "failed", why, error);
}

static gboolean mark_sent(sf_sync *x, GPtrArray *entries, GError **error)
{
  if (!kith_store_begin(x->store, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(entries, i);
    if (!kith_outbox_set_sent(x->store, e->seq, TRUE, error)) {
      kith_store_rollback(x->store);
      return FALSE;
    }
  }
  return kith_store_commit(x->store, error);
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

static const char *status_code(json_t *result)
{
  return json_string_value(json_object_get(json_array_get(json_object_get(result, "errors"), 0),
                                           "statusCode"));
}

typedef struct {
  char *type; /* "Contact" or "Lead" */
  char *id;
  gboolean by_kith;
} org_person;

static void org_person_free(gpointer p)
{
  org_person *o = p;
  g_free(o->type);
  g_free(o->id);
  g_free(o);
}

static gboolean collect_person(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  GHashTable *found = data;
  const char *type = json_string_value(json_object_get(json_object_get(rec, "attributes"), "type"));
  g_autofree char *email = kith_sf_json_value_text(json_object_get(rec, "Email"));
  g_autofree char *key = g_utf8_strdown(email, -1);
  gboolean is_contact = g_strcmp0(type, "Contact") == 0;
  if (is_contact && !mirror_record(x, kith_crm_object_lookup("Contact"), rec, error))
    return FALSE;
  org_person *prev = g_hash_table_lookup(found, key);
  if (prev && strcmp(prev->type, "Contact") == 0)
    return TRUE; /* a Contact wins over a Lead; the first (oldest) Contact wins */
  org_person *p = g_new0(org_person, 1);
  p->type = g_strdup(is_contact ? "Contact" : "Lead");
  p->id = kith_sf_json_value_text(json_object_get(rec, "Id"));
  p->by_kith = json_is_true(json_object_get(rec, x->sf->created_flag_field));
  g_hash_table_replace(found, g_steal_pointer(&key), p);
  return TRUE;
}

/* R61 in the org: the Contacts, else unconverted Leads, with these addresses. */
static GHashTable *people_in_org(sf_sync *x, GPtrArray *entries, GError **error)
{
  GHashTable *found = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, org_person_free);
  g_autoptr(GString) in = g_string_new(NULL);
  for (guint i = 0; i < entries->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(entries, i);
    g_autofree char *q = soql_quote(e->email);
    g_string_append_printf(in, "%s%s", i ? ", " : "", q);
  }
  g_autofree char *fields = select_list(x->sf, kith_crm_object_lookup("Contact"));
  g_autofree char *c = g_strdup_printf("SELECT %s FROM Contact WHERE Email IN (%s) ORDER BY CreatedDate, Id",
                                       fields, in->str);
  g_autofree char *l = g_strdup_printf(
      "SELECT Id, Email FROM Lead WHERE IsConverted = false AND Email IN (%s) ORDER BY Id", in->str);
  if (!query_all(x, c, collect_person, found, error) || !query_all(x, l, collect_person, found, error)) {
    g_hash_table_unref(found);
    return NULL;
  }
  return found;
}

static json_t *contact_record(sf_sync *x, const kith_outbox_entry *e, char **values)
{
  json_t *r = json_object();
  json_t *attrs = json_object();
  json_object_set_new(attrs, "type", json_string("Contact"));
  json_object_set_new(r, "attributes", attrs);
  json_object_set_new(r, "AccountId", json_string(e->account_id ? e->account_id : ""));
  json_object_set_new(r, "Email", json_string(e->email));
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    if (values[f])
      json_object_set_new(r, org_field(x->sf, kith_field_name(f)), json_string(values[f]));
  if (e->owner_id && *e->owner_id)
    json_object_set_new(r, "OwnerId", json_string(e->owner_id));
  json_object_set_new(r, "LeadSource", json_string(e->value ? e->value : ""));
  json_object_set_new(r, x->sf->created_flag_field, json_true());
  return r;
}

/* A contact that now exists in the org: the one kith sent before a crash
 * (then it is kith's creation) or one somebody made meanwhile (R61). */
static gboolean settle_existing(sf_sync *x, const kith_outbox_entry *e, const org_person *p,
                                GError **error)
{
  gboolean ours = e->sent && strcmp(p->type, "Contact") == 0 && p->by_kith;
  if (!kith_crmw_alias(x->store, e->object_id, p->id, p->type, error) ||
      !kith_state_relink(x->store, e->object_id, p->type, p->id, error))
    return FALSE;
  if (ours) {
    x->stats->contacts_created++;
    if (!log_it(x, e, "contact_created", NULL, p->id, e->rule, e->detail, error))
      return FALSE;
  } else {
    gboolean lead = strcmp(p->type, "Lead") == 0;
    g_autofree char *why = g_strdup_printf(
        "not created at sync: %s is %s %s in Salesforce by then, so the activity is linked to it (R61)",
        e->email, lead ? "lead" : "contact", p->id);
    x->stats->contacts_linked++;
    if (!log_it(x, e, lead ? "lead_linked" : "contact_linked", "exists_at_sync", p->id, "R61", why,
                error))
      return FALSE;
  }
  return kith_outbox_mark(x->store, e->seq, "done", NULL, error);
}

static gboolean created_contact(sf_sync *x, const kith_outbox_entry *e, const char *id,
                                char **values, gint64 *times, GError **error)
{
  g_autofree char *now = kith_time_now();
  const kith_crm_object *o = kith_crm_object_lookup("Contact");
  const char *row[16] = {id, e->account_id, values[KITH_FIELD_FIRST_NAME], values[KITH_FIELD_LAST_NAME],
                         e->email, values[KITH_FIELD_TITLE], values[KITH_FIELD_PHONE],
                         values[KITH_FIELD_DEPARTMENT], values[KITH_FIELD_SENIORITY],
                         values[KITH_FIELD_PERSONA], values[KITH_FIELD_COUNTRY], values[KITH_FIELD_STATE],
                         e->owner_id, e->value, "true", now};
  g_autofree char *why = NULL;
  if (!kith_crm_upsert(x->store, o, row, &why, error) && !why)
    return FALSE;
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    if (values[f] && !kith_state_set_field_source(x->store, id, kith_field_name(f), times[f], error))
      return FALSE;
  x->stats->contacts_created++;
  return kith_crmw_alias(x->store, e->object_id, id, "Contact", error) &&
         kith_state_relink(x->store, e->object_id, "Contact", id, error) &&
         log_it(x, e, "contact_created", NULL, id, e->rule, e->detail, error) &&
         kith_outbox_mark(x->store, e->seq, "done", NULL, error);
}

static void fields_free(gpointer p)
{
  char **v = p;
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    g_free(v[f]);
  g_free(v);
}

static gboolean push_contacts(sf_sync *x, GPtrArray *batch, GError **error)
{
  g_autoptr(GHashTable) found = people_in_org(x, batch, error);
  if (!found)
    return FALSE;
  g_autoptr(GPtrArray) send = g_ptr_array_new();
  if (!kith_store_begin(x->store, error))
    return FALSE;
  for (guint i = 0; i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    g_autofree char *key = g_utf8_strdown(e->email, -1);
    const org_person *p = g_hash_table_lookup(found, key);
    if (p) {
      if (!settle_existing(x, e, p, error)) {
        kith_store_rollback(x->store);
        return FALSE;
      }
    } else {
      g_ptr_array_add(send, (gpointer)e);
    }
  }
  if (!kith_store_commit(x->store, error))
    return FALSE;
  if (send->len == 0)
    return TRUE;
  if (!mark_sent(x, send, error))
    return FALSE;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  GPtrArray *values = g_ptr_array_new_with_free_func(fields_free);
  GArray *times = g_array_new(FALSE, TRUE, sizeof(gint64));
  for (guint i = 0; i < send->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(send, i);
    /* The newest observations, as the local sync does (R25, R37). */
    char **v = g_new0(char *, KITH_FIELD_COUNT);
    gint64 t[KITH_FIELD_COUNT] = {0};
    kith_state_observations(x->store, e->email, v, t);
    g_ptr_array_add(values, v);
    g_array_append_vals(times, t, KITH_FIELD_COUNT);
    g_ptr_array_add(records, contact_record(x, e, v));
  }
  g_autofree char *path = kith_sf_path(x->client, "/composite/sobjects");
  json_t *body = collection(records);
  json_t *reply = kith_sf_call(x->client, "POST", path, body, error);
  json_decref(body);
  gboolean ok = reply != NULL && kith_store_begin(x->store, error);
  for (guint i = 0; ok && i < send->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(send, i);
    json_t *res = json_array_get(reply, i);
    char **v = g_ptr_array_index(values, i);
    gint64 *t = &g_array_index(times, gint64, i * KITH_FIELD_COUNT);
    if (json_is_true(json_object_get(res, "success")) && json_string_value(json_object_get(res, "id"))) {
      ok = created_contact(x, e, json_string_value(json_object_get(res, "id")), v, t, error);
    } else if (g_strcmp0(status_code(res), "DUPLICATES_DETECTED") == 0) {
      /* Salesforce's duplicate rule found one: link to it instead (R61). */
      g_autoptr(GPtrArray) one = g_ptr_array_new();
      g_ptr_array_add(one, (gpointer)e);
      g_autoptr(GHashTable) again = people_in_org(x, one, error);
      g_autofree char *key = g_utf8_strdown(e->email, -1);
      const org_person *p = again ? g_hash_table_lookup(again, key) : NULL;
      kith_outbox_entry copy = *e;
      copy.sent = FALSE;
      ok = again && (p ? settle_existing(x, &copy, p, error) : fail_entry(x, e, res, error));
    } else {
      ok = fail_entry(x, e, res, error);
    }
  }
  json_decref(reply);
  g_ptr_array_unref(values);
  g_array_unref(times);
  if (!ok) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  return kith_store_commit(x->store, error);
}

/* ---- roles, updates, deletions ---------------------------------------------- */

/* The Salesforce Id a queued Id became (a contact created earlier in this
 * sync or before), with its type. */
static char *resolve(sf_sync *x, const char *id, const char **type)
{
  return kith_crmw_resolve(x->store, id, type);
}

static gboolean drop(sf_sync *x, const kith_outbox_entry *e, GError **error)
{
  x->stats->dropped++;
  return kith_outbox_mark(x->store, e->seq, "dropped", NULL, error);
}

typedef struct {
  GHashTable *pairs; /* "opp|contact" -> role Id */
} role_index;

static gboolean collect_role(sf_sync *x, json_t *rec, gpointer data, GError **error)
{
  GHashTable *pairs = data;
  g_autofree char *opp = kith_sf_json_value_text(json_object_get(rec, "OpportunityId"));
  g_autofree char *contact = kith_sf_json_value_text(json_object_get(rec, "ContactId"));
  g_hash_table_replace(pairs, g_strconcat(opp, "|", contact, NULL),
                       kith_sf_json_value_text(json_object_get(rec, "Id")));
  return mirror_record(x, kith_crm_object_lookup("OpportunityContactRole"), rec, error);
}

static gboolean role_created(sf_sync *x, const kith_outbox_entry *e, const char *id,
                             const char *contact, GError **error)
{
  const char *row[6] = {id, e->opportunity_id, contact, e->value ? e->value : "", "false", "true"};
  g_autofree char *why = NULL;
  if (!kith_crm_upsert(x->store, kith_crm_object_lookup("OpportunityContactRole"), row, &why, error) &&
      !why)
    return FALSE;
  x->stats->roles_created++;
  return kith_crmw_alias(x->store, e->object_id, id, "OpportunityContactRole", error) &&
         log_it(x, e, "ocr_created", NULL, id, e->rule, e->detail, error) &&
         kith_outbox_mark(x->store, e->seq, "done", NULL, error);
}

static gboolean push_roles(sf_sync *x, GPtrArray *batch, GError **error)
{
  g_autoptr(GPtrArray) send = g_ptr_array_new();
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) existing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  /* Roles sent before a crash may exist already: look before sending. */
  g_autoptr(GString) in = g_string_new(NULL);
  for (guint i = 0; i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    g_autofree char *q = soql_quote(e->opportunity_id);
    g_string_append_printf(in, "%s%s", i ? ", " : "", q);
  }
  g_autofree char *soql = g_strdup_printf(
      "SELECT Id, OpportunityId, ContactId, Role, IsPrimary, %s FROM OpportunityContactRole"
      " WHERE OpportunityId IN (%s) ORDER BY Id",
      x->sf->created_flag_field, in->str);
  if (!kith_store_begin(x->store, error))
    return FALSE;
  gboolean ok = query_all(x, soql, collect_role, existing, error);
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    const char *type = NULL;
    g_autofree char *contact = resolve(x, e->contact_id, &type);
    g_autofree char *pair = g_strconcat(e->opportunity_id, "|", contact, NULL);
    const char *have = g_hash_table_lookup(existing, pair);
    gboolean moved = g_strcmp0(e->rule, "R42") == 0;
    if (have && e->sent)
      ok = role_created(x, e, have, contact, error); /* ours, sent before a crash */
    else if (have || strcmp(type, "Lead") == 0 || !kith_crmw_contact_exists(x->store, contact) ||
             (!moved && !kith_crmw_opportunity_open(x->store, e->opportunity_id)))
      ok = drop(x, e, error);
    else {
      g_ptr_array_add(send, (gpointer)e);
      g_ptr_array_add(contacts, g_steal_pointer(&contact));
    }
  }
  if (!ok || !kith_store_commit(x->store, error)) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  if (send->len == 0)
    return TRUE;
  if (!mark_sent(x, send, error))
    return FALSE;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  for (guint i = 0; i < send->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(send, i);
    json_t *r = json_object();
    json_t *attrs = json_object();
    json_object_set_new(attrs, "type", json_string("OpportunityContactRole"));
    json_object_set_new(r, "attributes", attrs);
    json_object_set_new(r, "OpportunityId", json_string(e->opportunity_id));
    json_object_set_new(r, "ContactId", json_string(g_ptr_array_index(contacts, i)));
    if (e->value && *e->value)
      json_object_set_new(r, "Role", json_string(e->value));
    json_object_set_new(r, "IsPrimary", json_false());
    json_object_set_new(r, x->sf->created_flag_field, json_true());
    g_ptr_array_add(records, r);
  }
  g_autofree char *path = kith_sf_path(x->client, "/composite/sobjects");
  json_t *body = collection(records);
  json_t *reply = kith_sf_call(x->client, "POST", path, body, error);
  json_decref(body);
  ok = reply != NULL && kith_store_begin(x->store, error);
  for (guint i = 0; ok && i < send->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(send, i);
    json_t *res = json_array_get(reply, i);
    /* A success with no Id is no success kith can record. */
    if (json_is_true(json_object_get(res, "success")) && json_string_value(json_object_get(res, "id")))
      ok = role_created(x, e, json_string_value(json_object_get(res, "id")),
                        g_ptr_array_index(contacts, i), error);
    else
      ok = fail_entry(x, e, res, error);
  }
  json_decref(reply);
  if (!ok) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  return kith_store_commit(x->store, error);
}

static gboolean push_updates(sf_sync *x, GPtrArray *batch, GError **error)
{
  /* One record per contact: Salesforce refuses the same Id twice in one
   * request. RECORD_OF maps each entry to its record. */
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  g_autoptr(GHashTable) by_contact = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) record_of = g_array_new(FALSE, FALSE, sizeof(int));
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
  if (!kith_store_begin(x->store, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    const char *type = NULL;
    char *contact = resolve(x, e->contact_id, &type);
    g_ptr_array_add(ids, contact);
    int index = -1;
    if (strcmp(type, "Lead") == 0 || !kith_crmw_contact_exists(x->store, contact)) {
      ok = drop(x, e, error);
    } else {
      gpointer found;
      if (g_hash_table_lookup_extended(by_contact, contact, NULL, &found)) {
        index = GPOINTER_TO_INT(found);
      } else {
        json_t *r = json_object();
        json_t *attrs = json_object();
        json_object_set_new(attrs, "type", json_string("Contact"));
        json_object_set_new(r, "attributes", attrs);
        json_object_set_new(r, "id", json_string(contact));
        index = records->len;
        g_ptr_array_add(records, r);
        g_hash_table_insert(by_contact, g_strdup(contact), GINT_TO_POINTER(index));
      }
      json_object_set_new(g_ptr_array_index(records, index), org_field(x->sf, e->field),
                          json_string(e->value ? e->value : ""));
    }
    g_array_append_val(record_of, index);
  }
  if (!ok || !kith_store_commit(x->store, error)) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  if (records->len == 0)
    return TRUE;
  g_autoptr(GPtrArray) sending = g_ptr_array_new();
  for (guint i = 0; i < batch->len; i++)
    if (g_array_index(record_of, int, i) >= 0)
      g_ptr_array_add(sending, g_ptr_array_index(batch, i));
  if (!mark_sent(x, sending, error))
    return FALSE;
  g_autofree char *path = kith_sf_path(x->client, "/composite/sobjects");
  json_t *body = collection(records);
  json_t *reply = kith_sf_call(x->client, "PATCH", path, body, error);
  json_decref(body);
  ok = reply != NULL && kith_store_begin(x->store, error);
  for (guint i = 0; ok && i < batch->len; i++) {
    int index = g_array_index(record_of, int, i);
    if (index < 0)
      continue;
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    json_t *res = json_array_get(reply, index);
    if (json_is_true(json_object_get(res, "success"))) {
      const char *contact = g_ptr_array_index(ids, i);
      g_autofree char *old = NULL;
      ok = kith_crmw_update_field(x->store, contact, e->field, e->value, &old, error) &&
           log_it(x, e, "field_updated", e->field, contact, e->rule, e->detail, error) &&
           kith_outbox_mark(x->store, e->seq, "done", NULL, error);
      x->stats->fields_updated++;
    } else {
      ok = fail_entry(x, e, res, error);
    }
  }
  json_decref(reply);
  if (!ok) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  return kith_store_commit(x->store, error);
}

static gboolean push_deletes(sf_sync *x, GPtrArray *batch, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) list = g_string_new(NULL);
  for (guint i = 0; i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    const char *type = NULL;
    char *id = resolve(x, e->object_id, &type);
    g_autofree char *esc = kith_http_escape(id);
    g_string_append_printf(list, "%s%s", i ? "," : "", esc);
    g_ptr_array_add(ids, id);
  }
  if (!mark_sent(x, batch, error))
    return FALSE;
  g_autofree char *rest = g_strdup_printf("/composite/sobjects?ids=%s&allOrNone=false", list->str);
  g_autofree char *path = kith_sf_path(x->client, rest);
  json_t *reply = kith_sf_call(x->client, "DELETE", path, NULL, error);
  gboolean ok = reply != NULL && kith_store_begin(x->store, error);
  for (guint i = 0; ok && i < batch->len; i++) {
    const kith_outbox_entry *e = g_ptr_array_index(batch, i);
    json_t *res = json_array_get(reply, i);
    const char *id = g_ptr_array_index(ids, i);
    /* Already gone (deleted before a crash, or by someone) is done too. */
    if (json_is_true(json_object_get(res, "success")) ||
        g_strcmp0(status_code(res), "ENTITY_IS_DELETED") == 0) {
      gboolean removal = strcmp(e->op, "contact_remove") == 0;
      ok = kith_crmw_delete_contact(x->store, id, NULL, error) &&
           (removal || !e->value || kith_state_relink(x->store, id, "Contact", e->value, error)) &&
           log_it(x, e, removal ? "contact_removed" : "contact_deleted", NULL, id, e->rule, e->detail,
                  error) &&
           kith_outbox_mark(x->store, e->seq, "done", NULL, error);
      if (removal)
        x->stats->contacts_removed++;
      else
        x->stats->contacts_deleted++;
    } else {
      ok = fail_entry(x, e, res, error);
    }
  }
  json_decref(reply);
  if (!ok) {
    kith_store_rollback(x->store);
    return FALSE;
  }
  return kith_store_commit(x->store, error);
}

/* The next batch: consecutive pending entries of one kind, in outbox order. */
static GPtrArray *next_batch(sf_sync *x, GError **error)
{
  GPtrArray *pending = kith_outbox_pending(x->store, x->sf->batch_size, error);
  if (!pending || pending->len == 0)
    return pending;
  const char *op = ((kith_outbox_entry *)g_ptr_array_index(pending, 0))->op;
  gboolean deletes = strcmp(op, "contact_delete") == 0 || strcmp(op, "contact_remove") == 0;
  guint n = 1;
  while (n < pending->len) {
    const char *next = ((kith_outbox_entry *)g_ptr_array_index(pending, n))->op;
    gboolean same = deletes ? strcmp(next, "contact_delete") == 0 || strcmp(next, "contact_remove") == 0
                            : strcmp(next, op) == 0;
    if (!same)
      break;
    n++;
  }
  g_ptr_array_set_size(pending, n);
  return pending;
}

gboolean kith_sync_salesforce(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                              GError **error)
{
  kith_sync_stats local = {0};
  g_autoptr(kith_sf_client) client = kith_sf_client_new(&config->salesforce);
  sf_sync x = {store, config, &config->salesforce, client, stats ? stats : &local};
  if (!kith_sf_authenticate(client, error) || !refresh_mirror(&x, error))
    return FALSE;
  for (;;) {
    if (kith_sf_limit_reached(client)) {
      g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                  "salesforce: paused: the org has used %" G_GINT64_FORMAT " of its %" G_GINT64_FORMAT
                  " daily API calls and kith keeps %d in reserve; the rest of the outbox waits",
                  client->api_used, client->api_limit, x.sf->api_reserve);
      return FALSE;
    }
    g_autoptr(GPtrArray) batch = next_batch(&x, error);
    if (!batch)
      return FALSE;
    if (batch->len == 0)
      return TRUE;
    const char *op = ((kith_outbox_entry *)g_ptr_array_index(batch, 0))->op;
    gboolean ok;
    if (strcmp(op, "contact_create") == 0)
      ok = push_contacts(&x, batch, error);
    else if (strcmp(op, "role_create") == 0)
      ok = push_roles(&x, batch, error);
    else if (strcmp(op, "field_update") == 0)
      ok = push_updates(&x, batch, error);
    else
      ok = push_deletes(&x, batch, error);
    if (!ok)
      return FALSE;
  }
}
