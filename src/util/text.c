/* text.c - the one sanitizer of outside text: terminal escapes out, control characters as space, bounded. */
#include "util/text.h"

#include <string.h>

/* The introducers of terminal escape sequences: ESC and its one-character
 * C1 forms (ECMA-48), which some terminals obey in UTF-8 too. */
enum {
  ESC = 0x1B,
  C1_DCS = 0x90,
  C1_SOS = 0x98,
  C1_CSI = 0x9B,
  C1_ST = 0x9C,
  C1_OSC = 0x9D,
  C1_PM = 0x9E,
  C1_APC = 0x9F,
};

gboolean kith_text_is_control(gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static gboolean starts_escape(gunichar c)
{
  return c == ESC || c == C1_CSI || c == C1_OSC || c == C1_DCS || c == C1_SOS || c == C1_PM ||
         c == C1_APC;
}

/* P just after a CSI introducer: past its parameter and intermediate bytes
 * and its final byte. A byte that can be none of them ends it unread. */
static const char *skip_csi(const char *p)
{
  while ((guchar)*p >= 0x20 && (guchar)*p <= 0x3F)
    p++;
  if ((guchar)*p >= 0x40 && (guchar)*p <= 0x7E)
    p++;
  return p;
}

/* P just after the introducer of a control string (OSC, DCS, SOS, PM, APC):
 * past its end, BEL or ST (ESC \ or U+009C), or CAN or SUB, which cancel
 * it. Another ESC ends it unread; one left open runs to the end of the
 * text, as a terminal would take all of it. */
static const char *skip_string(const char *p)
{
  for (; *p; p++) {
    guchar c = (guchar)*p;
    if (c == 0x07 || c == 0x18 || c == 0x1A)
      return p + 1;
    if (c == ESC)
      return p[1] == '\\' ? p + 2 : p;
    if (c == 0xC2 && (guchar)p[1] == C1_ST)
      return p + 2;
  }
  return p;
}

/* P at the introducer C (starts_escape): past the whole sequence. */
static const char *skip_escape(const char *p, gunichar c)
{
  if (c == ESC) {
    p++;
    if (*p == '[')
      return skip_csi(p + 1);
    if (*p && strchr("]PX^_", *p))
      return skip_string(p + 1);
    /* ESC, intermediates and one final character ("ESC c", "ESC ( B") */
    while ((guchar)*p >= 0x20 && (guchar)*p <= 0x2F)
      p++;
    if ((guchar)*p >= 0x30 && (guchar)*p <= 0x7E)
      p++;
    return p;
  }
  p = g_utf8_next_char(p);
  if (c == C1_CSI)
    return skip_csi(p);
  return skip_string(p);
}

char *kith_text_clean(const char *s, gsize max)
{
  /* Names and subjects are cleaned by the hundred thousand: valid text is
   * read in place, byte by byte while it is ASCII. */
  g_autofree char *made_valid = NULL;
  if (!s)
    s = "";
  else if (!g_utf8_validate(s, -1, NULL))
    s = made_valid = g_utf8_make_valid(s, -1);
  /* Each step writes at most a space and one character, and none starts
   * past MAX: the text written never outgrows MIN(its input, MAX + 5). */
  gsize len = strlen(s);
  gsize cap = len > 5 && max < len - 5 ? max + 5 : len; /* MIN without overflow */
  char *out = g_malloc(cap + 1);
  gsize n = 0;
  gboolean gap = FALSE; /* white space since the last character kept */
  for (const char *p = s; *p && n <= max;) {
    guchar b = (guchar)*p;
    gunichar c = b < 0x80 ? b : g_utf8_get_char(p);
    if (starts_escape(c)) {
      p = skip_escape(p, c);
      continue;
    }
    gsize size = b < 0x80 ? 1 : (gsize)(g_utf8_next_char(p) - p);
    if (kith_text_is_control(c) || (b < 0x80 ? g_ascii_isspace(b) : g_unichar_isspace(c))) {
      gap = TRUE;
    } else {
      if (gap && n)
        out[n++] = ' ';
      gap = FALSE;
      memcpy(out + n, p, size);
      n += size;
    }
    p += size;
  }
  out[n] = '\0';
  if (n > max) {
    const char *end = g_utf8_find_prev_char(out, out + max + 1);
    n = end ? (gsize)(end - out) : 0;
    while (n && out[n - 1] == ' ')
      n--;
    out[n] = '\0';
  }
  return out;
}

/* Is S valid UTF-8 with no control character but the breaks BREAKS keeps? */
static gboolean printable_as_is(const char *s, kith_text_breaks breaks)
{
  for (const guchar *p = (const guchar *)s; *p; p++) {
    if (*p < 0x20) {
      if (breaks == KITH_TEXT_BREAKS_AS_SPACES || !(*p == '\t' || *p == '\r' || *p == '\n'))
        return FALSE;
    } else if (*p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)) {
      return FALSE;
    }
  }
  return g_utf8_validate(s, -1, NULL);
}

const char *kith_text_printable(char **out_copy, const char *s, kith_text_breaks breaks)
{
  g_return_val_if_fail(out_copy != NULL && s != NULL, s);
  *out_copy = NULL;
  if (printable_as_is(s, breaks))
    return s;
  g_autofree char *valid = g_utf8_make_valid(s, -1);
  GString *out = g_string_sized_new(strlen(valid) + 8);
  for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == '\t' || c == '\r' || c == '\n')
      g_string_append_c(out, breaks == KITH_TEXT_BREAKS_KEPT ? (char)c : ' ');
    else if (kith_text_is_control(c))
      g_string_append_unichar(out, 0xFFFD); /* seen as replaced, never obeyed */
    else
      g_string_append_len(out, p, g_utf8_next_char(p) - p);
  }
  *out_copy = g_string_free(out, FALSE);
  return *out_copy;
}

char *kith_text_fold(const char *s)
{
  if (!s)
    return g_strdup("");
  g_autofree char *valid = g_utf8_make_valid(s, -1);
  g_autofree char *nfd = g_utf8_normalize(valid, -1, G_NORMALIZE_NFD);
  GString *out = g_string_sized_new(strlen(nfd));
  gboolean space = FALSE;
  for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    GUnicodeType t = g_unichar_type(c);
    if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
        t == G_UNICODE_ENCLOSING_MARK)
      continue;
    if (g_unichar_isspace(c)) {
      space = out->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(out, ' ');
    space = FALSE;
    g_string_append_unichar(out, c);
  }
  g_autofree char *plain = g_string_free(out, FALSE);
  return g_utf8_casefold(plain, -1);
}
