/* auth.c - R12: whether an email passed the org's own authentication checks. */
#include "rules/decide.h"

#include <string.h>

/* VALUE without its comments (RFC 5322 CFWS: nested parentheses, backslash
 * escapes), lower case. Quoted strings are kept as written. */
static char *without_comments(const char *value)
{
  GString *out = g_string_sized_new(strlen(value));
  int depth = 0;
  gboolean quoted = FALSE;
  for (const char *p = value; *p; p++) {
    if (*p == '\\' && (quoted || depth) && p[1]) {
      if (!depth)
        g_string_append_len(out, p, 2);
      p++;
      continue;
    }
    if (quoted) {
      quoted = *p != '"';
      g_string_append_c(out, *p);
    } else if (*p == '(') {
      depth++;
    } else if (*p == ')' && depth) {
      depth--;
    } else if (!depth) {
      quoted = *p == '"';
      g_string_append_c(out, g_ascii_tolower(*p));
    }
  }
  return g_string_free(out, FALSE);
}

typedef struct {
  char *authserv_id;
  const char *dmarc; /* the results, NULL when the header gives none */
  gboolean spf_pass, dkim_pass;
  char *text; /* what the results are read from */
} auth_results;

/* Reads "authserv-id [version]; method=result ...; method=result ..." (RFC
 * 8601). Only each resinfo's first method=result pair is a result: the
 * properties after it (smtp.mailfrom=..., header.d=...) are not. */
static void read_results(const char *value, auth_results *out)
{
  out->text = without_comments(value);
  g_strstrip(out->text);
  char *semi = strchr(out->text, ';');
  if (semi)
    *semi = '\0';
  /* The authserv-id is the first word; a version number may follow. */
  char *id = g_strstrip(out->text);
  id[strcspn(id, " \t\r\n")] = '\0';
  out->authserv_id = id;
  for (char *res = semi ? semi + 1 : NULL; res;) {
    char *next = strchr(res, ';');
    if (next)
      *next++ = '\0';
    res = g_strstrip(res);
    char *eq = strchr(res, '=');
    if (eq) {
      *eq = '\0';
      char *method = g_strstrip(res), *result = eq + 1;
      while (*result == ' ' || *result == '\t')
        result++;
      result[strcspn(result, " \t\r\n")] = '\0';
      method[strcspn(method, "/ \t")] = '\0'; /* dkim/1 */
      if (strcmp(method, "dmarc") == 0 && !out->dmarc)
        out->dmarc = result;
      else if (strcmp(method, "spf") == 0 && strcmp(result, "pass") == 0)
        out->spf_pass = TRUE;
      else if (strcmp(method, "dkim") == 0 && strcmp(result, "pass") == 0)
        out->dkim_pass = TRUE;
    }
    res = next;
  }
}

static gboolean ours(const kith_config *config, const char *authserv_id)
{
  for (char **id = config->authserv_ids; *id; id++)
    if (strcmp(*id, authserv_id) == 0)
      return TRUE;
  return FALSE;
}

gboolean kith_rules_unauthenticated(const kith_config *config, GPtrArray *headers, char **why)
{
  if (why)
    *why = NULL;
  if (!headers)
    return FALSE;
  gboolean any_id = config->authserv_ids[0] == NULL;
  for (guint i = 0; i < headers->len; i++) {
    auth_results r = {0};
    read_results(g_ptr_array_index(headers, i), &r);
    if (!any_id && !ours(config, r.authserv_id)) {
      g_free(r.text);
      continue;
    }
    /* R12: the topmost header of the org's own servers decides. */
    gboolean fail = r.dmarc ? strcmp(r.dmarc, "fail") == 0 : !r.spf_pass && !r.dkim_pass;
    if (fail && why)
      *why = r.dmarc ? g_strdup_printf("%s found dmarc=fail", r.authserv_id)
                     : g_strdup_printf("%s found no DMARC result and neither spf=pass nor "
                                       "dkim=pass",
                                       r.authserv_id);
    g_free(r.text);
    return fail;
  }
  return FALSE;
}
