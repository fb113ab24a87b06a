/* activity.c - the activity type shared by every capture format. */
#include "core/activity.h"

#include "core/address.h"

#include <string.h>

void kith_participant_free(gpointer p)
{
  kith_participant *part = p;
  if (!part)
    return;
  g_free(part->email);
  g_free(part->name);
  g_free(part->first_name);
  g_free(part->last_name);
  g_free(part);
}

kith_activity *kith_activity_new(kith_activity_kind kind)
{
  kith_activity *a = g_new0(kith_activity, 1);
  a->kind = kind;
  a->participants = g_ptr_array_new_with_free_func(kith_participant_free);
  a->subject = g_strdup("");
  a->addresses = g_hash_table_new(g_str_hash, g_str_equal);
  return a;
}

void kith_activity_forget_text(kith_activity *a)
{
  if (a->sender_text) {
    /* The sender's text is never kept: wipe it before it goes. */
    memset(a->sender_text, 0, strlen(a->sender_text));
    g_clear_pointer(&a->sender_text, g_free);
  }
}

void kith_activity_free(kith_activity *a)
{
  if (!a)
    return;
  g_free(a->id);
  g_free(a->subject);
  g_hash_table_unref(a->addresses);
  g_ptr_array_unref(a->participants);
  kith_activity_forget_text(a);
  g_free(a->origin);
  g_free(a->warning);
  if (a->auth_results)
    g_ptr_array_unref(a->auth_results);
  if (a->bounced)
    g_ptr_array_unref(a->bounced);
  if (a->prepared && a->prepared_free)
    a->prepared_free(a->prepared);
  g_free(a);
}

gboolean kith_activity_add_participant(kith_activity *a, const char *raw_address, const char *name,
                                       kith_part_role role, kith_cutype cutype)
{
  g_return_val_if_fail(a != NULL, FALSE);
  g_autofree char *email = kith_address_normalize(raw_address, NULL);
  if (!email)
    return FALSE;
  if (g_hash_table_contains(a->addresses, email))
    return TRUE; /* an address named twice is one participant, at its first place */
  kith_participant *p = g_new0(kith_participant, 1);
  p->email = g_steal_pointer(&email);
  p->domain = strrchr(p->email, '@') + 1;
  if (name) {
    g_autofree char *n = g_strstrip(g_strdup(name));
    p->name = *n ? g_steal_pointer(&n) : NULL;
  }
  p->role = role;
  p->cutype = cutype;
  g_ptr_array_add(a->participants, p);
  g_hash_table_add(a->addresses, p->email);
  return TRUE;
}
