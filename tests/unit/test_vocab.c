/* test_vocab.c - kith's vocabularies: one name per value, round trips, and CONTRACT.md's words (sections 3, 6). */
#include "core/vocab.h"
#include "corpus.h"

#include <string.h>

typedef const char *(*name_fn)(int value);
typedef gboolean (*from_fn)(const char *name, int *out);

/* Every value of 0..COUNT-1 (FIRST on: a NONE before it has no name) has a
 * name no other value has, and that name reads back as the value. */
static void check_table(const char *what, name_fn name, from_fn from, int first, int count)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (int v = first; v < count; v++) {
    const char *n = name(v);
    if (!n || !*n)
      g_error("%s %d has no name", what, v);
    if (g_hash_table_contains(seen, n))
      g_error("%s %d: the name '%s' is taken twice", what, v, n);
    g_hash_table_add(seen, (gpointer)n);
    int back = -1;
    g_assert_true(from(n, &back));
    g_assert_cmpint(back, ==, v);
    g_autofree char *upper = g_ascii_strup(n, -1);
    int unused = -1;
    g_assert_false(from(upper, &unused)); /* exact words */
  }
  int unused = -1;
  g_assert_false(from("no_such_word", &unused));
  g_assert_false(from("", &unused));
  g_assert_false(from(NULL, &unused));
  g_assert_cmpint(unused, ==, -1);
}

#define CHECK(what, prefix, type, first, count)                                                    \
  check_table(what, (name_fn)prefix##_name, (from_fn)prefix##_from_name, first, count)

static void test_vocab_names_distinct_and_round_trip(void)
{
  g_assert_cmpint(sizeof(kith_op), ==, sizeof(int));
  CHECK("op", kith_op, kith_op, 0, KITH_OP_COUNT);
  CHECK("action", kith_action, kith_action, KITH_ACTION_NONE + 1, KITH_ACTION_COUNT);
  CHECK("reason", kith_reason, kith_reason, KITH_REASON_NONE + 1, KITH_REASON_COUNT);
  CHECK("activity kind", kith_activity_kind, kith_activity_kind, 0, KITH_ACTIVITY_KIND_COUNT);
  CHECK("participant role", kith_part_role, kith_part_role, 0, KITH_PART_ROLE_COUNT);
  CHECK("cutype", kith_cutype, kith_cutype, 0, KITH_CUTYPE_COUNT);
  CHECK("source type", kith_source_type, kith_source_type, 0, KITH_SOURCE_TYPE_COUNT);
  g_assert_null(kith_reason_name(KITH_REASON_NONE));
  g_assert_null(kith_action_name(KITH_ACTION_NONE));
}

/* A .jsonl kind and an iCalendar CUTYPE read in any case; INDIVIDUAL and
 * UNKNOWN are people (RFC 5545 3.2.3). */
static void test_vocab_cutype_words(void)
{
  static const struct {
    const char *word;
    kith_cutype want;
  } cases[] = {{"ROOM", KITH_CUTYPE_ROOM},         {"room", KITH_CUTYPE_ROOM},
               {"Resource", KITH_CUTYPE_RESOURCE}, {"GROUP", KITH_CUTYPE_GROUP},
               {"INDIVIDUAL", KITH_CUTYPE_PERSON}, {"unknown", KITH_CUTYPE_PERSON},
               {"person", KITH_CUTYPE_PERSON}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    kith_cutype got = KITH_CUTYPE_COUNT;
    g_assert_true(kith_cutype_from_word(cases[i].word, &got));
    g_assert_cmpint(got, ==, cases[i].want);
  }
  kith_cutype got = KITH_CUTYPE_ROOM;
  g_assert_false(kith_cutype_from_word("X-PRINTER", &got));
  g_assert_false(kith_cutype_from_word(NULL, &got));
  g_assert_cmpint(got, ==, KITH_CUTYPE_ROOM);
}

/* The backquoted words of TEXT from the first occurrence of START up to the
 * next occurrence of END, in order. */
static GPtrArray *quoted_words(const char *text, const char *start, const char *end)
{
  const char *from = strstr(text, start);
  g_assert_nonnull(from);
  from += strlen(start);
  const char *to = strstr(from, end);
  g_assert_nonnull(to);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (const char *p = from; p < to; p++) {
    if (*p != '`')
      continue;
    const char *q = memchr(p + 1, '`', to - p - 1);
    if (!q)
      break;
    g_ptr_array_add(out, g_strndup(p + 1, q - p - 1));
    p = q;
  }
  return out;
}

static char *contract_text(void)
{
  const char *root = g_getenv("KITH_SHARED");
  g_autofree char *path = root ? g_build_filename(root, "CONTRACT.md", NULL) : NULL;
  char *text = NULL;
  if (!path || !g_file_get_contents(path, &text, NULL, NULL)) {
    kith_test_no_corpus("CONTRACT.md is not there (KITH_SHARED)");
    return NULL;
  }
  return text;
}

/* WORDS (the contract's list) and the table's names from FIRST to COUNT,
 * leaving out EXTRA (kith's own, NULL for none), are the same set. */
static void same_words(const char *what, GPtrArray *words, name_fn name, int first, int count,
                       const char *extra)
{
  g_assert_cmpuint(words->len, >, 0);
  for (guint i = 0; i < words->len; i++) {
    gboolean found = FALSE;
    for (int v = first; v < count && !found; v++)
      found = strcmp(name(v), g_ptr_array_index(words, i)) == 0;
    if (!found)
      g_error("CONTRACT.md names the %s '%s', which kith has not", what,
              (char *)g_ptr_array_index(words, i));
  }
  for (int v = first; v < count; v++) {
    gboolean found = extra && strcmp(name(v), extra) == 0;
    for (guint i = 0; i < words->len && !found; i++)
      found = strcmp(name(v), g_ptr_array_index(words, i)) == 0;
    if (!found)
      g_error("kith's %s '%s' is not in CONTRACT.md", what, name(v));
  }
}

/* Section 6's Actions and Reasons, and section 3's attendee kinds, are
 * exactly the tables' words (sync_failed is kith's own Action, for a record
 * the CRM refused, docs/salesforce.md). */
static void test_vocab_contract_section_6_lists(void)
{
  g_autofree char *text = contract_text();
  if (!text)
    return;
  const char *s6 = strstr(text, "## 6. Engagement log");
  g_assert_nonnull(s6);
  g_autoptr(GPtrArray) actions = quoted_words(s6, "Action is one of", "Reason (for the skips)");
  same_words("action", actions, (name_fn)kith_action_name, KITH_ACTION_NONE + 1, KITH_ACTION_COUNT,
             "sync_failed");
  g_autoptr(GPtrArray)
      reasons = quoted_words(s6, "Reason (for the skips) is one of", "; for `field_updated`");
  same_words("reason", reasons, (name_fn)kith_reason_name, KITH_REASON_NONE + 1, KITH_REASON_COUNT,
             NULL);
  g_autoptr(GPtrArray) kinds = quoted_words(text, "An attendee's `kind` is", "like iCalendar");
  same_words("attendee kind", kinds, (name_fn)kith_cutype_name, 0, KITH_CUTYPE_COUNT, NULL);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/vocab/names_distinct_and_round_trip", test_vocab_names_distinct_and_round_trip);
  g_test_add_func("/vocab/cutype_words", test_vocab_cutype_words);
  g_test_add_func("/vocab/contract_section_6_lists", test_vocab_contract_section_6_lists);
  return g_test_run();
}
