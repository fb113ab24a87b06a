/* phone.h - phone numbers to international form; NANP area codes to states. */
#pragma once

#include <glib.h>

/* Normalises RAW to "+CC NATIONAL" form. DEFAULT_CC is the calling code to
 * assume for a national number (e.g. "1"), or NULL to refuse one. Sets
 * *OUT_COUNTRY (ISO 3166 alpha-2) and *OUT_STATE (for NANP numbers, the
 * state or province of the area code) when known; either may be NULL.
 * Returns NULL when RAW is not a phone number. */
char *kith_phone_normalize(const char *raw, const char *default_cc,
                           char **out_country, char **out_state);

/* The calling code of REGION (ISO 3166-1 alpha-2), e.g. "44" for "GB", or
 * NULL when unknown. Borrowed from the shipped table. */
const char *kith_phone_cc_for_region(const char *region);
