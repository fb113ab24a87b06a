/* test_reply.c - the sender's own text of a reply: no quotes, forwards, disclaimers (R5). */
#include "extract/reply.h"

#include <jansson.h>
#include <string.h>
#include "corpus.h"

static const char *shared_dir(void)
{
  return g_getenv("KITH_SHARED");
}

static void test_reply_r5_own_text_languages(void)
{
  static const struct {
    const char *text;
    const char *own;
  } cases[] = {
      {"Ok.\n\nOn Tue, 3 Mar 2026, Ann <a@x.com> wrote:\n> hi\n", "Ok.\n"},
      {"Ok.\n\nAm 03.03.2026 um 09:00 schrieb Ann <a@x.com>:\n> hi\n", "Ok.\n"},
      {"Ok.\n\nLe mar. 3 mars 2026 à 09:00, Ann <a@x.com> a écrit :\n> hi\n", "Ok.\n"},
      {"Ok.\n\nEl mar, 3 mar 2026, Ann (<a@x.com>) escribió:\n> hi\n", "Ok.\n"},
      {"Ok.\n\nIl giorno 3 mar 2026, Ann <a@x.com> ha scritto:\n> hi\n", "Ok.\n"},
      {"Ok.\n\nOp di 3 mrt 2026 schreef Ann <a@x.com>:\n> hi\n", "Ok.\n"},
      {"Ok.\n\nOn Tue, Mar 3, 2026 at 9:00 AM Ann Lee <\nann@x.com> wrote:\n> hi\n", "Ok.\n"},
      {"Ok.\n\n-----Original Message-----\nFrom: Ann\nSent: Tuesday\nTo: Bo\nSubject: Hi\n\nhi\n",
       "Ok.\n"},
      {"Ok.\n\n________________________________\nVon: Ann <a@x.com>\nGesendet: Dienstag\nAn: "
       "Bo\n\nhi\n",
       "Ok.\n\n________________________________\n"},
      {"Ok.\n\nSent from my iPhone\n", "Ok.\n"},
      {"On the surface, this looks odd.\nOn average it works.\n",
       "On the surface, this looks odd.\nOn average it works.\n"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *own = kith_reply_own_text(cases[i].text);
    g_assert_cmpstr(own, ==, cases[i].own);
  }
  g_autofree char *d = kith_reply_own_text(
      "See you.\n\nBest,\nAnn\n\nThis e-mail and any attachments are confidential and intended "
      "solely for the addressee. If you are not the intended recipient, please delete it and tell "
      "the sender.\n");
  g_assert_cmpstr(d, ==, "See you.\n\nBest,\nAnn\n");
}

/* A notice written right under the signature, below a rule and with no
 * blank line: the notice goes, the signature above the rule stays. */
static void test_reply_r5_notice_below_rule(void)
{
  g_autofree char *own = kith_reply_own_text(
      "Thanks.\n\nLuis Rivera\nDirector General\nTel.: +34915668615\n"
      "_______________________________________\nThis message is for the named person's use "
      "only. It may contain confidential, proprietary or legally privileged information. If "
      "you are not the intended recipient, delete it.\n");
  g_assert_cmpstr(own, ==, "Thanks.\n\nLuis Rivera\nDirector General\nTel.: +34915668615\n");
  /* A phrase above the rule: the whole paragraph is the notice. */
  g_autofree char *all = kith_reply_own_text(
      "Thanks.\n\nThis e-mail is confidential and intended solely for the addressee and "
      "may be legally privileged.\n______________\nIf you are not the intended recipient, "
      "please delete it.\n");
  g_assert_cmpstr(all, ==, "Thanks.\n");
}

static char *squash_ws(const char *s)
{
  g_autofree char *t = g_strstrip(g_utf8_make_valid(s, -1));
  g_autoptr(GRegex) ws = g_regex_new("\\s+", 0, 0, NULL);
  return g_regex_replace_literal(ws, t, -1, 0, " ", 0, NULL);
}

/* crisp's reply-parser fixtures: the reply kith keeps must begin with the
 * text crisp shows and hold little more (a sign-off, a signature). */
static void test_reply_r5_crisp_own_text(void)
{
  const char *shared = shared_dir();
  g_autofree char *base = shared ? g_build_filename(shared, "corpora", "signatures", NULL) : NULL;
  g_autofree char *exp_path = base ? g_build_filename(base, "crisp-expected.json", NULL) : NULL;
  json_t *all = exp_path ? json_load_file(exp_path, 0, NULL) : NULL;
  if (!all) {
    kith_test_no_corpus("KITH_SHARED corpora/signatures/crisp not available");
    return;
  }
  guint total = 0, ok = 0, whole_total = 0, whole_ok = 0;
  size_t i;
  json_t *e;
  json_array_foreach(all, i, e)
  {
    const char *fixture = json_string_value(json_object_get(e, "fixture"));
    g_autofree char *path = g_build_filename(base, "crisp", "fixtures", fixture, NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
      continue;
    g_autofree char *own = kith_reply_own_text(text);
    g_autofree char *o = squash_ws(own);
    size_t j;
    json_t *c;
    json_array_foreach(json_object_get(e, "checks"), j, c)
    {
      const char *check = json_string_value(json_object_get(c, "check"));
      json_t *idx = json_object_get(c, "index");
      if ((g_strcmp0(check, "fragment_text") == 0 && json_integer_value(idx) == 0) ||
          g_strcmp0(check, "visible_text") == 0) {
        g_autofree char *want = squash_ws(json_string_value(json_object_get(c, "equals")));
        total++;
        gboolean pass = g_str_has_prefix(o, want) && strlen(o) <= strlen(want) + 250;
        ok += pass;
        if (!pass && g_test_verbose())
          g_test_message("crisp %s: kept '%.120s'", fixture, o + MIN(strlen(want), strlen(o)));
      } else if (g_strcmp0(check, "fragment_count") == 0 &&
                 json_integer_value(json_object_get(c, "equals")) == 1) {
        /* One fragment: nothing in it is quoted; kith must keep it all. */
        g_autofree char *all_text = squash_ws(text);
        whole_total++;
        gboolean pass = g_str_has_prefix(all_text, o) && strlen(all_text) <= strlen(o) + 100;
        whole_ok += pass;
        if (!pass && g_test_verbose())
          g_test_message("crisp %s: cut a reply with no quote", fixture);
      }
    }
  }
  json_decref(all);
  g_printerr("# crisp: reply kept %u/%u (%.1f%%); unquoted kept whole %u/%u\n", ok, total,
             100.0 * ok / MAX(total, 1), whole_ok, whole_total);
  g_assert_cmpuint(ok * 100, >=, total * 85);
  g_assert_cmpuint(whole_ok * 100, >=, whole_total * 80);
}

/* Bytes that are not UTF-8 are replaced, not dropped with their line; a
 * body is read up to 256 KiB. */
static void test_reply_r5_bad_bytes_and_size_cap(void)
{
  g_autofree char *own = kith_reply_own_text("Ok \xff\xfe.\n\nAnn\n");
  g_assert_true(g_utf8_validate(own, -1, NULL));
  g_assert_true(g_str_has_prefix(own, "Ok "));
  g_assert_true(g_str_has_suffix(own, ".\n\nAnn\n"));
  GString *big = g_string_new(NULL);
  while (big->len < 300 * 1024)
    g_string_append(big, "Line of a long body, \xc3\xa9t\xc3\xa9.\n");
  g_autofree char *cut = kith_reply_own_text(big->str);
  g_assert_cmpuint(strlen(cut), <=, 256 * 1024 + 4000);
  g_assert_true(g_utf8_validate(cut, -1, NULL));
  g_string_free(big, TRUE);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/reply/r5_own_text_languages", test_reply_r5_own_text_languages);
  g_test_add_func("/reply/r5_notice_below_rule", test_reply_r5_notice_below_rule);
  g_test_add_func("/reply/r5_bad_bytes_and_size_cap", test_reply_r5_bad_bytes_and_size_cap);
  g_test_add_func("/reply/r5_crisp_own_text", test_reply_r5_crisp_own_text);
  return g_test_run();
}
