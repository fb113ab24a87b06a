/* test_auth.c - R12: reading Authentication-Results for forged mail. */
#include "rules/decide.h"

static gboolean judge(const char *authserv_ids, const char *const *headers)
{
  g_autoptr(kith_config) c = kith_config_new_default();
  g_strfreev(c->authserv_ids);
  c->authserv_ids = g_strsplit(authserv_ids, ",", -1);
  if (!*authserv_ids) {
    g_strfreev(c->authserv_ids);
    c->authserv_ids = g_new0(char *, 1);
  }
  g_autoptr(GPtrArray) h = g_ptr_array_new();
  for (const char *const *v = headers; *v; v++)
    g_ptr_array_add(h, (gpointer)*v);
  return kith_rules_unauthenticated(c, h, NULL);
}

static void test_r12_dmarc_fail_is_unauthenticated(void)
{
  const char *h[] = {"mx.corp.example; spf=fail smtp.mailfrom=northwind.example; "
                     "dkim=none; dmarc=fail (p=none) header.from=northwind.example",
                     NULL};
  g_assert_true(judge("mx.corp.example", h));
  g_assert_true(judge("", h));
}

static void test_r12_dmarc_pass_is_authenticated(void)
{
  const char *h[] = {"mx.corp.example; spf=fail; dkim=fail; dmarc=pass header.from=acme.com", NULL};
  g_assert_false(judge("mx.corp.example", h));
}

static void test_r12_no_dmarc_needs_spf_or_dkim_pass(void)
{
  const char *spf[] = {"mx.corp.example; spf=pass smtp.mailfrom=acme.com", NULL};
  const char *dkim[] = {"mx.corp.example 1; dkim=pass header.d=acme.com; spf=softfail", NULL};
  const char *none[] = {"mx.corp.example; none", NULL};
  const char *neither[] = {"mx.corp.example; spf=softfail; dkim=neutral", NULL};
  g_assert_false(judge("mx.corp.example", spf));
  g_assert_false(judge("mx.corp.example", dkim));
  g_assert_true(judge("mx.corp.example", none));
  g_assert_true(judge("mx.corp.example", neither));
}

/* Only the org's own servers are believed: a header a sender wrote lower
 * down, under another authserv-id, is not read. */
static void test_r12_only_own_authserv_ids(void)
{
  const char *h[] = {"mx.corp.example; dmarc=fail header.from=northwind.example",
                     "evil.example; dmarc=pass; spf=pass; dkim=pass", NULL};
  g_assert_true(judge("mx.corp.example", h));
  const char *forged_first[] = {"mx.attacker.example; dmarc=pass",
                                "mx.corp.example; spf=pass; dkim=pass; dmarc=fail", NULL};
  g_assert_true(judge("mx.corp.example", forged_first));
  /* With no authserv_ids, the topmost header decides. */
  g_assert_false(judge("", forged_first));
  /* No header of the org's servers at all: nothing says it failed. */
  const char *other[] = {"mx.other.example; dmarc=fail", NULL};
  g_assert_false(judge("mx.corp.example", other));
}

/* Comments and case: "(...)" is no result, DMARC=FAIL is dmarc=fail. */
static void test_r12_comments_and_case(void)
{
  const char *h[] = {"MX.Corp.Example (our server; dmarc=pass in a comment);"
                     " SPF=none (no record); DMARC=FAIL (p=reject dis=none) header.from=x.example",
                     NULL};
  g_assert_true(judge("mx.corp.example", h));
  const char *pass[] = {"mx.corp.example; dmarc=pass (p=none; dmarc=fail) header.from=x", NULL};
  g_assert_false(judge("mx.corp.example", pass));
}

static void test_r12_no_header_is_not_unauthenticated(void)
{
  g_autoptr(kith_config) c = kith_config_new_default();
  g_assert_false(kith_rules_unauthenticated(c, NULL, NULL));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/auth/r12_dmarc_fail_is_unauthenticated",
                  test_r12_dmarc_fail_is_unauthenticated);
  g_test_add_func("/auth/r12_dmarc_pass_is_authenticated", test_r12_dmarc_pass_is_authenticated);
  g_test_add_func("/auth/r12_no_dmarc_needs_spf_or_dkim_pass",
                  test_r12_no_dmarc_needs_spf_or_dkim_pass);
  g_test_add_func("/auth/r12_only_own_authserv_ids", test_r12_only_own_authserv_ids);
  g_test_add_func("/auth/r12_comments_and_case", test_r12_comments_and_case);
  g_test_add_func("/auth/r12_no_header_is_not_unauthenticated",
                  test_r12_no_header_is_not_unauthenticated);
  return g_test_run();
}
