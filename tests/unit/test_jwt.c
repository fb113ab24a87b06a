/* test_jwt.c - the one RS256 JWT signer (util/jwt.c): Salesforce's assertion
 * has JSON claims whatever the configured names hold and a signature that
 * verifies; any claims and header fields (Google's kid, Microsoft's x5t)
 * are kept as given; x5t is a certificate's thumbprint. */
#include "util/jwt.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
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
  g_assert_cmpint(EVP_DigestVerify(md, sig, siglen, (const guchar *)jwt, (gsize)(dot - jwt)), ==,
                  1);
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

/* The fixture's private key as PEM text. */
static char *pem_of(fx *f)
{
  char *pem = NULL;
  g_assert_true(g_file_get_contents(f->key_path, &pem, NULL, NULL));
  return pem;
}

static guchar *b64url_decode(const char *text, gsize *len)
{
  GString *b64 = g_string_new(text);
  for (char *p = b64->str; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  while (b64->len % 4)
    g_string_append_c(b64, '=');
  guchar *raw = g_base64_decode(b64->str, len);
  g_string_free(b64, TRUE);
  return raw;
}

static gboolean verifies(EVP_PKEY *key, const char *jwt)
{
  const char *dot = strrchr(jwt, '.');
  gsize siglen = 0;
  g_autofree guchar *sig = b64url_decode(dot + 1, &siglen);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  gboolean ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
                EVP_DigestVerify(md, sig, siglen, (const guchar *)jwt, (size_t)(dot - jwt)) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

/* Google's grant: scope and iat among the claims, kid in the header. */
static void test_jwt_sign_claims_and_header_fields(fx *f, gconstpointer data)
{
  g_autofree char *pem = pem_of(f);
  json_t *claims = json_pack("{s:s, s:s, s:s, s:I}", "iss", "sa@p.iam.gserviceaccount.com", "sub",
                             "ann@corp.example", "scope", "a b", "iat", (json_int_t)1767225600);
  json_t *extra = json_pack("{s:s}", "kid", "0123abcd");
  g_autoptr(GError) e = NULL;
  g_autofree char *jwt = kith_jwt_sign(pem, "key.json", extra, claims, &e);
  g_assert_no_error(e);
  json_t *h = part(jwt, 0), *c = part(jwt, 1);
  g_assert_cmpstr(json_string_value(json_object_get(h, "alg")), ==, "RS256");
  g_assert_cmpstr(json_string_value(json_object_get(h, "typ")), ==, "JWT");
  g_assert_cmpstr(json_string_value(json_object_get(h, "kid")), ==, "0123abcd");
  g_assert_true(json_equal(c, claims));
  g_assert_true(verifies(f->key, jwt));
  g_assert_false(strchr(jwt, '=') || strchr(jwt, '+') || strchr(jwt, '/'));
  json_decref(h);
  json_decref(c);
  json_decref(claims);
  json_decref(extra);
}

static void test_jwt_sign_refuses_what_is_no_key(fx *f, gconstpointer data)
{
  g_autofree char *pem = pem_of(f);
  json_t *claims = json_pack("{s:s}", "iss", "x");
  g_autoptr(GError) e = NULL;
  g_assert_null(kith_jwt_sign("not a key", "graph.pem", NULL, claims, &e));
  g_assert_cmpstr(e->message, ==, "graph.pem: not a PEM private key");
  g_clear_error(&e);
  g_assert_null(kith_jwt_sign(pem, "k", NULL, NULL, &e));
  g_assert_nonnull(strstr(e->message, "no valid JSON object"));
  json_decref(claims);
}

/* Microsoft's x5t: the base64url SHA-1 of the certificate's DER, as
 * `openssl x509 -fingerprint -sha1` prints it in hex. */
static void test_jwt_x5t_of_a_certificate(fx *f, gconstpointer data)
{
  g_autofree char *pem = pem_of(f);
  X509 *cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, f->key);
  X509_NAME *name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const guchar *)"kith", -1, -1, 0);
  X509_set_issuer_name(cert, name);
  g_assert_cmpint(X509_sign(cert, f->key, EVP_sha256()), >, 0);
  BIO *bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, f->key, NULL, NULL, 0, NULL, NULL);
  PEM_write_bio_X509(bio, cert);
  char *p = NULL;
  long len = BIO_get_mem_data(bio, &p);
  g_autofree char *both = g_strndup(p, (gsize)len);
  BIO_free(bio);
  guchar want[20];
  unsigned int n = 0;
  g_assert_cmpint(X509_digest(cert, EVP_sha1(), want, &n), ==, 1);
  X509_free(cert);
  g_autofree char *expect = kith_jwt_b64url(want, n);
  g_autoptr(GError) e = NULL;
  g_autofree char *x5t = kith_jwt_x5t(both, "graph.pem", &e);
  g_assert_no_error(e);
  g_assert_cmpstr(x5t, ==, expect);
  g_assert_cmpuint(strlen(x5t), ==, 27); /* 20 bytes, unpadded */
  g_assert_null(kith_jwt_x5t(pem, "key.pem", &e));
  g_assert_cmpstr(e->message, ==, "key.pem: no PEM certificate");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/jwt/claims_are_json", fx, NULL, fx_setup, test_jwt_claims_are_json, fx_teardown);
  g_test_add("/jwt/signature_verifies", fx, NULL, fx_setup, test_jwt_signature_verifies,
             fx_teardown);
  g_test_add("/jwt/names_a_bad_key", fx, NULL, fx_setup, test_jwt_names_a_bad_key, fx_teardown);
  g_test_add("/jwt/sign_claims_and_header_fields", fx, NULL, fx_setup,
             test_jwt_sign_claims_and_header_fields, fx_teardown);
  g_test_add("/jwt/sign_refuses_what_is_no_key", fx, NULL, fx_setup,
             test_jwt_sign_refuses_what_is_no_key, fx_teardown);
  g_test_add("/jwt/x5t_of_a_certificate", fx, NULL, fx_setup, test_jwt_x5t_of_a_certificate,
             fx_teardown);
  return g_test_run();
}
