/* jwt.c - RS256 JWT assertions with OpenSSL's libcrypto. */
#include "sync/jwt.h"

#include "util/error.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *b64url(const guchar *data, gsize len)
{
  char *s = g_base64_encode(data, len);
  for (char *p = s; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  char *eq = strchr(s, '=');
  if (eq)
    *eq = '\0';
  return s;
}

char *kith_jwt_assertion(const char *key_path, const char *client_id, const char *user,
                         const char *audience, gint64 now, GError **error)
{
  g_autofree char *pem = kith_secret_read(key_path, error);
  if (!pem)
    return NULL;
  BIO *bio = BIO_new_mem_buf(pem, -1);
  EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
  BIO_free(bio);
  if (!key) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: not a PEM private key", key_path);
    return NULL;
  }
  /* Built by jansson, which escapes what a client id or user name may hold. */
  json_t *h = json_pack("{s:s, s:s}", "alg", "RS256", "typ", "JWT");
  json_t *c = json_pack("{s:s, s:s, s:s, s:I}", "iss", client_id, "sub", user, "aud",
                        audience, "exp", (json_int_t)(now + 180));
  char *header = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  char *claims = c ? json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(h);
  json_decref(c);
  if (!header || !claims) {
    free(header);
    free(claims);
    EVP_PKEY_free(key);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED,
                "%s: the JWT claims are no valid UTF-8 (client_id, user, login_url)", key_path);
    return NULL;
  }
  g_autofree char *h64 = b64url((const guchar *)header, strlen(header));
  g_autofree char *c64 = b64url((const guchar *)claims, strlen(claims));
  free(header);
  free(claims);
  g_autofree char *input = g_strconcat(h64, ".", c64, NULL);
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
  EVP_PKEY_free(key);
  if (!ok) {
    g_free(sig);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: cannot sign with this key (RS256)", key_path);
    return NULL;
  }
  g_autofree char *s64 = b64url(sig, siglen);
  g_free(sig);
  return g_strconcat(input, ".", s64, NULL);
}
