/* signame.h - the line of a signature that carries the sender's name (R4, R5). */
#pragma once

#include "extract/sigtext.h"

#include <glib.h>

/* The words of the name a name line must show (folded), from the display
 * name or the address. */
typedef struct {
  char *first[3];
  guint n_first;
  char *last[3];
  guint n_last;
  char *local; /* a one-word local part, to be matched against initials */
  gboolean from_display;
} kith_signame_spec;

/* Reads the name a name line must show from the display name (FIRST, LAST;
 * either may be NULL) or, when it gives no first name, from the address
 * EMAIL ("first.last", or a one-word local part). Clear with
 * kith_signame_spec_clear. */
void kith_signame_spec_init(kith_signame_spec *s, const char *first, const char *last,
                            const char *email);
void kith_signame_spec_clear(kith_signame_spec *s);

typedef struct {
  guint first_at, first_n, last_at, last_n; /* the words that gave the name */
  gsize rest;                               /* byte offset of what follows it */
} kith_signame_hit;

/* Does LINE (split into words W) begin with the sender's name: first and
 * last name (middle names or an initial between, honorifics before,
 * suffixes after, "Last, First" too, or one of two surnames), or with only
 * a first name known, it and one to three name words? What follows must be
 * the end of the line or a separator. Fills HIT. */
gboolean kith_signame_match(const kith_signame_spec *s, const char *line, const kith_sigword *w,
                            guint n, kith_signame_hit *hit);

/* Is W a line of two to four name words whose initials or words give the
 * one-word local part LOCAL ("ow", "owright", "olivia")? Fills HIT. */
gboolean kith_signame_match_local(const char *local, const kith_sigword *w, guint n,
                                  kith_signame_hit *hit);

/* FALSE when LINE cannot pass kith_signame_match (S has a first name): a
 * cheap test before the line is split into words. */
gboolean kith_signame_may_match(const kith_signame_spec *s, const char *line);

/* How many words of W from FROM match the folded words WANT, one wanted
 * word possibly written as several ("devries": "de Vries"); 0 when not. */
guint kith_signame_match_words(const kith_sigword *w, guint n, guint at, char **want, guint n_want);

/* How many name words W holds from FROM (at most 4); a word ending in ","
 * ends the run. PARTICLE_FIRST lets it start with "van", "de"... */
guint kith_signame_run(const kith_sigword *w, guint n, guint from, gboolean particle_first);

/* Is what follows K name words of W a separator or the end of the line? */
gboolean kith_signame_run_ends(const kith_sigword *w, guint n, guint k);

/* Is W a name word: capitalised letters, no title word? */
gboolean kith_signame_like(const kith_sigword *w);

/* Is KEY a name particle ("van", "de", "o")? */
gboolean kith_signame_is_particle(const char *key);
