/* sfid.h - Salesforce-shaped 18-character record Ids. */
#pragma once

#include <glib.h>

/* The 3-character case-safe suffix of a 15-character Id. OUT holds 4 bytes. */
void kith_sfid_suffix(const char *id15, char out[4]);

/* An 18-character Id: PREFIX (3 characters), then SERIAL in base 62 over 12
 * characters led by "KT" (so kith's Ids never meet imported ones), then the
 * case-safe suffix. Newly allocated. */
char *kith_sfid_make(const char *prefix, guint64 serial);

/* TRUE when ID has the shape of a 15- or 18-character Id (and a right suffix). */
gboolean kith_sfid_valid(const char *id);
