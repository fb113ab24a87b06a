/* field.h - the Contact fields kith observes and may write (R25, R37, R38), by API name. */
#pragma once

#include <glib.h>

/* The fields kith observes and may write on a Contact (R25, R37, R38). */
typedef enum {
  KITH_FIELD_FIRST_NAME,
  KITH_FIELD_LAST_NAME,
  KITH_FIELD_TITLE,
  KITH_FIELD_PHONE,
  KITH_FIELD_DEPARTMENT,
  KITH_FIELD_SENIORITY,
  KITH_FIELD_PERSONA,
  KITH_FIELD_COUNTRY,
  KITH_FIELD_STATE,
  KITH_FIELD_COUNT,
} kith_field;

/* The field's API name ("Seniority__c"). */
const char *kith_field_name(kith_field field);
/* The field called NAME (API name, exact), or -1. */
int kith_field_lookup(const char *name);
