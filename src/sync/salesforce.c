/* salesforce.c - kith sync against a Salesforce org: refresh the mirror, then
 * apply the outbox through apply.c with the org as backend (sf_push.c). */
#include "sync/salesforce.h"

#include "sync/sf_json.h"
#include "sync/sf_sync.h"

#include "store/crm.h"
#include "store/crmwrite.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <string.h>

const char *kith_sf_org_field(const kith_salesforce_config *sf, const char *name)
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

char *kith_sf_soql_quote(const char *s)
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

char *kith_sf_select_list(const kith_salesforce_config *sf, const kith_crm_object *o)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->n_columns; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", kith_sf_org_field(sf, o->columns[i].name));
  return g_string_free(s, FALSE);
}

char *kith_sf_query_path(sf_sync *x, const char *soql)
{
  g_autofree char *q = kith_http_escape(soql);
  g_autofree char *rest = g_strconcat("/query?q=", q, NULL);
  return kith_sf_path(x->client, rest);
}

gboolean kith_sf_mirror_record(sf_sync *x, const kith_crm_object *o, json_t *rec, GError **error)
{
  char *vals[32] = {0};
  for (guint i = 0; i < o->n_columns; i++)
    vals[i] = kith_sf_json_value_text(
        json_object_get(rec, kith_sf_org_field(x->sf, o->columns[i].name)));
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

gboolean kith_sf_mirror_records(sf_sync *x, const kith_crm_object *o, GPtrArray *records,
                                GError **error)
{
  if (records->len == 0)
    return TRUE;
  kith_store_lock(x->store);
  gboolean ok = kith_store_begin(x->store, error);
  for (guint i = 0; ok && i < records->len; i++)
    ok = kith_sf_mirror_record(x, o, g_ptr_array_index(records, i), error);
  ok = ok && kith_store_commit(x->store, error);
  if (!ok)
    kith_store_rollback(x->store);
  kith_store_unlock(x->store);
  return ok;
}

/* Runs SOQL, following nextRecordsUrl, calling FN with each page's records
 * (a JSON array) as it comes. */
typedef gboolean (*page_fn)(sf_sync *x, json_t *records, gpointer data, GError **error);

static gboolean query_pages(sf_sync *x, const char *soql, page_fn fn, gpointer data, GError **error)
{
  g_autofree char *path = kith_sf_query_path(x, soql);
  while (path) {
    json_t *reply = kith_sf_call(x->client, "GET", path, NULL, error);
    if (!reply)
      return FALSE;
    gboolean ok = fn(x, json_object_get(reply, "records"), data, error);
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
  kith_sf_record_fn fn;
  gpointer data;
} each_record;

static gboolean page_records(sf_sync *x, json_t *records, gpointer data, GError **error)
{
  each_record *each = data;
  size_t i;
  json_t *rec;
  json_array_foreach(records, i, rec)
  {
    if (!each->fn(x, rec, each->data, error))
      return FALSE;
  }
  return TRUE;
}

gboolean kith_sf_query_all(sf_sync *x, const char *soql, kith_sf_record_fn fn, gpointer data,
                           GError **error)
{
  each_record each = {fn, data};
  return query_pages(x, soql, page_records, &each, error);
}

typedef struct {
  const kith_crm_object *object;
  const char *key, *del_key; /* the meta keys of its modstamp and deletions */
  gint64 newest;
  gboolean first_load;
  gint64 started;
} refresh_state;

/* One page of an object's records into the mirror, in a transaction of its
 * own with the newest SystemModstamp stored so far: the query runs in that
 * order, so a refresh cut short goes on from there next time. A first load
 * also notes when it began, so that deletions since then are asked for
 * even when it is finished by a later sync. */
static gboolean refresh_page(sf_sync *x, json_t *records, gpointer data, GError **error)
{
  refresh_state *r = data;
  size_t i;
  json_t *rec;
  json_array_foreach(records, i, rec)
  {
    gint64 t;
    if (kith_time_parse(json_string_value(json_object_get(rec, "SystemModstamp")), &t) &&
        t > r->newest)
      r->newest = t;
  }
  kith_store_lock(x->store);
  gboolean ok = kith_store_begin(x->store, error);
  json_array_foreach(records, i, rec)
  {
    if (ok)
      ok = kith_sf_mirror_record(x, r->object, rec, error);
  }
  if (ok && r->newest != G_MININT64) {
    g_autofree char *newest = kith_time_format(r->newest);
    ok = kith_store_meta_set(x->store, r->key, newest, error);
  }
  if (ok && r->first_load) {
    g_autofree char *since = kith_time_format(r->started - 120);
    ok = kith_store_meta_set(x->store, r->del_key, since, error);
  }
  ok = ok && kith_store_commit(x->store, error);
  if (!ok)
    kith_store_rollback(x->store);
  kith_store_unlock(x->store);
  return ok;
}

/* Brings one object's mirror up to date: everything the first time, then
 * what changed since the newest SystemModstamp seen, and what was deleted.
 * The org is asked with the store unlocked; each reply is stored at once. */
static gboolean refresh_object(sf_sync *x, const kith_crm_object *o, GError **error)
{
  g_autofree char *key = g_strconcat("salesforce.modstamp.", o->name, NULL);
  g_autofree char *del_key = g_strconcat("salesforce.deleted_since.", o->name, NULL);
  g_autofree char *last = NULL;
  g_autofree char *deleted_since = NULL;
  kith_store_lock(x->store);
  gboolean read = kith_store_meta_get(x->store, key, &last, error) != KITH_LOOKUP_ERROR &&
                  kith_store_meta_get(x->store, del_key, &deleted_since, error) !=
                      KITH_LOOKUP_ERROR;
  kith_store_unlock(x->store);
  if (!read) /* never a first load in place of an update: that would read the mirror anew */
    return FALSE;
  gint64 now_t = kith_time_now_unix(), since_t = 0;
  g_autofree char *now = kith_time_format(now_t);
  g_autofree char *fields = kith_sf_select_list(x->sf, o);
  g_autoptr(GString) soql = g_string_new(NULL);
  g_string_printf(soql, "SELECT %s, SystemModstamp FROM %s", fields, o->name);
  if (last)
    g_string_append_printf(soql, " WHERE SystemModstamp >= %s", last);
  else if (strcmp(o->name, "Lead") == 0)
    g_string_append(soql, " WHERE IsConverted = false");
  g_string_append(soql, " ORDER BY SystemModstamp, Id");
  refresh_state r = {o, key, del_key, G_MININT64, !last, now_t};
  if (!query_pages(x, soql->str, refresh_page, &r, error))
    return FALSE;
  /* Deletions since the last look, with two minutes of overlap for clocks
   * that disagree; deleting from the mirror twice is harmless. */
  g_autofree char *until = kith_time_format(now_t + 1);
  g_autofree char *next_since = kith_time_format(now_t - 120);
  json_t *reply = NULL;
  if (last && deleted_since && kith_time_parse(deleted_since, &since_t)) {
    g_autofree char *start = kith_http_escape(deleted_since);
    g_autofree char *end = kith_http_escape(until);
    g_autofree char *rest = g_strdup_printf("/sobjects/%s/deleted/?start=%s&end=%s", o->name, start,
                                            end);
    g_autofree char *path = kith_sf_path(x->client, rest);
    reply = kith_sf_call(x->client, "GET", path, NULL, error);
    if (!reply)
      return FALSE;
  }
  kith_store_lock(x->store);
  gboolean ok = kith_store_begin(x->store, error);
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(reply, "deletedRecords"), i, d)
  {
    const char *id = json_string_value(json_object_get(d, "id"));
    if (ok && id)
      ok = strcmp(o->name, "Contact") == 0 ? kith_crmw_delete_contact(x->store, id, NULL, error)
                                           : kith_crm_delete(x->store, o, id, error);
  }
  json_decref(reply);
  if (ok && !last && r.newest == G_MININT64)
    ok = kith_store_meta_set(x->store, key, now, error);
  ok = ok && kith_store_meta_set(x->store, del_key, next_since, error) &&
       kith_store_commit(x->store, error);
  if (!ok)
    kith_store_rollback(x->store);
  kith_store_unlock(x->store);
  return ok;
}

static gboolean refresh_mirror(sf_sync *x, GError **error)
{
  static const char *const order[] = {"User", "Account",     "AccountTeamMember",     "Contact",
                                      "Lead", "Opportunity", "OpportunityContactRole"};
  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    if (!refresh_object(x, kith_crm_object_lookup(order[i]), error)) {
      g_prefix_error(error, "refreshing %s: ", order[i]);
      return FALSE;
    }
  return TRUE;
}

const char *kith_sf_kith_id(const sf_sync *x, const char *type)
{
  return strcmp(type, "Contact") == 0 ? x->contact_kith_id : x->role_kith_id;
}

/* Whether the org's OBJECT has FIELD for kith. Its describe lists the fields
 * the integration user can see; a server without that resource (404) is
 * asked by a query naming the field, which INVALID_FIELD refuses. */
static gboolean org_has_field(sf_sync *x, const char *object, const char *field, gboolean *out,
                              GError **error)
{
  g_autofree char *rest = g_strdup_printf("/sobjects/%s/describe", object);
  g_autofree char *path = kith_sf_path(x->client, rest);
  g_autoptr(GError) failed = NULL;
  json_t *reply = kith_sf_call(x->client, "GET", path, NULL, &failed);
  if (reply) {
    size_t i;
    json_t *f;
    *out = FALSE;
    json_array_foreach(json_object_get(reply, "fields"), i, f)
    {
      const char *name = json_string_value(json_object_get(f, "name"));
      if (name && g_ascii_strcasecmp(name, field) == 0)
        *out = TRUE;
    }
    json_decref(reply);
    return TRUE;
  }
  if (x->client->last_status != 404) {
    g_propagate_error(error, g_steal_pointer(&failed));
    return FALSE;
  }
  g_clear_error(&failed);
  g_autofree char *soql = g_strdup_printf("SELECT Id, %s FROM %s LIMIT 1", field, object);
  g_autofree char *query = kith_sf_query_path(x, soql);
  reply = kith_sf_call(x->client, "GET", query, NULL, &failed);
  *out = reply != NULL;
  json_decref(reply);
  if (reply || kith_sf_refused_field(x->client, field))
    return TRUE;
  g_propagate_error(error, g_steal_pointer(&failed));
  return FALSE;
}

/* R60, once a sync: whether kith can mark its creations with the External
 * ID field, on Contact and on OpportunityContactRole, and so which way it
 * finds them after a lost reply; said once, in the log. */
static gboolean learn_kith_id(sf_sync *x, GError **error)
{
  const char *field = x->sf->kith_id_field;
  gboolean contact = FALSE, role = FALSE;
  if (*field && !(org_has_field(x, "Contact", field, &contact, error) &&
                  org_has_field(x, "OpportunityContactRole", field, &role, error)))
    return FALSE;
  x->contact_kith_id = contact ? field : NULL;
  x->role_kith_id = role ? field : NULL;
  if (contact && role) {
    g_info("salesforce: kith marks the Contacts and contact roles it creates with %s and finds "
           "them by it (R60)",
           field);
    return TRUE;
  }
  g_autofree char *why = !*field ? g_strdup("kith.conf names no kith_id_field")
                                 : g_strdup_printf("the org has no %s on %s", field,
                                                   contact ? "OpportunityContactRole"
                                                   : role  ? "Contact"
                                                           : "Contact or OpportunityContactRole");
  g_snprintf(x->stats->note, sizeof x->stats->note,
             "salesforce: %s: before a create whose reply was lost is sent again, kith looks up "
             "%s (R60)",
             why,
             !contact && !role ? "Contacts by Email and contact roles by opportunity and contact"
             : !contact        ? "Contacts by Email"
                               : "contact roles by opportunity and contact");
  return TRUE;
}

gboolean kith_sync_salesforce(kith_store *store, const kith_config *config, kith_sync_stats *stats,
                              GError **error)
{
  g_autoptr(kith_sf_client) client = kith_sf_client_new(&config->salesforce);
  kith_sync_stats unused = {0};
  sf_sync x = {.store = store,
               .config = config,
               .sf = &config->salesforce,
               .client = client,
               .stats = stats ? stats : &unused};
  kith_sf_backend_init(&x);
  if (!kith_sf_authenticate(client, error) || !learn_kith_id(&x, error) ||
      !refresh_mirror(&x, error))
    return FALSE;
  return kith_sync_apply(store, config, &x.base, x.stats, error);
}
