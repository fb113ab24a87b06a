/* team.c - the Users a team source reads, and the header fields it keeps of colleagues' mail. */
#include "capture/team.h"

#include "capture/automatic.h"
#include "core/address.h"
#include "util/error.h"

#include <string.h>

gboolean kith_team_internal(const kith_source_config *src, const char *domain)
{
  for (char **d = src->domains; domain && *d; d++)
    if (kith_domain_within(domain, *d))
      return TRUE;
  return FALSE;
}

GPtrArray *kith_team_users(const kith_source_cursor *cursor, const kith_source_config *src,
                           GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) all = cursor->users(cursor->user_data, &local);
  if (!all) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "source %s: the CRM's Users: %s", src->name,
                local->message);
    return NULL;
  }
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < all->len; i++) {
    const char *email = g_ptr_array_index(all, i);
    if (!kith_team_internal(src, kith_address_domain(email)))
      continue;
    if (src->users[0] && !g_strv_contains((const char *const *)src->users, email))
      continue;
    if (g_strv_contains((const char *const *)src->exclude_users, email))
      continue;
    g_ptr_array_add(out, g_strdup(email));
  }
  return out;
}

const char *const kith_team_header_names[] = {
    "From",       "Sender",  "To",
    "Cc",         "Bcc",     "Date",
    "Message-ID", "Subject", "Authentication-Results", /* R12 */
    NULL};

static gboolean listed(const char *const *names, const char *name)
{
  for (const char *const *h = names; *h; h++)
    if (g_ascii_strcasecmp(name, *h) == 0)
      return TRUE;
  return FALSE;
}

gboolean kith_team_header_kept(const char *name)
{
  return listed(kith_team_header_names, name) || listed(kith_automatic_header_names, name);
}

void kith_team_append_clean(GString *s, const char *text)
{
  for (const char *p = text; p && *p; p++)
    g_string_append_c(s, *p == '\r' || *p == '\n' ? ' ' : *p);
}
