/* fuzz_sf_json.c - fuzz target: Salesforce REST replies read as kith sync reads them.
 *
 * The readers in src/sync/salesforce.c and sf_client.c are static; this
 * target runs the same steps on the public pieces they are made of:
 * jansson's parse, sync/sf_json.c's value and error readers, the mirror
 * upserts and deletes of store/crm.c and store/crmwrite.c, the time parse,
 * and the alias and state updates of a created contact. */
#include "config/config.h"
#include "store/crm.h"
#include "store/crmwrite.h"
#include "store/state.h"
#include "sync/sf_json.h"
#include "util/timeutil.h"

#include <jansson.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Every string made is read once, so that a bad one shows here. */
static volatile size_t seen;

static void use(const char *s)
{
  if (s)
    seen += strlen(s);
}

/* The org's field names kith uses by default (config.c's defaults). */
static const char *created_flag = "Created_By_Kith__c";

/* salesforce.c mirror_record() with the default field names. */
static void mirror_record(kith_store *store, const kith_crm_object *o, json_t *rec)
{
  char *vals[32] = {0};
  for (guint i = 0; i < o->n_columns; i++)
    vals[i] = kith_sf_json_value_text(json_object_get(rec, o->columns[i].name));
  if (strcmp(o->name, "Lead") == 0 && strcmp(vals[6], "true") == 0) {
    kith_crm_delete(store, o, vals[0], NULL);
  } else {
    g_autofree char *why = NULL;
    kith_crm_upsert(store, o, (const char *const *)vals, &why, NULL);
  }
  for (guint i = 0; i < o->n_columns; i++)
    g_free(vals[i]);
}

/* A query reply: records (refresh_one, collect_person, collect_role),
 * nextRecordsUrl and done; a deleted reply: deletedRecords. */
static void read_query_reply(kith_store *store, const kith_crm_object *o, json_t *reply)
{
  size_t i;
  json_t *rec;
  gint64 newest = G_MININT64;
  json_array_foreach(json_object_get(reply, "records"), i, rec)
  {
    gint64 t;
    if (kith_time_parse(json_string_value(json_object_get(rec, "SystemModstamp")), &t) &&
        t > newest)
      newest = t;
    mirror_record(store, o, rec);
    /* collect_person */
    const char *type = json_string_value(
        json_object_get(json_object_get(rec, "attributes"), "type"));
    g_autofree char *email = kith_sf_json_value_text(json_object_get(rec, "Email"));
    g_autofree char *key = g_utf8_strdown(email, -1);
    g_autofree char *id = kith_sf_json_value_text(json_object_get(rec, "Id"));
    gboolean by_kith = json_is_true(json_object_get(rec, created_flag));
    use(type);
    use(key);
    use(id);
    seen += by_kith;
    /* collect_role */
    g_autofree char *opp = kith_sf_json_value_text(json_object_get(rec, "OpportunityId"));
    g_autofree char *contact = kith_sf_json_value_text(json_object_get(rec, "ContactId"));
    g_autofree char *pair = g_strconcat(opp, "|", contact, NULL);
    use(pair);
  }
  if (newest != G_MININT64) {
    g_autofree char *text = kith_time_format(newest);
    use(text);
  }
  const char *next = json_string_value(json_object_get(reply, "nextRecordsUrl"));
  gboolean more = next && !json_is_true(json_object_get(reply, "done"));
  seen += more;
  json_t *d;
  json_array_foreach(json_object_get(reply, "deletedRecords"), i, d)
  {
    const char *id = json_string_value(json_object_get(d, "id"));
    if (id) {
      if (strcmp(o->name, "Contact") == 0)
        kith_crmw_delete_contact(store, id, NULL, NULL);
      else
        kith_crm_delete(store, o, id, NULL);
    }
  }
}

/* salesforce.c status_code() and the failure text of fail_entry(). */
static char *failure_text(json_t *result)
{
  json_t *err = json_array_get(json_object_get(result, "errors"), 0);
  const char *code = json_string_value(json_object_get(err, "statusCode"));
  const char *msg = json_string_value(json_object_get(err, "message"));
  return g_strdup_printf("Salesforce refused contact_create jane@example.com: %s: %s",
                         code ? code : "ERROR", msg ? msg : "no message");
}

/* A collections reply: one result per record sent, in order; a success
 * becomes a contact in the mirror (created_contact) and a role
 * (role_created); an update applies the field (push_updates). */
static void read_collections_reply(kith_store *store, json_t *reply)
{
  const kith_crm_object *contact = kith_crm_object_lookup("Contact");
  const kith_crm_object *role = kith_crm_object_lookup("OpportunityContactRole");
  for (size_t i = 0; i < 4; i++) {
    json_t *res = json_array_get(reply, i);
    if (json_is_true(json_object_get(res, "success"))) {
      const char *id = json_string_value(json_object_get(res, "id"));
      g_autofree char *queued = g_strdup_printf("kith-queued-%zu", i);
      const char *row[16] = {id,
                             "001000000000001AAA",
                             "Jane",
                             "Doe",
                             "jane@example.com",
                             "CTO",
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             "kith",
                             "true",
                             "2026-01-01T00:00:00Z"};
      g_autofree char *why = NULL;
      if (!kith_crm_upsert(store, contact, row, &why, NULL) && !why)
        continue;
      /* The steps created_contact() takes next need an Id; a success without
       * one is not followed further here (see docs/reliability.md). */
      if (!id)
        continue;
      kith_state_set_field_source(store, id, "Title", 1, NULL);
      kith_crmw_alias(store, queued, id, "Contact", NULL);
      kith_state_relink(store, queued, "Contact", id, NULL);
      const char *rrow[6] = {id, "006000000000001AAA", id, "Decision Maker", "false", "true"};
      g_autofree char *why2 = NULL;
      kith_crm_upsert(store, role, rrow, &why2, NULL);
      g_autofree char *old = NULL;
      kith_crmw_update_field(store, id, "Title", "VP", &old, NULL);
    } else {
      const char *code = json_string_value(
          json_object_get(json_array_get(json_object_get(res, "errors"), 0), "statusCode"));
      gboolean duplicate = g_strcmp0(code, "DUPLICATES_DETECTED") == 0;
      gboolean gone = g_strcmp0(code, "ENTITY_IS_DELETED") == 0;
      seen += duplicate + gone;
      g_autofree char *why = failure_text(res);
      use(why);
    }
  }
}

/* sf_client.c error_text() and the token reply of kith_sf_authenticate(). */
static void read_other_replies(json_t *j)
{
  g_autofree char *err = kith_sf_json_error_text(j);
  use(err);
  const char *token = json_string_value(json_object_get(j, "access_token"));
  const char *instance = json_string_value(json_object_get(j, "instance_url"));
  use(token);
  use(instance);
}

static kith_store *store;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  /* One store for the process: opening one (all migrations) costs more
   * than reading a reply. */
  store = kith_store_open(":memory:", KITH_STORE_CREATE, NULL);
  if (!store)
    __builtin_trap();
  return 0;
}

static const char *const object_names[] = {
    "User", "Account",     "AccountTeamMember",     "Contact",
    "Lead", "Opportunity", "OpportunityContactRole"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  /* The first byte picks the object the query was about. */
  const kith_crm_object *o = kith_crm_object_lookup(
      object_names[data[0] % G_N_ELEMENTS(object_names)]);
  /* kith_http_response bodies are NUL-terminated and read with json_loads,
   * so an embedded NUL ends the text there: the same here. */
  g_autofree char *body = g_strndup((const char *)data + 1, size - 1);
  json_t *reply = json_loads(body, 0, NULL);
  if (!reply)
    return 0;
  if (!store)
    LLVMFuzzerInitialize(NULL, NULL);
  kith_store_begin(store, NULL);
  read_query_reply(store, o, reply);
  read_collections_reply(store, reply);
  kith_store_commit(store, NULL);
  read_other_replies(reply);
  json_decref(reply);
  /* Every input starts from an empty mirror, so that a crash replays alone. */
  if (!kith_store_exec(
          store,
          "DELETE FROM \"User\"; DELETE FROM Account; DELETE FROM account_domain;"
          " DELETE FROM AccountTeamMember; DELETE FROM Contact; DELETE FROM Lead;"
          " DELETE FROM Opportunity; DELETE FROM OpportunityContactRole;"
          " DELETE FROM id_alias; DELETE FROM field_source; DELETE FROM activity_link;",
          NULL))
    __builtin_trap();
  return 0;
}
