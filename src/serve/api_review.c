/* api_review.c - the review queue over HTTP; see api_review.h. */
#include "serve/api_review.h"

#include "pipeline/resolve.h"
#include "util/error.h"

static json_t *item_json(const kith_review_item *it)
{
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                        "id", (json_int_t)it->id, "kind", kith_review_kind_name(it->kind), "state",
                        kith_review_state_name(it->state), "email", it->email, "first_name",
                        it->first_name, "last_name", it->last_name, "account_id", it->account_id,
                        "account_name", it->account_name, "contact_id", it->contact_id,
                        "contact_name", it->contact_name, "activity_id", it->activity_id, "subject",
                        it->subject, "seen", it->seen, "found", it->created_at);
  json_object_set_new(j, "participants",
                      it->participants ? json_integer(it->participants) : json_null());
  json_object_set_new(j, "decided_at", *it->decided_at ? json_string(it->decided_at) : json_null());
  json_object_set_new(j, "decision", *it->decision ? json_string(it->decision) : json_null());
  return j;
}

json_t *kith_api_review_items(kith_store *s, gboolean all, unsigned *code)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(GPtrArray) items = kith_review_list(s, all, &e);
  if (!items) {
    *code = 500;
    return json_pack("{s:s}", "error", "the review queue could not be read from the store");
  }
  json_t *list = json_array();
  for (guint i = 0; i < items->len; i++)
    json_array_append_new(list, item_json(g_ptr_array_index(items, i)));
  return json_pack("{s:o}", "items", list);
}

/* A text member of BODY, or NULL; *BAD when it is there but no string. */
static const char *text_member(json_t *body, const char *key, gboolean *bad)
{
  json_t *v = json_object_get(body, key);
  if (v && !json_is_string(v) && !json_is_null(v))
    *bad = TRUE;
  return json_string_value(v);
}

json_t *kith_api_review_decide(kith_store *s, const kith_config *config, gboolean accept,
                               json_t *body, unsigned *code)
{
  json_t *id = json_object_get(body, "id");
  json_t *create = json_object_get(body, "create");
  gboolean bad = FALSE;
  kith_review_choice choice = {.merge = text_member(body, "merge", &bad),
                               .first_name = text_member(body, "first_name", &bad),
                               .last_name = text_member(body, "last_name", &bad),
                               .create = json_is_true(create)};
  if (!json_is_integer(id) || json_integer_value(id) <= 0) {
    *code = 400;
    return json_pack("{s:s}", "error", "id: an item Id (a positive number) is needed");
  }
  if (bad || (create && !json_is_boolean(create))) {
    *code = 400;
    return json_pack("{s:s}", "error",
                     "merge, first_name and last_name are text, create is true or false");
  }
  if (!accept && (choice.merge || choice.create || choice.first_name || choice.last_name)) {
    *code = 400;
    return json_pack("{s:s}", "error", "reject takes only the item's id");
  }
  g_autoptr(GError) e = NULL;
  kith_review_outcome out = {0};
  gboolean ok = accept ? kith_resolve_accept(s, config, json_integer_value(id), &choice, &out, &e)
                       : kith_resolve_reject(s, config, json_integer_value(id), &out, &e);
  if (!ok) {
    *code = g_error_matches(e, KITH_ERROR, KITH_ERROR_NOT_FOUND) ? 404
            : g_error_matches(e, KITH_ERROR, KITH_ERROR_REFUSED) ? 409
            : g_error_matches(e, KITH_ERROR, KITH_ERROR_USAGE)   ? 400
                                                                 : 500;
    return json_pack("{s:s}", "error", *code == 500 ? "the store failed" : e->message);
  }
  json_t *j = json_pack("{s:b, s:I, s:s, s:s, s:s?, s:s, s:s, s:b}", "ok", TRUE, "id",
                        json_integer_value(id), "kind", kith_review_kind_name(out.kind), "email",
                        out.email, "contact_id", out.contact_id, "decision", out.decision,
                        "message", out.sentence, "queued", out.queued);
  kith_review_outcome_clear(&out);
  return j;
}
