/* test_title.c - Department, Seniority__c and Persona__c from titles (R5). */
#include "extract/title.h"

#include <glib/gstdio.h>
#include <string.h>
#include "corpus.h"

typedef struct {
  guint expected; /* cases with a value expected */
  guint correct;
  guint wrong;    /* a value other than the expected one */
  guint spurious; /* a value where none was expected */
} score;

static void score_add(score *s, const char *want, const char *got)
{
  gboolean w = want && *want, g = got && *got;
  if (w)
    s->expected++;
  if (w && g && g_str_equal(want, got))
    s->correct++;
  else if (w && g)
    s->wrong++;
  else if (!w && g)
    s->spurious++;
}

static double precision(const score *s)
{
  guint said = s->correct + s->wrong + s->spurious;
  return said ? 100.0 * s->correct / said : 100.0;
}

static double recall(const score *s)
{
  return s->expected ? 100.0 * s->correct / s->expected : 100.0;
}

static void classify(const char *title, const char *dep, const char *sen, const char *persona)
{
  g_autofree char *d = NULL, *s = NULL, *p = NULL;
  kith_title_classify(NULL, title, &d, &s, &p);
  g_assert_cmpstr(d, ==, dep);
  g_assert_cmpstr(s, ==, sen);
  g_assert_cmpstr(p, ==, persona);
}

static void test_title_r5_abbreviations(void)
{
  classify("VP Engineering", "Engineering", "VP", "Technical Decision Maker");
  classify("SVP, Sales", "Sales", "VP", "Business Decision Maker");
  classify("EVP Operations", "Operations", "VP", "Business Decision Maker");
  classify("CFO", "Finance", "C-Level", "Executive Sponsor");
  classify("CTO", "Engineering", "C-Level", "Executive Sponsor");
  classify("Sr. Dir. Marketing", "Marketing", "Director", "Business Decision Maker");
  classify("Sr. Mgr, Eng", "Engineering", "Manager", "Technical Champion");
  classify("Sr. Software Eng.", "Engineering", "Individual Contributor", "Technical User");
}

static void test_title_r5_head_chief_founder(void)
{
  classify("Head of Operations", "Operations", "Director", "Business Decision Maker");
  classify("Chief Revenue Officer", "Sales", "C-Level", "Executive Sponsor");
  classify("Chief Happiness Officer", "Executive", "C-Level", "Executive Sponsor");
  classify("Chief Inventor", NULL, "Director", NULL);
  classify("Founder", "Executive", "C-Level", "Executive Sponsor");
  classify("Co-Founder & CTO", "Engineering", "C-Level", "Executive Sponsor");
  classify("Vice President", NULL, "VP", NULL);
  classify("Research Lead", "Other", "Manager", "Business Champion");
  classify("Director of Research", "Other", "Director", "Business Decision Maker");
  classify("Head of Procurement", "Procurement", "Director", "Procurement");
  classify("General Counsel", "Legal", "Individual Contributor", "Legal & Compliance");
}

static void test_title_r5_european_languages(void)
{
  classify("Geschäftsführer", "Executive", "C-Level", "Executive Sponsor");
  classify("Vertriebsleiter", "Sales", "Director", "Business Decision Maker");
  classify("Teamleiterin Kundenservice", "Customer Success", "Manager", "Business Champion");
  classify("Directeur Commercial", "Sales", "Director", "Business Decision Maker");
  classify("Responsable Achats", "Procurement", "Manager", "Procurement");
  classify("Gerente de Ventas", "Sales", "Manager", "Business Champion");
  classify("Amministratore Delegato", "Executive", "C-Level", "Executive Sponsor");
  classify("Hoofd Marketing", "Marketing", "Director", "Business Decision Maker");
  classify("Prezes Zarządu", "Executive", "C-Level", "Executive Sponsor");
}

static void test_title_r5_noise(void)
{
  classify("Head of Operations | Acme", "Operations", "Director", "Business Decision Maker");
  classify("VP Sales (she/her)", "Sales", "VP", "Business Decision Maker");
  classify("Contoso Ltd", NULL, NULL, NULL);
  classify("Head Office", NULL, NULL, NULL);
  classify("", NULL, NULL, NULL);
  classify(NULL, NULL, NULL, NULL);
  g_assert_true(kith_title_is_title(NULL, "Research Lead"));
  g_assert_true(kith_title_is_title(NULL, "Chief Inventor"));
  g_assert_false(kith_title_is_title(NULL, "Contoso Ltd"));
  g_assert_false(kith_title_is_title(NULL, "Corp Example, Inc."));
  g_assert_false(kith_title_is_title(NULL, "London, UK"));
}

/* An administrator's own table replaces the shipped one; a bad one is refused
 * with the file and line. */
static void test_title_r5_rules_file_override(void)
{
  g_autofree char *dir = g_dir_make_tmp("kith-title-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "rules.tsv", NULL);
  const char *text = "# mine\n"
                     "seniority\tDirector\t50\tmaestro\n"
                     "department\tData\t50\tquant*\n"
                     "persona\tQuant Boss\t0\tDirector / Data\n";
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_autoptr(GError) error = NULL;
  kith_title_rules *rules = kith_title_rules_load(path, &error);
  g_assert_no_error(error);
  g_autofree char *d = NULL, *s = NULL, *p = NULL;
  kith_title_classify(rules, "Quantitative Maestro", &d, &s, &p);
  g_assert_cmpstr(d, ==, "Data");
  g_assert_cmpstr(s, ==, "Director");
  g_assert_cmpstr(p, ==, "Quant Boss");
  g_autofree char *d2 = NULL, *s2 = NULL;
  kith_title_classify(rules, "VP Sales", &d2, &s2, NULL);
  g_assert_cmpstr(s2, ==, NULL);
  kith_title_rules_free(rules);

  g_assert_true(g_file_set_contents(path, "seniority\tBoss\t50\tboss\n", -1, NULL));
  rules = kith_title_rules_load(path, &error);
  g_assert_null(rules);
  g_assert_nonnull(strstr(error->message, ":1: unknown seniority 'Boss'"));
  g_clear_error(&error);
  g_autofree char *missing = g_build_filename(dir, "none.tsv", NULL);
  g_assert_null(kith_title_rules_load(missing, &error));
  g_assert_nonnull(error);
  g_unlink(path);
  g_rmdir(dir);
}

static char *read_source_file(const char *rel)
{
  const char *src = g_getenv("KITH_SOURCE_DIR");
  g_autofree char *path = g_build_filename(src ? src : ".", rel, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  return text;
}

/* The project's own labelled titles (tests/data/titles.tsv). */
static void test_title_r5_labelled_titles(void)
{
  g_autofree char *text = read_source_file("tests/data/titles.tsv");
  if (!text) {
    g_test_skip("tests/data/titles.tsv not found (KITH_SOURCE_DIR)");
    return;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  score dep = {0}, sen = {0}, per = {0};
  guint n = 0;
  for (char **l = lines; *l; l++) {
    if (**l == '#' || **l == '\0')
      continue;
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 4)
      continue;
    n++;
    g_autofree char *d = NULL, *s = NULL, *p = NULL;
    kith_title_classify(NULL, f[0], &d, &s, &p);
    score_add(&dep, f[1], d);
    score_add(&sen, f[2], s);
    score_add(&per, f[3], p);
    if (g_test_verbose() &&
        (g_strcmp0(*f[1] ? f[1] : NULL, d) || g_strcmp0(*f[2] ? f[2] : NULL, s)))
      g_test_message("%s: want %s/%s got %s/%s", f[0], f[1], f[2], d ? d : "-", s ? s : "-");
  }
  g_printerr("# own titles (%u): Department P %.1f%% R %.1f%%; Seniority P %.1f%% R %.1f%%; "
             "Persona P %.1f%% R %.1f%%\n",
             n, precision(&dep), recall(&dep), precision(&sen), recall(&sen), precision(&per),
             recall(&per));
  g_assert_cmpuint(n, >=, 500);
  g_assert_cmpfloat(precision(&sen), >=, 97.0);
  g_assert_cmpfloat(precision(&dep), >=, 95.0);
  g_assert_cmpfloat(recall(&sen), >=, 90.0);
  g_assert_cmpfloat(recall(&dep), >=, 90.0);
}

/* Real titles from Enron signatures (corpus), with the project's hand labels. */
static void test_title_r5_enron_positions(void)
{
  const char *shared = g_getenv("KITH_SHARED");
  g_autofree char *path = shared ? g_build_filename(shared, "corpora", "titles",
                                                    "enron_signature_positions.tsv", NULL)
                                 : NULL;
  g_autofree char *corpus = NULL;
  g_autofree char *labels = read_source_file("tests/data/signatures/enron_position_labels.tsv");
  if (!path || !labels || !g_file_get_contents(path, &corpus, NULL, NULL)) {
    kith_test_no_corpus("corpora/titles or the labels are not available");
    return;
  }
  g_autoptr(GHashTable) want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) ll = g_strsplit(labels, "\n", -1);
  for (char **l = ll; *l; l++) {
    if (**l == '#' || **l == '\0')
      continue;
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) >= 3)
      g_hash_table_insert(want, g_strdup_printf("%s:%s", f[0], f[1]),
                          g_strdup_printf("%s\t%s", f[2], f[3] ? f[3] : ""));
  }
  g_auto(GStrv) lines = g_strsplit(corpus, "\n", -1);
  score dep = {0}, sen = {0};
  guint n = 0;
  for (char **l = lines + 1; *l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    if (g_strv_length(f) < 4)
      continue;
    g_autofree char *key = g_strdup_printf("%s:%s", f[0], f[1]);
    const char *w = g_hash_table_lookup(want, key);
    if (!w)
      continue;
    g_auto(GStrv) wf = g_strsplit(w, "\t", 2);
    n++;
    g_autofree char *d = NULL, *s = NULL;
    kith_title_classify(NULL, f[3], &d, &s, NULL);
    score_add(&dep, wf[0], d);
    score_add(&sen, wf[1], s);
    if (g_test_verbose() &&
        (g_strcmp0(*wf[0] ? wf[0] : NULL, d) || g_strcmp0(*wf[1] ? wf[1] : NULL, s)))
      g_test_message("%s: want %s/%s got %s/%s", f[3], wf[0], wf[1], d ? d : "-", s ? s : "-");
  }
  g_printerr("# enron positions (%u): Department P %.1f%% R %.1f%%; Seniority P %.1f%% R %.1f%%\n",
             n, precision(&dep), recall(&dep), precision(&sen), recall(&sen));
  g_assert_cmpuint(n, ==, 79);
  g_assert_cmpfloat(precision(&sen), >=, 95.0);
  g_assert_cmpfloat(recall(&sen), >=, 85.0);
  g_assert_cmpfloat(precision(&dep), >=, 85.0);
}

/* IPOD's gazetteer: words its three annotators all call a responsibility
 * (RES) should mostly make a title; locations and other words (LOC, O) alone
 * must not. Reported, with loose floors: the tags are per word. */
static void test_title_r5_ipod_vocabulary(void)
{
  const char *shared = g_getenv("KITH_SHARED");
  g_autofree char *path = shared ? g_build_filename(shared, "corpora", "titles",
                                                    "ipod_gazetteer.csv", NULL)
                                 : NULL;
  g_autofree char *text = NULL;
  if (!path || !g_file_get_contents(path, &text, NULL, NULL)) {
    kith_test_no_corpus("corpora/titles not available");
    return;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint res = 0, res_hit = 0, other = 0, other_hit = 0;
  for (char **l = lines + 1; *l; l++) {
    g_auto(GStrv) f = g_strsplit(g_strstrip(*l), ",", -1);
    if (g_strv_length(f) != 4 || !g_str_equal(f[1], f[2]) || !g_str_equal(f[2], f[3]))
      continue;
    gboolean is_title = kith_title_is_title(NULL, f[0]);
    if (g_str_equal(f[1], "RES")) {
      res++;
      res_hit += is_title;
    } else if (g_str_equal(f[1], "LOC") || g_str_equal(f[1], "O")) {
      other++;
      other_hit += is_title;
      if (is_title && g_test_verbose())
        g_test_message("not a title word, taken as one: %s", f[0]);
    }
  }
  g_printerr("# ipod words: RES taken as titles %u/%u; LOC/O taken as titles %u/%u\n", res_hit, res,
             other_hit, other);
  g_assert_cmpuint(res_hit * 100, >=, res * 50);
  g_assert_cmpuint(other_hit * 100, <=, other * 5);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/title/r5_abbreviations", test_title_r5_abbreviations);
  g_test_add_func("/title/r5_head_chief_founder", test_title_r5_head_chief_founder);
  g_test_add_func("/title/r5_european_languages", test_title_r5_european_languages);
  g_test_add_func("/title/r5_noise", test_title_r5_noise);
  g_test_add_func("/title/r5_rules_file_override", test_title_r5_rules_file_override);
  g_test_add_func("/title/r5_labelled_titles", test_title_r5_labelled_titles);
  g_test_add_func("/title/r5_enron_positions", test_title_r5_enron_positions);
  g_test_add_func("/title/r5_ipod_vocabulary", test_title_r5_ipod_vocabulary);
  return g_test_run();
}
