/* test_name.c - display-name parsing (R4): contract cases and the outside name corpus. */
#include "extract/name.h"
#include "extract/signature.h"

#include <jansson.h>
#include <string.h>
#include "corpus.h"

/* Expects DISPLAY (sent by EMAIL) to give FIRST and LAST; NULL FIRST means
 * no name at all, NULL LAST no LastName. */
static void check_mail(const char *display, const char *email, const char *first, const char *last)
{
  g_autofree char *f = NULL;
  g_autofree char *l = NULL;
  gboolean ok = kith_name_parse(display, email, &f, &l);
  if (g_strcmp0(f, first) != 0 || g_strcmp0(l, last) != 0)
    g_error("'%s': got '%s' / '%s', want '%s' / '%s'", display ? display : "(null)",
            f ? f : "(null)", l ? l : "(null)", first ? first : "(null)", last ? last : "(null)");
  g_assert_true(ok == (first != NULL));
  if (f)
    g_assert_true(g_utf8_validate(f, -1, NULL));
  if (l)
    g_assert_true(g_utf8_validate(l, -1, NULL));
}

static void check(const char *display, const char *first, const char *last)
{
  check_mail(display, NULL, first, last);
}

static void test_name_r4_first_and_last_word(void)
{
  check("Jane Doe", "Jane", "Doe");
  check("  Jane   Doe  ", "Jane", "Doe");
  check("John Ronald Reuel Tolkien", "John", "Tolkien"); /* middle names are neither */
  check("J. R. Smith", "J.", "Smith");
  check("Jane\tQ.\r\nDoe", "Jane", "Doe");
}

static void test_name_r4_one_word(void)
{
  check("Madonna", "Madonna", NULL);
  check("Mr. Hearst", "Hearst", NULL); /* the honorific goes, one word is left */
  check("Dr.", NULL, NULL);
  check("", NULL, NULL);
  check("   ", NULL, NULL);
  check(NULL, NULL, NULL);
}

static void test_name_r4_last_first_comma(void)
{
  check("Doe, Jane", "Jane", "Doe");
  check("Doe,Jane", "Jane", "Doe");
  check("Doe, Jane Q.", "Jane", "Doe");
  check("de la Vega, Juan", "Juan", "de la Vega");
  check("Velasquez y Garcia, Juan", "Juan", "Velasquez y Garcia"); /* the part before the comma */
  check("Doe,", "Doe", NULL);
  check(", Jane", "Jane", NULL);
}

static void test_name_r4_honorifics_any_case(void)
{
  check("Mr John Smith", "John", "Smith");
  check("MR. John Smith", "John", "Smith");
  check("ms jane doe", "jane", "doe"); /* small letters: kept as written */
  check("Mrs. Jane Doe", "Jane", "Doe");
  check("Dr Jane Doe", "Jane", "Doe");
  check("PROF. Jane Doe", "Jane", "Doe");
  check("prof Jane Doe", "Jane", "Doe");
  check("Doe, Dr. Jane", "Jane", "Doe");
  check("Mrs. Doe, Jane", "Jane", "Doe");
  check("Dr. Prof. Jane Doe", "Jane", "Doe");
}

static void test_name_r4_suffixes_any_case(void)
{
  check("John Doe Jr.", "John", "Doe");
  check("John Doe jr", "John", "Doe");
  check("John Doe SR.", "John", "Doe");
  check("John Doe II", "John", "Doe");
  check("John Doe iii", "John", "Doe");
  check("Jane Doe PhD", "Jane", "Doe");
  check("Jane Doe Ph.D.", "Jane", "Doe");
  check("Jane Doe, Ph. D.", "Jane", "Doe");
  check("Jane Doe MD", "Jane", "Doe");
  check("Jane Doe m.d.", "Jane", "Doe");
  check("Jane Doe MBA", "Jane", "Doe");
  check("Jane Doe, M.B.A.", "Jane", "Doe");
  check("Jane Doe, PhD, MBA", "Jane", "Doe");
  /* a suffix never opens a name: "Md" is a given name there */
  check("Md Rahman", "Md", "Rahman");
}

static void test_name_r4_suffix_before_comma(void)
{
  check("Jane Doe, PhD", "Jane", "Doe"); /* not "Last, First" once PhD is gone */
  check("John Doe, Jr.", "John", "Doe");
  check("Doe, John, Jr.", "John", "Doe");
  check("Doe Jr., John", "John", "Doe");
  check("Doe, John III", "John", "Doe");
  check("Dr. John Doe, Jr.", "John", "Doe");
}

static void test_name_r4_quotes(void)
{
  check("\"Jane Doe\"", "Jane", "Doe");
  check("\"Doe, Jane\"", "Jane", "Doe");
  check("“Jane Doe”", "Jane", "Doe");
  check("‘Jane Doe’", "Jane", "Doe");
  check("'Jane Doe'", "Jane", "Doe");
  check("Benjamin \"Ben\" Franklin", "Benjamin", "Franklin");
  check("\"Rick\" Edmonds", "Rick", "Edmonds"); /* the text between quotes is kept */
  check("Jane 'JD' Doe", "Jane", "Doe");
}

static void test_name_r4_apostrophe_in_word(void)
{
  check("Conan O'Brien", "Conan", "O'Brien");
  check("Conan O’Brien", "Conan", "O’Brien");
  check("D'Arcy Smith", "D'Arcy", "Smith");
  check("'Conan O'Brien'", "Conan", "O'Brien");
  check("Mari' Aube'", "Mari", "Aube"); /* at a word's end it is a quote */
}

static void test_name_r4_parenthesised(void)
{
  check("Ethan Hunt (Contoso)", "Ethan", "Hunt");
  check("(Contoso) Ethan Hunt", "Ethan", "Hunt");
  check("Ethan (Big E) Hunt", "Ethan", "Hunt");
  check("Ethan Hunt [External]", "Ethan", "Hunt");
  check("Ethan Hunt (Contoso (EMEA))", "Ethan", "Hunt");
  check("Ethan Hunt (Contoso", "Ethan", "Hunt");
  check("(Contoso)", NULL, NULL);
}

static void test_name_r4_via_on_behalf(void)
{
  check("Jane Doe via LinkedIn", "Jane", "Doe");
  check("Jane Doe VIA Contoso Portal", "Jane", "Doe");
  check("Jane Doe (via Google Docs)", "Jane", "Doe");
  check("Jane Doe on behalf of John Smith", "Jane", "Doe");
  check("Jane Doe On Behalf Of Contoso", "Jane", "Doe");
  check("via LinkedIn", NULL, NULL);
  /* what is left must still be a person's name */
  check("Contoso Alerts via Zapier", NULL, NULL);
  check("Olivia Via", "Olivia", NULL);
}

static void test_name_r4_particles(void)
{
  check("Ludwig van Beethoven", "Ludwig", "van Beethoven");
  check("Pieter van der Berg", "Pieter", "van der Berg");
  check("Maria de la Cruz", "Maria", "de la Cruz");
  check("Leonardo da Vinci", "Leonardo", "da Vinci");
  check("Andrea del Sarto", "Andrea", "del Sarto");
  check("Otto von Bismarck", "Otto", "von Bismarck");
  check("Jean du Pont", "Jean", "du Pont");
  check("Lucia di Lammermoor", "Lucia", "di Lammermoor");
  check("Jean le Rond", "Jean", "le Rond");
  check("Vincent Van Gogh", "Vincent", "Van Gogh");
  check("Juan DE LA Vega", "Juan", "DE LA Vega"); /* mixed case: as written */
  check("Vincent van Gogh van Beethoven", "Vincent", "van Beethoven");
  check("Van Truong", "Van", "Truong"); /* the first word is always FirstName */
  check("Yin Le", "Yin", "Le");
  check("Dr. Juan Q. de la Vega III", "Juan", "de la Vega");
}

/* R4, R5: a display name and a signature's name line read particles and
 * honorifics from the one list (data/name_words.tsv), so one person's
 * surname is the same from either. */
static void test_name_r4_particles_same_in_display_name_and_signature(void)
{
  static const struct {
    const char *name, *email, *first, *last;
  } cases[] = {{"Maria dos Santos", "maria.dossantos@contoso.com", "Maria", "dos Santos"},
               {"Maria dos Santos", "msantos@contoso.com", "Maria", "dos Santos"},
               {"Pieter van der Berg", "pieter.vanderberg@contoso.com", "Pieter", "van der Berg"},
               {"Maria de la Cruz", "maria.delacruz@contoso.com", "Maria", "de la Cruz"},
               {"Jur van den Berg", "jur.vandenberg@contoso.com", "Jur", "van den Berg"},
               {"Dr. Maria dos Santos", "maria.dossantos@contoso.com", "Maria", "dos Santos"}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    check_mail(cases[i].name, cases[i].email, cases[i].first, cases[i].last);
    g_autofree char *text = g_strdup_printf("Hi,\n\nThanks,\n%s\nHead of Sales\n", cases[i].name);
    g_autoptr(kith_signature) sig = kith_signature_extract(text, cases[i].email, NULL, NULL);
    g_assert_cmpstr(sig->first_name, ==, cases[i].first);
    g_assert_cmpstr(sig->last_name, ==, cases[i].last);
    g_assert_cmpstr(sig->title, ==, "Head of Sales");
  }
}

static void test_name_r4_address_is_no_name(void)
{
  check("jane.doe@contoso.com", NULL, NULL);
  check("'jane.doe@contoso.com'", NULL, NULL);
  check("Jane Doe <jane@contoso.com>", NULL, NULL);
  check("Jane Doe (jane@contoso.com)", NULL, NULL);
}

static void test_name_r4_local_part_is_no_name(void)
{
  check_mail("jdoe", "jdoe@x.com", NULL, NULL);
  check_mail("JDoe", "jdoe@x.com", NULL, NULL);
  check_mail("'jane.doe'", "jane.doe@x.com", NULL, NULL);
  check_mail("Jane", "jdoe@x.com", "Jane", NULL);
  check_mail("Jane Doe", "jane.doe@x.com", "Jane", "Doe");
}

static void test_name_r4_recase_single_case(void)
{
  check("OLIVIA WRIGHT", "Olivia", "Wright");
  check("RONALD MCDONALD", "Ronald", "McDonald");
  check("SHAUN O'NEIL", "Shaun", "O'Neil");
  check("NAOMI NG'ANG'A", "Naomi", "Ng'ang'a"); /* a capital after O' and D' only */
  check("PIETER VAN DER BERG", "Pieter", "van der Berg");
  check("JEAN-LUC PICARD", "Jean-Luc", "Picard");
  check("MARY-KATE O'HARA-SMITH", "Mary-Kate", "O'Hara-Smith");
  check("ETNA ÜBEL", "Etna", "Übel");
  check("ÉMILE ZOLA", "Émile", "Zola");
  check("VAN TRUONG", "Van", "Truong");
  check("DOE, JANE", "Jane", "Doe");
  check("MR. JOHN SMITH JR.", "John", "Smith");
}

/* R4 as amended: only a name in capitals is re-cased; one in small letters
 * is kept as written. */
static void test_name_r4_small_letters_kept(void)
{
  check("olivia wright", "olivia", "wright");
  check("ronald mcdonald", "ronald", "mcdonald");
  check("shaun o'neil", "shaun", "o'neil");
  check("jean-luc picard", "jean-luc", "picard");
  check("etna übel", "etna", "übel");
  check("pieter van der berg", "pieter", "van der berg");
  check("kari ontko", "kari", "ontko");
}

static void test_name_r4_mixed_case_kept(void)
{
  check("DeShawn Jones", "DeShawn", "Jones");
  check("Kate MacKenzie", "Kate", "MacKenzie");
  check("Jüan de la Véña", "Jüan", "de la Véña");
  check("Jean DUPONT", "Jean", "DUPONT");
  check("JB Hunt", "JB", "Hunt");
  check("Old Macdonald", "Old", "Macdonald");
}

static void test_name_r4_non_latin_kept(void)
{
  check("山田 太郎", "山田", "太郎");
  check("Дмитрий Иванов", "Дмитрий", "Иванов");
  check("дмитрий иванов", "дмитрий", "иванов");
  check("ΓΙΏΡΓΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ", "ΓΙΏΡΓΟΣ", "ΠΑΠΑΔΌΠΟΥΛΟΣ");
  check("Thái Quốc Nguyễn", "Thái", "Nguyễn");
  check("محمد علي", "محمد", "علي");
}

static void test_name_r4_role_names(void)
{
  check("Contoso Alerts", NULL, NULL);
  check("Accounts Payable", NULL, NULL);
  check("Sales Team", NULL, NULL);
  check("The Contoso Team", NULL, NULL);
  check("Support", NULL, NULL);
  check("Customer Service", NULL, NULL);
  check("Notifications", NULL, NULL);
  check("Info", NULL, NULL);
  check("no-reply", NULL, NULL);
  check("Contoso HR", NULL, NULL);
  check("IT Helpdesk", NULL, NULL);
  check("Jobs", NULL, NULL);
  /* weak role words are surnames too */
  check("Steve Jobs", "Steve", "Jobs");
  check("Anna Office", "Anna", "Office");
}

static void test_name_r4_symbols_and_limits(void)
{
  check("Sam Smith 😊", "Sam", "Smith");
  check("🚀 Sam Smith", "Sam", "Smith");
  check("- Jane -", "Jane", NULL);
  check("AndrÃ© Thapedi", "AndrÃ©", "Thapedi");
  /* invalid UTF-8 in: valid UTF-8 out, never a broken sequence */
  g_autofree char *f = NULL;
  g_autofree char *l = NULL;
  g_assert_true(kith_name_parse("Jos\xe9 Garc\xed"
                                "a",
                                NULL, &f, &l));
  g_assert_true(g_utf8_validate(f, -1, NULL) && g_utf8_validate(l, -1, NULL));
  /* the input cap: 1024 bytes at most */
  g_autofree char *pad = g_strnfill(1024 - strlen("Jane Doe"), ' ');
  g_autofree char *at_cap = g_strconcat("Jane", pad, "Doe", NULL);
  g_assert_cmpuint(strlen(at_cap), ==, 1024 - 1);
  check(at_cap, "Jane", "Doe");
  g_autofree char *pad2 = g_strnfill(1025, 'a');
  g_autofree char *over = g_strconcat("Jane ", pad2, NULL);
  check(over, NULL, NULL);
}

/* Markup is no one's name: a display name that still holds '<' or '>'
 * once its quotes are gone gives none; text in parentheses goes first. */
static void test_name_r4_markup_is_no_name(void)
{
  check("<script>x</script>", NULL, NULL);
  check("\"<b>Jane Doe</b>\"", NULL, NULL);
  check("Jane <Doe>", NULL, NULL);
  check("Jane Doe >", NULL, NULL);
  check("\xe2\x80\x9c<img src=x onerror=alert(1)>\xe2\x80\x9d", NULL, NULL);
  check("Jane Doe (<b>)", "Jane", "Doe");
}

/* The display names of the address-list vectors (addresses/README.md):
 * real header text, comments and odd quoting included. Every one parses to
 * valid UTF-8, and a few answers are pinned. */
static void test_name_r4_address_list_names(void)
{
  const char *root = g_getenv("KITH_SHARED");
  if (!root) {
    kith_test_no_corpus("KITH_SHARED is not set");
    return;
  }
  g_autofree char *path = g_build_filename(root, "corpora", "addresses", "address-lists.json",
                                           NULL);
  json_t *cases = json_load_file(path, 0, NULL);
  if (!cases) {
    kith_test_no_corpus("address corpus is missing");
    return;
  }
  guint names = 0, parsed = 0;
  size_t i, j;
  json_t *c, *e;
  json_array_foreach(cases, i, c)
  {
    json_array_foreach(json_object_get(c, "expected"), j, e)
    {
      const char *name = json_string_value(json_object_get(e, "name"));
      const char *addr = json_string_value(json_object_get(e, "address"));
      if (!name)
        continue;
      names++;
      g_autofree char *f = NULL;
      g_autofree char *l = NULL;
      parsed += kith_name_parse(name, addr, &f, &l);
      g_assert_true(!f || g_utf8_validate(f, -1, NULL));
      g_assert_true(!l || g_utf8_validate(l, -1, NULL));
      if (strchr(name, '@'))
        g_assert_null(f);
    }
  }
  json_decref(cases);
  g_test_message("address-list display names: %u of %u give a name", parsed, names);
  g_assert_cmpuint(names, >, 50);
  check_mail("Joe Foo, PhD", "joe@example.com", "Joe", "Foo");
  check_mail("reinman, andris", "andris@tr.ee", "andris", "reinman");
  check_mail("Jane, MD", "jane@e.com", "Jane", NULL); /* not just the local part */
  check_mail("Joe, PhD", "j@e.com", "Joe", NULL);
  check_mail("Chris Jones (Chris's host.)", "c@public.example", "Chris", "Jones");
  check_mail("Pete (A nice ) chap his account his host)", "pete@silly.test", "Pete", "host");
  check_mail("<phil@example.com>", "phil@example.com", NULL, NULL);
  check_mail("andris", "andris@tr.ee", NULL, NULL);
}

/* --- the outside corpus ------------------------------------------------ */

/* Titles, post-nominals and generational suffixes the sources drop but R4
 * does not know (CONTRACT.md R4 lists only Mr, Ms, Mrs, Dr, Prof and Jr,
 * Sr, II, III, PhD, MD, MBA), written without periods. */
static const char *const other_titles[] = {"miss",
                                           "mister",
                                           "rev",
                                           "reverend",
                                           "father",
                                           "sir",
                                           "hon",
                                           "rt",
                                           "the",
                                           "her",
                                           "honour",
                                           "lord",
                                           "king",
                                           "senator",
                                           "congressman",
                                           "congresswoman",
                                           "representative",
                                           "state",
                                           "mayor",
                                           "secretary",
                                           "cardinal",
                                           "of",
                                           "judge",
                                           "magistrate",
                                           "magistrate-judge",
                                           "mag-judge",
                                           "us",
                                           "lt",
                                           "gen",
                                           "ltgen",
                                           "ltgov",
                                           "herr",
                                           "frau",
                                           "hr",
                                           "fr",
                                           "tuan",
                                           "attorney",
                                           "atty",
                                           "at",
                                           "law",
                                           "esq",
                                           "realtor",
                                           "gri",
                                           "trustee",
                                           "architect",
                                           "aia",
                                           "aia-csi",
                                           "csi",
                                           "dds",
                                           "do",
                                           "dc",
                                           "cpa",
                                           "bsn",
                                           "rn",
                                           "lncc",
                                           "clu",
                                           "cfp",
                                           "lutc",
                                           "qc",
                                           "mp",
                                           "msced",
                                           "mdsc",
                                           "iv",
                                           "v",
                                           "vi",
                                           "i",
                                           "senior",
                                           "junior",
                                           NULL};
static const char *const r4_titles[] = {"mr", "ms",  "mrs", "dr", "prof", "jr", "sr",
                                        "ii", "iii", "phd", "md", "mba",  NULL};
static const char *const r4_particles[] = {"van", "von", "de", "da", "del", "der",
                                           "di",  "du",  "la", "le", NULL};
/* Surname prefixes of other languages that R4 does not chain. */
static const char *const other_particles[] = {"dos",  "do",  "das", "den", "ter", "ten",
                                              "al",   "el",  "st",  "mac", "mc",  "o",
                                              "dela", "bin", "ibn", NULL};

static gboolean listed(const char *const *list, const char *word)
{
  for (; *list; list++)
    if (strcmp(*list, word) == 0)
      return TRUE;
  return FALSE;
}

/* A word folded for comparison: case-folded, periods removed. */
static char *fold(const char *word)
{
  g_autofree char *f = g_utf8_casefold(word, -1);
  GString *out = g_string_new(NULL);
  for (const char *p = f; *p; p++)
    if (*p != '.')
      g_string_append_c(out, *p);
  return g_string_free(out, FALSE);
}

/* The input's words for classifying, with "," entries for commas: brackets
 * dropped, quotes removed, case-folded (periods kept). Deliberately plain,
 * not kith's own code. */
static GPtrArray *corpus_words(const char *input)
{
  GString *s = g_string_new(NULL);
  int depth = 0;
  for (const char *p = input; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == '(' || c == '[')
      depth++;
    else if ((c == ')' || c == ']') && depth > 0)
      depth--;
    else if (depth > 0 || c == '"' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019)
      g_string_append_c(s, ' ');
    else if (c == ',')
      g_string_append(s, " , ");
    else if (g_unichar_isspace(c))
      g_string_append_c(s, ' ');
    else
      g_string_append_unichar(s, c);
  }
  GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) parts = g_strsplit(s->str, " ", -1);
  g_string_free(s, TRUE);
  for (guint i = 0; parts[i]; i++) {
    char *w = parts[i];
    while (*w == '\'')
      w++;
    gsize n = strlen(w);
    while (n > 0 && (w[n - 1] == '\'' || w[n - 1] == ';'))
      w[--n] = '\0';
    if (*w)
      g_ptr_array_add(words, g_utf8_casefold(w, -1));
  }
  return words;
}

static gboolean has_word(const char *text, const char *word)
{
  g_auto(GStrv) parts = g_strsplit(text, " ", -1);
  for (guint i = 0; parts[i]; i++) {
    g_autofree char *f = fold(parts[i]);
    if (strcmp(f, word) == 0)
      return TRUE;
  }
  return FALSE;
}

/* TRUE when TEXT holds a word R4 drops as a title: a final period is
 * optional, inner periods only in PhD, MD and MBA ("J.R." is initials). */
static gboolean has_r4_title(const char *text)
{
  g_auto(GStrv) parts = g_strsplit(text, " ", -1);
  for (guint i = 0; parts[i]; i++) {
    g_autofree char *f = g_utf8_casefold(parts[i], -1);
    gsize n = strlen(f);
    if (n > 1 && f[n - 1] == '.')
      f[--n] = '\0';
    if (listed(r4_titles, f))
      return TRUE;
    g_autofree char *bare = fold(f);
    if (strchr(f, '.') && (!strcmp(bare, "phd") || !strcmp(bare, "md") || !strcmp(bare, "mba")))
      return TRUE;
  }
  return FALSE;
}

/* Index of the first comma that still stands once segments made only of R4
 * titles are gone ("Doe, John, Jr."), or -1. Sets *SEG0_END likewise. */
static int real_comma(GPtrArray *w)
{
  int comma = -1;
  for (guint i = 0; i < w->len; i++) {
    if (strcmp(g_ptr_array_index(w, i), ",") != 0)
      continue;
    guint j = i + 1;
    gboolean only_titles = TRUE, any = FALSE;
    for (; j < w->len && strcmp(g_ptr_array_index(w, j), ",") != 0; j++) {
      const char *x = g_ptr_array_index(w, j);
      any = TRUE;
      if (!has_r4_title(x) && strcmp(x, "ph.") != 0 && strcmp(x, "d.") != 0)
        only_titles = FALSE;
    }
    if (any && !only_titles && i > 0) {
      comma = (int)i;
      break;
    }
  }
  return comma;
}

/* TRUE when a title R4 does not know opens or closes a comma-separated
 * part (past R4's own titles), where R4 would read it as a name, and the
 * source drops it. Inside a name ("Sarita V. Adve") it changes nothing. */
static gboolean other_title_at_edge(GPtrArray *w, const char *first, const char *last)
{
  guint start = 0;
  while (start < w->len) {
    guint end = start;
    while (end < w->len && strcmp(g_ptr_array_index(w, end), ",") != 0)
      end++;
    guint a = start, b = end;
    while (a < b && has_r4_title(g_ptr_array_index(w, a)))
      a++;
    while (b > a && has_r4_title(g_ptr_array_index(w, b - 1)))
      b--;
    for (guint k = 0; k < 2 && a < b; k++) {
      g_autofree char *x = fold(g_ptr_array_index(w, k == 0 ? a : b - 1));
      if (listed(other_titles, x) && !has_word(first, x) && !has_word(last, x))
        return TRUE;
    }
    start = end + 1;
  }
  return FALSE;
}

/* Why a case is decided otherwise than its source, or NULL when it fits R4.
 * Judged from the input and the source's answer only, never from kith's. */
static const char *misfit(const char *input, const char *first, const char *last)
{
  g_autoptr(GPtrArray) w = corpus_words(input);
  g_autofree char *ffirst = g_utf8_casefold(first, -1);
  g_autofree char *flast = g_utf8_casefold(last, -1);
  gboolean letters = FALSE;
  for (const char *p = first; *p; p = g_utf8_next_char(p))
    letters |= g_unichar_isalpha(g_utf8_get_char(p));
  if (*first && !letters)
    return "symbols_are_no_name";
  if (g_str_has_suffix(first, "'") || g_str_has_suffix(last, "'"))
    return "quote_at_word_edge";
  if (has_r4_title(first) || has_r4_title(last))
    return "source_keeps_r4_title";
  if (!*first)
    return "one_word_is_first_name";
  if (other_title_at_edge(w, first, last))
    return "title_not_in_r4";
  if (strchr(first, ' '))
    return "given_name_of_several_words";
  int comma = real_comma(w);
  /* FirstName per R4: the first word after the comma, else the first word */
  guint from = comma >= 0 ? (guint)comma + 1 : 0;
  const char *r4_first = NULL;
  for (guint i = from; i < w->len && !r4_first; i++) {
    const char *x = g_ptr_array_index(w, i);
    if (strcmp(x, ",") != 0 && !has_r4_title(x))
      r4_first = x;
  }
  if (!r4_first || strcmp(r4_first, ffirst) != 0)
    return comma >= 0 ? "comma_is_not_last_first" : "first_name_is_not_first_word";
  g_auto(GStrv) lw = g_strsplit(last, " ", -1);
  guint n = g_strv_length(lw);
  if (n < 2)
    return NULL;
  if (comma >= 0) {
    /* "Last, First": R4 reads the whole part before the comma */
    GString *before = g_string_new(NULL);
    for (int i = 0; i < comma; i++) {
      const char *x = g_ptr_array_index(w, i);
      if (has_r4_title(x))
        continue;
      g_string_append_printf(before, "%s%s", before->len ? " " : "", x);
    }
    gboolean same = strcmp(before->str, flast) == 0 || strstr(flast, " ") == NULL;
    g_string_free(before, TRUE);
    if (same)
      return NULL;
  }
  gboolean r4_chain = TRUE, other_chain = TRUE;
  for (guint i = 0; i + 1 < n; i++) {
    g_autofree char *x = fold(lw[i]);
    if (!listed(r4_particles, x))
      r4_chain = FALSE;
    if (!listed(r4_particles, x) && !listed(other_particles, x))
      other_chain = FALSE;
  }
  if (r4_chain)
    return NULL;
  if (has_word(last, "y"))
    return "surname_joined_by_y";
  return other_chain ? "particle_not_in_r4" : "surname_of_several_words";
}

typedef struct {
  guint total, fitting, pass, exact, decided, decided_pass;
} source_tally;

static gboolean same_folded(const char *got, const char *want)
{
  g_autofree char *a = g_utf8_casefold(got ? got : "", -1);
  g_autofree char *b = g_utf8_casefold(want, -1);
  return strcmp(a, b) == 0;
}

/* names/cases.tsv: for every source, how many cases kith parses to the
 * source's first/last (ignoring case: R4 re-cases only single-case names,
 * and the sources differ on that). The cases that fit R4 must pass. */
static void test_name_r4_corpus(void)
{
  const char *root = g_getenv("KITH_SHARED");
  if (!root) {
    kith_test_no_corpus("KITH_SHARED is not set");
    return;
  }
  g_autofree char *path = g_build_filename(root, "corpora", "names", "cases.tsv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    kith_test_no_corpus("names corpus is missing");
    return;
  }
  g_autoptr(GHashTable) tallies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) reasons = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new();
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint cases = 0;
  for (guint i = 1; lines[i]; i++) {
    if (!*lines[i])
      continue;
    g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 4);
    g_autofree char *input = g_strcompress(f[1]);
    g_autofree char *want_first = g_strcompress(f[2]);
    g_autofree char *want_last = g_strcompress(f[3]);
    source_tally *t = g_hash_table_lookup(tallies, f[0]);
    if (!t) {
      t = g_new0(source_tally, 1);
      char *key = g_strdup(f[0]);
      g_hash_table_insert(tallies, key, t);
      g_ptr_array_add(order, key);
    }
    cases++;
    t->total++;
    g_autofree char *first = NULL;
    g_autofree char *last = NULL;
    kith_name_parse(input, NULL, &first, &last);
    gboolean pass = same_folded(first, want_first) && same_folded(last, want_last);
    t->exact += g_strcmp0(first ? first : "", want_first) == 0 &&
                g_strcmp0(last ? last : "", want_last) == 0;
    const char *why = misfit(input, want_first, want_last);
    if (why) {
      t->decided++;
      t->decided_pass += pass;
      if (g_getenv("KITH_TEST_LIST_DECIDED"))
        g_test_message("decided otherwise (%s): %s: '%s' -> '%s' / '%s', source '%s' / '%s'", why,
                       f[0], input, first ? first : "", last ? last : "", want_first, want_last);
      g_hash_table_insert(
          reasons, (gpointer)why,
          GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(reasons, why)) + 1));
      continue;
    }
    t->fitting++;
    t->pass += pass;
    if (!pass)
      g_test_message("fits R4 but differs: %s: '%s' -> '%s' / '%s', source '%s' / '%s'", f[0],
                     input, first ? first : "", last ? last : "", want_first, want_last);
  }
  g_assert_cmpuint(cases, ==, 1347);
  guint fitting = 0;
  GHashTableIter ti;
  gpointer tv;
  g_hash_table_iter_init(&ti, tallies);
  while (g_hash_table_iter_next(&ti, NULL, &tv))
    fitting += ((source_tally *)tv)->fitting;
  /* the classifier must not quietly explain failures away */
  g_assert_cmpuint(fitting * 100, >=, cases * 80);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, reasons);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_test_message("decided otherwise: %s: %u cases", (const char *)k, GPOINTER_TO_UINT(v));
  for (guint i = 0; i < order->len; i++) {
    const char *src = g_ptr_array_index(order, i);
    source_tally *t = g_hash_table_lookup(tallies, src);
    g_test_message("%s: %u cases; %u fit R4 and %u of them pass (%.1f%%); %u decided "
                   "otherwise (%u agree anyway); %u exact to the letter case",
                   src, t->total, t->fitting, t->pass,
                   t->fitting ? 100.0 * t->pass / t->fitting : 100.0, t->decided, t->decided_pass,
                   t->exact);
    g_assert_cmpuint(t->pass * 100, >=, t->fitting * 95);
  }
}

/* A company or a job title beside the name is not part of it. */
static void test_name_r4_company_and_title_after_the_name(void)
{
  check("Jane Doe | Contoso", "Jane", "Doe");
  check("Jane Doe - Contoso Ltd", "Jane", "Doe");
  check("Jane Doe, CEO", "Jane", "Doe");
  check("Jane Doe, VP Engineering", "Jane", "Doe");
  check("Doe, Jane", "Jane", "Doe");
  check("Jean-Luc Picard", "Jean-Luc", "Picard");
}

/* --- real mail systems (R4 as amended) ----------------------------------- */

/* Everything from the first '/' on is a Lotus Notes path, and an X.500 or
 * Notes address in angle brackets is Exchange's or Notes' own. */
static void test_name_r4_lotus_notes_path(void)
{
  check("Paul Drexelius/CES/ColumbiaGas", "Paul", "Drexelius");
  check("Noel Bartlo/CES/ColumbiaGas@COLUMBIAGAS", "Noel", "Bartlo");
  check("Germany, Mary/COR", "Mary", "Germany");
  check("Lesli Campbell/Enron@EnronXGate", "Lesli", "Campbell");
  check("Bob M Hall <Bob M Hall/NA/Enron@ENRON>", "Bob", "Hall");
  check("'/o=ENRON/ou=NA/cn=Recipients/cn=notesaddr/cn=a478079f'", NULL, NULL);
  check("Olivia Wright (she/her)", "Olivia", "Wright");
  /* a slash inside the first word, before a space: two given names */
  check("Barbara/Kim Jones", "Barbara", "Jones");
  check("Sandy/Morgan Byrd", "Sandy", "Byrd");
}

static void test_name_r4_exchange_x500_path(void)
{
  check("Kitchen, Louise </O=ENRON/OU=NA/CN=RECIPIENTS/CN=LKITCHEN>", "Louise", "Kitchen");
  check("Bland Jr., Ted C. </O=ENRON/OU=NA/CN=RECIPIENTS/CN=TBLAND>", "Ted", "Bland");
  check("Taylor, Mark E (Legal) </O=ENRON/OU=NA/CN=RECIPIENTS/CN=MTAYLO1>", "Mark", "Taylor");
  check("Jeff McMahon - President & COO </O=ENRON/OU=NA/CN=RECIPIENTS/CN=MBX_ANNCJMCMAHON>", "Jeff",
        "McMahon");
  check("Palmer, B. Scott </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Spalmer>", "B. Scott", "Palmer");
  /* an address or markup in brackets is still no name */
  check("Jane Doe <jane@contoso.com>", NULL, NULL);
  check("Jane <Doe>", NULL, NULL);
  check("Jane Doe </b>", NULL, NULL);
}

/* A trailing " - CODE" after "Last, First" is dropped. */
static void test_name_r4_trailing_code_dropped(void)
{
  check("Cherry, Brian - TPBKC", "Brian", "Cherry");
  check("Follett, B. David - TPDBF", "B. David", "Follett");
  check("Suwara, J.- TPJUS", "J.", "Suwara");
  check("Betonte, Robert - TP2RSB", "Robert", "Betonte");
  check("Van Lierop, Jan - TP2JXV", "Jan", "Van Lierop");
  check("Harrigan, James P. -TP1JPH", "James", "Harrigan");
  /* not a code: a hyphenated given name stays whole */
  check("Smith, Jean-PAUL", "Jean-PAUL", "Smith");
}

/* A one-word display name equal to the local part once Notes' and
 * Exchange's words are gone is a mailbox, not a name. */
static void test_name_r4_notes_local_part_is_no_name(void)
{
  check_mail("NOTES -PDREXEL *", "pdrexel@columbiaenergygroup.com", NULL, NULL);
  check_mail("tquist Mail", "tquist@x.com", NULL, NULL);
  check_mail("Exchange JDOE", "jdoe@x.com", NULL, NULL);
  check_mail("clint.dean", "clint.dean@enron.com", NULL, NULL);
  check_mail("Outlook-Migration-Team", "outlook-migration-team@enron.com", NULL, NULL);
  check_mail("J.Doe", "jdoe@x.com", NULL, NULL);
  /* another address, or two words left: a name */
  check_mail("tquist Mail", "tom.quist@x.com", "tquist", "Mail");
  check_mail("Tom Quist", "tomquist@x.com", "Tom", "Quist");
}

/* A Notes domain after the name ("@EES") or a company after "Last, First"
 * ("@AEC") is not part of the name; an address still gives none. */
static void test_name_r4_notes_domain_dropped(void)
{
  check("Steven J Kean@EES", "Steven", "Kean");
  check("Benjamin Rogers@ENRON_DEVELOPMENT", "Benjamin", "Rogers");
  check("'Amirault, Paul@AEC'", "Paul", "Amirault");
  check("'Counihan, Rick@Green Mountain'", "Rick", "Counihan");
  check("'McCrea, Keith@CIG/CM'", "Keith", "McCrea");
  check("'O'Neill, Edward@EPNG'", "Edward", "O'Neill");
  check("Ken Lay- Chairman of the Board@ENRON", "Ken", "Lay");
  check("jennifer.d.sanders@us.andersen.com@ENRON", NULL, NULL);
  check("Harry. Kingerski@enron. com", NULL, NULL);
  check("Jane Doe (jane@contoso.com)", NULL, NULL);
  check("jdoe@ENRON", NULL, NULL);
}

/* Junior, Júnior, Filho, Neto and Sobrinho stay with the surname before
 * them, particles and all; the English suffixes go. */
static void test_name_r4_generational_words(void)
{
  check("Vasco de Castro Ferraz Junior", "Vasco", "Ferraz Junior");
  check("Ana da Silva Filho", "Ana", "da Silva Filho");
  check("Paulo Souza Júnior", "Paulo", "Souza Júnior");
  check("Pedro Alves Sobrinho", "Pedro", "Alves Sobrinho");
  check("João Carlos Neto", "João", "Carlos Neto");
  check("Marcos Júnior", "Marcos", "Júnior");
  check("Junior Santos", "Junior", "Santos");
  check("VASCO DE CASTRO FERRAZ JUNIOR", "Vasco", "Ferraz Junior");
  check("ANA DA SILVA FILHO", "Ana", "da Silva Filho");
  check("Ferraz Junior, Vasco", "Vasco", "Ferraz Junior");
  check("John Doe Jr.", "John", "Doe");
}

/* One initial, then a given name before the last name: FirstName is both. */
static void test_name_r4_initial_then_given_name(void)
{
  check("Follett, B. David", "B. David", "Follett");
  check("B. David Follett", "B. David", "Follett");
  check("W Tom Byargeon", "W Tom", "Byargeon");
  check("Pocta, R. Mark", "R. Mark", "Pocta");
  check("Mr. B. David Follett", "B. David", "Follett");
  check("B. DAVID FOLLETT", "B. David", "Follett");
  /* an initial alone, or before another initial or the last name */
  check("J. R. Smith", "J.", "Smith");
  check("K. Bass", "K.", "Bass");
  check("Smith, J.", "J.", "Smith");
  check("Smith, J. R.", "J.", "Smith");
  check("J.R. Smith", "J.R.", "Smith");
  check("B. van Dyke", "B.", "van Dyke");
  check("JB Hunt", "JB", "Hunt");
}

/* Every word in capitals: re-cased, Mc, O', D' and hyphens included, and
 * particles in small letters; any word in mixed or small letters keeps the
 * name as written. */
static void test_name_r4_capitals_recased(void)
{
  check("MURIEL McFARLING", "Muriel", "McFarling");
  check("MURIEL MCFARLING", "Muriel", "McFarling");
  check("LUCA DI STEFANO", "Luca", "di Stefano");
  check("D'ARCY O'NEIL", "D'Arcy", "O'Neil");
  check("MUNGO HARDWICKE-BROWN", "Mungo", "Hardwicke-Brown");
  check("MARY S. REMBERT", "Mary", "Rembert");
  check("DE LA VEGA, JUAN", "Juan", "de la Vega");
  check("L'ESPERANCE, ANNE", "Anne", "L'esperance"); /* only O' and D' */
  check("Michael SCHILMOELLER", "Michael", "SCHILMOELLER");
  check("Muriel McFarling", "Muriel", "McFarling");
  check("DeShawn JONES", "DeShawn", "JONES");
}

/* --- the Quagga display names -------------------------------------------- */

/* Rows of tests/data/names/quagga_display_names.tsv that R4 as written
 * does not give, and why. Any other row must pass. */
static const char *const quagga_known_misses[][2] = {
    {"Carol St Clair", "St is not one of R4's particles"},
    {"Fields Tom", "surname first without a comma: R4 takes the first word"},
    {"Mark - ECT Legal Taylor", "a department between the names, cut at the spaced dash"},
    {"Lance Schuler-Legal", "a department glued to the surname by a hyphen"},
    {"CaryPlatkin (E-mail) (E-mail)", "the given name and surname written as one word"},
    {"ISDA BOARD", "a board's mailbox: not enough role words"},
    {"US REGULATORY COMMITTEE", "a committee's mailbox: not enough role words"},
    {"OASIS Services (OASISSVCS)", "a service's mailbox: not enough role words"},
};

static const char *known_miss(const char *display)
{
  for (guint i = 0; i < G_N_ELEMENTS(quagga_known_misses); i++)
    if (strcmp(quagga_known_misses[i][0], display) == 0)
      return quagga_known_misses[i][1];
  return NULL;
}

/* Hand-labelled display names from the Enron mail of the Quagga set (its
 * X-From, X-To and X-cc headers), per form: every row but the listed
 * misses gives the labelled FirstName and LastName, to the letter case. */
static void test_name_r4_quagga_display_names(void)
{
  const char *src = g_getenv("KITH_SOURCE_DIR");
  g_autofree char *path = g_build_filename(src ? src : ".", "tests", "data", "names",
                                           "quagga_display_names.tsv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    g_test_skip("tests/data/names/quagga_display_names.tsv not found (KITH_SOURCE_DIR)");
    return;
  }
  g_autoptr(GHashTable) forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint rows = 0, pass = 0, misses = 0, unexpected = 0;
  for (guint i = 1; lines[i]; i++) {
    if (!*lines[i] || lines[i][0] == '#')
      continue;
    g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 5);
    g_assert_false(g_hash_table_contains(seen, f[0])); /* each display name once */
    g_hash_table_add(seen, g_strdup(f[0]));
    const char *want_first = *f[2] ? f[2] : NULL, *want_last = *f[3] ? f[3] : NULL;
    g_autofree char *first = NULL, *last = NULL;
    kith_name_parse(f[0], *f[1] ? f[1] : NULL, &first, &last);
    gboolean ok = g_strcmp0(first, want_first) == 0 && g_strcmp0(last, want_last) == 0;
    guint *tally = g_hash_table_lookup(forms, f[4]);
    if (!tally) {
      tally = g_new0(guint, 2);
      g_hash_table_insert(forms, g_strdup(f[4]), tally);
    }
    tally[0]++;
    tally[1] += ok;
    rows++;
    pass += ok;
    const char *why = known_miss(f[0]);
    if (why && ok) {
      unexpected++; /* the list must say what still misses */
      g_test_message("known miss now right, take it off the list: '%s'", f[0]);
    } else if (why) {
      misses++;
      g_test_message("known miss (%s): '%s' -> '%s' / '%s'", why, f[0], first ? first : "",
                     last ? last : "");
    } else if (!ok) {
      unexpected++;
      g_test_message("FAIL %s: '%s' -> '%s' / '%s', want '%s' / '%s'", f[4], f[0],
                     first ? first : "", last ? last : "", f[2], f[3]);
    }
  }
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, forms);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_test_message("%s: %u of %u", (const char *)k, ((guint *)v)[1], ((guint *)v)[0]);
  g_test_message("quagga display names: %u of %u right (%.1f%%), %u known misses", pass, rows,
                 100.0 * pass / rows, misses);
  g_assert_cmpuint(rows, >=, 150);
  g_assert_cmpuint(pass * 100, >=, rows * 95);
  g_assert_cmpuint(unexpected, ==, 0);
  g_assert_cmpuint(misses, ==, G_N_ELEMENTS(quagga_known_misses));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/name/r4_first_and_last_word", test_name_r4_first_and_last_word);
  g_test_add_func("/name/r4_one_word", test_name_r4_one_word);
  g_test_add_func("/name/r4_last_first_comma", test_name_r4_last_first_comma);
  g_test_add_func("/name/r4_honorifics_any_case", test_name_r4_honorifics_any_case);
  g_test_add_func("/name/r4_suffixes_any_case", test_name_r4_suffixes_any_case);
  g_test_add_func("/name/r4_suffix_before_comma", test_name_r4_suffix_before_comma);
  g_test_add_func("/name/r4_quotes", test_name_r4_quotes);
  g_test_add_func("/name/r4_apostrophe_in_word", test_name_r4_apostrophe_in_word);
  g_test_add_func("/name/r4_parenthesised", test_name_r4_parenthesised);
  g_test_add_func("/name/r4_via_on_behalf", test_name_r4_via_on_behalf);
  g_test_add_func("/name/r4_particles", test_name_r4_particles);
  g_test_add_func("/name/r4_particles_same_in_display_name_and_signature",
                  test_name_r4_particles_same_in_display_name_and_signature);
  g_test_add_func("/name/r4_address_is_no_name", test_name_r4_address_is_no_name);
  g_test_add_func("/name/r4_local_part_is_no_name", test_name_r4_local_part_is_no_name);
  g_test_add_func("/name/r4_recase_single_case", test_name_r4_recase_single_case);
  g_test_add_func("/name/r4_small_letters_kept", test_name_r4_small_letters_kept);
  g_test_add_func("/name/r4_mixed_case_kept", test_name_r4_mixed_case_kept);
  g_test_add_func("/name/r4_non_latin_kept", test_name_r4_non_latin_kept);
  g_test_add_func("/name/r4_role_names", test_name_r4_role_names);
  g_test_add_func("/name/r4_symbols_and_limits", test_name_r4_symbols_and_limits);
  g_test_add_func("/name/r4_company_and_title_after_the_name",
                  test_name_r4_company_and_title_after_the_name);
  g_test_add_func("/name/r4_markup_is_no_name", test_name_r4_markup_is_no_name);
  g_test_add_func("/name/r4_address_list_names", test_name_r4_address_list_names);
  g_test_add_func("/name/r4_corpus", test_name_r4_corpus);
  g_test_add_func("/name/r4_lotus_notes_path", test_name_r4_lotus_notes_path);
  g_test_add_func("/name/r4_exchange_x500_path", test_name_r4_exchange_x500_path);
  g_test_add_func("/name/r4_trailing_code_dropped", test_name_r4_trailing_code_dropped);
  g_test_add_func("/name/r4_notes_local_part_is_no_name", test_name_r4_notes_local_part_is_no_name);
  g_test_add_func("/name/r4_notes_domain_dropped", test_name_r4_notes_domain_dropped);
  g_test_add_func("/name/r4_generational_words", test_name_r4_generational_words);
  g_test_add_func("/name/r4_initial_then_given_name", test_name_r4_initial_then_given_name);
  g_test_add_func("/name/r4_capitals_recased", test_name_r4_capitals_recased);
  g_test_add_func("/name/r4_quagga_display_names", test_name_r4_quagga_display_names);
  return g_test_run();
}
