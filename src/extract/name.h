/* name.h - a person's FirstName and LastName from a display name (R4). */
#pragma once

#include <glib.h>

/* Parses DISPLAY (decoded UTF-8; may be NULL) as R4 says. EMAIL, when given,
 * lets a display name that is just the address give no name. Sets *OUT_FIRST
 * and *OUT_LAST to newly allocated strings, or NULL when the name gives none.
 * Returns TRUE when at least a FirstName was found. */
gboolean kith_name_parse(const char *display, const char *email,
                         char **out_first, char **out_last);
