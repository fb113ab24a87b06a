/* secret.h - secret files: passwords, tokens and keys kith reads but never shows. */
#pragma once

#include <glib.h>

/* Reads a secret from PATH, refusing a file others may read (not 0600 or
 * stricter) or larger than 64 KiB. The contents, trimmed, newly allocated. */
char *kith_secret_read(const char *path, GError **error);
