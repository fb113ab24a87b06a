/* test_quoted.c - names an email's text ties to addresses: quoted headers, Notes lines (R4). */
#include "extract/quoted.h"
#include "rules_fixture.h"

/* ---- reading the text ---- */

/* "SOURCE EMAIL First Last" for each name read, one per line. */
static char *read_all(const char *text)
{
  g_autoptr(GPtrArray) names = kith_quoted_read(text);
  static const char *const source[] = {"header", "forward", "notes"};
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; i < names->len; i++) {
    const kith_quoted_name *n = g_ptr_array_index(names, i);
    g_string_append_printf(out, "%s %s %s %s", source[n->source], n->email ? n->email : "-",
                           n->first_name, n->last_name);
    for (char **o = n->org; o && *o; o++)
      g_string_append_printf(out, "%s%s", o == n->org ? " /" : ",", *o);
    g_string_append_c(out, '\n');
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static void test_quoted_r4_lotus_list_over_folded_lines(void)
{
  g_autofree char *got = read_all(
      "FYI\n"
      "\n"
      "----- Message from \"Tess Bradley\" <tbradley@lawfirm.example> on Mon, 07 May 2001 -----\n"
      "To:\t\"Justin Long\" <jlong@lawfirm.example>\n"
      "cc:\t\"Aryeh Fishman\" <afishman@lawfirm.example>, \"Andrea Settanni\" \n"
      "<asettanni@lawfirm.example>, \"Charles Ingebretson\" \n"
      "<cingebretson@lawfirm.example>, \"Watkiss, Dan\" <dwatkiss@lawfirm.example>\n"
      "Subject:\tHearing\n"
      "Text that mentions \"Not Read\" <nobody@lawfirm.example> is no header.\n");
  g_assert_cmpstr(got, ==,
                  "header jlong@lawfirm.example Justin Long\n"
                  "header afishman@lawfirm.example Aryeh Fishman\n"
                  "header asettanni@lawfirm.example Andrea Settanni\n"
                  "header cingebretson@lawfirm.example Charles Ingebretson\n"
                  "header dwatkiss@lawfirm.example Dan Watkiss\n");
}

static void test_quoted_r4_outlook_and_reply_headers(void)
{
  g_autofree char *got = read_all("Thanks.\n"
                                  "-----Original Message-----\n"
                                  "From: Doe, Jane [mailto:Jane.Doe@Contoso.example]\n"
                                  "Sent: Monday, May 07, 2001 10:49 AM\n"
                                  "To: Roy, Bob; Smith, Al <al.smith@contoso.example>\n"
                                  "Cc: 'Eve Adams' <eadams@contoso.example>\n"
                                  "Subject: RE: terms\n"
                                  "\n"
                                  "> From: \"Mark Ortiz\" <mortiz@fabrikam.example>\n"
                                  "> Sent by: Lee Park <lpark@fabrikam.example>\n");
  /* Outlook's lists are split at semicolons: their names hold commas. */
  g_assert_cmpstr(got, ==,
                  "header jane.doe@contoso.example Jane Doe\n"
                  "header al.smith@contoso.example Al Smith\n"
                  "header eadams@contoso.example Eve Adams\n"
                  "header mortiz@fabrikam.example Mark Ortiz\n"
                  "header lpark@fabrikam.example Lee Park\n");
}

static void test_quoted_r4_only_full_names(void)
{
  g_autofree char *got = read_all(
      "To: \"Jane\" <jane@contoso.example>, \"jdoe@contoso.example\" <jdoe@contoso.example>,\n"
      "  <bare@contoso.example>, Doe, Mary <mdoe@contoso.example>, \"NOTES -PDREXEL *\"\n"
      "  <pdrexel@contoso.example>, =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jm@contoso.example>,\n"
      "  \"Contoso Support\" <support@contoso.example>, \"Ann Lee\" <not an address>\n");
  /* A FirstName alone, an address, a mailbox's own name, an undecoded word,
   * a role and a name without its address give nothing. */
  g_assert_cmpstr(got, ==, "");
}

static void test_quoted_r4_lotus_forward_line_is_the_senders(void)
{
  g_autofree char *got = read_all(
      "---------------------- Forwarded by Paul Drexelius/CES/ColumbiaGas on 12/27/99\n"
      "08:07 AM ---------------------------\n"
      "\n"
      "Mary Stiles\n"
      "12/22/99 04:00 PM\n"
      "To: Phil Villagomez/CES/ColumbiaGas@ColumbiaGas\n"
      "cc: Noel\n"
      "Bartlo/CES/ColumbiaGas@ColumbiaGas, Frank Kronz/CES/ColumbiaGas@ColumbiaGas\n"
      "Subject: January volumes\n"
      "\n"
      "---------------------- Forwarded by Mary Stiles/CES/ColumbiaGas on 12/22/99 03:00 PM\n");
  /* Only the first forward line, before any quoted header, is the sender's
   * own; every Notes name is kept as one. */
  g_assert_cmpstr(got, ==,
                  "notes - Paul Drexelius /ces,columbiagas\n"
                  "forward - Paul Drexelius\n"
                  "notes - Phil Villagomez /ces,columbiagas,columbiagas\n"
                  "notes - Noel Bartlo /ces,columbiagas,columbiagas\n"
                  "notes - Frank Kronz /ces,columbiagas,columbiagas\n"
                  "notes - Mary Stiles /ces,columbiagas\n");
}

static void test_quoted_r4_forward_after_a_quote_is_not_the_senders(void)
{
  g_autofree char *got = read_all("See below.\n"
                                  "-----Original Message-----\n"
                                  "---- Forwarded by Jane Doe/Sales/Contoso on 01/02/2001 ----\n");
  g_assert_cmpstr(got, ==, "notes - Jane Doe /sales,contoso\n");
  g_autofree char *quoted = read_all("> ---- Forwarded by Jane Doe on 01/02/2001 ----\n");
  g_assert_cmpstr(quoted, ==, "");
  /* Prose is no forward line: Notes writes the dashes. */
  g_autofree char *prose = read_all("Forwarded by Jane Doe on Monday.\n");
  g_assert_cmpstr(prose, ==, "");
}

static void test_quoted_r4_bounded(void)
{
  g_autoptr(GString) text = g_string_new("To: ");
  for (guint i = 0; i < 500; i++)
    g_string_append_printf(text, "\"Pat Number%c%c\" <p%u@contoso.example>,\n", 'a' + i % 26,
                           'a' + i / 26, i);
  g_autoptr(GPtrArray) names = kith_quoted_read(text->str);
  /* One field holds FIELD_MAX bytes; no text gives more than KITH_QUOTED_MAX. */
  g_assert_cmpuint(names->len, >, 0);
  g_assert_cmpuint(names->len, <=, KITH_QUOTED_MAX);
  g_autoptr(GString) many = g_string_new(NULL);
  for (guint i = 0; i < 500; i++)
    g_string_append_printf(many, "From: \"Pat Number%c%c\" <p%u@contoso.example>\n", 'a' + i % 26,
                           'a' + i / 26, i);
  g_autoptr(GPtrArray) capped = kith_quoted_read(many->str);
  g_assert_cmpuint(capped->len, ==, KITH_QUOTED_MAX);
  g_autoptr(GPtrArray) none = kith_quoted_read(NULL);
  g_assert_cmpuint(none->len, ==, 0);
}

/* ---- tying names to addresses ---- */

static gint by_text(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An email from the first spec to the others, with TEXT as its sender's
 * text; "FIRST LAST EMAIL" of each name the text ties, sorted. */
static char *tie(const char *text, gboolean signed_, ...)
{
  va_list ap;
  va_start(ap, signed_);
  g_autoptr(kith_activity)
      a = fx_activity_v(KITH_ACTIVITY_EMAIL, "m1", "2026-01-05T09:00:00Z", "Hi", ap);
  va_end(ap);
  a->sender_text = g_strdup(text);
  guint n = a->participants->len;
  char **firsts = g_new0(char *, n + 1), **lasts = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    kith_name_parse(p->name, p->email, &firsts[i], &lasts[i]);
  }
  g_autoptr(GPtrArray) names = kith_quoted_names(a, 0, firsts, lasts, signed_);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
  for (guint k = 0; k < names->len; k++) {
    const kith_quoted_name *q = g_ptr_array_index(names, k);
    g_assert_true(
        q->participant < 0 ||
        strcmp(((kith_participant *)g_ptr_array_index(a->participants, q->participant))->email,
               q->email) == 0);
    g_ptr_array_add(lines, g_strdup_printf("%s %s %s", q->first_name, q->last_name, q->email));
  }
  for (guint i = 0; i < n; i++) {
    g_free(firsts[i]);
    g_free(lasts[i]);
  }
  g_free(firsts);
  g_free(lasts);
  g_ptr_array_sort(lines, by_text);
  g_ptr_array_add(lines, NULL);
  return g_strjoinv("; ", (char **)lines->pdata);
}

static void test_quoted_r4_display_name_comes_first(void)
{
  const char *text = "From: \"Janet Doe\" <jdoe@contoso.example>\n"
                     "To: \"Bob Roy\" <broy@contoso.example>,\n"
                     "  \"Eve Adams\" <eadams@contoso.example>\n";
  /* Jane shows her own name; Bob only a FirstName, which agrees; Eve one
   * that does not. */
  g_autofree char *got = tie(text, FALSE, "Ann Lee <ann@corp.example>",
                             "Jane Doe <jdoe@contoso.example>", "Bob <broy@contoso.example>",
                             "Evelyn <eadams@contoso.example>", NULL);
  g_assert_cmpstr(got, ==, "Bob Roy broy@contoso.example");
}

static void test_quoted_r4_two_names_for_one_address_give_none(void)
{
  g_autofree char *got = tie("From: \"Jane Doe\" <jdoe@contoso.example>\n"
                             "To: \"John Doe\" <jdoe@contoso.example>,\n"
                             "  \"Eve Adams\" <eadams@contoso.example>\n"
                             "From: \"EVE ADAMS\" <eadams@contoso.example>\n",
                             FALSE, "Ann Lee <ann@corp.example>", NULL);
  /* The same name in other letter cases is one name. */
  g_assert_cmpstr(got, ==, "Eve Adams eadams@contoso.example");
}

static void test_quoted_r4_local_part_holds_the_last_name(void)
{
  g_autofree char *got = tie("To: \"Katie at Fabrikam\" <kaplan@fabrikam.example>,\n"
                             "  \"Monahan Bill\" <bill.monahan@fabrikam.example>,\n"
                             "  \"Richard Hyde, Fabrikam\" <rwhyde@fabrikam.example>,\n"
                             "  \"Jo Ng\" <jng@fabrikam.example>,\n"
                             "  \"Tracy Alvarez\" <talvarez2@fabrikam.example>,\n"
                             "  \"Dan Watkiss\" <dwatkiss@fabrikam.example>\n",
                             FALSE, "Ann Lee <ann@corp.example>", NULL);
  /* A company typed for the surname, a name turned round, a surname of two
   * letters: the address does not bear them out. */
  g_assert_cmpstr(got, ==,
                  "Dan Watkiss dwatkiss@fabrikam.example; "
                  "Tracy Alvarez talvarez2@fabrikam.example");
}

static void test_quoted_r4_forward_line_names_an_unnamed_sender(void)
{
  const char *text = "--------- Forwarded by Paul Drexelius/CES/ColumbiaGas on 12/27/99 08:07 AM\n";
  g_autofree char *own = tie(text, FALSE, "pdrexel@columbiaenergy.example",
                             "Ann Lee <ann@corp.example>", NULL);
  g_assert_cmpstr(own, ==, "Paul Drexelius pdrexel@columbiaenergy.example");
  g_autofree char *mailbox = tie(text, FALSE, "NOTES -PDREXEL * <pdrexel@columbiaenergy.example>",
                                 "Ann Lee <ann@corp.example>", NULL);
  g_assert_cmpstr(mailbox, ==, "Paul Drexelius pdrexel@columbiaenergy.example");
  /* Forwarded from someone else's mailbox (an assistant's), signed, or
   * named by the display name: not the sender's name. */
  g_autofree char *other = tie(text, FALSE, "jsmith@columbiaenergy.example",
                               "Ann Lee <ann@corp.example>", NULL);
  g_assert_cmpstr(other, ==, "");
  g_autofree char *sig = tie(text, TRUE, "pdrexel@columbiaenergy.example",
                             "Ann Lee <ann@corp.example>", NULL);
  g_assert_cmpstr(sig, ==, "");
  g_autofree char *shown = tie(text, FALSE, "Paul D <pdrexel@columbiaenergy.example>",
                               "Ann Lee <ann@corp.example>", NULL);
  g_assert_cmpstr(shown, ==, "");
}

static void test_quoted_r4_notes_name_tied_by_local_part(void)
{
  const char *text = "To: Noel Bartlo/CES/ColumbiaGas@COLUMBIAGAS, Paul Drexelius\n"
                     "[NOTES.pdrexel]@LMSOV\n"
                     "cc: Jim Lee/CES/ColumbiaGas@ColumbiaGas\n";
  g_autofree char *got = tie(text, FALSE, "nbartlo@columbiaenergy.example",
                             "Ann Lee <ann@corp.example>", "jlee@columbiaenergy.example", NULL);
  /* nbartlo: n + Bartlo; jlee spells too few letters of its LastName. */
  g_assert_cmpstr(got, ==, "Noel Bartlo nbartlo@columbiaenergy.example");
  /* A Notes domain that names another organisation ties nothing. */
  g_autofree char *elsewhere = tie("To: Noel Bartlo/HOU/Fabrikam@Fabrikam\n", FALSE,
                                   "nbartlo@columbiaenergy.example", "Ann Lee <ann@corp.example>",
                                   NULL);
  g_assert_cmpstr(elsewhere, ==, "");
}

static void test_quoted_r4_notes_name_must_be_unambiguous(void)
{
  /* Two Notes names spell nbartlo. */
  g_autofree char *two = tie("To: Noel Bartlo/CES/ColumbiaGas, Nina Bartlow/CES/ColumbiaGas\n",
                             FALSE, "nbartlo@columbiaenergy.example", "Ann Lee <ann@corp.example>",
                             NULL);
  g_assert_cmpstr(two, ==, "");
  /* One Notes name spells two participants. */
  g_autofree char *both = tie("To: Noel Bartlo/CES/ColumbiaGas\n", FALSE,
                              "nbartlo@columbiaenergy.example", "Ann Lee <ann@corp.example>",
                              "nbartlo@columbiagas.example", NULL);
  g_assert_cmpstr(both, ==, "");
  /* Another participant shows that name as its own. */
  g_autofree char *shown = tie("To: Noel Bartlo/CES/ColumbiaGas\n", FALSE,
                               "nbartlo@columbiaenergy.example", "Ann Lee <ann@corp.example>",
                               "Noel Bartlo <noel@columbiagas.example>", NULL);
  g_assert_cmpstr(shown, ==, "");
  /* Repeated, it is still one name. */
  g_autofree char *twice = tie("---- Forwarded by Phil Villagomez/CES/ColumbiaGas on\n"
                               "12/29/99 ----\n"
                               "To: Phil Villagomez/CES/ColumbiaGas@ColumbiaGas\n",
                               FALSE, "Ann Lee <ann@corp.example>",
                               "pvillag@columbiaenergy.example", NULL);
  g_assert_cmpstr(twice, ==, "Phil Villagomez pvillag@columbiaenergy.example");
}

static void test_quoted_r4_only_an_emails_own_text(void)
{
  g_autoptr(kith_activity)
      a = fx_email("m1", "2026-01-05T09:00:00Z", "Hi", "Ann Lee <ann@corp.example>", NULL);
  a->sender_text = g_strdup("From: \"Dan Watkiss\" <dwatkiss@fabrikam.example>\n");
  char *none[2] = {NULL, NULL};
  a->automatic = TRUE; /* R10: automatic mail is no one's word */
  g_autoptr(GPtrArray) automatic = kith_quoted_names(a, 0, none, none, FALSE);
  g_assert_cmpuint(automatic->len, ==, 0);
  a->automatic = FALSE;
  g_autoptr(GPtrArray) names = kith_quoted_names(a, 0, none, none, FALSE);
  g_assert_cmpuint(names->len, ==, 1);
  g_assert_null(kith_quoted_for(names, 0));
  g_assert_cmpint(((kith_quoted_name *)g_ptr_array_index(names, 0))->participant, ==, -1);
}

/* ---- through the rules (R4, R11, R22, R37) ---- */

static fx *org(void)
{
  fx *f = fx_new(FX_ORG);
  fx_import(f, "User", FX_USERS);
  fx_import(f, "Account",
            "Id,Name,Website,Secondary_Domains__c,OwnerId\n"
            "001LAW,Law,https://lawfirm.example,,005ANN\n");
  return f;
}

static char *observed(fx *f, const char *email, const char *field)
{
  char *value = NULL;
  g_assert_cmpint(kith_state_observation(f->store, email, field, &value, NULL, NULL), !=,
                  KITH_LOOKUP_ERROR);
  return value;
}

static void test_quoted_r4_quoted_header_names_a_contact(void)
{
  g_autoptr(fx) f = org();
  /* A colleague's reply quotes the lawyers' header; the second mail
   * names them by address alone. */
  kith_activity *quote = fx_email("e1", "2026-01-05T09:00:00Z", "Re: hearing",
                                  "Bob Roy <bob@corp.example>", "Ann Lee <ann@corp.example>", NULL);
  quote->sender_text = g_strdup("See below.\n"
                                "-----Original Message-----\n"
                                "From: \"Dan Watkiss\" <dwatkiss@lawfirm.example>\n"
                                "To: \"Katie at Law\" <kaplan@lawfirm.example>,\n"
                                "  \"Ann Lee\" <ann@corp.example>, \"Pat Poe\" <ppoe@gmail.com>\n");
  g_assert_null(fx_capture(f, quote));
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Filing", "Ann Lee <ann@corp.example>",
                        "dwatkiss@lawfirm.example", "kaplan@lawfirm.example", NULL));
  fx_sync(f);
  g_autofree char *first = fx_contact(f, "dwatkiss@lawfirm.example", "FirstName");
  g_autofree char *last = fx_contact(f, "dwatkiss@lawfirm.example", "LastName");
  g_assert_cmpstr(first, ==, "Dan");
  g_assert_cmpstr(last, ==, "Watkiss");
  /* "Katie at Law" is no name for kaplan@: no contact (R22). */
  g_assert_cmpuint(fx_count(f, "Contact", "Email", "kaplan@lawfirm.example"), ==, 0);
  g_assert_cmpuint(fx_log_count(f, "kaplan@lawfirm.example", "skipped", "missing_field"), ==, 1);
  /* R11: nothing is kept of internal and personal addresses. */
  g_autofree char *ann = observed(f, "ann@corp.example", "LastName");
  g_autofree char *pat = observed(f, "ppoe@gmail.com", "LastName");
  g_assert_null(ann);
  g_assert_null(pat);
}

static void test_quoted_r4_newer_display_name_wins(void)
{
  g_autoptr(fx) f = org();
  kith_activity *quote = fx_email("e1", "2026-01-05T09:00:00Z", "Fwd", "Bob Roy <bob@corp.example>",
                                  "Ann Lee <ann@corp.example>", NULL);
  quote->sender_text = g_strdup("To: \"Dan Watkiss\" <dwatkiss@lawfirm.example>\n");
  fx_capture(f, quote);
  /* R37: an observation like any other, so a later display name wins. */
  fx_ingest(f, fx_email("e2", "2026-01-06T09:00:00Z", "Filing", "Ann Lee <ann@corp.example>",
                        "Daniel Watkiss <dwatkiss@lawfirm.example>", NULL));
  fx_sync(f);
  g_autofree char *first = fx_contact(f, "dwatkiss@lawfirm.example", "FirstName");
  g_assert_cmpstr(first, ==, "Daniel");
}

static void test_quoted_r4_unnamed_sender_named_by_its_forward_line(void)
{
  g_autoptr(fx) f = org();
  kith_activity *a = fx_email("e1", "2026-01-05T09:00:00Z", "January volumes",
                              "pdrexel@lawfirm.example", "Ann Lee <ann@corp.example>", NULL);
  a->sender_text = g_strdup(
      "----------- Forwarded by Paul Drexelius/LAW/LawFirm on 12/27/99 08:07 AM -----------\n"
      "\n"
      "To: Noel Bartlo/LAW/LawFirm@LawFirm\n");
  fx_ingest(f, a);
  fx_sync(f);
  g_autofree char *first = fx_contact(f, "pdrexel@lawfirm.example", "FirstName");
  g_autofree char *last = fx_contact(f, "pdrexel@lawfirm.example", "LastName");
  g_assert_cmpstr(first, ==, "Paul");
  g_assert_cmpstr(last, ==, "Drexelius");
}

int main(int argc, char **argv)
{
  fx_init(&argc, &argv);
  g_test_add_func("/quoted/r4_lotus_list_over_folded_lines",
                  test_quoted_r4_lotus_list_over_folded_lines);
  g_test_add_func("/quoted/r4_outlook_and_reply_headers", test_quoted_r4_outlook_and_reply_headers);
  g_test_add_func("/quoted/r4_only_full_names", test_quoted_r4_only_full_names);
  g_test_add_func("/quoted/r4_lotus_forward_line_is_the_senders",
                  test_quoted_r4_lotus_forward_line_is_the_senders);
  g_test_add_func("/quoted/r4_forward_after_a_quote_is_not_the_senders",
                  test_quoted_r4_forward_after_a_quote_is_not_the_senders);
  g_test_add_func("/quoted/r4_bounded", test_quoted_r4_bounded);
  g_test_add_func("/quoted/r4_display_name_comes_first", test_quoted_r4_display_name_comes_first);
  g_test_add_func("/quoted/r4_two_names_for_one_address_give_none",
                  test_quoted_r4_two_names_for_one_address_give_none);
  g_test_add_func("/quoted/r4_local_part_holds_the_last_name",
                  test_quoted_r4_local_part_holds_the_last_name);
  g_test_add_func("/quoted/r4_forward_line_names_an_unnamed_sender",
                  test_quoted_r4_forward_line_names_an_unnamed_sender);
  g_test_add_func("/quoted/r4_notes_name_tied_by_local_part",
                  test_quoted_r4_notes_name_tied_by_local_part);
  g_test_add_func("/quoted/r4_notes_name_must_be_unambiguous",
                  test_quoted_r4_notes_name_must_be_unambiguous);
  g_test_add_func("/quoted/r4_only_an_emails_own_text", test_quoted_r4_only_an_emails_own_text);
  g_test_add_func("/quoted/r4_quoted_header_names_a_contact",
                  test_quoted_r4_quoted_header_names_a_contact);
  g_test_add_func("/quoted/r4_newer_display_name_wins", test_quoted_r4_newer_display_name_wins);
  g_test_add_func("/quoted/r4_unnamed_sender_named_by_its_forward_line",
                  test_quoted_r4_unnamed_sender_named_by_its_forward_line);
  return g_test_run();
}
