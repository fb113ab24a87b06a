/* text.h - outside text made fit to keep and to show: no control characters, no terminal escapes. */
#pragma once

#include <glib.h>

/* Is C a control character: C0 (U+0000-U+001F), DEL or C1 (U+0080-U+009F)? */
gboolean kith_text_is_control(gunichar c);

/* S (NULL reads as "") as one line of text fit to keep and show: valid
 * UTF-8 (a bad byte is U+FFFD); terminal escape sequences removed whole
 * (CSI, OSC, DCS and the other strings, ESC and one character, and their C1
 * forms); every other control character white space; runs of white space
 * one space, none at either end; cut to at most MAX bytes on a character
 * boundary. Newly allocated, never NULL. */
char *kith_text_clean(const char *s, gsize max);

typedef enum {
  KITH_TEXT_BREAKS_AS_SPACES, /* one line: tab, CR and LF become spaces */
  KITH_TEXT_BREAKS_KEPT,      /* CSV and JSON quote or escape tab, CR and LF */
} kith_text_breaks;

/* S as a printer may show it: valid UTF-8 and every control character but
 * tab, CR and LF replaced by U+FFFD (those three as BREAKS says). Returns S
 * itself when it is fit as it is; otherwise a new copy, also stored in
 * *OUT_COPY for the caller to free. */
const char *kith_text_printable(char **out_copy, const char *s, kith_text_breaks breaks);

/* S as names are compared (R2, R43): case folded, accents removed (NFD
 * without its combining marks), runs of white space one space, trimmed.
 * Newly allocated; "" for NULL. */
char *kith_text_fold(const char *s);
