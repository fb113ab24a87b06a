/* jwt.h - the OAuth 2.0 JWT bearer assertion (RS256). */
#pragma once

#include "util/secret.h"

#include <glib.h>

/* A signed JWT for Salesforce's JWT bearer flow: iss CLIENT_ID, sub USER,
 * aud AUDIENCE (the login URL), exp NOW + 3 minutes, signed RS256 with the
 * PEM private key in KEY_PATH. */
char *kith_jwt_assertion(const char *key_path, const char *client_id, const char *user,
                         const char *audience, gint64 now, GError **error);
