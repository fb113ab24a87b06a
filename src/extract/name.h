/* name.h - a person's FirstName and LastName from a display name (R4). */
#pragma once

#include <glib.h>

/* Parses DISPLAY (decoded UTF-8; may be NULL) as R4 says. EMAIL, when given,
 * lets a display name that is just the address give no name. Sets *OUT_FIRST
 * and *OUT_LAST to newly allocated strings, or NULL when the name gives none.
 * Returns TRUE when at least a FirstName was found. */
gboolean kith_name_parse(const char *display, const char *email, char **out_first, char **out_last);

/* R4, R5: when every word of *FIRST and *LAST (either may point to NULL) is
 * in capitals, replaces both with R4's capitalisation ("MARY", "DI STEFANO"
 * -> "Mary", "di Stefano"); a name with any word in mixed or small letters
 * stays as written. */
void kith_name_recase(char **first, char **last);
