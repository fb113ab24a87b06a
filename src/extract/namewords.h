/* namewords.h - surname particles and honorifics (R4, R5): one list, data/name_words.tsv, for display names and signatures alike. */
#pragma once

#include <glib.h>

/* Is WORD (as written, any case; no final period) a particle that belongs
 * to the surname after it ("dos" of "dos Santos")? */
gboolean kith_name_is_particle(const char *word);

/* Is WORD (any case; without its final period) an honorific, a form of
 * address that is no part of the name ("Dr", "Herr")? */
gboolean kith_name_is_honorific(const char *word);
