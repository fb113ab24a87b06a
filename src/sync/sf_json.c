/* sf_json.c - reading the pieces of Salesforce REST replies that kith needs. */
#include "sync/sf_json.h"

char *kith_sf_json_value_text(json_t *v)
{
  if (json_is_string(v))
    return g_strdup(json_string_value(v));
  if (json_is_true(v))
    return g_strdup("true");
  if (json_is_false(v))
    return g_strdup("false");
  if (json_is_integer(v))
    return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
  if (json_is_real(v))
    return g_strdup_printf("%g", json_real_value(v));
  return g_strdup("");
}

char *kith_sf_json_error_text(json_t *reply)
{
  json_t *first = json_is_array(reply) ? json_array_get(reply, 0) : reply;
  if (!json_is_object(first))
    return NULL;
  const char *code = json_string_value(json_object_get(first, "errorCode"));
  if (!code)
    code = json_string_value(json_object_get(first, "error"));
  const char *msg = json_string_value(json_object_get(first, "message"));
  if (!msg)
    msg = json_string_value(json_object_get(first, "error_description"));
  if (!code && !msg)
    return NULL;
  return g_strdup_printf("%s%s%s", code ? code : "", code && msg ? ": " : "", msg ? msg : "");
}
