/* sigtext.h - words, separators, companies and titles of signature lines (R5). */
#pragma once

#include <glib.h>

/* A word of a signature line. Short words live in the struct itself, so
 * splitting a line allocates nothing in the usual case. */
typedef struct {
  char *text; /* as written */
  char *key;  /* folded to lower-case ASCII letters and digits ("O'Neil," -> "oneil") */
  gsize end;  /* byte offset after the word in its line */
  char text_buf[40];
  char key_buf[40];
} kith_sigword;

/* Splits LINE into at most MAX words at spaces, from byte FROM; returns how
 * many. Release them with kith_sigtext_clear. */
guint kith_sigtext_split(const char *line, gsize from, kith_sigword *out, guint max);
void kith_sigtext_clear(kith_sigword *words, guint n);

/* The key of S as kith_sigword has it, newly allocated. */
char *kith_sigtext_key(const char *s);

/* Is WORD one of LIST (NULL-terminated, static)? The list is made a set in
 * *SET (a static pointer of the caller's, NULL at first) on the first call:
 * every word of a signature is looked up in some list. */
gboolean kith_sigtext_in_set(GHashTable **set, const char *const *list, const char *word);

/* TRUE when S holds only ASCII white space. */
gboolean kith_sigtext_blank(const char *s);

/* Does S start with a separator that may follow a name ("," "|" "-" "(" ":"
 * ";" "/" or a dash or bullet)? */
gboolean kith_sigtext_starts_sep(const char *s);

/* Drops separators and spaces at both ends of S, in place; returns S. */
char *kith_sigtext_trim_punct(char *s);

/* Does PART name an organisation: a legal form (Ltd, GmbH, ... SA at the
 * end), an institution, or ORG (the sender's domain label) first? */
gboolean kith_sigtext_company_like(const char *part, const char *org);

/* The job title RAW (what follows a name, or a line) holds, cleaned of
 * parentheses, the company and whatever does not read as a title; NULL
 * when it holds none. ORG as for kith_sigtext_company_like. */
char *kith_sigtext_clean_title(const char *raw, const char *org);
