/* namewords.c - surname particles and honorifics, read once from data/name_words.tsv. */
#include "extract/namewords.h"

#include "util/data.h"

#include <string.h>

typedef struct {
  GHashTable *particles; /* lower-case word -> itself */
  GHashTable *honorifics;
} name_words;

/* Longest word either list holds; a longer word is in neither. */
#define MAX_WORD 32

static const name_words *words(void)
{
  static name_words *loaded;
  if (g_once_init_enter(&loaded)) {
    name_words *w = g_new0(name_words, 1);
    w->particles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->honorifics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) lines = kith_data_lines("name_words.tsv");
    for (char **l = lines; *l; l++) {
      g_auto(GStrv) f = g_strsplit(*l, "\t", 2);
      if (!f[0] || !f[1])
        continue;
      GHashTable *set = strcmp(f[0], "particle") == 0    ? w->particles
                        : strcmp(f[0], "honorific") == 0 ? w->honorifics
                                                         : NULL;
      char *word = g_ascii_strdown(g_strstrip(f[1]), -1);
      if (set && *word && strlen(word) <= MAX_WORD)
        g_hash_table_add(set, word);
      else
        g_free(word);
    }
    g_once_init_leave(&loaded, w);
  }
  return loaded;
}

/* WORD's first LEN bytes, lower-cased, in SET. */
static gboolean in_set(GHashTable *set, const char *word, gsize len)
{
  if (len == 0 || len > MAX_WORD)
    return FALSE;
  char key[MAX_WORD + 1];
  for (gsize i = 0; i < len; i++)
    key[i] = g_ascii_tolower(word[i]);
  key[len] = '\0';
  return g_hash_table_contains(set, key);
}

gboolean kith_name_is_particle(const char *word)
{
  return in_set(words()->particles, word, strlen(word));
}

gboolean kith_name_is_honorific(const char *word)
{
  gsize len = strlen(word);
  if (len > 1 && word[len - 1] == '.')
    len--;
  return in_set(words()->honorifics, word, len);
}
