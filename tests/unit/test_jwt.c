/* test_jwt.c - the JWT bearer assertion (util/jwt.c): its claims are JSON
 * whatever the configured names hold, and its RS256 signature verifies. */
#include "util/jwt.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

typedef struct {
  char *dir, *key_path;
  EVP_PKEY *key;
} fx;

static void fx_setup(fx *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp("kith-jwt-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
  f->key = EVP_RSA_gen(2048);
  g_assert_nonnull(f->key);
  f->key_path = g_build_filename(f->dir, "key.pem", NULL);
  FILE *out = g_fopen(f->key_path, "w");
  g_assert_nonnull(out);
  g_assert_cmpint(PEM_write_PrivateKey(out, f->key, NULL, NULL, 0, NULL, NULL), ==, 1);
  fclose(out);
  g_chmod(f->key_path, 0600);
}

static void fx_teardown(fx *f, gconstpointer data)
{
  g_unlink(f->key_path);
  g_rmdir(f->dir);
  g_free(f->key_path);
  g_free(f->dir);
  EVP_PKEY_free(f->key);
}

/* Part I (0: header, 1: claims) of JWT, decoded from base64url and parsed. */
static json_t *part(const char *jwt, guint i)
{
  g_auto(GStrv) parts = g_strsplit(jwt, ".", -1);
  g_assert_cmpuint(g_strv_length(parts), ==, 3);
  GString *b64 = g_string_new(parts[i]);
  for (char *p = b64->str; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  while (b64->len % 4)
    g_string_append_c(b64, '=');
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode(b64->str, &len);
  g_string_free(b64, TRUE);
  json_error_t jerr;
  json_t *j = json_loadb((const char *)raw, len, 0, &jerr);
  if (!j)
    g_test_message("not JSON: %.*s (%s)", (int)len, raw, jerr.text);
  return j;
}

static void test_jwt_claims_are_json(fx *f, gconstpointer data)
{
  /* A quote and a backslash in a configured name once made the claims no JSON. */
  const char *client = "3MVG9\"odd\\id", *user = "ann\"o'hara@acme.example";
  g_autoptr(GError) error = NULL;
  g_autofree char *jwt = kith_jwt_assertion(f->key_path, client, user, "https://login.example",
                                            1800000000, &error);
  g_assert_no_error(error);
  json_t *header = part(jwt, 0), *claims = part(jwt, 1);
  g_assert_nonnull(header);
  g_assert_nonnull(claims);
  g_assert_cmpstr(json_string_value(json_object_get(header, "alg")), ==, "RS256");
  g_assert_cmpstr(json_string_value(json_object_get(header, "typ")), ==, "JWT");
  g_assert_cmpstr(json_string_value(json_object_get(claims, "iss")), ==, client);
  g_assert_cmpstr(json_string_value(json_object_get(claims, "sub")), ==, user);
  g_assert_cmpstr(json_string_value(json_object_get(claims, "aud")), ==, "https://login.example");
  g_assert_cmpint(json_integer_value(json_object_get(claims, "exp")), ==, 1800000180);
  json_decref(header);
  json_decref(claims);
}

static void test_jwt_signature_verifies(fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jwt = kith_jwt_assertion(f->key_path, "client", "ann@acme.example",
                                            "https://login.example", 1800000000, &error);
  g_assert_no_error(error);
  const char *dot = strrchr(jwt, '.');
  g_autofree char *sig64 = g_strdup(dot + 1);
  for (char *p = sig64; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  g_autoptr(GString) padded = g_string_new(sig64);
  while (padded->len % 4)
    g_string_append_c(padded, '=');
  gsize siglen = 0;
  g_autofree guchar *sig = g_base64_decode(padded->str, &siglen);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  g_assert_cmpint(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, f->key), ==, 1);
  g_assert_cmpint(EVP_DigestVerify(md, sig, siglen, (const guchar *)jwt, (gsize)(dot - jwt)), ==, 1);
  EVP_MD_CTX_free(md);
}

static void test_jwt_names_a_bad_key(fx *f, gconstpointer data)
{
  g_autofree char *bad = g_build_filename(f->dir, "key.pem", NULL);
  g_assert_true(g_file_set_contents(bad, "not a key\n", -1, NULL));
  g_autoptr(GError) error = NULL;
  g_autofree char *jwt = kith_jwt_assertion(bad, "client", "ann@acme.example",
                                            "https://login.example", 1800000000, &error);
  g_assert_null(jwt);
  g_assert_nonnull(error);
  g_assert_true(g_str_has_prefix(error->message, bad));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/jwt/claims_are_json", fx, NULL, fx_setup, test_jwt_claims_are_json, fx_teardown);
  g_test_add("/jwt/signature_verifies", fx, NULL, fx_setup, test_jwt_signature_verifies,
             fx_teardown);
  g_test_add("/jwt/names_a_bad_key", fx, NULL, fx_setup, test_jwt_names_a_bad_key, fx_teardown);
  return g_test_run();
}
