/* test_config_text.c - kith.conf as people write it: trailing comments, and
 * errors that name the file, the group and the line (#20). */
#include "config/config.h"
#include "util/error.h"

#include <glib/gstdio.h>
#include <string.h>

static kith_config *load(const char *text, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp("kith-test-conf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "kith.conf", NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  kith_config *c = kith_config_load(path, error);
  g_unlink(path);
  g_rmdir(dir);
  return c;
}

/* docs show `key = value  # comment`: copied, the comment is no part of it. */
static void test_config_trailing_comments(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load(
      "[org]\ninternal_domains = corp.example   # our domains\n"
      "integration_user = 005000000000000AAA ; the integration user\n"
      "[serve]\nlisten = 127.0.0.1:9000\t# the console\ntoken_file = /srv/kith/token # 0600\n"
      "[profile Sales]\nusers = *\nocr = on # roles too\nocr_role = Decision#Maker\n",
      &e);
  g_assert_no_error(e);
  g_assert_cmpstr(c->internal_domains[0], ==, "corp.example");
  g_assert_cmpstr(c->integration_user, ==, "005000000000000AAA");
  g_assert_cmpstr(c->serve.listen, ==, "127.0.0.1:9000");
  g_assert_cmpstr(c->serve.token_file, ==, "/srv/kith/token");
  const kith_profile *p = kith_config_profile_for(c, "ann@corp.example");
  g_assert_true(p->ocr);
  /* A '#' inside a word is kept: only one after white space starts a comment. */
  g_assert_cmpstr(p->ocr_role, ==, "Decision#Maker");
}

static void test_config_bad_line_named(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config) c = load("[org]\ninternal_domains = corp.example\nthis is wrong\n", &e);
  g_assert_null(c);
  g_assert_error(e, KITH_ERROR, KITH_ERROR_USAGE);
  g_assert_nonnull(
      strstr(e->message, "kith.conf: [org] line 3: 'this is wrong' is not KEY = VALUE"));
  g_clear_error(&e);
  g_autoptr(kith_config) d = load("[org\ninternal_domains = corp.example\n", &e);
  g_assert_null(d);
  g_assert_nonnull(strstr(e->message, "line 1"));
}

/* kith config prints the lists as they are, and no defaults profile that
 * governs nobody (#20). */
static void test_config_describe_lists(void)
{
  g_autoptr(GError) e = NULL;
  g_autoptr(kith_config)
      c = load("[profile All]\nusers = *\n[filters]\nexclude_local_parts = NoReply*, *-bounces\n"
               "personal_domains = gmail.com, web.de\n",
               &e);
  g_assert_no_error(e);
  g_autofree char *text = kith_config_describe(c);
  g_assert_nonnull(strstr(text, "exclude_local_parts = noreply*, *-bounces\n"));
  g_assert_nonnull(strstr(text, "personal_domains = gmail.com, web.de\n"));
  g_assert_null(strstr(text, "(defaults)"));
  g_autoptr(kith_config) d = load("[org]\ninternal_domains = corp.example\n", &e);
  g_autofree char *text2 = kith_config_describe(d);
  g_assert_nonnull(strstr(text2, "[profile (defaults)]"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/config/trailing_comments", test_config_trailing_comments);
  g_test_add_func("/config/bad_line_named", test_config_bad_line_named);
  g_test_add_func("/config/describe_lists", test_config_describe_lists);
  return g_test_run();
}
