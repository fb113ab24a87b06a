/* sync_fixture.h - the small organisation and look-ups the sync, dedup and removal tests share. */
#pragma once
#include "rules_fixture.h"
#define ACME_OWNED_BY_ANN                                                                          \
  "Id,Name,Website,Secondary_Domains__c,OwnerId\n"                                                 \
  "001ACME,Acme,acme.com,,005ANN\n"

#define OCR_CONF FX_ORG "[profile Sales]\nusers = *\nocr = on\nocr_role = Influencer\n"

#define CONTACT_HEADER                                                                             \
  "Id,AccountId,FirstName,LastName,Email,OwnerId,Created_By_Kith__c,CreatedDate\n"
#define ROLES_HEADER "Id,OpportunityId,ContactId,Role,IsPrimary,Created_By_Kith__c\n"

static inline fx *org(const char *conf)
{
  fx *f = fx_new(conf ? conf : FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account", ACME_OWNED_BY_ANN);
  return f;
}

static inline gboolean stats_zero(const kith_sync_stats *s)
{
  return s->contacts_created == 0 && s->contacts_linked == 0 && s->roles_created == 0 &&
         s->fields_updated == 0 && s->contacts_deleted == 0 && s->contacts_removed == 0 &&
         s->dropped == 0;
}

/* The Id of the pending contact_create for EMAIL. */
static inline char *queued_id(fx *f, const char *email)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = kith_outbox_pending(f->store, 10000, &error);
  g_assert_no_error(error);
  for (guint i = 0; i < pending->len; i++) {
    kith_outbox_entry *e = g_ptr_array_index(pending, i);
    if (e->op == KITH_OP_CONTACT_CREATE && g_strcmp0(e->email, email) == 0)
      return g_strdup(e->object_id);
  }
  return NULL;
}

/* Every role's ContactId is a Contact: nothing points at a record sync did not make. */
static inline void assert_roles_point_at_contacts(fx *f)
{
  g_autoptr(GPtrArray) roles = fx_rows(f, "OpportunityContactRole");
  int c = fx_col("OpportunityContactRole", "ContactId");
  for (guint i = 0; i < roles->len; i++) {
    const char *id = ((char **)g_ptr_array_index(roles, i))[c];
    g_assert_cmpuint(fx_count(f, "Contact", "Id", id), ==, 1);
  }
}
