/* phone.h - phone numbers to international form; NANP area codes to states. */
#pragma once

#include <glib.h>

/* Normalises RAW to "+CC NATIONAL" form. DEFAULT_CC is the calling code to
 * assume for a national number (e.g. "1"), or NULL to refuse one. Sets
 * *OUT_COUNTRY (ISO 3166 alpha-2) and *OUT_STATE (for NANP numbers, the
 * state or province of the area code) when known; either may be NULL.
 * Returns NULL when RAW is not a phone number. */
char *kith_phone_normalize(const char *raw, const char *default_cc, char **out_country,
                           char **out_state);

/* The calling code of REGION (ISO 3166-1 alpha-2), e.g. "44" for "GB", or
 * NULL when unknown. Borrowed from the shipped table. */
const char *kith_phone_cc_for_region(const char *region);

/* A number's kind by its label, best first: a direct line, then an office
 * or unlabelled one, a mobile, a main/switchboard/toll-free line. Fax
 * numbers are never taken. */
typedef enum {
  KITH_PHONE_DIRECT,
  KITH_PHONE_OFFICE,
  KITH_PHONE_MOBILE,
  KITH_PHONE_MAIN,
  KITH_PHONE_NONE,
  KITH_PHONE_FAX
} kith_phone_kind;

typedef struct {
  char *number;  /* normalised, as kith_phone_normalize gives it */
  char *country; /* of the number, when known */
  char *state;
  kith_phone_kind kind;
} kith_phone_hit;

/* Reads the numbers of one signature LINE with their labels ("T:", "Fax",
 * "(mobile)"), and keeps in BEST (owned by the caller, zeroed or from an
 * earlier line, kind KITH_PHONE_NONE when empty) the first of the best kind
 * seen so far. DEFAULT_CC as for kith_phone_normalize. */
void kith_phone_scan(const char *line, const char *default_cc, kith_phone_hit *best);
