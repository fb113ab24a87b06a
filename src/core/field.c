/* field.c - the Contact fields by API name. */
#include "core/field.h"

static const char *const field_names[KITH_FIELD_COUNT] = {
    "FirstName",    "LastName",   "Title",          "Phone",       "Department",
    "Seniority__c", "Persona__c", "MailingCountry", "MailingState"};

const char *kith_field_name(kith_field field)
{
  g_return_val_if_fail(field < KITH_FIELD_COUNT, "?");
  return field_names[field];
}

int kith_field_lookup(const char *name)
{
  for (int i = 0; i < KITH_FIELD_COUNT; i++)
    if (g_strcmp0(field_names[i], name) == 0)
      return i;
  return -1;
}
