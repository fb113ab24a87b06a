/* test_signature.c - Title, Phone, place and name from the sender's signature (R4, R5). */
#include "extract/signature.h"

#include <jansson.h>
#include <string.h>
#include "corpus.h"

/* ---- scoring ---- */

typedef struct {
  const char *field;
  guint expected; /* cases where a value was expected */
  guint correct;
  guint wrong; /* a value, but not an expected one (incl. where none was expected) */
} score;

static double precision(const score *s)
{
  guint said = s->correct + s->wrong;
  return said ? 100.0 * s->correct / said : 100.0;
}

static double recall(const score *s)
{
  return s->expected ? 100.0 * s->correct / s->expected : 100.0;
}

static void report(const char *set, const score *s, guint n)
{
  GString *line = g_string_new(NULL);
  g_string_append_printf(line, "# %s (%u):", set, n);
  for (guint i = 0; s[i].field; i++)
    g_string_append_printf(line, " %s P %.1f%% R %.1f%% (%u/%u, %u wrong);", s[i].field,
                           precision(&s[i]), recall(&s[i]), s[i].correct, s[i].expected,
                           s[i].wrong);
  g_printerr("%s\n", line->str);
  g_string_free(line, TRUE);
}

static void score_exact(score *s, const char *want, const char *got)
{
  gboolean w = want && *want, g = got && *got;
  if (w)
    s->expected++;
  if (g && w && g_str_equal(want, got))
    s->correct++;
  else if (g)
    s->wrong++;
}

static const char *shared_dir(void)
{
  return g_getenv("KITH_SHARED");
}

static void expect_sig(const char *text, const char *email, const char *first, const char *last,
                       const char *title, const char *phone, const char *country, const char *state)
{
  g_autoptr(kith_signature) sig = kith_signature_extract(text, email, first, last);
  g_assert_cmpstr(sig->title, ==, title);
  g_assert_cmpstr(sig->phone, ==, phone);
  g_assert_cmpstr(sig->country, ==, country);
  g_assert_cmpstr(sig->state, ==, state);
}

/* ---- rules, one case each ---- */

static void test_signature_r5_closing_block(void)
{
  expect_sig("Thanks Ann, great to meet you both.\n\nBest,\nOlivia Wright\nHead of Operations\n"
             "Contoso Ltd\n+44 20 7946 0958\nLondon, UK\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", "Head of Operations",
             "+44 20 7946 0958", "United Kingdom", NULL);
  expect_sig("Ann,\n\nPatent list attached.\n\nBest,\nHedy Lamarr\nChief Inventor\nContoso Ltd\n"
             "+1 (310) 555-0199",
             "hedy.lamarr@contoso.com", "Hedy", "Lamarr", "Chief Inventor", "+1 310 555 0199",
             "United States", "CA");
  expect_sig("Ann,\n\nNotes attached.\n\nBest,\nAda Lovelace\nResearch Lead\nContoso Ltd\n",
             "ada.lovelace@contoso.com", "Ada", "Lovelace", "Research Lead", NULL, NULL, NULL);
  expect_sig("Hi,\n\nBest,\nAnn Lee\nAccount Executive\nCorp Example, Inc.\n+1 (628) 555-0100\n"
             "San Francisco, CA\n",
             "ann.lee@corp.example", "Ann", "Lee", "Account Executive", "+1 628 555 0100",
             "United States", "CA");
}

static void test_signature_r5_company_line_is_not_a_title(void)
{
  expect_sig("Hi,\n\nBest,\nOlivia Wright\nContoso Ltd\n", "olivia.wright@contoso.com", "Olivia",
             "Wright", NULL, NULL, NULL, NULL);
  expect_sig("Hi,\n\nBest,\nAnn Lee\nCorp Example, Inc.\n", "ann.lee@corp.example", "Ann", "Lee",
             NULL, NULL, NULL, NULL);
  expect_sig("Hi,\n\nRegards,\nOlivia Wright | Head of Operations | Contoso Ltd\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", "Head of Operations", NULL, NULL,
             NULL);
  expect_sig("Hi,\n\nRegards,\nOlivia Wright\nHead of Operations, Contoso\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", "Head of Operations", NULL, NULL,
             NULL);
  expect_sig("Hi,\n\nRegards,\nOlivia Wright\nVP Sales at Contoso Ltd\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", "VP Sales", NULL, NULL, NULL);
  expect_sig("Hi,\n\nRegards,\nOlivia Wright (she/her)\nDirector, Database Infrastructure\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", "Director, Database Infrastructure",
             NULL, NULL, NULL);
}

/* No line with the sender's name: no title is guessed. */
static void test_signature_r5_no_name_line_no_title(void)
{
  expect_sig("Hi,\n\nBest,\nBob Stone\nVP Sales\n+1 (415) 555-0100\n", "olivia.wright@contoso.com",
             "Olivia", "Wright", NULL, NULL, NULL, NULL);
  expect_sig("Hi,\n\nBest,\nOlivia\n\nBob Stone\nVP Sales\n", "olivia.wright@contoso.com", "Olivia",
             "Wright", NULL, NULL, NULL, NULL);
  expect_sig("Hi,\n\nBest,\nOlivia\n+44 20 7946 0958\n", "olivia.wright@contoso.com", "Olivia",
             "Wright", NULL, NULL, NULL, NULL);
  /* The first name alone, right above a title line, is the sender's. */
  expect_sig("Hi,\n\nMark\nSenior Counsel, EWS\nPhone: 713-345-8897\nFacsimile: 713-646-3490\n",
             "mark.greenberg@enron.com", "Mark", "Greenberg", "Senior Counsel", "+1 713 345 8897",
             "United States", "TX");
  expect_sig("", "a@b.com", "A", "B", NULL, NULL, NULL, NULL);
  expect_sig(NULL, "a@b.com", "A", "B", NULL, NULL, NULL, NULL);
  /* A "-- " block without the name still gives a phone and a place. */
  expect_sig("Hi,\n\n-- \nContoso Ltd\nT: 020 7946 0958\n", "sales@contoso.co.uk", NULL, NULL, NULL,
             "+44 20 7946 0958", "United Kingdom", NULL);
}

static void test_signature_r5_quoted_text_is_not_the_senders(void)
{
  expect_sig("Sounds good.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Olivia Wright "
             "<olivia.wright@contoso.com> wrote:\n> Best,\n> Olivia Wright\n> VP Sales\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", NULL, NULL, NULL, NULL);
  expect_sig(
      "Gerne.\n\nMit freundlichen Grüßen\nJonas Becker\nVertriebsleiter\nTel.: 030 12345678\n"
      "10115 Berlin, Germany\n\nAm 03.03.2026 um 09:00 schrieb Ann Lee <ann.lee@corp.example>:\n"
      "> Ann Lee\n> Account Executive\n> +1 (628) 555-0100\n",
      "jonas.becker@umbrella.de", "Jonas", "Becker", "Vertriebsleiter", "+49 30 12345678",
      "Germany", NULL);
  expect_sig("Merci.\n\nCordialement,\nMarie Dubois\nDirectrice Marketing\nTél. : 01 42 68 53 00\n"
             "Fax : 01 42 68 53 01\n\n-----Message d'origine-----\nDe : Ann Lee\nEnvoyé : mardi\n"
             "À : Marie\nObjet : RE\n\nAnn Lee\nVP Sales\n",
             "marie.dubois@acme.fr", "Marie", "Dubois", "Directrice Marketing", "+33 1 42 68 53 00",
             "France", NULL);
}

static void test_signature_r5_never_fax(void)
{
  expect_sig("Hi,\n\nThanks,\nSue Mara\nEnron Corp.\nFax: (415) 782-7854\nTel: (415) 782-7802\n",
             "sue.mara@enron.com", "Sue", "Mara", NULL, "+1 415 782 7802", "United States", "CA");
  expect_sig("Hi,\n\nThanks,\nSue Mara\n(310) 788-1205 (fax)\n", "sue.mara@enron.com", "Sue",
             "Mara", NULL, NULL, NULL, NULL);
  expect_sig("Hi,\n\nThanks,\nAton Arbisser\n(310) 788-1015; fax (310) 788-1205\n",
             "aton@kayescholer.com", "Aton", "Arbisser", NULL, "+1 310 788 1015", "United States",
             "CA");
  /* Mobile only when no office or direct number is given. */
  expect_sig("Hi,\n\nBest,\nOlivia Wright\nM: +44 7700 900123\nT: +44 20 7946 0958\n",
             "olivia.wright@contoso.com", "Olivia", "Wright", NULL, "+44 20 7946 0958",
             "United Kingdom", NULL);
}

/* The block that writes out the sender's own address is theirs, even when
 * neither the display name nor the address gives the name on it. */
static void test_signature_r5_block_with_senders_address(void)
{
  expect_sig("Thanks for the note.\n\nmb\n\n\nMarcy Brinegar\nMBM Consultants\n"
             "(770) 886-6202 (Office)\n(770) 886-8202 (fax)\nbrinconsult@aol.com\n",
             "brinconsult@aol.com", NULL, NULL, NULL, "+1 770 886 6202", "United States", "GA");
  expect_sig("Hi,\n\nKind regards\n\nEric Allen | Customer Success Manager\nCorp Example Inc.\n"
             "Direct +1 (415) 555-2283 | eric.allen@corp.example\n",
             "eric.allen@corp.example", "Ms.", "Allen", "Customer Success Manager",
             "+1 415 555 2283", "United States", "CA");
  /* Someone else's address: not the sender's block. */
  expect_sig("Hi,\n\nMarcy Brinegar\nVP Sales\n(770) 886-6202\nmarcy@mbm.example\n",
             "brinconsult@aol.com", NULL, NULL, NULL, NULL, NULL, NULL);
}

/* "Rivera Novo, Luis" signs "Luis Rivera": one of the surnames will do. */
static void test_signature_r5_one_of_two_surnames(void)
{
  expect_sig("Dear Jeff,\n\nBest wishes.\n\nLuis Rivera\nDirector General de Planificacion\n"
             "ENDESA\nTel.: +34915668615\nlrivera@endesa.es\n",
             "lrivera@endesa.es", "Luis", "Rivera Novo", "Director General de Planificacion",
             "+34 915 66 86 15", "Spain", NULL);
  /* The first name alone is no match. */
  expect_sig("Hi,\n\nLuis Perez\nDirector General\n", "lrivera@endesa.es", "Luis", "Rivera Novo",
             NULL, NULL, NULL, NULL);
}

/* Two people sign together: the sender's full name after the other's. */
static void test_signature_r5_couple_signs(void)
{
  expect_sig("Hey Andy-\n\n-Sully (and Paula)\n\nPaula Veil & Mark Sullivan\n9549 Garland Court\n"
             "Westminster, CO  80021\n(303) 420-8280\n",
             "zerosully1@home.com", "Mark", "Sullivan", NULL, "+1 303 420 8280", "United States",
             "CO");
}

/* R4: the name comes from the signature only when the display name gave none,
 * and only from a line that matches the address or follows a closing. */
static void test_signature_r4_name_when_display_gave_none(void)
{
  g_autoptr(kith_signature) a = kith_signature_extract(
      "Hi,\n\nBest,\nOlivia Wright\nHead of Operations\n", "olivia.wright@contoso.com", NULL, NULL);
  g_assert_cmpstr(a->first_name, ==, "Olivia");
  g_assert_cmpstr(a->last_name, ==, "Wright");
  g_assert_cmpstr(a->title, ==, "Head of Operations");
  g_autoptr(kith_signature) b = kith_signature_extract(
      "Hi,\n\nBest,\nOlivia Wright\nHead of Operations\n", "ow@contoso.com", NULL, NULL);
  g_assert_cmpstr(b->first_name, ==, "Olivia");
  g_assert_cmpstr(b->last_name, ==, "Wright");
  g_autoptr(kith_signature)
      c = kith_signature_extract("Hi,\n\nBest,\nOlivia Wright\nHead of Operations\n",
                                 "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_null(c->first_name); /* the display name already gave it */
  g_assert_cmpstr(c->title, ==, "Head of Operations");
  g_autoptr(kith_signature) d = kith_signature_extract(
      "Hi,\n\nBest regards,\nJohn E. Doe, Ph.D.\nPresident\nXxx Research\n", "john@example.com",
      NULL, NULL);
  g_assert_cmpstr(d->first_name, ==, "John");
  g_assert_cmpstr(d->last_name, ==, "Doe");
  g_assert_cmpstr(d->title, ==, "President");
  g_autoptr(kith_signature) e = kith_signature_extract(
      "Hi,\n\nThanks,\nSanne de Vries\nHoofd Marketing\n", "info@hooli.nl", NULL, NULL);
  g_assert_cmpstr(e->first_name, ==, "Sanne");
  g_assert_cmpstr(e->last_name, ==, "de Vries");
  g_autoptr(kith_signature) f = kith_signature_extract(
      "Hi,\n\nThanks,\nOlivia Wright\nHead of Operations\n", "olivia@contoso.com", "Olivia", NULL);
  g_assert_cmpstr(f->first_name, ==, "Olivia");
  g_assert_cmpstr(f->last_name, ==, "Wright");
}

/* The name fields a signature gives, NULL when none. */
static void expect_sig_name(const char *text, const char *email, const char *display_first,
                            const char *first, const char *last, const char *title)
{
  g_autoptr(kith_signature) sig = kith_signature_extract(text, email, display_first, NULL);
  g_assert_cmpstr(sig->first_name, ==, first);
  g_assert_cmpstr(sig->last_name, ==, last);
  g_assert_cmpstr(sig->title, ==, title);
}

/* R5: the name line may follow the closing after up to two blank lines, not
 * three. The Enron message is shackleton-s_notes_inbox_1791 of the Quagga
 * set, sent from rembm@ with no display name. */
static void test_signature_r5_name_after_two_blank_lines(void)
{
  static const char *const body =
      "Pursuant to the e-mail previously sent regarding closing documents for the\n"
      "above transaction, attached are clean copies in Word Perfect format.\n\n"
      "Thank you.\n%s"
      "Mary S. Rembert\nAndrews & Kurth L.L.P.\n1717 Main Street\nSuite 3700\n"
      "Dallas, Texas  75201\n(214) 659-4437\nFAX:  (214) 659-4401\n";
  static const char *const gaps[] = {"", "\n", "\n\n", "\n\n\n"};
  for (guint i = 0; i < G_N_ELEMENTS(gaps); i++) {
    g_autofree char *text = g_strdup_printf(body, gaps[i]);
    g_autoptr(kith_signature)
        sig = kith_signature_extract(text, "rembm@andrews-kurth.com", NULL, NULL);
    g_assert_cmpstr(sig->first_name, ==, i < 3 ? "Mary" : NULL);
    g_assert_cmpstr(sig->last_name, ==, i < 3 ? "Rembert" : NULL);
    g_assert_cmpstr(sig->phone, ==, i < 3 ? "+1 214 659 4437" : NULL);
  }
  /* after a "-- " line likewise */
  expect_sig_name("Hi,\n\n-- \n\n\nOlivia Wright\nHead of Operations\n", "ow1@contoso.com", NULL,
                  "Olivia", "Wright", "Head of Operations");
  expect_sig_name("Hi,\n\n-- \n\n\n\nOlivia Wright\nHead of Operations\n", "ow1@contoso.com", NULL,
                  NULL, NULL, NULL);
}

/* R5: a name line in capitals is re-cased as R4 says; a Title is kept as
 * written, capitals and all. */
static void test_signature_r5_name_in_capitals(void)
{
  expect_sig_name("See you there.\n\nThanks,\nMARY S. REMBERT\nVICE PRESIDENT\n",
                  "rembm@andrews-kurth.com", NULL, "Mary", "Rembert", "VICE PRESIDENT");
  expect_sig_name("Thank you,\n\nMURIEL McFARLING\n", "mcfam@andrews-kurth.com", NULL, "Muriel",
                  "McFarling", NULL);
  expect_sig_name("Hi,\n\nBest,\nOLIVIA WRIGHT\nHEAD OF OPERATIONS\n", "olivia.wright@contoso.com",
                  NULL, "Olivia", "Wright", "HEAD OF OPERATIONS");
  expect_sig_name("Hi,\n\nBest,\nOLIVIA WRIGHT\nHead of Operations\n", "olivia@contoso.com",
                  "Olivia", "Olivia", "Wright", "Head of Operations");
  expect_sig_name("Hi,\n\nBest,\nLUCA DI STEFANO\n", "luca.distefano@contoso.it", NULL, "Luca",
                  "di Stefano", NULL);
  /* a word in mixed case: the line as written */
  expect_sig_name("Hi,\n\nBest,\nOlivia WRIGHT\n", "olivia.wright@contoso.com", NULL, "Olivia",
                  "WRIGHT", NULL);
}

/* ---- the project's own labelled set ---- */

static void test_signature_r5_labelled_set(void)
{
  const char *src = g_getenv("KITH_SOURCE_DIR");
  g_autofree char *path = g_build_filename(src ? src : ".", "tests", "data", "signatures",
                                           "generated.jsonl", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    g_test_skip("tests/data/signatures/generated.jsonl not found (KITH_SOURCE_DIR)");
    return;
  }
  score s[] = {{"Title"}, {"Phone"}, {"Country"}, {"State"}, {"Name"}, {NULL}};
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = 0;
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    json_t *c = json_loads(*l, 0, NULL);
    g_assert_nonnull(c);
    json_t *exp = json_object_get(c, "expect");
    g_autoptr(kith_signature)
        sig = kith_signature_extract(json_string_value(json_object_get(c, "text")),
                                     json_string_value(json_object_get(c, "email")),
                                     json_string_value(json_object_get(c, "display_first")),
                                     json_string_value(json_object_get(c, "display_last")));
    const char *want[5] = {json_string_value(json_object_get(exp, "title")),
                           json_string_value(json_object_get(exp, "phone")),
                           json_string_value(json_object_get(exp, "country")),
                           json_string_value(json_object_get(exp, "state")), NULL};
    const char *got[5] = {sig->title, sig->phone, sig->country, sig->state, NULL};
    g_autofree char *want_name = NULL, *got_name = NULL;
    if (json_string_value(json_object_get(exp, "first")))
      want_name = g_strdup_printf("%s %s", json_string_value(json_object_get(exp, "first")),
                                  json_string_value(json_object_get(exp, "last")));
    if (sig->first_name)
      got_name = g_strdup_printf("%s %s", sig->first_name, sig->last_name ? sig->last_name : "");
    want[4] = want_name;
    got[4] = got_name;
    for (guint f = 0; f < 5; f++) {
      guint wrong = s[f].wrong, correct = s[f].correct;
      score_exact(&s[f], want[f], got[f]);
      if (g_test_verbose() && (s[f].wrong != wrong || (want[f] && s[f].correct == correct)))
        g_test_message("%s %s: want '%s' got '%s'", json_string_value(json_object_get(c, "id")),
                       s[f].field, want[f] ? want[f] : "", got[f] ? got[f] : "");
    }
    n++;
    json_decref(c);
  }
  report("own labelled signatures", s, n);
  g_assert_cmpuint(n, >=, 300);
  for (guint f = 0; f < 4; f++) {
    g_assert_cmpfloat(precision(&s[f]), >=, 97.0);
    g_assert_cmpfloat(recall(&s[f]), >=, 85.0);
  }
}

/* ---- outside referees ---- */

/* Lower-case words of S, for comparing titles as written. */
static char *norm_words(const char *s)
{
  GString *out = g_string_new(NULL);
  gboolean space = FALSE;
  for (const char *p = s; *p; p++) {
    if (g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80 || *p == '&') {
      if (space && out->len)
        g_string_append_c(out, ' ');
      g_string_append_c(out, g_ascii_tolower(*p));
      space = FALSE;
    } else {
      space = TRUE;
    }
  }
  return g_string_free(out, FALSE);
}

/* A title is right when its words are the label's, or a run of them at word
 * boundaries ("Project Leader" for the label "Project Leader,"). */
static gboolean title_matches(const char *got, const char *label)
{
  g_autofree char *g = norm_words(got);
  g_autofree char *l = norm_words(label);
  if (!*g)
    return FALSE;
  g_autofree char *gp = g_strdup_printf(" %s ", g);
  g_autofree char *lp = g_strdup_printf(" %s ", l);
  return strstr(lp, gp) != NULL;
}

static char *digits_of(const char *s)
{
  GString *out = g_string_new(NULL);
  for (const char *p = s; p && *p; p++)
    if (g_ascii_isdigit(*p))
      g_string_append_c(out, *p);
  return g_string_free(out, FALSE);
}

/* A phone is right when its national digits end one labelled number's. */
static gboolean phone_matches(const char *got, const char *label)
{
  g_autofree char *g = digits_of(got);
  g_autofree char *l = digits_of(label);
  gsize gl = strlen(g), ll = strlen(l);
  if (ll < 7)
    return FALSE;
  /* Compare the last 10 (NANP) or as many digits as the label has. */
  gsize k = MIN(ll, 10);
  return gl >= k && strcmp(g + gl - k, l + ll - k) == 0;
}

/* The X-From display name of an Enron message, split simply. */
static void enron_sender(const char *msg, char **email, char **first, char **last)
{
  *email = *first = *last = NULL;
  g_auto(GStrv) lines = g_strsplit(msg, "\n", 60);
  for (char **l = lines; *l && **l && **l != '\r'; l++) {
    char *v = strchr(*l, ':');
    if (!v)
      continue;
    g_autofree char *value = g_strstrip(g_strdup(v + 1));
    if (g_str_has_prefix(*l, "From:") && !*email)
      *email = g_ascii_strdown(value, -1);
    if (g_str_has_prefix(*l, "X-From:")) {
      /* Drop a trailing "<...>" or "(...)" and quotes. */
      char *cut = strpbrk(value, "<(");
      if (cut)
        *cut = '\0';
      g_strdelimit(value, "\"", ' ');
      g_strstrip(value);
      if (!*value || strchr(value, '@'))
        continue;
      g_auto(GStrv) w = NULL;
      char *comma = strchr(value, ',');
      if (comma) {
        *comma = '\0';
        g_auto(GStrv) fw = g_strsplit(g_strstrip(comma + 1), " ", -1);
        if (fw[0] && *fw[0]) {
          *first = g_strdup(fw[0]);
          *last = g_strdup(g_strstrip(value));
        }
      } else {
        w = g_strsplit(value, " ", -1);
        guint n = g_strv_length(w);
        if (n >= 2) {
          *first = g_strdup(w[0]);
          *last = g_strdup(w[n - 1]);
        }
      }
    }
  }
}

/* The hand-read classes of tests/data/signatures/quagga_r5.tsv: "file\tfield"
 * -> reason, and for "unlabelled" rows "file\tfield\tvalue" -> value. */
static GHashTable *load_r5_classes(void)
{
  GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  const char *src = g_getenv("KITH_SOURCE_DIR");
  g_autofree char *path = g_build_filename(src ? src : ".", "tests", "data", "signatures",
                                           "quagga_r5.tsv", NULL);
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l || **l == '#')
      continue;
    g_auto(GStrv) f = g_strsplit(*l, "\t", 4);
    g_assert_cmpuint(g_strv_length(f), ==, 4);
    g_hash_table_insert(h, g_strdup_printf("%s\t%s", f[0], f[1]), g_strdup(f[2]));
    if (g_str_equal(f[2], "unlabelled"))
      g_hash_table_insert(h, g_strdup_printf("%s\t%s\tvalue", f[0], f[1]), g_strdup(f[3]));
  }
  return h;
}

/* Scores one field of one message: into ALL always, into R5 unless the
 * hand-read classes exclude it (then its reason is counted, and any value
 * given is wrong: R5 does not let kith take it). */
static void score_quagga(score *all, score *r5, GHashTable *reasons, const char *reason,
                         guint n_labels, const char *got, gboolean ok)
{
  all->expected += n_labels > 0;
  if (got)
    ok ? all->correct++ : all->wrong++;
  if (reason) {
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(reasons, reason));
    g_hash_table_insert(reasons, g_strdup(reason), GUINT_TO_POINTER(count + 1));
    if (got)
      r5->wrong++;
    return;
  }
  r5->expected += n_labels > 0;
  if (got)
    ok ? r5->correct++ : r5->wrong++;
}

static void report_reasons(const char *field, GHashTable *reasons)
{
  GString *line = g_string_new(NULL);
  g_string_append_printf(line, "# quagga-enron, %s labels R5 excludes:", field);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, reasons);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_string_append_printf(line, " %s %u;", (const char *)k, GPOINTER_TO_UINT(v));
  g_printerr("%s\n", line->str);
  g_string_free(line, TRUE);
}

static void test_signature_r5_quagga_enron(void)
{
  const char *shared = shared_dir();
  g_autofree char *root = shared ? g_build_filename(shared, "corpora", "signatures", "quagga-enron",
                                                    NULL)
                                 : NULL;
  if (!root || !g_file_test(root, G_FILE_TEST_IS_DIR)) {
    kith_test_no_corpus("KITH_SHARED corpora/signatures/quagga-enron not available");
    return;
  }
  g_autoptr(GHashTable) classes = load_r5_classes();
  score s[] = {{"Title"}, {"Phone"}, {NULL}};
  /* The same over the labels R5 lets kith take: the sender's own signature,
   * a job title. The others are counted by reason. */
  score r5[] = {{"Title"}, {"Phone"}, {NULL}};
  g_autoptr(GHashTable)
      title_reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable)
      phone_reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  /* MailingState against the labelled address of the sender's own signature
   * ("Houston, TX 77002", "Houston, Texas 77002"), where one is labelled and
   * the signature's Name span holds the sender's last name. */
  score place[] = {{"State"}, {NULL}};
  g_autoptr(GRegex) st_re = g_regex_new(
      "(?:,\\s*|\\s)([A-Z]{2}|Texas|California|Illinois|Alberta|Oregon|Georgia|New York)\\.?,?\\s+"
      "(?:\\d{5}|[A-Z]\\d[A-Z])",
      0, 0, NULL);
  guint n = 0;
  static const char *const splits[] = {"train", "test", "eval", NULL};
  for (const char *const *sp = splits; *sp; sp++) {
    g_autofree char *dirpath = g_build_filename(root, *sp, NULL);
    g_autoptr(GDir) dir = g_dir_open(dirpath, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
      if (!g_str_has_suffix(name, ".txt.ann"))
        continue;
      g_autofree char *ann_path = g_build_filename(dirpath, name, NULL);
      g_autofree char *msg_path = g_strndup(ann_path, strlen(ann_path) - 4);
      g_autofree char *msg = NULL;
      json_t *ann = json_load_file(ann_path, 0, NULL);
      if (!ann || !g_file_get_contents(msg_path, &msg, NULL, NULL)) {
        json_decref(ann);
        continue;
      }
      g_autofree char *file = g_strdup_printf("%s/%.*s", *sp, (int)(strlen(name) - 4), name);
      const char *body = json_string_value(json_object_get(ann, "text"));
      json_t *dens = json_object_get(ann, "denotations");
      /* The sender's own zone: the first "Body". */
      json_int_t zs = -1, ze = -1;
      size_t i;
      json_t *d;
      json_array_foreach(dens, i, d)
      {
        if (g_strcmp0(json_string_value(json_object_get(d, "type")), "Body") == 0) {
          json_int_t st = json_integer_value(json_object_get(d, "start"));
          if (zs < 0 || st < zs) {
            zs = st;
            ze = json_integer_value(json_object_get(d, "end"));
          }
        }
      }
      g_autoptr(GPtrArray) titles = g_ptr_array_new();
      g_autoptr(GPtrArray) names = g_ptr_array_new();
      g_autoptr(GPtrArray) addresses = g_ptr_array_new();
      g_autoptr(GPtrArray) phones = g_ptr_array_new();
      json_array_foreach(dens, i, d)
      {
        const char *type = json_string_value(json_object_get(d, "type"));
        json_int_t st = json_integer_value(json_object_get(d, "start"));
        if (st < zs || st >= ze)
          continue;
        if (g_strcmp0(type, "Body/Signature/Position") == 0)
          g_ptr_array_add(titles, (gpointer)json_string_value(json_object_get(d, "text")));
        const char *span = json_string_value(json_object_get(d, "text"));
        if (g_strcmp0(type, "Body/Signature/Name") == 0)
          g_ptr_array_add(names, (gpointer)span);
        if (g_strcmp0(type, "Body/Signature/Address") == 0)
          g_ptr_array_add(addresses, (gpointer)span);
        /* One Position is labelled as a Phone ("Assistant Professor" in
         * kaminski-v_universities_357): a "phone" with no digit is a title. */
        if (g_strcmp0(type, "Body/Signature/Phone") == 0 && !strpbrk(span, "0123456789"))
          g_ptr_array_add(titles, (gpointer)span);
        else if (g_strcmp0(type, "Body/Signature/Phone") == 0)
          g_ptr_array_add(phones, (gpointer)span);
      }
      g_autofree char *tkey = g_strdup_printf("%s\ttitle", file);
      g_autofree char *pkey = g_strdup_printf("%s\tphone", file);
      g_autofree char *tvalue = g_strdup_printf("%s\ttitle\tvalue", file);
      const char *treason = g_hash_table_lookup(classes, tkey);
      const char *preason = g_hash_table_lookup(classes, pkey);
      if (g_strcmp0(treason, "unlabelled") == 0) {
        g_ptr_array_add(titles, g_hash_table_lookup(classes, tvalue));
        treason = NULL;
      }
      g_autofree char *email = NULL, *first = NULL, *last = NULL;
      enron_sender(msg, &email, &first, &last);
      g_autoptr(kith_signature) sig = kith_signature_extract(body, email, first, last);
      n++;
      gboolean senders = FALSE;
      g_autofree char *last_low = last ? g_ascii_strdown(last, -1) : NULL;
      for (guint k = 0; last_low && k < names->len; k++) {
        g_autofree char *nl = g_ascii_strdown(g_ptr_array_index(names, k), -1);
        senders = senders || strstr(nl, last_low) != NULL;
      }
      if (senders && addresses->len == 1) {
        g_autoptr(GMatchInfo) mi = NULL;
        if (g_regex_match(st_re, g_ptr_array_index(addresses, 0), 0, &mi)) {
          static const char *const full[][2] = {
              {"Texas", "TX"},  {"California", "CA"}, {"Illinois", "IL"}, {"Alberta", "AB"},
              {"Oregon", "OR"}, {"Georgia", "GA"},    {"New York", "NY"}};
          g_autofree char *st = g_match_info_fetch(mi, 1);
          const char *want = st;
          for (guint k = 0; k < G_N_ELEMENTS(full); k++)
            if (g_str_equal(st, full[k][0]))
              want = full[k][1];
          score_exact(&place[0], want, sig->state);
        }
      }
      gboolean ok = FALSE;
      for (guint k = 0; sig->title && k < titles->len; k++)
        ok = ok || title_matches(sig->title, g_ptr_array_index(titles, k));
      score_quagga(&s[0], &r5[0], title_reasons, titles->len ? treason : NULL, titles->len,
                   sig->title, ok);
      if (sig->title && !ok && g_test_verbose())
        g_test_message("%s title '%s' labels %u", file, sig->title, titles->len);
      if (g_test_verbose() && titles->len && !sig->title)
        g_test_message("%s missed title '%s' (%s; sender %s %s)", file,
                       (char *)g_ptr_array_index(titles, 0), treason ? treason : "R5 allows",
                       first ? first : "-", last ? last : "-");
      ok = FALSE;
      for (guint k = 0; sig->phone && k < phones->len; k++)
        ok = ok || phone_matches(sig->phone, g_ptr_array_index(phones, k));
      score_quagga(&s[1], &r5[1], phone_reasons, phones->len ? preason : NULL, phones->len,
                   sig->phone, ok);
      if (sig->phone && !ok && g_test_verbose())
        g_test_message("%s phone '%s' labels %u", file, sig->phone, phones->len);
      if (g_test_verbose() && phones->len && !sig->phone)
        g_test_message("%s missed phone '%s' (%s; sender %s %s)", file,
                       (char *)g_ptr_array_index(phones, 0), preason ? preason : "R5 allows",
                       first ? first : "-", last ? last : "-");
      json_decref(ann);
    }
  }
  report("quagga-enron, all labels", s, n);
  report("quagga-enron, the labels R5 allows", r5, n);
  report_reasons("Title", title_reasons);
  report_reasons("Phone", phone_reasons);
  report("quagga-enron, the sender's own signature with a labelled US/CA address", place,
         place[0].expected);
  g_assert_cmpuint(n, ==, 642);
  for (guint f = 0; f < 2; f++) {
    g_assert_cmpfloat(precision(&s[f]), >=, 97.0);
    g_assert_cmpfloat(precision(&r5[f]), >=, 97.0);
    g_assert_cmpfloat(recall(&r5[f]), >=, 85.0);
  }
  g_assert_cmpfloat(precision(&place[0]), >=, 97.0);
}

/* talon's stripped fixtures: what their signatures say, read by kith. */
static void test_signature_r5_talon(void)
{
  const char *shared = shared_dir();
  g_autofree char *dir = shared ? g_build_filename(shared, "corpora", "signatures", "talon",
                                                   "stripped", NULL)
                                : NULL;
  if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    kith_test_no_corpus("KITH_SHARED corpora/signatures/talon not available");
    return;
  }
  static const struct {
    const char *name, *first, *last, *title, *phone;
  } cases[] = {
      {"johndoeexamplecom", "John", "Doe", "President", NULL},
      {"long", NULL, NULL, NULL, "+1 555 346 9947"},
      {"sparse", NULL, NULL, NULL, "+1 555 931 0702"},
      {"jeff", NULL, NULL, NULL, NULL},
      {"short_url", NULL, NULL, NULL, NULL},
      {"camel_case", NULL, NULL, NULL, NULL},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *bp = g_strdup_printf("%s/%s_body", dir, cases[i].name);
    g_autofree char *sp = g_strdup_printf("%s/%s_sender", dir, cases[i].name);
    g_autofree char *body = NULL, *sender = NULL;
    g_assert_true(g_file_get_contents(bp, &body, NULL, NULL));
    g_assert_true(g_file_get_contents(sp, &sender, NULL, NULL));
    g_strstrip(sender);
    /* talon's labels: a leading "#sig#" marks a signature line. */
    g_autoptr(GRegex) label = g_regex_new("^#sig#", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *text = g_regex_replace_literal(label, body, -1, 0, "", 0, NULL);
    g_autofree char *email = strchr(sender, '@') ? g_strdup(sender) : NULL;
    g_autofree char *first = NULL, *last = NULL;
    if (!email && *sender) {
      g_auto(GStrv) w = g_strsplit(sender, " ", -1);
      first = g_strdup(w[0]);
      last = w[0] && w[1] ? g_strdup(w[g_strv_length(w) - 1]) : NULL;
    }
    g_autoptr(kith_signature) sig = kith_signature_extract(text, email, first, last);
    g_assert_cmpstr(sig->first_name, ==, cases[i].first);
    g_assert_cmpstr(sig->last_name, ==, cases[i].last);
    g_assert_cmpstr(sig->title, ==, cases[i].title);
    g_assert_cmpstr(sig->phone, ==, cases[i].phone);
  }
}

/* No byte of S is a C0 or C1 control character or DEL. */
static void assert_printable(const char *s)
{
  if (!s)
    return;
  g_assert_true(g_utf8_validate(s, -1, NULL));
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    g_assert_false(c < 0x20 || (c >= 0x7f && c <= 0x9f));
  }
}

static void assert_sig_printable(const kith_signature *sig)
{
  assert_printable(sig->first_name);
  assert_printable(sig->last_name);
  assert_printable(sig->title);
  assert_printable(sig->phone);
  assert_printable(sig->country);
  assert_printable(sig->state);
}

/* R5: every field the signature gives is text people will read: terminal
 * escapes (CSI, OSC, their C1 forms) and control characters never stay. */
static void test_signature_r5_fields_lose_escapes(void)
{
  g_autoptr(kith_signature)
      a = kith_signature_extract("Hi,\n\nBest,\nOlivia Wright\nHead of Operations\x1b[31m\xc2\x9b"
                                 "1m\nContoso Ltd\n"
                                 "+44 20 7946 0958\x1b[0m\nLondon, UK\x1b]0;owned\x07\n",
                                 "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_cmpstr(a->title, ==, "Head of Operations");
  g_assert_cmpstr(a->phone, ==, "+44 20 7946 0958");
  g_assert_cmpstr(a->country, ==, "United Kingdom");
  assert_sig_printable(a);
  g_autoptr(kith_signature)
      b = kith_signature_extract("Hi,\n\nBest,\nOlivia Wright\nHead of\x02Operations \xc2\x9b"
                                 "31m\n",
                                 "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_cmpstr(b->title, ==, "Head of Operations");
  assert_sig_printable(b);
  /* the name the signature gives, when the display name gave none */
  g_autoptr(kith_signature)
      c = kith_signature_extract("Hi,\n\nBest,\nOlivia\x07 Wright\nHead of Operations\n",
                                 "olivia.wright@contoso.com", NULL, NULL);
  g_assert_cmpstr(c->first_name, ==, "Olivia");
  g_assert_cmpstr(c->last_name, ==, "Wright");
  g_assert_cmpstr(c->title, ==, "Head of Operations");
  assert_sig_printable(c);
}

/* R5: markup is no title. A title line holding '<' or '>' gives none. */
static void test_signature_r5_markup_is_no_title(void)
{
  g_autoptr(kith_signature) a = kith_signature_extract(
      "Hi,\n\nBest,\nOlivia Wright\n<b>Head of Operations</b>\nContoso Ltd\n",
      "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_null(a->title);
  g_autoptr(kith_signature)
      b = kith_signature_extract("Hi,\n\nBest,\nOlivia Wright, <script>Head of Operations\n",
                                 "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_null(b->title);
  g_autoptr(kith_signature)
      c = kith_signature_extract("Hi,\n\nBest,\nOlivia Wright\nHead of Operations > EMEA\n",
                                 "olivia.wright@contoso.com", "Olivia", "Wright");
  g_assert_null(c->title);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/signature/r5_closing_block", test_signature_r5_closing_block);
  g_test_add_func("/signature/r5_company_line_is_not_a_title",
                  test_signature_r5_company_line_is_not_a_title);
  g_test_add_func("/signature/r5_no_name_line_no_title", test_signature_r5_no_name_line_no_title);
  g_test_add_func("/signature/r5_quoted_text_is_not_the_senders",
                  test_signature_r5_quoted_text_is_not_the_senders);
  g_test_add_func("/signature/r5_never_fax", test_signature_r5_never_fax);
  g_test_add_func("/signature/r5_block_with_senders_address",
                  test_signature_r5_block_with_senders_address);
  g_test_add_func("/signature/r5_one_of_two_surnames", test_signature_r5_one_of_two_surnames);
  g_test_add_func("/signature/r5_couple_signs", test_signature_r5_couple_signs);
  g_test_add_func("/signature/r4_name_when_display_gave_none",
                  test_signature_r4_name_when_display_gave_none);
  g_test_add_func("/signature/r5_name_after_two_blank_lines",
                  test_signature_r5_name_after_two_blank_lines);
  g_test_add_func("/signature/r5_name_in_capitals", test_signature_r5_name_in_capitals);
  g_test_add_func("/signature/r5_fields_lose_escapes", test_signature_r5_fields_lose_escapes);
  g_test_add_func("/signature/r5_markup_is_no_title", test_signature_r5_markup_is_no_title);
  g_test_add_func("/signature/r5_labelled_set", test_signature_r5_labelled_set);
  g_test_add_func("/signature/r5_quagga_enron", test_signature_r5_quagga_enron);
  g_test_add_func("/signature/r5_talon", test_signature_r5_talon);
  return g_test_run();
}
