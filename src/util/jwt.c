/* jwt.c - RS256 JWTs with OpenSSL's libcrypto, header and claims built by jansson. */
#include "util/jwt.h"

#include "util/error.h"
#include "util/secret.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

char *kith_jwt_b64url(const guchar *data, gsize len)
{
  char *s = g_base64_encode(data, len);
  for (char *p = s; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  char *eq = strchr(s, '=');
  if (eq)
    *eq = '\0';
  return s;
}

/* OBJ as compact JSON, base64url; NULL when jansson cannot write it. */
static char *part(const json_t *obj)
{
  char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!text)
    return NULL;
  char *out = kith_jwt_b64url((const guchar *)text, strlen(text));
  free(text);
  return out;
}

/* INPUT signed RS256 with KEY; NULL when libcrypto refuses. */
static char *sign(EVP_PKEY *key, const char *input)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  size_t siglen = 0;
  guchar *sig = NULL;
  gboolean ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
                EVP_DigestSign(md, NULL, &siglen, (const guchar *)input, strlen(input)) == 1;
  if (ok) {
    sig = g_malloc(siglen);
    ok = EVP_DigestSign(md, sig, &siglen, (const guchar *)input, strlen(input)) == 1;
  }
  EVP_MD_CTX_free(md);
  char *out = ok ? kith_jwt_b64url(sig, siglen) : NULL;
  g_free(sig);
  return out;
}

char *kith_jwt_sign(const char *pem, const char *what, const json_t *header_extra,
                    const json_t *claims, GError **error)
{
  BIO *bio = BIO_new_mem_buf(pem, -1);
  EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
  BIO_free(bio);
  if (!key) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: not a PEM private key", what);
    return NULL;
  }
  json_t *header = json_pack("{s:s, s:s}", "alg", "RS256", "typ", "JWT");
  if (header_extra)
    json_object_update(header, (json_t *)header_extra);
  g_autofree char *h64 = part(header);
  g_autofree char *c64 = json_is_object(claims) ? part(claims) : NULL;
  json_decref(header);
  if (!h64 || !c64) {
    EVP_PKEY_free(key);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: the JWT's header or claims are no valid JSON object", what);
    return NULL;
  }
  g_autofree char *input = g_strconcat(h64, ".", c64, NULL);
  g_autofree char *s64 = sign(key, input);
  EVP_PKEY_free(key);
  if (!s64) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: cannot sign with this key (RS256)",
                what);
    return NULL;
  }
  return g_strconcat(input, ".", s64, NULL);
}

char *kith_jwt_x5t(const char *pem, const char *what, GError **error)
{
  BIO *bio = BIO_new_mem_buf(pem, -1);
  X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
  BIO_free(bio);
  unsigned char *der = NULL;
  int len = cert ? i2d_X509(cert, &der) : -1;
  X509_free(cert);
  if (len <= 0) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: no PEM certificate", what);
    return NULL;
  }
  guchar digest[20];
  unsigned int dlen = 0;
  gboolean ok = EVP_Digest(der, (size_t)len, digest, &dlen, EVP_sha1(), NULL) == 1;
  OPENSSL_free(der);
  if (!ok) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: cannot hash the certificate", what);
    return NULL;
  }
  return kith_jwt_b64url(digest, dlen);
}

char *kith_jwt_assertion(const char *key_path, const char *client_id, const char *user,
                         const char *audience, gint64 now, GError **error)
{
  g_autofree char *pem = kith_secret_read(key_path, error);
  if (!pem)
    return NULL;
  /* Built by jansson, which escapes what a client id or user name may hold. */
  json_t *claims = json_pack("{s:s, s:s, s:s, s:I}", "iss", client_id, "sub", user, "aud", audience,
                             "exp", (json_int_t)(now + 180));
  if (!claims) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: the JWT claims are no valid UTF-8 (client_id, user, login_url)", key_path);
    return NULL;
  }
  char *jwt = kith_jwt_sign(pem, key_path, NULL, claims, error);
  json_decref(claims);
  return jwt;
}
