/* sigloc.h - MailingCountry and MailingState from the lines of a signature (R5). */
#pragma once

#include <glib.h>

typedef struct {
  const char *country; /* ISO 3166-1 alpha-2, borrowed from the tables */
  char *state;         /* US state or Canadian province code, owned */
  gboolean ambiguous;  /* a "City, ST" whose ST is also a country code was read */
} kith_sigloc_place;

/* Reads a country or a US/Canadian state from one LINE of a signature
 * into OUT, keeping what an earlier line gave. PHONE_COUNTRY (may be NULL)
 * is the region of the signature's phone: it tells "Berlin, DE" (Germany)
 * from Delaware. */
void kith_sigloc_read(const char *line, const char *phone_country, kith_sigloc_place *out);

/* kith_sigloc_read for each of LINES[FROM..TO) (a signature block). */
void kith_sigloc_read_block(GPtrArray *lines, guint from, guint to, const char *phone_country,
                            kith_sigloc_place *out);

/* The calling code a national number in a signature most likely has: from
 * the country its block names (P, read without a phone country), the
 * sender's country-code domain (EMAIL), else "1". Borrowed. */
const char *kith_sigloc_default_cc(const kith_sigloc_place *p, const char *email);

/* The MailingCountry value of ISO (alpha-2), or NULL. Borrowed. */
const char *kith_sigloc_country_name(const char *iso);
