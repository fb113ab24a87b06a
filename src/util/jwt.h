/* jwt.h - RS256 JSON Web Tokens (RFC 7519): the OAuth 2.0 assertions kith
 * signs for Salesforce, Google Workspace and Microsoft 365. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* CLAIMS (a JSON object) signed RS256 with the PEM private key PEM, as a
 * compact JWS. The header is alg RS256 and typ JWT, plus the fields of
 * HEADER_EXTRA (may be NULL), such as kid or x5t. WHAT names the key in
 * errors ("KEY: not a PEM private key"). Newly allocated, or NULL with
 * ERROR. */
char *kith_jwt_sign(const char *pem, const char *what, const json_t *header_extra,
                    const json_t *claims, GError **error);

/* A signed JWT for Salesforce's JWT bearer flow: iss CLIENT_ID, sub USER,
 * aud AUDIENCE (the login URL), exp NOW + 3 minutes, signed RS256 with the
 * PEM private key in KEY_PATH (a secret file, mode 0600). */
char *kith_jwt_assertion(const char *key_path, const char *client_id, const char *user,
                         const char *audience, gint64 now, GError **error);

/* The x5t of the first certificate in PEM: the base64url SHA-1 thumbprint
 * of its DER encoding (RFC 7515 section 4.1.7), which names the key to a
 * Microsoft token endpoint. NULL with ERROR when PEM holds no certificate. */
char *kith_jwt_x5t(const char *pem, const char *what, GError **error);

/* DATA as base64url without padding (RFC 7515 section 2), newly allocated. */
char *kith_jwt_b64url(const guchar *data, gsize len);
