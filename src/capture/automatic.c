/* automatic.c - R10 automatic-mail detection from headers and subject prefixes. */
#include "capture/automatic.h"

#include "util/data.h"

#include <string.h>

/* The first token of a header value (before ';' or white space), trimmed. */
/* The value of header NAME, or NULL when absent. */
static const char *get(GMimeHeaderList *headers, const char *name)
{
  GMimeHeader *h = g_mime_header_list_get_header(headers, name);
  const char *v = h ? g_mime_header_get_value(h) : NULL;
  return h ? (v ? v : "") : NULL;
}

static char *header_token(const char *value)
{
  while (g_ascii_isspace(*value))
    value++;
  gsize n = strcspn(value, "; \t\r\n(");
  return g_strndup(value, n);
}

const char *const kith_automatic_header_names[] = {"Auto-Submitted", "Precedence",    "List-Id",
                                                   "X-Autoreply",    "X-Autorespond", NULL};

const char *kith_automatic_headers(GMimeHeaderList *headers)
{
  g_return_val_if_fail(headers != NULL, NULL);
  const char *v = get(headers, "Auto-Submitted");
  if (v) {
    g_autofree char *tok = header_token(v);
    /* An empty Auto-Submitted is not "no" either: some senders write the
     * header with no value; RFC 3834 makes only "no" mean a person sent it. */
    if (g_ascii_strcasecmp(tok, "no") != 0)
      return "Auto-Submitted";
  }
  v = get(headers, "Precedence");
  if (v) {
    g_autofree char *tok = header_token(v);
    if (!g_ascii_strcasecmp(tok, "bulk") || !g_ascii_strcasecmp(tok, "list") ||
        !g_ascii_strcasecmp(tok, "junk"))
      return "Precedence";
  }
  if (g_mime_header_list_contains(headers, "List-Id"))
    return "List-Id";
  if (g_mime_header_list_contains(headers, "X-Autoreply"))
    return "X-Autoreply";
  if (g_mime_header_list_contains(headers, "X-Autorespond"))
    return "X-Autorespond";
  return NULL;
}

/* Composed and case-folded, so "RÉPONSE" and a decomposed "Réponse" match. */
static char *fold(const char *s)
{
  g_autofree char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  return nfc ? g_utf8_casefold(nfc, -1) : NULL;
}

typedef struct {
  char **folded;   /* the prefixes, composed and case-folded */
  glong max_chars; /* the longest of them, in characters */
} prefixes;

static gpointer load_prefixes(gpointer unused)
{
  g_auto(GStrv) lines = kith_data_lines("auto_subjects.txt");
  GPtrArray *out = g_ptr_array_new();
  prefixes *p = g_new0(prefixes, 1);
  for (char **l = lines; *l; l++) {
    char *f = fold(*l);
    if (f && *f) {
      g_ptr_array_add(out, f);
      p->max_chars = MAX(p->max_chars, g_utf8_strlen(f, -1));
    } else {
      g_free(f);
    }
  }
  g_ptr_array_add(out, NULL);
  p->folded = (char **)g_ptr_array_free(out, FALSE);
  return p; /* kept for the life of the process */
}

/* Only the subject's first characters can match a prefix: folding a few
 * more than the longest prefix has (a combining mark after the cut could
 * change the last one) gives the same start as folding it all. */
#define FOLD_MARGIN 8

gboolean kith_automatic_subject(const char *subject)
{
  static GOnce once = G_ONCE_INIT;
  if (!subject)
    return FALSE;
  const prefixes *px = g_once(&once, load_prefixes, NULL);
  while (g_ascii_isspace(*subject))
    subject++;
  if (!*subject)
    return FALSE;
  const char *end = subject;
  gboolean ascii = TRUE;
  for (glong n = 0; *end && n < px->max_chars + FOLD_MARGIN; n++) {
    ascii = ascii && !(*end & 0x80);
    end = ascii ? end + 1 : g_utf8_find_next_char(end, NULL);
  }
  if (!g_utf8_validate(subject, -1, NULL))
    return FALSE;
  g_autofree char *folded = NULL;
  if (ascii) {
    /* ASCII folds to its lower case: the common case, done without tables. */
    folded = g_ascii_strdown(subject, end - subject);
  } else {
    g_autofree char *start = g_strndup(subject, end - subject);
    folded = fold(start);
  }
  if (!folded)
    return FALSE;
  for (char **p = px->folded; *p; p++)
    if (g_str_has_prefix(folded, *p))
      return TRUE;
  return FALSE;
}
