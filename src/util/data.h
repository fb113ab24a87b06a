/* data.h - the shipped tables under data/, embedded in the binary. */
#pragma once

#include <glib.h>

/* The bytes of data/NAME (e.g. "personal_domains.txt"), or NULL when the
 * build holds no such table. Owned by the caller (g_bytes_unref). */
GBytes *kith_data_lookup(const char *name);

/* The non-empty, non-comment ('#') lines of data/NAME, trimmed. A NULL-
 * terminated array owned by the caller (g_strfreev); never NULL. */
char **kith_data_lines(const char *name);

/* Any embedded resource by its full path ("/kith/web/index.html"), or NULL. */
GBytes *kith_resource_lookup(const char *path);
